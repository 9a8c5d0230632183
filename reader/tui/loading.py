"""Reading the store into the app without ever making a key wait for it.

At 100,000 papers everything proportional to the store (building the
entries, the id -> entry map, the unread and starred counts, the search
index) happens in the loading worker. The UI thread only swaps in what the
worker built, and then replays the few changes the user made meanwhile
(``Journal``): the worker reads the store once, at its start, so a paper
marked read during the load would otherwise come back unread.

Even so the worker competes with the UI thread for the interpreter: Python
runs one thread at a time, and a thread that asks for it back waits up to
the switch interval (5 ms) each time, many times per key and per frame.
So the worker works in small steps and, between them, lets the UI thread's
event loop come round first (``Pacer``): when the loop is idle that costs
well under a millisecond, and when it is busy (a key, a frame) the worker
waits for it and then gives it as long again.

The other thing that stalls every thread is Python's cyclic garbage
collector: a full collection walks every object alive (about a million at
100k papers) in 0.2-0.5 s and holds the interpreter meanwhile, and loading
allocates enough to start several of them. ``quiet_heap`` turns collection
off for the load and then freezes what was loaded (``gc.freeze``): those
objects stay out of every later collection, which then only walks what the
app makes afterwards. Frozen objects are still freed as usual when nothing
refers to them; ``thaw_heap`` gives them back to the collector when the app
ends.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import attrgetter, not_

from reader.core.models import Entry

_ids = attrgetter("paper.id")  # C-level attribute access: no Python frame per paper
_read = attrgetter("state.read")
_starred = attrgetter("state.starred")


def unread_starred(entries: Sequence[Entry]) -> tuple[int, int]:
    """How many of ``entries`` are unread and how many starred (what the status line shows)."""
    return sum(map(not_, map(_read, entries))), sum(map(_starred, entries))


@dataclass
class Loaded:
    """Entries by id in store order, with their counts: built in the worker, swapped in by the UI thread."""

    entries: dict[str, Entry] = field(default_factory=dict)
    unread: int = 0
    starred: int = 0

    def add(self, batch: list[Entry]) -> None:
        self.entries.update(zip(map(_ids, batch), batch, strict=True))
        unread, starred = unread_starred(batch)
        self.unread += unread
        self.starred += starred

    def put(self, paper_id: str, entry: Entry | None) -> None:
        """Replace (or add, or with None remove) one paper, keeping the counts right."""
        old = self.entries.pop(paper_id, None) if entry is None else self.entries.get(paper_id)
        if old is not None:
            self.unread -= not old.state.read
            self.starred -= old.state.starred
        if entry is not None:
            self.entries[paper_id] = entry  # an existing key keeps its place in the order
            self.unread += not entry.state.read
            self.starred += entry.state.starred


class Journal:
    """What the user changed since a load began: each paper's newest entry, None for a deleted one.

    The load's result is older than these changes (the store was read at its
    start), so they are replayed onto it: a few papers, never the whole store.
    """

    def __init__(self) -> None:
        self.changes: dict[str, Entry | None] = {}

    def record(self, paper_id: str, entry: Entry | None) -> None:
        self.changes.pop(paper_id, None)  # the newest change goes last
        self.changes[paper_id] = entry

    def replay(self, loaded: Loaded) -> None:
        for paper_id, entry in self.changes.items():
            loaded.put(paper_id, entry)


BUSY = 0.002  # seconds: a UI loop that took longer than this to answer was busy
MAX_GIVE = 0.05  # the longest a worker pauses for a busy UI thread at one time
ANSWER_LIMIT = 1.0  # a UI loop that does not answer within this (shutting down): carry on


class Pacer:
    """Called between the steps of a worker: gives way to the UI thread whenever it has work to do."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.waited = 0.0  # seconds spent giving way, for measurements

    def __call__(self) -> None:
        answered = threading.Event()
        start = time.perf_counter()
        try:
            self._loop.call_soon_threadsafe(answered.set)
        except RuntimeError:  # the loop is closed: the app is gone
            return
        answered.wait(ANSWER_LIMIT)
        took = time.perf_counter() - start
        if took > BUSY:
            time.sleep(min(took, MAX_GIVE))  # it was busy: most likely it still is (the next key, a frame)
            took += min(took, MAX_GIVE)
        self.waited += took

