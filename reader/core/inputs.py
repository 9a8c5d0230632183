"""Reading a file a user names (a paper list, a template): a regular file, and at most so many bytes.

A FIFO, ``/dev/zero`` or ``/dev/urandom`` all report a size of 0, so a size
check alone lets ``read()`` wait forever or grow without bound. The path is
checked before it is opened (opening some devices does something), opened
without blocking (a FIFO without a writer would wait), checked again on the
open handle (the path may have changed in between), and read up to the limit
and one byte more, never further.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from reader.core.errors import InputError

_CHUNK = 1 << 20
_NOT_REGULAR = "not a regular file (a pipe, device or socket): save it to a file first"


def megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _check(mode: int, path: Path) -> None:
    if stat.S_ISDIR(mode):
        raise InputError("is a directory", path=path)
    if not stat.S_ISREG(mode):
        raise InputError(_NOT_REGULAR, path=path)


def _too_large(size: int, limit: int, path: Path) -> InputError:
    return InputError(f"too large ({megabytes(size)}; the limit is {megabytes(limit)})", path=path)


@contextmanager
def _said(path: Path) -> Iterator[None]:
    """An ``OSError`` as the one line a user reads."""
    try:
        yield
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except PermissionError:
        raise InputError("permission denied", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=path) from None


def file_size(path: Path) -> int:
    """The size of a regular file, or ``InputError`` saying why it is not one."""
    with _said(path):
        status = path.stat()
    _check(status.st_mode, path)
    return status.st_size


def read_limited(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``; ``InputError`` for anything else, or for more than ``limit``."""
    size = file_size(path)
    if size > limit:
        raise _too_large(size, limit, path)
    with _said(path):
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        with _said(path):
            _check(os.fstat(fd).st_mode, path)
            chunks: list[bytes] = []
            read = 0
            while read <= limit:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - read))
                if not chunk:
                    break
                chunks.append(chunk)
                read += len(chunk)
    finally:
        os.close(fd)
    if read > limit:  # the file grew after its size was taken
        raise _too_large(read, limit, path)
    return b"".join(chunks)
