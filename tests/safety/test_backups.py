"""Backups are as private as the store they copy, and restoring one never lets the rotation delete it."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

from reader.core.store.layout import Layout

Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def ids_file(folder: Path, number: int) -> Path:
    path = folder / f"ids{number}.txt"
    path.write_text(f"2501.{number:05d}\n")
    return path


def test_backups_keep_the_stores_permissions(tmp_path: Path, make_store: Callable[[Path, int], list[str]],
                                              cli: Cli) -> None:
    db = tmp_path / "store" / "library.json"
    db.parent.mkdir()
    make_store(db, 3)
    assert cli("mark", "2601.00001", "--star", "--db", str(db)).returncode == 0
    state = Layout(db).state
    os.chmod(db, 0o600)
    os.chmod(state, 0o600)
    old_umask = os.umask(0o022)
    try:
        assert cli("import", str(ids_file(tmp_path, 1)), "--db", str(db)).returncode == 0
        assert cli("delete", "2601.00002", "--yes", "--db", str(db)).returncode == 0
    finally:
        os.umask(old_umask)
    backups = sorted(Layout(db).backups.iterdir())
    assert len(backups) == 2
    for backup in backups:
        assert mode(backup) == 0o700
        assert {p.name: mode(p) for p in backup.iterdir()} == {db.name: 0o600, state.name: 0o600}
    assert (mode(db), mode(state)) == (0o600, 0o600)  # and the store itself stays as it was made


def test_restoring_the_oldest_backup_keeps_it(tmp_path: Path, make_store: Callable[[Path, int], list[str]],
                                              cli: Cli) -> None:
    db = tmp_path / "store" / "library.json"
    db.parent.mkdir()
    make_store(db, 1)
    for number in range(6):  # the rotation keeps five
        assert cli("import", str(ids_file(tmp_path, number)), "--db", str(db)).returncode == 0
    backups = sorted(Layout(db).backups.iterdir())
    assert len(backups) == 5
    oldest = backups[0]
    oldest_bytes = (oldest / db.name).read_bytes()
    result = cli("restore", oldest.name, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert oldest.is_dir() and (oldest / db.name).read_bytes() == oldest_bytes
    assert db.read_bytes() == oldest_bytes
    assert oldest.name in cli("doctor", "--db", str(db)).stdout.decode()
    again = cli("restore", oldest.name, "--db", str(db))  # it can be restored again
    assert again.returncode == 0, again.stderr
    assert oldest.is_dir()
