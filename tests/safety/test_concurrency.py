"""Promise 2: two processes on one store never lose each other's changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.errors import StoreError
from reader.core.store import Store
from reader.core.store.layout import Layout, temp_prefix
from reader.core.store.store import LOCK_TIMEOUT

PER_PROCESS = 300


def test_two_processes_marking_300_papers_each_keep_all_600(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]], child: Callable[..., object]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 2 * PER_PROCESS)
    first = child(db, "marks", 0, PER_PROCESS)
    second = child(db, "marks", PER_PROCESS, 2 * PER_PROCESS)
    outputs = [proc.communicate(timeout=120) for proc in (first, second)]  # type: ignore[attr-defined]
    for proc, (out, err) in zip((first, second), outputs, strict=True):
        assert proc.returncode == 0, err  # type: ignore[attr-defined]
        assert len(out.split()) == PER_PROCESS + 1  # "ready" and one line per acknowledged mark
    store = Store(db)
    try:
        read = sorted(entry.id for entry in store.entries() if entry.state.read)
    finally:
        store.close()
    assert read == ids


def test_a_second_store_on_the_same_file_sees_the_other_ones_changes(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 3)
    window_a, window_b = Store(db), Store(db)
    try:
        assert [e.state.note for e in window_a.entries()] == ["", "", ""]
        assert window_a.changed_on_disk() is False
        window_b.set_state([ids[0]], note="written in window b")
        assert window_a.changed_on_disk() is True  # what the app polls to refresh
        window_a.set_state([ids[1]], starred=True)  # applied to the latest file, not a stale copy
        notes = {e.id: (e.state.note, e.state.starred) for e in window_b.entries()}
        assert notes == {ids[0]: ("written in window b", False), ids[1]: ("", True), ids[2]: ("", False)}
        # Window a's own write read b's note and replaced the file; a view of a has still not
        # shown that note, so the store must go on saying it changed until a reads it all.
        assert window_a.changed_on_disk() is True
        assert {e.id: e.state.note for e in window_a.entries()}[ids[0]] == "written in window b"
        assert window_a.changed_on_disk() is False
    finally:
        window_a.close()
        window_b.close()


def test_toggles_from_two_stores_interleave_without_a_lost_update(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    """Same size, same inode reuse, same second: the lock re-reads the file anyway."""
    db = tmp_path / "library.json"
    ids = make_store(db, 1)
    window_a, window_b = Store(db), Store(db)

    def toggle(window: Store) -> None:  # flips whatever the latest state on disk is
        window.update_states([ids[0]], lambda state: state.with_changes(starred=not state.starred))

    try:
        for _ in range(50):
            toggle(window_a)
            toggle(window_b)
            toggle(window_b)
        assert window_a.entry(ids[0]).state.starred is False
        toggle(window_a)
        assert window_b.entry(ids[0]).state.starred is True
    finally:
        window_a.close()
        window_b.close()


def test_a_writer_stopped_holding_the_lock_never_makes_a_reader_wait(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]], cli: Callable[..., object]
) -> None:
    """A writer suspended mid-write (SIGSTOP) holds the lock and has a temp file out: readers go on at once,
    and its temp file is left alone until the lock is free."""
    db = tmp_path / "library.json"
    ids = make_store(db, 3)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(Layout(db).lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        os.kill(holder.pid, signal.SIGSTOP)
        in_flight = tmp_path / (temp_prefix(db) + "in-flight")
        in_flight.write_bytes(b'{"papers": ')  # what the stopped writer was writing
        start = time.monotonic()
        done = cli("list", "--db", str(db))
        assert done.returncode == 0, done.stderr  # type: ignore[attr-defined]
        assert len(done.stdout.splitlines()) == len(ids)  # type: ignore[attr-defined]
        assert time.monotonic() - start < LOCK_TIMEOUT / 3
        assert in_flight.exists()  # maybe the writer's own: not ours to remove
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    Store(db).close()  # the lock is free now: what the killed writer left is removed
    assert not in_flight.exists()


HOLD_THE_LOCK = """
import fcntl, os, sys, threading
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
threading.Event().wait()
"""


def test_a_change_waits_for_the_lock_then_says_the_store_is_busy(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(Layout(db).lock)], stdout=subprocess.PIPE, text=True
    )
    store = Store(db)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = {path.name: path.read_bytes() for path in tmp_path.glob("*.json")}
        start = time.monotonic()
        with pytest.raises(StoreError, match="the store is busy"), store.locked(timeout=0.3):
            pass
        assert 0.3 <= time.monotonic() - start < 3
        assert {path.name: path.read_bytes() for path in tmp_path.glob("*.json")} == before
    finally:
        holder.kill()  # the system lets go of a dead process's lock
        holder.wait()
    store.set_state(ids, starred=True)
    assert store.entry(ids[0]).state.starred
    store.close()
