"""An export never replaces a file of the store it reads: not the papers, the state, a backup, nor a link to one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.store.layout import Layout
from tests.safety.conftest import clean_env, snapshot

Cli = Callable[..., subprocess.CompletedProcess[bytes]]
REFUSED = "is a file of the store itself: an export never replaces it; choose another name"


@pytest.fixture
def db(small_db: Path, cli: Cli) -> Path:
    path = small_db
    assert cli("mark", "2601.00001", "--star", "--db", str(path)).returncode == 0
    assert cli("delete", "2601.00002", "--yes", "--db", str(path)).returncode == 0  # makes a backup
    return path


def targets(db: Path) -> dict[str, Path]:
    layout = Layout(db)
    (backup,) = layout.backups.iterdir()
    link = db.parent.parent / "link-to-library.json"
    link.symlink_to(db)
    hard = db.parent.parent / "hard-link.json"
    os.link(db, hard)
    return {
        "the papers file": db, "the state file": layout.state, "the places file": layout.places,
        "the lock": layout.lock, "a backup": backup / db.name, "a symlink to it": link, "a hard link to it": hard,
        "the papers file, by a relative path": Path(os.path.relpath(db)),
    }


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_an_export_onto_a_store_file_is_refused(db: Path, cli: Cli, fmt: str) -> None:
    for name, target in targets(db).items():
        before = snapshot(db.parent)
        result = cli("export", "--format", fmt, "-o", str(target), "--db", str(db))
        assert (result.returncode, result.stderr.decode()) == (1, f"error: {target}: {REFUSED}\n"), name
        assert snapshot(db.parent) == before, name
    notes = db.parent / "notes.md"  # beside the store, a file of its own: fine
    assert cli("export", "-o", str(notes), "--db", str(db)).returncode == 0
    assert notes.read_text().startswith("# Reading notes")


def test_an_export_appended_to_the_store_is_refused_before_a_byte(db: Path) -> None:
    before = db.read_bytes()
    with db.open("ab") as out:  # reader export >> library.json
        result = subprocess.run([sys.executable, "-m", "reader", "export", "--db", str(db)], stdout=out,
                                stderr=subprocess.PIPE, env=clean_env(), timeout=60)
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"error: {db}: the output is a file of the store itself: an export never writes into it\n"
    )
    assert db.read_bytes() == before
