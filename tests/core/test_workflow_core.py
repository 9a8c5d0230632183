"""Sorting, statistics, related papers and undo over a real store holding a saved papers page."""

from __future__ import annotations

from datetime import date

import pytest

from reader.core import library, sorting, stats
from reader.core.history import History
from reader.core.models import Entry, Paper
from reader.core.search import related
from reader.core.search.index import SearchIndex
from reader.core.store import Store
from tests.realfiles import Page


@pytest.fixture
def seeded(store: Store, page: Page) -> Store:
    library.import_paths(store, [page.path])
    return store


def by_title(store: Store, start: str) -> Entry:
    return next(e for e in store.entries() if e.paper.title.startswith(start))


def test_sort_by_title_and_status(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    titles = [e.paper.title for e in sorting.sort_entries(entries, "title")]
    firsts = [t.lstrip("[(\"'")[0].lower() for t in titles]
    assert firsts == sorted(firsts) and firsts[0] == "a"
    assert titles != [e.paper.title for e in entries]
    target = by_title(seeded, page.target)
    seeded.set_state([target.id], status="reading")
    ordered = sorting.sort_entries(seeded.entries(), "status", reverse=True)
    assert ordered[0].id == target.id
    assert ordered[0].state.status == "reading" and not ordered[0].state.read


def test_sort_rejects_unknown_keys(seeded: Store) -> None:
    with pytest.raises(ValueError, match="unknown sort key"):
        sorting.sort_entries(seeded.entries(), "colour")


def test_listing_key_orders_month_names() -> None:
    def entry(listed: str) -> Entry:
        return Entry(Paper(id=listed, title=listed, listing_date=listed))

    ordered = sorting.sort_entries([entry("Feb 3"), entry("Dec 1"), entry("Jul 10")], "listed", reverse=True)
    assert [e.id for e in ordered] == ["Feb 3", "Jul 10", "Dec 1"]


def test_status_change_is_dated_and_counted(seeded: Store, page: Page) -> None:
    first, second = (e.id for e in seeded.entries()[:2])
    seeded.set_state([first, second], status="read")
    state = seeded.entry(first).state
    assert state.status == "read" and state.status_at is not None
    seeded.set_state([first], starred=True)
    assert seeded.entry(first).state.status_at == state.status_at
    result = stats.compute(seeded.entries())
    assert result.by_status == {"to-read": page.count - 2, "reading": 0, "read": 2}
    assert sum(result.read_per_week) == 2 and result.read_per_week[-1] == 2
    assert sum(result.added_per_week) == page.count
    assert result.streak_days == 1


def test_streak_counts_consecutive_days() -> None:
    today = date(2026, 3, 10)
    days = {date(2026, 3, 9), date(2026, 3, 8), date(2026, 3, 6)}
    assert stats.reading_streak(days, today) == 2
    assert stats.reading_streak(days | {today}, today) == 3
    assert stats.reading_streak(set(), today) == 0


def test_sparkline_scales_to_the_largest_week() -> None:
    assert stats.sparkline([0, 4, 8]) == " ▄█"
    assert stats.sparkline([0, 0]) == "  "


def test_related_papers_share_content(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    index = SearchIndex(entries)
    moe = by_title(seeded, page.long_query_hit)
    hits = related.related(moe, index, limit=10)
    assert len(hits) == 10 and moe.id not in [h.id for h in hits]
    titles = {e.id: e.paper.title for e in entries}
    assert any(page.related_hit in titles[h.id] for h in hits[:3])


def test_undo_puts_back_state_and_deleted_papers(seeded: Store, page: Page) -> None:
    history = History()
    first, second = (e.id for e in seeded.entries()[:2])
    before = seeded.entry(first).state
    after = seeded.set_state([first], starred=True, note="keep me", tags=("a",))[0].state
    history.record_states("star, note and tags", {first: (before, after)})
    history.record_delete("delete two", seeded.delete([first, second]))
    assert seeded.count() == page.count - 2
    undone = history.undo(seeded)
    assert undone is not None and undone.action.description == "delete two" and not undone.left
    assert seeded.count() == page.count
    assert seeded.entry(first).state.note == "keep me"
    undone = history.undo(seeded)
    assert undone is not None and not undone.left
    back = seeded.entry(first).state
    assert (back.status, back.starred, back.note, back.tags) == ("to-read", False, "", ())
    assert back.starred_at is not None and back.note_at is not None  # an undo is a change: a sync merges by it
    assert history.undo(seeded) is None
    reopened = Store(seeded.path)
    assert reopened.count() == page.count and not reopened.entry(first).state.starred
