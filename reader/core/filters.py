"""Which papers a list or an export covers, by what the user did with them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reader.core.models import Entry, ReadingState


@dataclass(frozen=True, slots=True)
class Filter:
    """Which papers a list or an export covers."""

    unread: bool = False
    read: bool = False
    starred: bool = False
    tag: str | None = None

    def accepts(self, entry: Entry) -> bool:
        return self.accepts_state(entry.state)

    def accepts_state(self, state: ReadingState) -> bool:
        if self.unread and state.read:
            return False
        if self.read and not state.read:
            return False
        if self.starred and not state.starred:
            return False
        return not (self.tag is not None and self.tag.casefold() not in {t.casefold() for t in state.tags})

    @property
    def needs_a_state(self) -> bool:
        """Whether only papers the user did something with can pass (so the state file alone finds them)."""
        return self.read or self.starred or self.tag is not None

    @property
    def is_all(self) -> bool:
        return self == Filter()

    def describe(self) -> str:
        parts = [name for name in ("unread", "read", "starred") if getattr(self, name)]
        if self.tag:
            parts.append(f"tag:{self.tag}")
        return " ".join(parts) or "all"


def select(entries: Iterable[Entry], chosen: Filter) -> list[Entry]:
    return [entry for entry in entries if chosen.accepts(entry)]
