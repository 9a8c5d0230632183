"""The one error type users see, so the CLI and the app can show it as one line."""

from __future__ import annotations

from pathlib import Path


class ReaderError(Exception):
    """A failure a user can act on: the message names the file or id and the problem."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = self.path or ""
        if self.path and self.line is not None:
            where = f"{self.path}: line {self.line}"
        return f"{where}: {self.detail}" if where else self.detail


class InputError(ReaderError):
    """An input file that cannot be read as a paper list."""


class StoreError(ReaderError):
    """The store cannot be opened or written; the file on disk is left as it was."""


class NotFoundError(ReaderError):
    """An id that names no paper (or more than one)."""
