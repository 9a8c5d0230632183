"""What is not a regular file, or is too big to read whole, is refused before it can hang or eat memory.

(The search-index cache, which a crafted file could make claim huge arrays, is checked in tests/core/test_search.py.)
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.importers import MAX_BYTES, read_file
from reader.core.inputs import read_limited
from tests.safety.conftest import snapshot

Cli = Callable[..., subprocess.CompletedProcess[bytes]]
NOT_REGULAR = "not a regular file (a pipe, device or socket): save it to a file first"
DEVICES = [pytest.param(Path(name), id=name) for name in ("/dev/zero", "/dev/urandom") if Path(name).exists()]


@pytest.fixture
def db(small_db: Path) -> Path:
    return small_db


def test_a_fifo_as_an_import_file_is_refused_at_once(tmp_path: Path, db: Path, cli: Cli) -> None:
    fifo = tmp_path / "papers.txt"
    os.mkfifo(fifo)
    before = snapshot(db.parent)
    result = cli("import", str(fifo), "--db", str(db))  # no writer ever opens it: reading would wait forever
    assert result.returncode == 1
    assert result.stderr.decode() == f"error: {fifo}: {NOT_REGULAR}\n"
    assert snapshot(db.parent) == before
    folder = tmp_path / "inbox"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "ids.txt").write_text("2401.00001\n")
    assert cli("import", str(folder), "--db", str(db)).returncode == 0  # a FIFO inside a folder is passed over


@pytest.mark.parametrize("device", DEVICES)
def test_endless_devices_are_refused_as_imports_and_templates(device: Path, db: Path, cli: Cli) -> None:
    before = snapshot(db.parent)
    result = cli("import", str(device), "--db", str(db))
    assert (result.returncode, result.stderr.decode()) == (1, f"error: {device}: {NOT_REGULAR}\n")
    result = cli("export", "--template", str(device), "--db", str(db))
    assert (result.returncode, result.stderr.decode()) == (1, f"error: {device}: {NOT_REGULAR}\n")
    link = db.parent.parent / "looks-like-a-file.md"
    link.symlink_to(device)
    result = cli("export", "--template", str(link), "--db", str(db))
    assert (result.returncode, result.stderr.decode()) == (1, f"error: {link}: {NOT_REGULAR}\n")
    assert snapshot(db.parent) == before


def test_reads_stop_at_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"2401.00001\n" * 200)
    with pytest.raises(InputError, match=r"too large \(0 MB; the limit is 0 MB\)"):
        read_limited(big, 1000)
    assert read_limited(big, 2200) == big.read_bytes()
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk is used
        handle.truncate(MAX_BYTES + 1)
    with pytest.raises(InputError, match=r"too large \(200 MB; the limit is 200 MB\)"):
        read_file(huge)


def test_a_folder_import_has_a_total_cap(tmp_path: Path, db: Path, cli: Cli) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for number in range(3):  # 150 MB each, under the cap for one file; sparse, so nothing is written
        with (folder / f"part{number}.json").open("wb") as handle:
            handle.truncate(150 * 1024 * 1024)
    before = snapshot(db.parent)
    result = cli("import", str(folder), "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"error: {folder}: 3 files of 450 MB in all: more than the 400 MB one import reads; import them in parts\n"
    )
    assert snapshot(db.parent) == before
