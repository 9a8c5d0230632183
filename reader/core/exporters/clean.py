"""What an export writes is text: every control character and escape sequence taken out of every field.

Imported text and notes are cleaned when they are stored, but a record can
be edited by hand, and an export is read by other programs (a spreadsheet, a
Markdown viewer, a terminal ``cat``). The abstract is cleaned as it is read,
so an export that does not show abstracts never reads them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from typing import Any

from reader.core.models import Abstract, Entry, Link, Paper
from reader.core.text import strip_control

_TEXT_FIELDS = tuple(spec.name for spec in fields(Paper) if spec.name != "text")


class _Cleaned(Abstract):
    """An abstract read through ``strip_control``."""

    __slots__ = ("_inner",)

    def __init__(self, inner: Abstract) -> None:
        self._inner = inner

    def read(self) -> tuple[str, str]:
        text, raw = self._inner.read()
        return strip_control(text), strip_control(raw)

    @property
    def present(self) -> bool:
        return self._inner.present


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value if value.isprintable() else strip_control(value)
    if isinstance(value, Link):
        url, repo = _clean(value.url), _clean(value.repo)
        return value if (url, repo) == (value.url, value.repo) else Link(url, value.kind, repo)
    if isinstance(value, tuple):
        cleaned = tuple(_clean(item) for item in value)
        return value if cleaned == value else cleaned
    return value


def printable(entry: Entry) -> Entry:
    """The entry with nothing in it that a terminal or another program would take for a command."""
    paper, state = entry.paper, entry.state
    changes = {name: new for name in _TEXT_FIELDS if (new := _clean(old := getattr(paper, name))) is not old}
    paper = replace(paper, text=_Cleaned(paper.text), **changes)
    note, tags = _clean(state.note), _clean(state.tags)
    if note is not state.note or tags is not state.tags:
        state = state.with_changes(note=note, tags=tags)
    return Entry(paper, state)


def printable_all(entries: Iterable[Entry]) -> list[Entry]:
    return [printable(entry) for entry in entries]
