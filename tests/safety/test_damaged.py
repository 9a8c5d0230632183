"""Promises 3 and 5: a damaged, foreign or newer store is refused and never written;
an older one is upgraded after a backup."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from reader.core.store.schema import SCHEMA_VERSION

Cli = Callable[..., subprocess.CompletedProcess[bytes]]

DAMAGED = {
    "truncated": (b'{"_meta": {"schema": {"version": 1, "kind": "papers"}}, "papers": {"a-1": {"ti',
                  "damaged store: not valid JSON"),
    "zero bytes": (b"", "damaged store: the file is empty"),
    "binary junk": (b"\x00\x01\x02garbage\xff", "damaged store: not valid JSON"),
    "a list": (b"[1, 2, 3]", "damaged store: not a table of records"),
    "records not objects": (b'{"_meta": {"schema": {"version": 1, "kind": "papers"}}, "papers": {"a": 3}}',
                            "damaged store: table 'papers' is not a set of records"),
    "the state kind": (b'{"_meta": {"schema": {"version": 1, "kind": "state"}}, "state": {}}',
                       "wrong schema: expected a reader papers file, found kind 'state', version 1"),
    "another tinydb file": (b'{"_default": {"1": {"name": "x"}}}',
                            "not a reader papers file (tables '_default', no schema record)"),
    "a newer reader": (b'{"_meta": {"schema": {"version": 99, "kind": "papers"}}, "papers": {}}',
                       f"written by a newer reader (schema 99; this one reads up to {SCHEMA_VERSION})"),
}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


CASES = [(case, ["list"]) for case in sorted(DAMAGED)] + [
    (case, command)
    for case in ("truncated", "a newer reader", "zero bytes")
    for command in (["mark", "a-1", "--read"], ["import", "PAGE"], ["note", "a-1", "x"])
]


@pytest.mark.parametrize(("case", "command"), CASES)
def test_a_damaged_papers_file_is_refused_and_left_alone(
    tmp_path: Path, cli: Cli, case: str, command: list[str]
) -> None:
    raw, problem = DAMAGED[case]
    db = tmp_path / "library.json"
    db.write_bytes(raw)
    page = Path(__file__).resolve().parents[2] / "reader" / "data" / "sample_page.txt"
    before = snapshot(tmp_path)
    args = [str(page) if a == "PAGE" else a for a in command]
    result = cli(*args, "--db", str(db))
    assert result.returncode == 1
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {db}: {problem}")
    assert lines[0].endswith(f"run 'reader doctor', or restore a backup from {db}.backups")
    assert snapshot(tmp_path) == before  # not a byte changed, nothing created beside it


def test_a_damaged_state_file_is_refused_too(tmp_path: Path, cli: Cli, make_store: Callable[..., list[str]]) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 2)
    state = tmp_path / "library.state.json"
    state.write_bytes(b'{"state": {"' + ids[0].encode() + b'": {"note": "half a no')
    before = snapshot(tmp_path)
    result = cli("note", ids[0], "new text", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.decode().startswith(f"error: {state}: damaged store: not valid JSON")
    assert snapshot(tmp_path) == before


def test_doctor_names_the_problem_and_changes_nothing(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "library.json"
    db.write_bytes(DAMAGED["truncated"][0])
    before = snapshot(tmp_path)
    result = cli("doctor", "--db", str(db))
    assert result.returncode == 1
    assert f"problem: {db}: damaged store: not valid JSON".encode() in result.stdout
    assert result.stderr.decode() == f"error: {db}: 1 problem(s) found; nothing was changed\n"
    assert snapshot(tmp_path) == before


def test_an_older_store_is_upgraded_after_a_backup(tmp_path: Path, cli: Cli) -> None:
    """Schema 0: files written before the schema record existed (same tables, no stamp)."""
    db = tmp_path / "library.json"
    papers = {"papers": {"old-paper-1a2b": {"title": "An old made-up paper", "abstract": "Old."}}}
    states = {"state": {"old-paper-1a2b": {"read": True, "note": "kept from the old days"}}}
    db.write_bytes(orjson.dumps(papers))
    (tmp_path / "library.state.json").write_bytes(orjson.dumps(states))
    old = snapshot(tmp_path)
    result = cli("show", "old-paper", "--json", "--db", str(db))
    assert result.returncode == 0, result.stderr
    [record] = orjson.loads(result.stdout)
    assert (record["title"], record["note"], record["read"]) == ("An old made-up paper", "kept from the old days", True)
    for name, kind in (("library.json", "papers"), ("library.state.json", "state")):
        data = orjson.loads((tmp_path / name).read_bytes())
        assert data["_meta"]["schema"] == {"version": SCHEMA_VERSION, "kind": kind}
    upgraded = orjson.loads(db.read_bytes())
    assert upgraded["papers"] == {"old-paper-1a2b": {"title": "An old made-up paper"}}
    assert upgraded["abstracts"] == {"old-paper-1a2b": {"abstract": "Old."}}  # schema 2 keeps them apart
    assert orjson.loads((tmp_path / "library.state.json").read_bytes())["state"] == states["state"]
    assert record["abstract"] == "Old."
    [backup] = sorted((tmp_path / "library.json.backups").iterdir())
    assert snapshot(backup) == old  # the pre-upgrade files, byte for byte


def test_restore_puts_a_backup_back_and_keeps_the_damaged_files(
    tmp_path: Path, cli: Cli, make_store: Callable[..., list[str]]
) -> None:
    db = tmp_path / "library.json"
    page = Path(__file__).resolve().parents[2] / "reader" / "data" / "sample_page.txt"
    ids = make_store(db, 3)
    assert cli("note", ids[0], "precious", "--db", str(db)).returncode == 0
    good = snapshot(tmp_path)
    assert cli("import", str(page), "--db", str(db)).returncode == 0  # keeps a backup of `good`
    [backup] = sorted((tmp_path / "library.json.backups").iterdir())
    db.write_bytes(b'{"papers": {')  # damaged
    listed = cli("doctor", "--db", str(db)).stdout.decode()
    assert f"restore {backup.name}" in listed
    result = cli("restore", backup.name, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert {name: (tmp_path / name).read_bytes() for name in ("library.json", "library.state.json")} == {
        name: good[name] for name in ("library.json", "library.state.json")
    }
    saved = [b for b in (tmp_path / "library.json.backups").iterdir() if b != backup]
    assert len(saved) == 1 and (saved[0] / "library.json").read_bytes() == b'{"papers": {'
    shown = cli("show", ids[0], "--json", "--db", str(db))
    assert orjson.loads(shown.stdout)[0]["note"] == "precious"
