"""The session: one store in memory, the rows a view shows, every change through the store first."""

from __future__ import annotations

from pathlib import Path

from reader.core import library
from reader.core.filters import Filter
from reader.core.importers import ParsedFile
from reader.core.models import Entry, Paper, ParsedPaper, ReadingState
from reader.core.session import Library, Session
from reader.core.store import Store

TITLES = ["Made-up Wombat Kernels", "Made-up Quokka Gradients", "Made-up Numbat Attention", "Made-up Wombat Gradients"]


def seeded(store: Store) -> Session:
    papers = [ParsedPaper(title=title, abstract=f"We study {title.lower()}.") for title in TITLES]
    library.import_parsed(store, [ParsedFile(Path("made-up.txt"), "test", papers)])
    return Session.open(store, index=True)


def titles(entries: list[Entry] | None) -> list[str]:
    assert entries is not None
    return [e.paper.title for e in entries]


def test_library_counts_follow_adds_and_puts() -> None:
    def entry(pid: str, status: str = "to-read", starred: bool = False) -> Entry:
        return Entry(Paper(id=pid, title=pid), ReadingState(status=status, starred=starred))

    held = Library()
    held.add([entry("a"), entry("b", "read"), entry("c", starred=True)])
    assert (held.unread, held.starred) == (2, 1)
    before = held.entries
    held.put("a", entry("a", "read", True))
    assert held.entries is before  # a replaced value keeps the dict (and the order)
    held.put("c", None)
    assert held.entries is not before and "c" in before  # a removal gives a new dict: a reader's copy holds
    held.put("d", entry("d"))
    assert list(held.entries) == ["a", "b", "d"]
    assert (held.unread, held.starred) == (1, 1)


def test_rows_rank_by_the_words_and_filter_by_state(store: Store) -> None:
    session = seeded(store)
    found = session.rows("wombat")
    assert set(titles(found.entries)) == {"Made-up Wombat Kernels", "Made-up Wombat Gradients"}
    assert found.scores is not None and len(found.scores) == 2 and found.scores == sorted(found.scores, reverse=True)
    assert "wombat" in found.terms
    wombat = next(e for e in session.entries.values() if e.paper.title == "Made-up Wombat Kernels")
    session.change("star", [wombat.id], lambda s: s.with_changes(starred=True))
    assert titles(session.rows("wombat", Filter(starred=True)).entries) == ["Made-up Wombat Kernels"]
    assert titles(session.rows("", Filter(starred=True)).entries) == ["Made-up Wombat Kernels"]
    assert titles(session.rows("", sort="title").entries) == sorted(TITLES, key=str.casefold)
    assert session.rows("is:nope wombat").errors  # a mistake is said, the rest still applies
    assert len(titles(session.rows("is:nope wombat").entries)) == 2


def test_rows_wait_for_the_index_when_the_query_has_words(store: Store) -> None:
    seeded(store)
    session = Session.open(store)  # no index
    assert session.rows("wombat").entries is None
    assert len(titles(session.rows("").entries)) == 4


def test_a_change_is_on_disk_then_in_memory_and_undoes(store: Store) -> None:
    session = seeded(store)
    target = next(iter(session.entries))
    session.change("note", [target], lambda s: s.with_changes(note="a note on gradients"))
    assert Store(store.path).entry(target).state.note == "a note on gradients"
    assert target in [e.id for e in titles_of(session, "gradients note")]
    session.undo()
    assert Store(store.path).entry(target).state.note == ""
    assert session.entries[target].state.note == ""


def titles_of(session: Session, text: str) -> list[Entry]:
    found = session.rows(text).entries
    assert found is not None
    return found


def test_changes_made_while_a_read_runs_are_replayed_onto_it(store: Store) -> None:
    session = seeded(store)
    generation = session.begin_read()
    pending = Library()
    for batch in session.batches(size=2):  # the read starts from the store as it is now ...
        pending.add(batch)
    first, second = list(session.entries)[:2]
    session.change("read", [first], lambda s: s.with_changes(status="read"))  # ... then the user acts
    session.delete([second], "delete")
    assert session.take(generation, pending)
    assert session.entries[first].state.read
    assert second not in session.entries
    assert (session.library.unread, session.library.starred) == (2, 0)
    assert not session.take(generation - 1, Library())  # an older read counts no more


def test_a_delete_leaves_memory_and_index_and_undo_brings_it_back(store: Store) -> None:
    session = seeded(store)
    gone = next(e.id for e in session.entries.values() if e.paper.title == "Made-up Numbat Attention")
    session.delete([gone], "delete numbat")
    assert gone not in session.entries and titles(session.rows("numbat").entries) == []
    assert gone not in {e.id for e in Store(store.path).entries()}
    session.undo()
    assert titles(session.rows("numbat").entries) == ["Made-up Numbat Attention"]
