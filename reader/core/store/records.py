"""The records a store keeps and how a change to them is dated: the pieces ``store.py`` builds on.

TinyDB tables keyed by paper id; a reading state cleaned of escape sequences
and stamped with when each field changed (what a sync merges by); a deleted
paper kept for undo; papers joined with their abstracts for a rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from reader.core.errors import StoreError
from reader.core.models import CHANGE_TIMES, Abstract, ReadingState, StoredAbstract
from reader.core.text import strip_control


class KeyedTable(Table):
    """A TinyDB table whose documents are keyed by the paper id instead of a counter.

    TinyDB types document ids as ints; these few methods say "str" once.
    """

    document_id_class = str  # type: ignore[assignment]

    def record(self, key: str) -> Document | None:
        found = self.get(doc_id=key)  # type: ignore[call-overload]
        assert found is None or isinstance(found, Document)
        return found

    def has(self, key: str) -> bool:
        return self.contains(doc_id=key)  # type: ignore[arg-type]

    def replace(self, records: Mapping[str, Mapping[str, Any]], removed: Iterable[str] = ()) -> None:
        """Put these records in whole (replacing any under their keys) and drop ``removed``.

        Two table calls whatever the count: TinyDB rebuilds its table once a
        call, so a record at a time would cost the square of a bulk change.
        """
        gone = [key for key in [*records, *removed] if self.has(key)]
        if gone:
            self.remove(doc_ids=gone)  # type: ignore[arg-type]
        if records:
            self.insert_multiple(Document(record, doc_id=key) for key, record in records.items())  # type: ignore[arg-type]

class KeyedTinyDB(TinyDB):
    table_class = KeyedTable

@dataclass(frozen=True, slots=True)
class RemovedPaper:
    """A deleted paper with its reading state, kept so the delete can be undone."""

    id: str
    record: dict[str, Any]
    state: dict[str, Any] | None

def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

def clean_state(state: ReadingState) -> ReadingState:
    """Notes and tags are shown in a terminal: no escape sequences, whoever typed them."""
    note = strip_control(state.note)
    tags = tuple(t for t in (strip_control(tag).strip() for tag in state.tags) if t)
    if note == state.note and tags == state.tags:
        return state
    return state.with_changes(note=note, tags=tags)

def stamp_state(old: ReadingState, new: ReadingState, stamp: str, *, own_status_at: bool = False) -> ReadingState:
    """``new`` dated now: ``changed_at``, and when each field it changed did (a sync merges by these times).

    An undo sets ``status_at`` itself (``own_status_at``: the old one back), and one that puts every
    field back puts back ``changed_at`` too: a paper untouched before the undone action is untouched
    again, and new again if it was in the inbox; the other fields it puts back are dated now, so a
    sync does not let an older change on another machine win over it. A note a sync marked in
    conflict stays flagged until the note itself is edited.
    """
    new = clean_state(new)
    times: dict[str, Any] = {at: stamp for name, at in CHANGE_TIMES.items() if getattr(new, name) != getattr(old, name)}
    if own_status_at:
        times.pop("status_at", None)
    if new.note != old.note and new.conflict == old.conflict:
        times["conflict"] = False
    if not (own_status_at and new.changed_at != old.changed_at):
        times["changed_at"] = stamp
    return new.with_changes(**times)

STATE_DAMAGE = "damaged reading state"

def state_of(paper_id: str, record: Mapping[str, Any]) -> ReadingState:
    """``ReadingState.from_dict``, its damage said to be in a reading state (the state file)."""
    try:
        return ReadingState.from_dict(record, paper_id)
    except StoreError as exc:
        raise StoreError(exc.detail.replace("damaged record", STATE_DAMAGE, 1)) from None

def stored_abstract(abstracts: Mapping[str, dict[str, Any]], paper_id: str) -> Abstract | None:
    """Where a paper's abstract is read from; None when it has none (or it sits in its record)."""
    return StoredAbstract(abstracts, paper_id) if paper_id in abstracts else None

class WholeRecords(Mapping[str, dict[str, Any]]):
    """Paper records joined with their abstracts, each read from the file when asked for."""

    def __init__(self, papers: Mapping[str, dict[str, Any]], abstracts: Mapping[str, dict[str, Any]]) -> None:
        self.papers = papers
        self.abstracts = abstracts

    def __getitem__(self, paper_id: str) -> dict[str, Any]:
        record = self.papers[paper_id]
        if paper_id in self.abstracts:
            return {**record, **self.abstracts[paper_id]}
        return record

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self.papers

    def __iter__(self) -> Iterator[str]:
        return iter(self.papers)

    def __len__(self) -> int:
        return len(self.papers)
