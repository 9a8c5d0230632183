"""The TinyDB storage of a store file: atomic, cached by the file's signature, tables left in the file.

Reads are cached and only redone when the file on disk changed (another
process wrote it), which keeps a small write cheap however large the other
file of the store is. A write that fails (full disk, read-only file system)
raises ``StoreError`` and forgets the cache: TinyDB mutates the cached dict
before it calls ``write``, and that unsaved change must not be served by the
next read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from reader.core.errors import StoreError
from reader.core.heap import gc_paused
from reader.core.store.files import (
    Tables,
    load_tables,
    open_regular_file,
    read_regular_file,
    stat_signature,
    write_atomically,
)
from reader.core.store.lines import StoredTable, dump_lines, parse_lines
from reader.core.store.places import Places, pack_places, unpack_places


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic replace, read cache keyed by the file's identity."""

    def __init__(
        self, path: str | Path, hint: str = "", stored: Collection[str] = (), places: Path | None = None, **_: Any
    ) -> None:
        self.path = Path(path)
        self.hint = hint
        self.stored = stored  # tables left in the file until a record is asked for (see StoredTable)
        self.places = places  # where the stored tables' record places are kept between opens
        self._cache: Tables | None = None
        self._seen: tuple[int, int, int, int] | None = None
        self._held = False  # inside ``batch``
        self._pending: Tables | None = None

    # A stored table is a read-only Mapping, not the dict TinyDB's Table API
    # would mutate: only ``Store`` reads and writes these files.
    def read(self) -> Tables | None:  # type: ignore[override]
        if self._pending is not None:
            return self._pending  # a batch's writes so far
        try:
            stat_result = self.path.stat()
        except FileNotFoundError:
            self._cache, self._seen = None, None
            return None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror or exc}", path=self.path) from None
        signature = stat_signature(stat_result)
        if self._cache is None or signature != self._seen:
            self._cache = None  # a damaged file must not leave an older copy being served
            self._cache = self._load()
            self._seen = signature
        return self._cache

    def _load(self) -> Tables:
        """The file's tables: a record at a time when it has that layout, else whole."""
        try:
            with open_regular_file(self.path) as handle, gc_paused():
                known = self._known_places(os.fstat(handle.fileno())) if self.stored else None
                data = parse_lines(handle, self.stored, known)
                if data is None:
                    handle.seek(0)
                    return load_tables(self.path, handle.read(), self.hint)
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror or exc}", path=self.path) from None
        return data

    def _known_places(self, stat_result: os.stat_result) -> dict[str, Places] | None:
        """Where the last write put the stored tables' records, if it wrote the file that is there now."""
        if self.places is None:
            return None
        try:
            # Its records' places take 8 bytes each and their keys less than the records: never larger than the file.
            raw = read_regular_file(self.places, limit=stat_result.st_size + 4096)
            return unpack_places(raw, stat_signature(stat_result))
        except (OSError, orjson.JSONDecodeError, LookupError, TypeError, ValueError, OverflowError):
            return None  # missing, stale or damaged: the tables are scanned instead

    def keep_places(self, places: dict[str, Places]) -> None:
        """Where the records of a file written elsewhere and moved in here sit (``dump_lines`` noted them)."""
        with contextlib.suppress(OSError):
            self._save_places(places, stat_signature(self.path.stat()))

    def _save_places(self, places: dict[str, Places], signature: tuple[int, int, int, int]) -> None:
        """Keep where the stored tables' records went, so the next open need not look for them."""
        if self.places is None:
            return
        with contextlib.suppress(OSError):  # without it the next open scans: slower, never wrong
            write_atomically(self.places, pack_places(places, signature))

    @contextlib.contextmanager
    def batch(self, finish: Callable[[Tables], Tables]) -> Iterator[None]:
        """Writes made inside (by TinyDB's table methods) are held, and land as one atomic write at the end.

        ``finish`` shapes the tables before that write (the schema stamp). If
        anything inside raises, nothing is written and the cache is dropped.
        """
        self._held, self._pending = True, None
        try:
            yield
            pending = self._held_tables()
        except BaseException:
            self.forget()
            raise
        finally:
            self._held, self._pending = False, None
        if pending is not None:
            self.write(finish(pending))

    def _held_tables(self) -> Tables | None:
        return self._pending

    def write(self, data: Tables) -> None:  # type: ignore[override]
        if self._held:  # inside ``batch``: kept until it ends
            self._pending = data
            return
        try:
            if self.path.exists() and not os.access(self.path, os.W_OK):
                raise PermissionError(13, "the store file is read-only")
            places = {name: Places() for name in self.stored}
            write_atomically(self.path, dump_lines(data, places))
            if places:
                cache, signature = self._reopened(data, places)
                self._save_places(places, signature)
            else:
                cache, signature = data, stat_signature(self.path.stat())
        except BaseException as exc:
            # TinyDB mutated the cached dict before calling us: forget it so
            # the next read sees what is really on disk.
            self.forget()
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise StoreError(
                    f"change not saved: {reason}; the store on disk is unchanged", path=self.path
                ) from None
            raise
        self._cache = cache
        self._seen = signature

    def _reopened(self, data: Tables, places: dict[str, Places]) -> tuple[Tables, tuple[int, int, int, int]]:
        """The tables just written, their stored ones read from the new file (the lock keeps it ours)."""
        with self.path.open("rb") as handle:
            tables = {
                name: StoredTable(os.dup(handle.fileno()), places[name]) if name in self.stored else table
                for name, table in data.items()
            }
            return tables, stat_signature(os.fstat(handle.fileno()))

    def changed_on_disk(self) -> bool:
        """True when another process replaced the file since we last read it."""
        try:
            return stat_signature(self.path.stat()) != self._seen
        except OSError:
            return self._seen is not None

    def forget(self) -> None:
        """Drop the cache: the next read comes from disk (done under the lock before a change)."""
        self._cache, self._seen = None, None

    def close(self) -> None:
        self.forget()
