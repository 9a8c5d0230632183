"""Reading the store into the app without ever making a key wait for it.

Everything proportional to the store (building the entries, the id -> entry
map, the counts, the search index) happens in the loading worker, and the
UI thread only swaps in what the worker built (``Session.take``). Even so
the worker competes with the UI thread for the interpreter: Python runs one
thread at a time, and a thread that asks for it back can wait a whole switch
interval each time, many times per key and per frame. So the core does the
work in steps (``reader.core.steps``) and, between them, the worker lets the
UI thread's event loop come round first (``Pacer``): when the loop is idle
that costs next to nothing, and when it is busy (a key, a frame) the worker
waits for it and then gives it as long again.

The other thing that stalls every thread is Python's cyclic garbage
collector, which walks every object alive: the worker loads with collection
off and freezes what it loaded (``reader.core.heap``).
"""

from __future__ import annotations

import asyncio
import threading
import time

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

