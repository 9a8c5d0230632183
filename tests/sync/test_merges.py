"""Two stores cloned from one bare repository, edited apart, then synced: nothing either side did is lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import library, sync
from reader.core.models import ParsedPaper
from reader.core.search import query
from reader.core.store import Store
from reader.core.store.records import now_iso
from tests.realfiles import Page
from tests.sync.conftest import Machine, ids, import_into, made_up, settle


def same_library(a: Machine, b: Machine, *, ordered: bool = True) -> None:
    """Both stores hold the same papers (in the same order), with the same records and reading states."""
    one, two = a.entries(), b.entries()
    assert list(one) == list(two) if ordered else sorted(one) == sorted(two)
    for pid, entry in one.items():
        other = two[pid]
        assert entry.paper.to_dict() | {"sources": []} == other.paper.to_dict() | {"sources": []}
        assert entry.state == other.state, pid


def test_an_empty_store_takes_the_remote_library_in_its_order(
    machine: Callable[[str], Machine], remote: Path, page: Page
) -> None:
    a, b = machine("a"), machine("b")
    library.import_paths(a.store, [page.path])
    first = next(iter(a.entries()))
    a.set(first, status="read", note="seen on the laptop", tags=("later",))
    sync.init(a.store, str(remote))
    report = sync.init(b.store, str(remote))
    assert report.received.new == page.count and report.received.states == 1
    same_library(a, b)
    assert b.entries()[first].state.note == "seen on the laptop"
    assert sync.status(b.store).to_send.total == 0


def test_edits_of_different_papers_both_land(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    first, second, third = ids()[:3]
    a.set(first, note="read on the train")
    b.set(second, starred=True)
    b.set(third, tags=("rl",))
    a.sync()
    report = b.sync()
    assert report.received.states == 1 and report.sent.states == 2
    a.sync()
    same_library(a, b)
    entries = a.entries()
    assert entries[first].state.note == "read on the train"
    assert entries[second].state.starred and entries[third].state.tags == ("rl",)


def test_different_fields_of_one_paper_merge(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    pid = ids()[0]
    a.set(pid, note="the proof in section 3 is neat")
    b.set(pid, status="read", starred=True, tags=("proofs",))
    settle(a, b)
    same_library(a, b)
    state = a.entries()[pid].state
    assert (state.note, state.status, state.starred, state.tags) == (
        "the proof in section 3 is neat", "read", True, ("proofs",))
    assert not state.conflict


def test_status_and_star_go_by_the_later_change(pair: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = pair
    pid = ids()[0]
    clock = iter(f"2026-03-01T{hour}:00:00+00:00" for hour in range(10, 15))
    monkeypatch.setattr("reader.core.store.store.now_iso", lambda: next(clock))
    b.set(pid, status="reading")  # 10:00 on b
    a.set(pid, status="read")  # 11:00 on a: the later status
    a.set(pid, starred=True)  # 12:00 on a
    b.set(pid, starred=True)  # 13:00 on b
    b.set(pid, starred=False)  # 14:00 on b: the later star
    monkeypatch.setattr("reader.core.store.store.now_iso", now_iso)
    settle(a, b)
    same_library(a, b)
    state = a.entries()[pid].state
    assert state.status == "read" and state.status_at == "2026-03-01T11:00:00+00:00"
    assert state.starred is False


def test_the_same_note_changed_on_both_keeps_both_marked_until_edited(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    pid, other = ids()[:2]
    a.set(pid, note="first thought\nshared line")
    a.set(other, note="one\ntwo\nthree")
    settle(a, b)
    a.set(pid, note="laptop thought\nshared line")
    b.set(pid, note="desktop thought\nshared line")
    a.set(other, note="ONE\ntwo\nthree")  # different lines of one note: merged, no conflict
    b.set(other, note="one\ntwo\nTHREE")
    a.sync()
    report = b.sync()
    assert report.outcome.conflicts == [pid]
    assert any("is:conflict" in line for line in report.lines())
    a.sync()
    same_library(a, b)
    entries = a.entries()
    note = entries[pid].state.note
    assert "laptop thought" in note and "desktop thought" in note and "shared line" in note
    assert note.count("<<<<<<<") == 1 and note.count(">>>>>>>") == 1
    assert entries[pid].state.conflict and not entries[other].state.conflict
    assert entries[other].state.note == "ONE\ntwo\nTHREE"
    parsed = query.parse("is:conflict")
    assert not parsed.errors and [e.id for e in entries.values() if parsed.accepts(e)] == [pid]
    a.set(pid, note="laptop thought, desktop thought\nshared line")  # the user resolves it
    settle(a, b)
    assert not b.entries()[pid].state.conflict
    assert b.entries()[pid].state.note == "laptop thought, desktop thought\nshared line"


def test_tags_merge_as_sets(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    pid = ids()[0]
    a.set(pid, tags=("keep", "drop-here", "drop-there"))
    settle(a, b)
    a.set(pid, tags=("keep", "drop-there", "added-here"))
    b.set(pid, tags=("keep", "drop-here", "added-there"))
    settle(a, b)
    same_library(a, b)
    assert set(a.entries()[pid].state.tags) == {"keep", "added-here", "added-there"}


def test_a_delete_against_an_edit_keeps_the_paper_and_says_so(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    edited, untouched = ids()[:2]
    a.store.delete([edited, untouched])
    b.set(edited, note="still reading this one")
    a.sync()
    report = b.sync()
    assert report.outcome.kept == [(edited, "there")]
    assert any(line.startswith(f"kept {edited}") for line in report.lines())
    a.sync()
    same_library(a, b, ordered=False)  # back on a, it comes last, as an undone delete does
    entries = a.entries()
    assert entries[edited].state.note == "still reading this one"
    assert entries[edited].paper.title.startswith("Made-up study number 0")
    assert untouched not in entries


def test_imports_on_both_sides_merge_as_an_import_does(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    both = made_up(1, start=50)[0]
    a_only, b_only = made_up(1, start=60)[0], made_up(1, start=61)[0]
    # The same paper from two sources: a has its arXiv listing, b a BibTeX entry without the id but with a link.
    import_into(a.store, [both, a_only, ParsedPaper(title="Deep learning", published="2015", authors=("Yann LeCun",))])
    bibtex = ParsedPaper(title=both.title, authors=both.authors, published="2026",
                         links=(), abstract="", keywords=("merging",))
    import_into(b.store, [bibtex, b_only, ParsedPaper(title="Deep learning", published="2016",
                                                       authors=("Ian Goodfellow",))])
    b.set(next(pid for pid, e in b.entries().items() if e.paper.title == both.title and not e.paper.arxiv_id),
          note="from the bibliography")
    a.sync()
    report = b.sync()
    a.sync()
    same_library(a, b, ordered=False)  # each store lists what the other imported after its own imports
    entries = a.entries()
    titles = [e.paper.title for e in entries.values()]
    assert titles.count(both.title) == 1  # one paper, not two
    merged = next(e for e in entries.values() if e.paper.title == both.title)
    assert merged.id == both.arxiv_id  # the id the remote held first
    assert merged.paper.arxiv_id == both.arxiv_id and merged.paper.keywords == ("merging",)
    assert merged.paper.abstract == both.abstract and merged.state.note == "from the bibliography"
    assert titles.count(a_only.title) == 1 and titles.count(b_only.title) == 1
    deep = [e for e in entries.values() if e.paper.title == "Deep learning"]
    assert sorted(e.paper.published or "" for e in deep) == ["2015", "2016"]  # two works: kept two
    assert report.outcome.joined and report.outcome.apart
    assert len(entries) == len(ids()) + 5


def test_the_same_import_on_both_sides_is_one_paper_each(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    new = made_up(3, start=100)
    import_into(a.store, new)
    import_into(b.store, list(reversed(new)))
    a.set("2602.00100", starred=True)
    b.set("2602.00100", note="both")
    settle(a, b)
    same_library(a, b, ordered=False)
    entries = a.entries()
    assert len(entries) == len(ids()) + 3
    assert entries["2602.00100"].state.starred and entries["2602.00100"].state.note == "both"


def test_a_push_refused_because_the_other_pushed_first_is_merged_and_sent(
    pair: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = pair
    first, second = ids()[:2]
    a.set(first, note="from a")
    b.set(second, note="from b")
    real_fetch = sync.run.fetch
    raced: list[bool] = []

    def fetch_then_a_pushes(repo: sync.run.Repo) -> None:
        real_fetch(repo)
        if not raced:  # a pushes after b fetched: b's first push is refused
            raced.append(True)
            a.sync()

    monkeypatch.setattr(sync.run, "fetch", fetch_then_a_pushes)
    b.sync()
    monkeypatch.undo()
    a.sync()
    same_library(a, b)
    assert a.entries()[first].state.note == "from a" and a.entries()[second].state.note == "from b"


def test_a_store_with_papers_joins_a_remote_library_by_merging(
    machine: Callable[[str], Machine], remote: Path
) -> None:
    a, b = machine("a"), machine("b")
    import_into(a.store, made_up(4))
    import_into(b.store, made_up(3, start=2))  # two papers in common
    b.set("2602.00003", note="b's note")
    sync.init(a.store, str(remote))
    sync.init(b.store, str(remote))
    a.sync()
    same_library(a, b, ordered=False)
    assert sorted(a.entries()) == [f"2602.{n:05d}" for n in range(5)]
    assert a.entries()["2602.00003"].state.note == "b's note"


def test_status_says_what_would_move(pair: tuple[Machine, Machine]) -> None:
    a, b = pair
    a.set(ids()[0], note="x")
    import_into(a.store, made_up(2, start=70))
    found = sync.status(a.store)
    assert (found.to_send.new, found.to_send.states, found.to_receive.total) == (2, 1, 0)
    a.sync()
    assert sync.status(b.store).to_receive.new == 2
    assert sync.status(a.store).to_send.total == 0


def test_a_store_never_set_up_is_told_how(machine: Callable[[str], Machine]) -> None:
    lonely = machine("lonely")
    with pytest.raises(sync.SyncError, match="reader sync init"):
        lonely.sync()
    assert sync.last_synced(lonely.store) is None


def test_a_sync_reads_no_file_it_does_not_need(pair: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch) -> None:
    """An unchanged papers file is known by its identity: a note's sync never reads the papers."""
    a, b = pair
    a.set(ids()[0], note="only the state changed")

    def no(store: Store) -> object:
        raise AssertionError("the papers file was read again")

    monkeypatch.setattr("reader.core.sync.snapshot.papers_files", no)
    a.sync()
    b.sync()
    assert b.entries()[ids()[0]].state.note == "only the state changed"
