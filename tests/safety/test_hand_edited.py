"""A record edited by hand into the wrong type: named with its file, never a traceback, never written over."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from reader.core.store.layout import Layout
from tests.safety.conftest import snapshot

Cli = Callable[..., subprocess.CompletedProcess[bytes]]
ID = "2601.00001"

PAPER_DAMAGE = {
    "title null": ({"title": None}, "title is null, not text"),
    "authors a number": ({"authors": 7}, "authors is a number, not a list"),
    "an author a number": ({"authors": ["Ann Bee", 7]}, "authors is a list holding a number, not a list of text"),
    "a link without url": (
        {"links": [{"kind": "code"}]}, "links is a list holding a link without a text url, not a list of links"
    ),
    "upvotes as text": ({"upvotes": "12"}, "upvotes is text, not a number or null"),
}
STATE_DAMAGE = {
    "note a number": ({"note": 7}, "note is a number, not text"),
    "tags a string": ({"tags": "rl"}, "tags is text, not a list"),
    "status unknown": ({"status": "done"}, "status is text, not to-read or reading or read"),
    "starred as text": ({"starred": "yes"}, "starred is text, not true or false"),
}


def edit(path: Path, table: str, changes: dict[str, object]) -> None:
    """Change one record as a person with a text editor would: the JSON stays valid."""
    data = orjson.loads(path.read_bytes())
    data[table][ID] = {**data[table].get(ID, {}), **changes}
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2))


@pytest.fixture
def db(small_db: Path, cli: Cli) -> Path:
    path = small_db
    assert cli("mark", ID, "--star", "--db", str(path)).returncode == 0  # a state record to edit
    return path


@pytest.mark.parametrize("case", sorted(PAPER_DAMAGE))
def test_a_damaged_paper_record_is_named_and_nothing_is_written(db: Path, cli: Cli, case: str) -> None:
    changes, problem = PAPER_DAMAGE[case]
    edit(db, "papers", changes)
    before = snapshot(db.parent)
    expected = f"error: {db}: damaged record '{ID}': {problem}; run 'reader doctor'\n"
    for command in (["list"], ["show", ID], ["mark", ID, "--read"], ["note", ID, "typed"], ["export"]):
        result = cli(*command, "--db", str(db))
        assert (result.returncode, result.stderr.decode()) == (1, expected), command
    assert snapshot(db.parent) == before  # mark and note wrote nothing before they failed
    doctor = cli("doctor", "--db", str(db))
    assert doctor.returncode == 1
    assert f"problem: {db}: 1 records cannot be read: '{ID}': {problem}" in doctor.stdout.decode()


@pytest.mark.parametrize("case", sorted(STATE_DAMAGE))
def test_a_damaged_reading_state_is_named_and_nothing_is_written(db: Path, cli: Cli, case: str) -> None:
    changes, problem = STATE_DAMAGE[case]
    state = Layout(db).state
    edit(state, "state", changes)
    before = snapshot(db.parent)
    expected = f"error: {state}: damaged reading state '{ID}': {problem}; run 'reader doctor'\n"
    for command in (["list"], ["show", ID], ["mark", ID, "--read"], ["list", "--starred"]):
        result = cli(*command, "--db", str(db))
        assert (result.returncode, result.stderr.decode()) == (1, expected), command
    assert snapshot(db.parent) == before
    doctor = cli("doctor", "--db", str(db))
    assert doctor.returncode == 1
    assert f"problem: {state}: 1 records cannot be read: '{ID}': {problem}" in doctor.stdout.decode()


def test_an_import_never_merges_into_a_damaged_record(db: Path, cli: Cli, tmp_path: Path) -> None:
    edit(db, "papers", {"title": None})
    before = snapshot(db.parent)
    ids = tmp_path / "ids.txt"
    ids.write_text("2601.00002\n2601.00009\n")
    result = cli("import", str(ids), "--db", str(db))
    assert (result.returncode, result.stderr.decode()) == (
        1, f"error: {db}: damaged record '{ID}': title is null, not text; run 'reader doctor'\n"
    )
    assert snapshot(db.parent) == before
