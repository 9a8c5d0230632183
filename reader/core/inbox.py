"""The inbox: papers that arrived by a fetch and that you have not dealt with yet.

A fetch notes each paper it adds to the store (``arrive``) in the ``inbox``
table of the state file, with the time it arrived, *before* it writes the
papers: a fetch killed between the two writes leaves a note for a paper
that is not there (ignored, and noted again by the rerun), never a paper
that arrived without its note. A paper is new while it is noted here and
you have not touched it since it arrived: keeping, starring, reading,
tagging or skipping it writes its reading state (``changed_at``), which
takes it out; undoing that puts the old state back, and so the paper too.
A skip (``ReadingState.skipped``) is kept in the paper's reading state: a
later fetch or import of the same paper merges into it and never makes it
new again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reader.core.models import ReadingState
from reader.core.store import Store

INBOX = "inbox"


def arrive(store: Store, paper_ids: Iterable[str], when: str, via: str) -> None:
    """Note these papers as arrived now (under the store's lock, before they are written).

    The notes of papers dealt with or gone go in the same write: the table
    holds the inbox, not the history of every fetch.
    """
    known = store.side_table(INBOX)
    records = {pid: {"arrived_at": when, "via": via} for pid in paper_ids if pid not in known}
    still = set(new_ids(store))
    stale = [pid for pid in known if pid not in still and pid not in records]
    if records or stale:
        store.put_side(INBOX, records, removed=stale)


def is_new(state: ReadingState, arrived_at: str) -> bool:
    """Untouched since it arrived, and not skipped."""
    return not state.skipped and (state.changed_at is None or state.changed_at < arrived_at)


def arrivals(store: Store) -> dict[str, dict[str, Any]]:
    """Every note of the inbox table, papers still in the store or not."""
    return store.side_table(INBOX)


def new_ids(store: Store, states: Mapping[str, ReadingState] | None = None) -> list[str]:
    """The papers of the inbox, oldest arrival first; ``states`` (by id, every noted paper) saves reading them."""
    notes = {pid: record.get("arrived_at") for pid, record in arrivals(store).items()}
    present = [pid for pid, arrived_at in notes.items() if isinstance(arrived_at, str) and store.has(pid)]
    known = states if states is not None else store.states_of(present)
    return [pid for pid in present if is_new(known[pid], str(notes[pid]))]
