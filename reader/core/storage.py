"""A TinyDB storage that never leaves a torn file.

TinyDB's own JSONStorage rewrites the file in place, so a crash or a full
disk mid-write loses everything. Here every write goes to a temporary file in
the same directory, is flushed and fsynced, replaces the store in one
``os.replace`` and then the directory is fsynced. Reads are cached and only
redone when the file on disk changed (another process wrote it), which keeps a
small write cheap however large the other file of the store is.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from reader.core.errors import StoreError

TEMP_PREFIX = ".reader-tmp-"

Tables = dict[str, dict[str, Any]]


def _signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, payload: bytes) -> None:
    """Replace ``path`` with ``payload`` so a crash leaves the old or the new file, whole."""
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def load_tables(path: Path, raw: bytes) -> Tables:
    """Parse a store file, refusing anything that is not the shape TinyDB wrote."""
    if not raw.strip():
        raise StoreError("damaged store: the file is empty", path=path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"damaged store: not valid JSON ({exc.args[0]})", path=path) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreError("damaged store: not a table of records", path=path)
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic replace, read cache keyed by the file's identity."""

    def __init__(self, path: str | Path, **_: Any) -> None:
        self.path = Path(path)
        self._cache: Tables | None = None
        self._signature: tuple[int, int, int] | None = None

    def read(self) -> Tables | None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._cache, self._signature = None, None
            return None
        signature = _signature(stat)
        if self._cache is None or signature != self._signature:
            try:
                raw = self.path.read_bytes()
            except OSError as exc:
                raise StoreError(f"cannot read the store: {exc.strerror or exc}", path=self.path) from None
            self._cache = load_tables(self.path, raw)
            self._signature = signature
        return self._cache

    def write(self, data: Tables) -> None:
        try:
            payload = orjson.dumps(data)
            write_atomically(self.path, payload)
        except OSError as exc:
            # TinyDB mutated the cached dict before calling us: forget it so
            # the next read sees what is really on disk.
            self._cache, self._signature = None, None
            reason = exc.strerror or str(exc)
            raise StoreError(f"change not saved: {reason}; the store on disk is unchanged", path=self.path) from None
        self._cache = data
        self._signature = _signature(self.path.stat())

    def changed_on_disk(self) -> bool:
        """True when another process replaced the file since we last read it."""
        try:
            return _signature(self.path.stat()) != self._signature
        except FileNotFoundError:
            return self._signature is not None

    def forget(self) -> None:
        self._cache, self._signature = None, None

    def close(self) -> None:
        self.forget()
