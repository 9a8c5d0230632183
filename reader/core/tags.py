"""Tags as people type them."""

from __future__ import annotations

from collections.abc import Iterable


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as typed, trimmed, without repeats (first spelling wins, case-insensitively)."""
    seen: dict[str, str] = {}
    for raw in tags:
        for tag in raw.replace(",", " ").split():
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())
