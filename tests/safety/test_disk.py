"""Promise 4: a full disk or a read-only store: the change is refused with a clear
message, the old store is intact, and the store keeps reading what is on disk.

The real small file systems need root (tmpfs mounts); without it those tests
skip, and the RLIMIT_FSIZE test (a file-size limit in a child process) still
exercises a write that fails part-way."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader.core.errors import StoreError
from reader.core.store import Store

Cli = Callable[..., subprocess.CompletedProcess[bytes]]


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def fill(folder: Path) -> Path:
    """Fill the file system until a write fails with ENOSPC."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.name != "filler"}


def test_a_full_disk_refuses_the_change_and_keeps_the_old_store(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]], cli: Cli
) -> None:
    with tmpfs(tmp_path / "small", "256k") as small:
        db = small / "library.json"
        ids = make_store(db, 20)
        store = Store(db)
        try:
            store.set_state([ids[0]], note="saved before the disk filled")
            filler = fill(small)
            before = files(small)
            with pytest.raises(StoreError) as failure:
                store.set_state([ids[0]], note="x" * 20000)
            assert str(failure.value) == (
                f"{small / 'library.state.json'}: change not saved: No space left on device; "
                "the store on disk is unchanged"
            )
            assert files(small) == before
            assert store.entry(ids[0]).state.note == "saved before the disk filled"  # no unsaved cache
            result = cli("note", ids[1], "y" * 20000, "--db", str(db))
            assert result.returncode == 1
            assert result.stderr.decode().startswith(f"error: {small / 'library.state.json'}: change not saved")
            assert len(result.stderr.splitlines()) == 1
            assert files(small) == before
            assert list(small.glob(".reader-tmp-*")) == []  # the failed temp file was removed
            filler.unlink()
            store.set_state([ids[0]], note="saved again")
            assert Store(db).entry(ids[0]).state.note == "saved again"
        finally:
            store.close()


def test_a_read_only_file_system_still_reads_and_refuses_changes(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]], cli: Cli
) -> None:
    with tmpfs(tmp_path / "ro", "1m") as folder:
        db = folder / "library.json"
        ids = make_store(db, 5)
        Store(db).set_state([ids[0]], note="written while writable")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        before = files(folder)
        listed = cli("list", "--db", str(db))
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 5
        store = Store(db)
        assert store.read_only is not None
        with pytest.raises(StoreError, match=r"change not saved: cannot create the lock file .*Read-only"):
            store.set_state([ids[0]], note="not saved")
        assert store.entry(ids[0]).state.note == "written while writable"
        marked = cli("mark", ids[1], "--read", "--db", str(db))
        assert marked.returncode == 1
        assert "change not saved" in marked.stderr.decode()
        assert files(folder) == before


CHILD = """
import resource, sys
from pathlib import Path
from reader.core.errors import StoreError
from reader.core.store import Store
store = Store(Path(sys.argv[1]))
limit = store.layout.state.stat().st_size + 1000
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    store.set_state([sys.argv[2]], note="z" * 50000)
except StoreError as exc:
    print(exc)
    print(store.entry(sys.argv[2]).state.note)
"""


def test_a_file_size_limit_mid_write_keeps_the_old_store(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 5)
    store = Store(db)
    store.set_state([ids[0]], note="the old note")
    store.close()
    before = files(tmp_path)
    result = subprocess.run([sys.executable, "-c", CHILD, str(db), ids[0]], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'library.state.json'}: change not saved: File too large; the store on disk is unchanged",
        "the old note",
    ]
    assert files(tmp_path) == before
