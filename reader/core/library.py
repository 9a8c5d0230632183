"""What the command line and the app both do with a store, in one place."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.core import export
from reader.core.errors import StoreError
from reader.core.importers import ParsedFile, expand_paths, read_file
from reader.core.merge import ImportPlan
from reader.core.models import Entry
from reader.core.paths import store_path
from reader.core.storage import gc_paused
from reader.core.store import Store

Progress = Callable[[int, int, Path], None]


def open_store(db: str | os.PathLike[str] | None = None) -> Store:
    """Open the store named by ``--db``, ``$READER_DB`` or the default location."""
    path, is_default = store_path(db)
    if is_default:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory: {exc.strerror or exc}", path=path.parent) from None
    return Store(path)


def parse_inputs(
    paths: Sequence[Path], progress: Progress | None = None, reading: Progress | None = None
) -> list[ParsedFile]:
    """Parse every file first, so a bad one stops the import before the store is touched.

    ``progress(done, total, path)`` counts files; ``reading(done, total, path)``
    counts the papers read in a file, for the shapes that say (JSON lists).
    """
    files = expand_paths(list(paths))
    parsed: list[ParsedFile] = []
    for number, path in enumerate(files, start=1):
        if progress:
            progress(number - 1, len(files), path)
        items = _for_file(reading, path) if reading else None
        with gc_paused():  # 100k parsed papers hold no cycles; collections only walk them
            parsed.append(read_file(path, items))
    if progress and files:
        progress(len(files), len(files), files[-1])
    return parsed


def _for_file(reading: Progress, path: Path) -> Callable[[int, int], None]:
    return lambda done, total: reading(done, total, path)


def import_paths(store: Store, paths: Sequence[Path], progress: Progress | None = None) -> ImportPlan:
    """All files land or none does: parsing finishes before the one write."""
    return store.import_files(parse_inputs(paths, progress))


@dataclass(frozen=True, slots=True)
class Filter:
    """Which papers a list or an export covers."""

    unread: bool = False
    read: bool = False
    starred: bool = False
    tag: str | None = None

    def accepts(self, entry: Entry) -> bool:
        state = entry.state
        if self.unread and state.read:
            return False
        if self.read and not state.read:
            return False
        if self.starred and not state.starred:
            return False
        return not (self.tag is not None and self.tag.casefold() not in {t.casefold() for t in state.tags})

    def describe(self) -> str:
        parts = [name for name in ("unread", "read", "starred") if getattr(self, name)]
        if self.tag:
            parts.append(f"tag:{self.tag}")
        return " ".join(parts) or "all"


def select(entries: Iterable[Entry], chosen: Filter) -> list[Entry]:
    return [entry for entry in entries if chosen.accepts(entry)]


def write_export(
    entries: Sequence[Entry], fmt: str, target: Path, *, template: export.PaperTemplate | None = None
) -> Path:
    """Write the notes file atomically, so an interrupted export leaves the old one."""
    from reader.core.storage import write_atomically

    target = target.expanduser()
    if target.is_dir():
        raise StoreError("is a directory; give a file name", path=target)
    if not target.parent.exists():
        raise StoreError(f"directory {target.parent} does not exist", path=target)
    try:
        write_atomically(target.absolute(), export.render(entries, fmt, template).encode())
    except OSError as exc:
        raise StoreError(f"cannot write the export: {exc.strerror or exc}", path=target) from None
    return target


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as typed, trimmed, without repeats (first spelling wins, case-insensitively)."""
    seen: dict[str, str] = {}
    for raw in tags:
        for tag in raw.replace(",", " ").split():
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())
