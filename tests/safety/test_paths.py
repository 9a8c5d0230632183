"""Promise 9: hostile ``--db`` paths get a clear error and nothing is created in
surprising places; a symlinked store is written through to its target."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import library
from reader.core.errors import StoreError
from reader.core.store import Store

Cli = Callable[..., subprocess.CompletedProcess[bytes]]


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda t: t, "is a directory; --db takes a file path"),
        (lambda t: t / "nowhere" / "library.json", f"directory {{t}}{os.sep}nowhere does not exist"),
        (lambda t: (t / "plain").write_text("x") and t / "plain" / "library.json", "{t}/plain is not a directory"),
        (lambda t: os.mkfifo(t / "pipe") or t / "pipe", "is not a regular file (a device, pipe or socket)"),
    ],
    ids=["directory", "missing parent", "file as parent", "fifo"],
)
def test_a_path_that_cannot_hold_a_store_is_refused(
    tmp_path: Path, cli: Cli, make: Callable[[Path], Path], problem: str
) -> None:
    db = make(tmp_path)
    before = tree(tmp_path)
    result = cli("mark", "x", "--read", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.decode() == f"error: {db}: {problem.format(t=tmp_path)}\n"
    assert tree(tmp_path) == before


def test_a_device_is_never_replaced() -> None:
    with pytest.raises(StoreError, match="not a regular file"):
        Store(Path(os.devnull))
    assert Path(os.devnull).is_char_device()


def test_a_dangling_symlink_is_refused_and_nothing_is_created(tmp_path: Path, cli: Cli) -> None:
    link = tmp_path / "library.json"
    link.symlink_to(tmp_path / "elsewhere" / "real.json")
    (tmp_path / "elsewhere").mkdir()
    before = tree(tmp_path)
    result = cli("note", "x", "hello", "--db", str(link))
    assert result.returncode == 1
    assert result.stderr.decode() == (
        f"error: {link}: is a symlink to {tmp_path / 'elsewhere' / 'real.json'}, which does not exist\n"
    )
    assert tree(tmp_path) == before


def test_a_symlinked_store_is_written_through_to_its_target(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    real_dir = tmp_path / "synced"
    real_dir.mkdir()
    ids = make_store(real_dir / "library.json", 2)
    link = tmp_path / "library.json"
    link.symlink_to(real_dir / "library.json")
    store = Store(link)
    try:
        store.set_state([ids[0]], note="through the link")
        library.import_parsed(store, [])  # nothing to import: no write
    finally:
        store.close()
    assert link.is_symlink()  # the link is still a link, not a copy that forks the store
    assert (real_dir / "library.state.json").is_file()  # the state lives beside the target
    assert not (tmp_path / "library.state.json").exists()
    assert Store(real_dir / "library.json").entry(ids[0]).state.note == "through the link"


def test_a_symlinked_state_file_stays_a_link(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    ids = make_store(tmp_path / "library.json", 1)
    Store(tmp_path / "library.json").set_state(ids, note="first")
    real = tmp_path / "kept" / "state.json"
    real.parent.mkdir()
    (tmp_path / "library.state.json").rename(real)
    (tmp_path / "library.state.json").symlink_to(real)
    Store(tmp_path / "library.json").set_state(ids, note="second")
    assert (tmp_path / "library.state.json").is_symlink()
    assert b"second" in real.read_bytes()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_store_is_refused(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "library.json"
    db.write_text("{}")
    db.chmod(0)
    result = cli("list", "--db", str(db))
    assert result.returncode == 1
    assert result.stderr.decode() == f"error: {db}: permission denied: cannot read the store\n"


def test_a_read_only_store_file_is_not_replaced(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    """chmod a-w on the file: respected even though the folder would let us replace it."""
    db = tmp_path / "library.json"
    ids = make_store(db, 1)
    Store(db).set_state(ids, note="before")
    state = tmp_path / "library.state.json"
    state.chmod(0o444)
    if os.access(state, os.W_OK):
        pytest.skip("root may write a read-only file")
    before = state.read_bytes()
    with pytest.raises(StoreError, match="change not saved: the store file is read-only"):
        Store(db).set_state(ids, note="after")
    assert state.read_bytes() == before
