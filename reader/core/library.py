"""What the command line and the app both do with a store, in one place.

An import runs one way: parse every file (nothing touched yet) -> take the
store's lock -> plan the merge against what is on disk now -> back up ->
write the papers in one atomic replace. ``import_parsed`` is the only place
that puts those steps together.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reader.core import export, inbox
from reader.core.errors import InputError, StoreError
from reader.core.heap import gc_paused
from reader.core.importers import ParsedFile, expand_paths, read_file
from reader.core.merge import ImportPlan, plan_import
from reader.core.models import Entry, ParsedPaper
from reader.core.store import Store
from reader.core.store.files import write_atomically
from reader.core.store.layout import Layout
from reader.core.store.records import now_iso
from reader.core.text import is_text, strip_control

Progress = Callable[[int, int, Path], None]  # done, total, the file
ImportProgress = Callable[[int, int], None]  # papers merged so far, papers in all


def parse_inputs(
    paths: Sequence[Path],
    progress: Progress | None = None,
    reading: Progress | None = None,
    *,
    refused: list[InputError] | None = None,
) -> list[ParsedFile]:
    """Parse every file first, so a bad one stops the import before the store is touched.

    ``progress(done, total, path)`` counts files; ``reading(done, total, path)``
    counts the papers read in a file, for the shapes that say (JSON lists).
    With ``refused`` given, a file that cannot be read is added to it and the
    others are still parsed; without, the first such file stops all of them.
    """
    files = expand_paths(list(paths))
    parsed: list[ParsedFile] = []
    for number, path in enumerate(files, start=1):
        if progress:
            progress(number - 1, len(files), path)
        items = _for_file(reading, path) if reading else None
        try:
            with gc_paused():
                parsed.append(read_file(path, items))
        except InputError as exc:
            if refused is None:
                raise
            refused.append(exc)
    if progress and files:
        progress(len(files), len(files), files[-1])
    return parsed


def _for_file(reading: Progress, path: Path) -> Callable[[int, int], None]:
    return lambda done, total: reading(done, total, path)


def import_parsed(
    store: Store,
    parsed: Iterable[ParsedFile],
    *,
    backup: bool = True,
    progress: ImportProgress | None = None,
    arrived_via: str | None = None,
) -> ImportPlan:
    """Merge parsed files into the store in one atomic write: all land or none.

    ``progress(done, total)`` is told how many papers are merged so far,
    increasing, about a hundred times in all; ``done == total`` once the
    store is written. With ``arrived_via`` (a fetch: the subscription's
    name), the papers new to the store are noted in the inbox first.
    """
    files = list(parsed)
    total = sum(len(p.papers) for p in files)
    counted = _Counted(total, progress)
    batches = [(_source_name(p.path), p.format, counted.each(p.papers)) for p in files]
    with store.locked(), gc_paused():
        existing = store.records()
        try:
            plan = plan_import(existing, batches, now_iso(), findable=existing.papers)
        except StoreError as exc:  # a stored record damaged by hand: named with its file
            raise exc if exc.path else StoreError(exc.detail, path=store.path) from None
        if plan.records:
            if backup and existing:
                store.backup()
            if arrived_via is not None and plan.created:
                inbox.arrive(store, plan.created, now_iso(), arrived_via)
            store.write_papers({pid: _clean(record) for pid, record in plan.records.items()})
        counted.finish()
        return plan


def _source_name(path: Path) -> str:
    """The file a paper came from, as text the store can hold: bytes of a name that are not UTF-8 as ``\\xe9``."""
    absolute = os.path.abspath(path)
    return absolute if is_text(absolute) else os.fsencode(absolute).decode("utf-8", "backslashreplace")


def import_paths(store: Store, paths: Sequence[Path], progress: Progress | None = None) -> ImportPlan:
    """All files land or none does: parsing finishes before the one write."""
    return import_parsed(store, parse_inputs(paths, progress))


def _clean(value: Any) -> Any:
    """Strip control characters from every string in an imported record."""
    if isinstance(value, str):  # printable text has nothing to strip
        return value if value.isprintable() else strip_control(value)
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


class _Counted:
    """Counts papers as the import planning takes them, for a progress bar."""

    def __init__(self, total: int, progress: ImportProgress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        self.step = max(1, total // 100)

    def each(self, papers: Sequence[ParsedPaper]) -> Iterator[ParsedPaper]:
        if self.progress is None:
            yield from papers
            return
        for paper in papers:
            yield paper
            self.done += 1
            if self.done % self.step == 0 and self.done < self.total:
                self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def write_export(
    entries: Sequence[Entry],
    fmt: str,
    target: Path,
    *,
    template: export.PaperTemplate | None = None,
    store: Layout | None = None,
    replace: bool = True,
) -> Path:
    """Write the notes file atomically, so an interrupted export leaves the old one.

    ``store`` is the store the papers come from: an export never replaces
    one of its files (``library.json``, the state file, a backup...). With
    ``replace`` False a file already there is never touched: the name is
    claimed first (an exclusive create), so a file that appeared after the
    user was asked is refused, not overwritten.
    """
    target = target.expanduser()
    if store is not None and store.owns(target):
        raise StoreError("is a file of the store itself: an export never replaces it; choose another name",
                         path=target)
    if target.is_dir():
        raise StoreError("is a directory; give a file name", path=target)
    if not target.parent.exists():
        raise StoreError(f"directory {target.parent} does not exist", path=target)
    text = export.render(entries, fmt, template).encode()
    claimed = False
    try:
        if not replace:
            try:
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            except FileExistsError:
                raise StoreError("exists already; not replaced", path=target) from None
            claimed = True
        write_atomically(target.absolute(), text)
    except OSError as exc:
        if claimed:
            target.unlink(missing_ok=True)
        raise StoreError(f"cannot write the export: {exc.strerror or exc}", path=target) from None
    return target
