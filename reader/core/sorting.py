"""Orders for lists and exports: by date added, listing date, title, popularity or status."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from reader.core.models import STATUSES, Entry
from reader.core.text import title_key

_MONTH_DAY = re.compile(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?$")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def listing_key(entry: Entry) -> str:
    """A sortable form of the listing date: ISO dates as they are, ``Jul 10`` as ``????-07-10``."""
    value = entry.paper.listing_date or entry.paper.published or ""
    match = _MONTH_DAY.match(value)
    if match and match.group(1).lower() in _MONTHS:
        year = match.group(3) or "0000"
        return f"{year}-{_MONTHS[match.group(1).lower()]:02d}-{int(match.group(2)):02d}"
    return value[:10]


def _status_rank(entry: Entry) -> int:
    status = entry.state.status
    return STATUSES.index(status) if status in STATUSES else 0


# Each key sorts ascending; the default direction is the one a user expects first.
SORT_KEYS: dict[str, tuple[Callable[[Entry], Any], bool]] = {
    "added": (lambda e: e.paper.added_at, True),
    "listed": (listing_key, True),
    "published": (lambda e: e.paper.published or "", True),
    "title": (lambda e: title_key(e.paper.title), False),
    "upvotes": (lambda e: e.paper.upvotes or 0, True),
    "stars": (lambda e: e.paper.stars or 0, True),
    "status": (lambda e: (_status_rank(e), e.state.status_at or ""), False),
    "changed": (lambda e: e.state.changed_at or "", True),
}


def sort_entries(entries: Sequence[Entry], key: str, *, reverse: bool = False) -> list[Entry]:
    """Entries in the order ``key`` names (stable: ties keep store order)."""
    if key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {key!r}; choose from {', '.join(SORT_KEYS)}")
    extract, newest_first = SORT_KEYS[key]
    return sorted(entries, key=extract, reverse=newest_first != reverse)


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
