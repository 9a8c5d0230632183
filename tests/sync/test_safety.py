"""A sync that fails or is killed leaves the store as it was or as after the sync, never half."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core import sync
from reader.core.doctor import diagnose
from reader.core.errors import StoreError
from reader.core.store import Store, staged
from reader.core.store.layout import Layout
from tests.safety.conftest import clean_env
from tests.sync.conftest import PAPERS, Machine, ids, import_into, made_up, settle

SEED = 20260301
ROUNDS = 12


def store_bytes(store: Store) -> dict[str, bytes]:
    """The store's own files, byte for byte."""
    return {path.name: path.read_bytes() for path in store.layout.kept if path.exists()}


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", "--db", str(db), *args],
                          capture_output=True, text=True, env=clean_env(), timeout=120)


@pytest.mark.parametrize("url", ["{tmp}/gone.git", "https://127.0.0.1:9/library.git"])
def test_an_unreachable_remote_is_one_line_and_the_store_unchanged(
    pair: tuple[Machine, Machine], tmp_path: Path, url: str
) -> None:
    a, _ = pair
    a.set(ids()[0], note="not sent yet")
    subprocess.run(["git", "--git-dir", str(a.store.layout.sync), "remote", "set-url", "origin",
                    url.format(tmp=tmp_path)], check=True)
    before = store_bytes(a.store)
    done = cli(a.store.path, "sync")
    assert done.returncode == 1, done.stdout
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "cannot fetch from the remote" in lines[0]
    assert "Traceback" not in done.stderr
    assert store_bytes(a.store) == before


def test_a_sync_never_runs_while_another_writer_holds_the_lock(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    b.set(ids()[0], note="from b")
    b.sync()
    holder = Store(a.store.path)
    before = store_bytes(a.store)
    head = sync.run.Repo(a.store.layout).head
    try:
        with holder.locked(), pytest.raises(StoreError, match="busy"):
            sync.sync(a.store, lock_timeout=0.2)
        assert store_bytes(a.store) == before and sync.run.Repo(a.store.layout).head == head
    finally:
        holder.close()
    a.sync()
    assert a.entries()[ids()[0]].state.note == "from b"


def test_a_sync_stopped_after_its_files_were_ready_is_finished_by_the_next_open(
    pair: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    b.set(ids()[0], note="from b")
    import_into(b.store, made_up(2, start=40))
    b.sync()
    a.set(ids()[1], note="from a")

    def killed(layout: Layout) -> bool:
        raise KeyboardInterrupt  # stands for a kill between "ready" and moving the files in

    monkeypatch.setattr("reader.core.sync.apply.staged.roll_forward", killed)
    with pytest.raises(KeyboardInterrupt):
        a.sync()
    monkeypatch.undo()
    assert staged.is_ready(a.store.layout) is not None
    warnings = [finding.message for finding in diagnose(a.store.path).findings if finding.level == "warning"]
    assert any("stopped while it moved" in message for message in warnings)
    reopened = Machine(Store(a.store.path))  # any command's open finishes the move, whole
    entries = reopened.entries()
    assert entries[ids()[0]].state.note == "from b" and entries[ids()[1]].state.note == "from a"
    assert "2602.00040" in entries
    a.sync()
    settle(a, b)
    assert staged.is_ready(a.store.layout) is None
    assert b.entries()[ids()[1]].state.note == "from a"
    assert len(b.entries()) == PAPERS + 2 and "<<<<<<<" not in str(b.entries()[ids()[0]].state.note)


def test_doctor_checks_the_repository(pair: tuple[Machine, Machine]) -> None:
    a, _ = pair
    assert not diagnose(a.store.path).problems
    objects = a.store.layout.sync / "objects"
    packs = sorted((objects / "pack").glob("*.pack")) + sorted(p for p in objects.glob("??/*"))
    for found in packs:
        found.chmod(0o644)
        found.write_bytes(b"damaged")
    report = diagnose(a.store.path)
    assert any("repository is damaged" in finding.message for finding in report.problems)


def test_sync_killed_at_random_points_then_rerun_loses_and_repeats_nothing(pair: tuple[Machine, Machine]) -> None:
    """Each round: acknowledged edits on both machines, then a sync of each killed at a random moment.

    After every kill the store opens whole and holds every change acknowledged
    on that machine; after the syncs are run to the end, both hold every change,
    each imported paper once, and no note in conflict with itself.
    """
    a, b = pair
    rng = random.Random(SEED)
    latest: dict[str, dict[str, str]] = {"a": {}, "b": {}}  # per machine: paper -> its last acknowledged note
    imported: list[str] = []
    mid_run = 0
    started = time.monotonic()
    for round_number in range(ROUNDS):
        assert time.monotonic() - started < 90, "the kill loop is bounded"
        for side, each in (("a", a), ("b", b)):
            pid = ids()[(round_number * 2 + (side == "b")) % PAPERS]  # a edits even papers, b odd ones
            each.set(pid, note=f"{side} round {round_number}")
            latest[side][pid] = f"{side} round {round_number}"
            if round_number % 3 == 0:
                paper = made_up(1, start=200 + round_number * 2 + (side == "b"), prefix=f"Imported on {side}")[0]
                import_into(each.store, [paper], name=f"{side}{round_number}.txt")
                imported.append(paper.title)
        for side, each in (("a", a), ("b", b)):
            proc = subprocess.Popen([sys.executable, "-m", "reader", "--db", str(each.store.path), "sync"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
            time.sleep(rng.uniform(0.05, 0.5))
            if proc.poll() is None:
                mid_run += 1
            proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode in (0, -signal.SIGKILL), err.decode()
            entries = each.entries()  # the store opens whole after any kill
            assert {pid: entries[pid].state.note for pid in latest[side]} == latest[side]
    settle(a, b)
    for each in (a, b):
        entries = each.entries()
        for side in ("a", "b"):
            assert {pid: entries[pid].state.note for pid in latest[side]} == latest[side]
        titles = [entry.paper.title for entry in entries.values()]
        assert sorted(title for title in titles if title.startswith("Imported")) == sorted(imported)
        assert len(titles) == len(set(titles)) == PAPERS + len(imported)
        assert not any(entry.state.conflict for entry in entries.values())
    assert sync.status(a.store).to_send.total == 0 and sync.status(b.store).to_receive.total == 0
    print(f"{mid_run} kills hit a running sync")
    assert mid_run >= 8, f"only {mid_run} kills hit a running sync"
