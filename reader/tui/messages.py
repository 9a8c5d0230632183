"""What the app's workers send back to the UI thread: one small message per result.

A worker never touches a widget; it posts one of these (``post_message`` is
safe from any thread) and the app's handler for it updates the screen. A
worker that fails posts nothing: its exception reaches the app's one
failure handler (``ReaderApp.on_worker_state_changed``), which says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from reader.core.models import Entry
from reader.core.search.index import SearchIndex
from reader.core.session import Library, Rows
from reader.core.stats import Stats
from reader.core.triage import Ranked


@dataclass
class FirstBatch(Message):
    """The first screenful of a load, shown before the rest is built."""

    generation: int
    batch: list[Entry]


@dataclass
class Loaded(Message):
    """Every paper of a load, with its counts."""

    generation: int
    library: Library


@dataclass
class Indexed(Message):
    """The search index of a load, ready for queries."""

    generation: int
    index: SearchIndex


@dataclass
class RowsReady(Message):
    """The rows for a query, a filter and an order; dropped if a newer query was asked meanwhile."""

    generation: int
    text: str
    rows: Rows


@dataclass
class Copied(Message):
    """A link handed to the system clipboard, or why it could not be."""

    url: str
    copied: bool
    detail: str


@dataclass
class Exported(Message):
    """A notes file written."""

    count: int
    path: str


@dataclass
class RelatedFound(Message):
    """The papers most like ``entry``, each with its score."""

    entry: Entry
    similar: list[tuple[Entry, float]]


@dataclass
class StatsReady(Message):
    """The figures of the stats screen."""

    figures: Stats


@dataclass
class Notice(Message):
    """A line for the user from a worker (the browser opened, or did not)."""

    text: str
    severity: str = "information"


@dataclass
class InboxRanked(Message):
    """The inbox in rank order, each paper with why."""

    ranked: list[Ranked]


@dataclass
class Fetched(Message):
    """The subscriptions fetched in the background: how many papers arrived, what failed."""

    new: int
    failures: list[str]


@dataclass
class Synced(Message):
    """A sync done: what it says, when it happened, and whether it changed the store here."""

    lines: list[str]
    synced_at: str | None
    received: bool
