"""The store's lock file: one writer at a time, across processes.

An exclusive ``flock`` on ``library.json.lock``, the same lock older versions
took through the filelock package, so they and this one exclude each other.
The operating system releases it when its process ends, however it ends: a
killed writer never leaves the store locked. It is taken straight from the
standard library because every command that changes a paper pays for what
it imports.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

POLL = 0.05  # seconds between two tries while another process holds the lock


class LockTimeout(Exception):
    """Another process held the lock for the whole timeout."""


class FileLock:
    """An exclusive lock on ``path`` (created if missing), reentrant within one holder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0

    def acquire(self, timeout: float) -> None:
        """Wait at most ``timeout`` seconds (0: only if free now); ``LockTimeout`` or ``OSError`` otherwise."""
        if self._fd is not None:
            self._depth += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(str(self.path)) from None
                time.sleep(min(POLL, max(0.0, deadline - time.monotonic())))
            except OSError:
                os.close(fd)
                raise
        self._fd, self._depth = fd, 1

    def release(self) -> None:
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth == 0:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
