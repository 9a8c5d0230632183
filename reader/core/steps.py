"""Long work in the core, done in steps: the caller decides what happens between them.

Building entries or a search index for 100k papers takes seconds. The core
writes such work as a generator that yields between its steps and returns
its result; a command runs it straight through (``finish``), and the app's
worker gives the UI thread its turn at each step (``finish(steps, pause)``).
The core never knows there is a UI.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

T = TypeVar("T")
Steps = Generator[None, None, T]


def finish(steps: Steps[T], between: Callable[[], None] | None = None) -> T:
    """Run ``steps`` to the end, calling ``between`` at each step; its result."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        if between is not None:
            between()
