"""Measure ``reader sync`` on a large library: one note edited here, sent, received on another machine.

    .venv/bin/python bench/sync.py                          # 100,000 papers, reading states on 100,000
    .venv/bin/python bench/sync.py --sizes 1000,10000 --edits 3

For each size: a store of that many papers (``bench/run.py``'s corpus) with a
reading state (a note and a tag) on ``--states`` of them, set up to sync with
a bare repository on this disk (a local remote), and a second store that takes
the library from it. Then ``--edits`` times: one paper's note changed on the
first store, ``reader sync`` there (it sends the note) and ``reader sync`` on the
second (it receives it), each timed as a whole command, as a user's shell runs
it, and in process; and how many bytes the remote and both repositories grew
by (the files' sizes, and the disk blocks ``du`` counts).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reader.core import library, sync
from reader.core.importers import ParsedFile
from reader.core.models import ReadingState
from reader.core.store import Store
from reader.core.store.files import write_atomically
from reader.core.store.records import now_iso

sys.path.insert(0, str(Path(__file__).parent))
from run import corpus, fmt, p95

TARGET = 2.0  # seconds for a note's sync, each side, at 100k papers


def size_of(folder: Path) -> tuple[int, int]:
    """The bytes of every file under ``folder``, and the disk blocks they take (as ``du`` counts them)."""
    files = blocks = 0
    for path in folder.rglob("*"):
        if path.is_file():
            found = path.stat()
            files += found.st_size
            blocks += found.st_blocks * 512
    return files, blocks


def timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def command(db: Path) -> float:
    """``reader sync`` as a whole process, with compiled modules cached as in a user's shell."""
    env = {k: v for k, v in os.environ.items() if k not in ("READER_DB", "READER_DEBUG")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reader", "--db", str(db), "sync"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def with_states(store: Store, ids: list[str]) -> None:
    """A note and a tag on each of ``ids``, in one write (``Store.set_state`` is made for a few papers at a time)."""
    stamp = now_iso()
    state = ReadingState(note="first reading: promising", tags=("to-check",), changed_at=stamp, note_at=stamp,
                         tags_at=stamp).to_dict()
    with store.locked():
        write_atomically(store.layout.state, store.state_file_with(dict.fromkeys(ids, state)))


def bench(size: int, states: int, edits: int, work: Path) -> list[str]:
    folder = work / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    here, there = Store(folder / "a" / "library.json"), Store(folder / "b" / "library.json")
    library.import_parsed(here, [ParsedFile(folder / "generated.txt", "hf-page", corpus(size))], backup=False)
    ids = here.ids()
    marked = ids[: min(states, len(ids))]
    with_states(here, marked)
    remote = folder / "remote.git"
    first = timed(lambda: sync.init(here, str(remote)))
    clone = timed(lambda: sync.init(there, str(remote)))
    store_bytes = sum(path.stat().st_size for path in here.layout.kept if path.exists())
    sizes = [size_of(remote), size_of(here.layout.sync), size_of(there.layout.sync)]
    rows = [
        f"\n## {size:,} papers, {len(marked):,} reading states (store files: {store_bytes / 1e6:.1f} MB)\n",
        f"first sync, sending the whole library: {fmt(first)}; a second machine taking it: {fmt(clone)}",
        f"remote after it: {sizes[0][0] / 1e6:.1f} MB in files ({sizes[0][1] / 1e6:.1f} MB on disk)\n",
        "| row | median | p95 | max | target | met |",
        "|---|---|---|---|---|---|",
    ]
    send, receive, send_cmd, receive_cmd = [], [], [], []
    growth: list[list[tuple[int, int]]] = [[], [], []]
    for number in range(edits):
        pid = ids[(2 * number) % len(ids)]
        here.set_state([pid], note=f"edit {number}: the ablation in table 2 is weaker than claimed")
        send.append(timed(lambda: sync.sync(here)))
        receive.append(timed(lambda: sync.sync(there)))
        assert there.entry(pid).state.note.startswith(f"edit {number}:")
        pid = ids[(2 * number + 1) % len(ids)]
        before = [size_of(remote), size_of(here.layout.sync), size_of(there.layout.sync)]
        here.set_state([pid], note=f"edit {number}: a second look at the proof")
        send_cmd.append(command(here.path))
        receive_cmd.append(command(there.path))
        after = [size_of(remote), size_of(here.layout.sync), size_of(there.layout.sync)]
        assert there.entry(pid).state.note == f"edit {number}: a second look at the proof"
        for place, (old, new) in enumerate(zip(before, after, strict=True)):
            growth[place].append((new[0] - old[0], new[1] - old[1]))
    for name, values in (("`reader sync` sending one note (whole command)", send_cmd),
                         ("`reader sync` receiving it on the other store (whole command)", receive_cmd),
                         ("sync sending one note (in process)", send),
                         ("sync receiving it (in process)", receive)):
        met = "yes" if max(values) <= TARGET else "NO"
        rows.append(f"| {name} | {fmt(statistics.median(values))} | {fmt(p95(values))} | {fmt(max(values))} | "
                    f"≤ {TARGET:.0f} s | {met if size >= 100_000 else '-'} |")
    rows.append("\n| repository | grew per note (bytes of files, median) | on disk (median) |")
    rows.append("|---|---|---|")
    for place, name in enumerate(("the remote", "the sending store's repository", "the receiving store's repository")):
        rows.append(f"| {name} | {statistics.median(g[0] for g in growth[place]):,.0f} B | "
                    f"{statistics.median(g[1] for g in growth[place]):,.0f} B |")
    here.close()
    there.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated library sizes")
    parser.add_argument("--states", type=int, default=None, help="papers with a reading state (default: all)")
    parser.add_argument("--edits", type=int, default=5, help="notes edited and synced per size")
    parser.add_argument("--work", type=Path, default=None, help="where the stores go (default: a temp folder)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="reader-sync-bench-"))
    print(f"git: {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"{os.cpu_count()} cores; stores in {work}")
    for size in (int(value) for value in args.sizes.split(",")):
        print("\n".join(bench(size, size if args.states is None else args.states, args.edits, work)), flush=True)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
