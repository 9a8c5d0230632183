"""The query language over the real seed page and a real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import library
from reader.core.models import Entry
from reader.core.search import SearchIndex, query
from reader.core.session import Session
from reader.core.store import Store


@pytest.fixture
def seeded(store: Store, seed_page: Path) -> Store:
    library.import_paths(store, [seed_page])
    return store


def ask(store: Store, text: str) -> tuple[list[Entry], query.Query]:
    rows = Session.open(store, index=True).rows(text).entries
    assert rows is not None
    return rows, query.parse(text)


def swift(store: Store) -> str:
    return next(e.id for e in store.entries() if e.paper.title.startswith("Swift4D"))


def test_fuzzy_words_with_filters(seeded: Store) -> None:
    target = swift(seeded)
    found, parsed = ask(seeded, "gausian splating is:unread")
    assert parsed.errors == []
    assert found[0].id == target
    seeded.set_state([target], status="read")
    found, _ = ask(seeded, "gausian splating is:unread")
    assert target not in [e.id for e in found]
    found, _ = ask(seeded, "gausian splating is:read")
    assert [e.id for e in found] == [target]


def test_tags_notes_and_has(seeded: Store) -> None:
    target = swift(seeded)
    seeded.set_state([target], tags=("vision", "rl"), note="compare with 4DGS")
    assert [e.id for e in ask(seeded, "tag:RL")[0]] == [target]
    assert [e.id for e in ask(seeded, "has:note")[0]] == [target]
    assert target not in [e.id for e in ask(seeded, "-tag:rl")[0]]
    with_code = ask(seeded, "has:code")[0]
    assert with_code and all(e.paper.code_link for e in with_code)
    assert len(with_code) == sum(1 for e in seeded.entries() if e.paper.code_link)


def test_phrase_and_exclusion(seeded: Store) -> None:
    found, _ = ask(seeded, '"divide-and-conquer"')
    assert found and all("divide-and-conquer" in (e.paper.title + e.paper.abstract).lower() for e in found)
    without, _ = ask(seeded, '"divide-and-conquer" -gaussian')
    assert len(without) == len(found) - sum("gaussian" in (e.paper.title + e.paper.abstract).lower() for e in found)
    assert all("gaussian" not in e.paper.abstract.lower() for e in without)


def test_errors_are_reported_not_raised(seeded: Store) -> None:
    found, parsed = ask(seeded, 'foo:bar is:nope year:20x "lean')
    assert len(parsed.errors) == 4
    assert any("unknown filter foo" in err for err in parsed.errors)
    assert any("unclosed quote" in err for err in parsed.errors)
    assert all("lean" in (e.paper.title + e.paper.abstract).lower() for e in found)


def test_year_and_author_use_what_the_paper_has(seeded: Store) -> None:
    found, parsed = ask(seeded, "year:2024")
    assert parsed.errors == [] and found == []  # the plain page has no dates or arXiv ids


def test_highlight_spans_cover_fuzzy_matches(seeded: Store) -> None:
    index = SearchIndex(seeded.entries())
    terms = query.highlight_terms(query.parse("gausian splating"), index)
    title = "Swift4D:Adaptive divide-and-conquer Gaussian Splatting for compact"
    spans = query.highlight_spans(title, terms)
    assert [title[a:b] for a, b in spans] == ["Gaussian", "Splatting"]


def test_a_long_query_narrows_the_list(seeded: Store) -> None:
    found, _ = ask(seeded, "mixture of experts training system")
    assert found[0].paper.title.startswith("SE-MoE")
    stems = ("mixtu", "exper", "train", "syste")
    for entry in found:
        text = (entry.paper.title + " " + entry.paper.abstract).lower()
        assert sum(stem in text for stem in stems) >= 2, entry.paper.title
    with_training = [e for e in seeded.entries() if "train" in (e.paper.title + e.paper.abstract).lower()]
    assert len(found) < len(with_training)
