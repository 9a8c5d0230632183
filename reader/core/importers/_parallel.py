"""Parse the items of one big file on two cores, with the same result as on one.

A daily-papers JSON file of 100k items takes seconds to turn into papers,
and each item is parsed on its own. So, for a long list on a machine with a
second core, this process forks a child and both take chunks of the list
from one queue (a pipe holding the chunk numbers, read a few bytes at a
time, which the kernel hands out to one reader each). The child writes the
papers of each chunk it parsed to a temporary file, pickled; this process
keeps its own, and at the end puts every chunk back in order. The queue
keeps both busy to the end, so a child slowed by other work on the machine
costs little: this process just takes more chunks.

Nothing about the result depends on the split: a chunk the child did not
deliver (an item that raised, a crash, a kill) is parsed here, in order,
so the papers, and the first error with the item it names, are exactly
those of a plain loop. The fork happens only while this is the only thread
(forking beside other threads can leave locks held in the child), on
systems that have ``os.fork``, and when the machine has a second core that
other work has left idle; the child never returns into the caller.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import IO, TypeVar

from reader.core.models import ParsedPaper

Item = TypeVar("Item")
ParseItem = Callable[[Item, int, Path], ParsedPaper]
Progress = Callable[[int, int], None]  # items read so far, items in all

MIN_ITEMS = 20_000  # below this the fork and the pickling cost about what they save
CHUNK = 1_000  # items per claim: small enough that neither process waits long for the other at the end
_TOKEN = 4  # bytes per chunk number in the queue
_FIELDS = attrgetter(*(spec.name for spec in fields(ParsedPaper)))


def parse_items(
    parse: ParseItem[Item],
    items: Sequence[Item],
    path: Path,
    *,
    min_items: int | None = None,
    chunk: int = CHUNK,
    second_core: bool | None = None,
    progress: Progress | None = None,
) -> list[ParsedPaper]:
    """``[parse(item, number, path) for number, item in enumerate(items, start=1)]``, maybe on two cores.

    Lists shorter than ``min_items`` (default ``MIN_ITEMS``) are parsed here
    alone; so is any list when ``second_core`` is False, or when it is None
    and the load average says the machine has no second core to spare.
    ``progress(done, total)`` hears about every chunk taken, in order.
    """
    chunks = [(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
    alone = len(items) < max(MIN_ITEMS if min_items is None else min_items, 2) or len(chunks) < 2
    if alone or not _can_fork() or not (second_core_idle() if second_core is None else second_core):
        return _one_core(parse, items, path, chunks, progress)
    with ExitStack() as resources:
        try:
            tokens = resources.enter_context(os.fdopen(_queue(len(chunks)), "rb", buffering=0))
            delivered = resources.enter_context(tempfile.TemporaryFile())
            child = _fork(lambda: _child(parse, items, path, chunks, tokens, delivered))
        except OSError:  # no pipe, temporary file or process to spare: one core it is
            return _one_core(parse, items, path, chunks, progress)
        done: dict[int, list[ParsedPaper]] = {}
        failed: tuple[int, Exception] | None = None
        try:
            while (number := _take(tokens)) is not None:
                if progress:  # the queue hands chunks out in order: all before this one are taken
                    progress(chunks[number][0], len(items))
                try:
                    done[number] = _parse_range(parse, items, path, *chunks[number])
                except Exception as exc:  # raised after the chunks before it, as a plain loop would
                    failed = (number, exc)
                    break
        except BaseException:  # Ctrl-C: the child's work is no longer wanted
            _reap(child, stop=True)
            raise
        _reap(child, stop=failed is not None)
        done.update(_delivered(delivered, done))
    papers: list[ParsedPaper] = []
    for number, (start, stop) in enumerate(chunks):
        if failed is not None and number == failed[0]:
            raise failed[1]
        papers += done.get(number) or _parse_range(parse, items, path, start, stop)
    if progress:
        progress(len(items), len(items))
    return papers


def _one_core(
    parse: ParseItem[Item], items: Sequence[Item], path: Path, chunks: list[tuple[int, int]], progress: Progress | None
) -> list[ParsedPaper]:
    if progress is None:
        return _parse_range(parse, items, path, 0, len(items))
    papers: list[ParsedPaper] = []
    for start, stop in chunks:
        progress(start, len(items))
        papers += _parse_range(parse, items, path, start, stop)
    progress(len(items), len(items))
    return papers


def _can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


def second_core_idle() -> bool:
    """Whether a second core has been left idle lately (by the one-minute load average).

    On a machine whose second core is busy the child only slows this process
    down: the two would share one core, and the child's papers still have to
    be unpickled here.
    """
    try:
        load = os.getloadavg()[0]
    except OSError:  # no load average to read: assume a quiet machine
        load = 0.0
    return len(_cores()) - load >= 1.5


def _cores() -> set[int]:
    try:
        return os.sched_getaffinity(0)
    except AttributeError:  # not Linux
        return set(range(os.cpu_count() or 1))


def _parse_range(parse: ParseItem[Item], items: Sequence[Item], path: Path, start: int, stop: int) -> list[ParsedPaper]:
    return [parse(items[index], index + 1, path) for index in range(start, stop)]


def _queue(count: int) -> int:
    """A pipe holding the chunk numbers 0..count-1, its writing end closed: reads end at EOF."""
    read_end, write_end = os.pipe()
    try:
        payload = b"".join(number.to_bytes(_TOKEN, "little") for number in range(count))
        if len(payload) > 65_536:  # more than a pipe holds without a reader
            raise OSError("too many chunks for one pipe")
        os.write(write_end, payload)
    except OSError:
        os.close(read_end)
        raise
    finally:
        os.close(write_end)
    return read_end


def _take(tokens: IO[bytes]) -> int | None:
    """The next chunk number nobody has taken, or None when all are taken."""
    token = tokens.read(_TOKEN)  # one read of a few bytes from a pipe goes to one reader, whole
    return int.from_bytes(token, "little") if token else None


def _fork(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child that leaves without running any of this process's exit code."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()  # what is buffered now would otherwise be written twice
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            gc.disable()  # a collection would touch, and so copy, every page shared with the parent
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            work()
            status = 0
        except BaseException:  # any failure: the parent parses what was not delivered and meets it there
            pass
        finally:
            os._exit(status)
    return pid


def _child(
    parse: ParseItem[Item],
    items: Sequence[Item],
    path: Path,
    chunks: list[tuple[int, int]],
    tokens: IO[bytes],
    delivered: IO[bytes],
) -> None:
    """Take chunks until none is left; append each one's papers to ``delivered``, pickled."""
    while (number := _take(tokens)) is not None:
        rows = [_FIELDS(paper) for paper in _parse_range(parse, items, path, *chunks[number])]
        delivered.write(pickle.dumps((number, rows), protocol=pickle.HIGHEST_PROTOCOL))
    delivered.flush()


def _delivered(delivered: IO[bytes], done: dict[int, list[ParsedPaper]]) -> dict[int, list[ParsedPaper]]:
    """The chunks the child wrote in full (a record cut short by its end is left out)."""
    found: dict[int, list[ParsedPaper]] = {}
    delivered.seek(0)
    while True:
        try:
            number, rows = pickle.load(delivered)
            papers = [ParsedPaper(*row) for row in rows]
        except Exception:  # the end, or a record cut short: the rest is parsed here
            return found
        if number not in done:
            found[number] = papers


def _reap(pid: int, *, stop: bool) -> None:
    """Wait for the child to finish its last chunk; ``stop`` it first when its work is no longer wanted."""
    try:
        if stop:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        pass
