"""Parse the items of one big file on two cores, with the same result as on one.

A daily-papers JSON file of 100k items takes seconds to turn into papers,
and each item is parsed on its own. So, for a long list on a machine with a
second core, a forked child parses the tail of the list while this process
parses the head; the child sends its papers back pickled, and they are put
after the head's, in order.

Nothing about the result depends on the split: when the child fails in any
way (an item that raises, a crash, a broken pipe), this process parses the
tail itself, so the papers, and the first error with the item it names, are
exactly those of a plain loop. The fork happens only while this is the only
thread (forking beside other threads can leave locks held in the child), on
systems that have ``os.fork``; the child never returns into the caller.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar

from reader.core.models import ParsedPaper

Item = TypeVar("Item")
ParseItem = Callable[[Item, int, Path], ParsedPaper]

MIN_ITEMS = 20_000  # below this the fork and the pickling cost about what they save
HEAD_SHARE = 0.55  # the child also pickles its papers, and this process unpickles them
_FIELDS = attrgetter(*(spec.name for spec in fields(ParsedPaper)))


def parse_items(
    parse: ParseItem[Item], items: Sequence[Item], path: Path, *, min_items: int | None = None
) -> list[ParsedPaper]:
    """``[parse(item, number, path) for number, item in enumerate(items, start=1)]``, maybe on two cores.

    Lists shorter than ``min_items`` (default ``MIN_ITEMS``) are parsed here alone.
    """
    if len(items) < max(MIN_ITEMS if min_items is None else min_items, 2) or not _can_fork():
        return _parse_range(parse, items, path, 0, len(items))
    split = max(1, int(len(items) * HEAD_SHARE))
    try:
        child, pipe = _fork_tail(parse, items, path, split)
    except OSError:  # no process or pipe to spare: one core it is
        return _parse_range(parse, items, path, 0, len(items))
    tail: list[ParsedPaper] | None = None
    answered = False
    try:
        head = _parse_range(parse, items, path, 0, split)
        tail, answered = _receive(pipe), True
    finally:
        _end(child, pipe, stop=not answered)
    if tail is None or len(tail) != len(items) - split:
        tail = _parse_range(parse, items, path, split, len(items))  # the same papers or the same error
    return head + tail


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and len(_cores()) >= 2


def _cores() -> set[int]:
    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not Linux
        return set(range(os.cpu_count() or 1))


def _parse_range(parse: ParseItem[Item], items: Sequence[Item], path: Path, start: int, stop: int) -> list[ParsedPaper]:
    return [parse(items[index], index + 1, path) for index in range(start, stop)]


def _fork_tail(parse: ParseItem[Item], items: Sequence[Item], path: Path, split: int) -> tuple[int, int]:
    """Start the child that parses ``items[split:]``; its pid and the pipe it answers on."""
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # what is buffered now would otherwise be written twice
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the child: parse, send, and leave without running any of the parent's exit code
        status = 1
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            rows = [_FIELDS(paper) for paper in _parse_range(parse, items, path, split, len(items))]
            with os.fdopen(write_end, "wb") as out:
                out.write(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
            status = 0
        except BaseException:  # any failure: the parent parses the tail itself and meets it there
            pass
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _receive(pipe: int) -> list[ParsedPaper] | None:
    """The child's papers, or None when it sent none (it failed, or died)."""
    try:
        with os.fdopen(pipe, "rb", closefd=False) as source:
            data = source.read()
        rows: list[tuple[Any, ...]] = pickle.loads(data) if data else []
        return [ParsedPaper(*row) for row in rows] if data else None
    except Exception:  # a truncated or garbled answer is no answer
        return None


def _end(pid: int, pipe: int, *, stop: bool) -> None:
    """Close the pipe and reap the child; ``stop`` it first when its answer is no longer wanted."""
    os.close(pipe)
    try:
        if stop:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)  # it has closed the pipe: it is leaving, or gone
    except (ChildProcessError, ProcessLookupError):
        pass
