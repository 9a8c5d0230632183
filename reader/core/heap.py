"""Python's cyclic garbage collector, held off while many small objects are made.

Parsed records and entries hold no cycles, but every few hundred new objects
start a collection that walks everything alive; at 100k papers that was
half the time of reading a store or building its index. One helper for every
such place; ``freeze`` leaves what was loaded out of later collections.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused(freeze: Callable[[], bool] | None = None) -> Iterator[None]:
    """No cyclic collection inside; with ``freeze``, and if it says yes, what was made is frozen.

    Freezing happens before collection resumes: everything made inside is
    still in the youngest generation, and the first collection would walk it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze is not None and freeze():
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def freeze() -> None:
    """Leave every object alive now out of later collections (``thaw`` gives them back)."""
    gc.freeze()


def thaw() -> None:
    gc.unfreeze()
