"""Files that are never torn: atomic replaces, reads that refuse what is not a regular file.

TinyDB's own JSONStorage rewrites the file in place, so a crash or a full
disk mid-write loses everything. Here every write goes to a temporary file in
the same directory, is flushed and fsynced, replaces the target in one
``os.replace`` and then the directory is fsynced: after a crash the file is
the old one or the new one, whole. A file's signature (inode, size, times)
tells one version of it from another.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from reader.core.errors import StoreError
from reader.core.store.layout import temp_prefix

Tables = dict[str, Mapping[str, Any]]


def stat_signature(stat_result: os.stat_result) -> tuple[int, int, int, int]:
    return (stat_result.st_ino, stat_result.st_size, stat_result.st_mtime_ns, stat_result.st_ctime_ns)


def signature_of(path: Path) -> tuple[int, int, int, int]:
    """What tells one version of a file from another: its inode, size and times."""
    return stat_signature(path.stat())


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_target(path: Path) -> Path:
    """Where a write to ``path`` lands: through a symlink to its target, never over the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomically(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``payload`` so a crash leaves the old or the new file, whole."""
    path = write_target(path)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # keep the permissions the user gave the file
            with contextlib.suppress(OSError):
                os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading; OSError if it is not a regular file.

    A FIFO or a device in a store file's place would block the read or never
    end it: such files are refused before a byte is read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{path.name} is not a regular file")
    return os.fdopen(fd, "rb")


def read_regular_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; OSError for anything else."""
    with open_regular_file(path) as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise OSError(errno.EFBIG, f"{path.name} is larger than {limit} bytes")
    return raw


def load_tables(path: Path, raw: bytes, hint: str = "") -> Tables:
    """Parse a store file, refusing anything that is not the shape TinyDB wrote."""
    suffix = f"; {hint}" if hint else ""
    if not raw.strip():
        raise StoreError(f"damaged store: the file is empty{suffix}", path=path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"damaged store: not valid JSON ({exc.args[0]}){suffix}", path=path) from None
    if not isinstance(data, dict):
        raise StoreError(f"damaged store: not a table of records{suffix}", path=path)
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(rec, dict) for rec in table.values()):
            raise StoreError(f"damaged store: table {name!r} is not a set of records{suffix}", path=path)
    return data

