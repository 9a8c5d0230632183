"""Promise 1: an acknowledged change survives SIGKILL at any moment.

A child process changes the store and prints each change's number after
``Store`` returned. We kill it at random (seeded) moments, many times, and
after each kill the store must open, parse, and hold every acknowledged
change: the note of every paper is the last acknowledged one or the one that
was in flight, and every acknowledged import is there.
"""

from __future__ import annotations

import random
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from reader.core.store import Store
from reader.core.store.layout import Layout

TOTAL = 600
IMPORT_EVERY = 40  # as in child_writer.py
SEED = 20240229


def acknowledged(stdout: str) -> list[int]:
    """Numbers the child printed in full (a line cut by the kill does not count)."""
    lines = stdout.split("\n")[:-1]
    assert lines and lines[0] == "ready", stdout[:200]
    return [int(line) for line in lines[1:]]


def check_store(db: Path, ids: list[str], last_ack: dict[str, int], imports: set[int], attempted: int) -> None:
    store = Store(db)  # raises if a file is torn
    try:
        assert Layout(db).stale_temp_files() == []  # opening cleaned what the kill left
        for backup in store.backups():  # a kill mid-backup never leaves a torn backup listed
            for file in backup.iterdir():
                assert isinstance(orjson.loads(file.read_bytes()), dict), file
        entries = {entry.id: entry for entry in store.entries()}
        for pid, number in last_ack.items():
            match = re.fullmatch(r"change (\d+)", entries[pid].state.note)
            assert match, (pid, entries[pid].state.note)
            assert number <= int(match.group(1)) <= attempted, (pid, number, entries[pid].state.note)
        titles = {entry.paper.title for entry in entries.values()}
        missing = [n for n in imports if f"Crash-loop import number {n}" not in titles]
        assert missing == []
        assert all(pid in entries for pid in ids)
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_change(
    tmp_path: Path, make_store: Callable[[Path, int], list[str]], child: Callable[..., object]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 60)
    rng = random.Random(SEED)
    last_ack: dict[str, int] = {}
    imports: set[int] = set()
    next_number, kills_mid_run, started = 0, 0, time.monotonic()
    while next_number < TOTAL:
        assert time.monotonic() - started < 180, "the kill loop is bounded (a busy machine can take a minute)"
        proc = child(db, "notes", next_number, TOTAL)
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.08))
        if proc.poll() is None:
            kills_mid_run += 1
        proc.send_signal(signal.SIGKILL)
        # Read through the same text stream as the "ready" line: communicate() would read
        # the raw pipe and miss lines that readline() already buffered.
        out = proc.stdout.read()
        err = proc.stderr.read() if proc.stderr is not None else ""
        proc.wait(timeout=30)
        assert proc.returncode in (0, -signal.SIGKILL), err
        done = acknowledged("ready\n" + out)
        assert done == list(range(next_number, next_number + len(done)))
        for number in done:
            last_ack[ids[number % len(ids)]] = number
            if number % IMPORT_EVERY == 0:
                imports.add(number)
        attempted = next_number + len(done)  # the change in flight may have landed, unacknowledged
        check_store(db, ids, last_ack, imports, attempted)
        next_number = attempted
    print(f"{kills_mid_run} kills of a running writer, {TOTAL} acknowledged changes")
    assert kills_mid_run >= 15, f"only {kills_mid_run} kills hit a running writer"
    assert len(imports) == TOTAL // IMPORT_EVERY
