"""The query language over a saved papers page (ours, and the real seed) in a real store."""

from __future__ import annotations

import pytest

from reader.core import library
from reader.core.models import Entry
from reader.core.search import query
from reader.core.search.index import SearchIndex
from reader.core.session import Session
from reader.core.store import Store
from tests.realfiles import Page


@pytest.fixture
def seeded(store: Store, page: Page) -> Store:
    library.import_paths(store, [page.path])
    return store


def ask(store: Store, text: str) -> tuple[list[Entry], query.Query]:
    rows = Session.open(store, index=True).rows(text).entries
    assert rows is not None
    return rows, query.parse(text)


def target_of(store: Store, page: Page) -> str:
    return next(e.id for e in store.entries() if e.paper.title.startswith(page.target))


def test_fuzzy_words_with_filters(seeded: Store, page: Page) -> None:
    target = target_of(seeded, page)
    found, parsed = ask(seeded, f"{page.typo} is:unread")
    assert parsed.errors == []
    assert found[0].id == target
    seeded.set_state([target], status="read")
    found, _ = ask(seeded, f"{page.typo} is:unread")
    assert target not in [e.id for e in found]
    found, _ = ask(seeded, f"{page.typo} is:read")
    assert [e.id for e in found] == [target]


def test_tags_notes_and_has(seeded: Store, page: Page) -> None:
    target = target_of(seeded, page)
    seeded.set_state([target], tags=("vision", "rl"), note="compare with 4DGS")
    assert [e.id for e in ask(seeded, "tag:RL")[0]] == [target]
    assert [e.id for e in ask(seeded, "has:note")[0]] == [target]
    assert target not in [e.id for e in ask(seeded, "-tag:rl")[0]]
    with_code = ask(seeded, "has:code")[0]
    assert with_code and all(e.paper.code_link for e in with_code)
    assert len(with_code) == sum(1 for e in seeded.entries() if e.paper.code_link)


def test_phrase_and_exclusion(seeded: Store, page: Page) -> None:
    phrase, excluded = page.phrase, page.excluded
    found, _ = ask(seeded, f'"{phrase}"')
    assert found and all(phrase in (e.paper.title + e.paper.abstract).lower() for e in found)
    assert target_of(seeded, page) in [e.id for e in found]
    without, _ = ask(seeded, f'"{phrase}" -{excluded}')
    assert len(without) == len(found) - sum(excluded in (e.paper.title + e.paper.abstract).lower() for e in found)
    assert without and len(without) < len(found)
    assert all(excluded not in e.paper.abstract.lower() for e in without)


def test_errors_are_reported_not_raised(seeded: Store) -> None:
    found, parsed = ask(seeded, 'foo:bar is:nope year:20x "lean')
    assert len(parsed.errors) == 4
    assert any("unknown filter foo" in err for err in parsed.errors)
    assert any("unclosed quote" in err for err in parsed.errors)
    assert all("lean" in (e.paper.title + e.paper.abstract).lower() for e in found)


def test_year_and_author_use_what_the_paper_has(seeded: Store) -> None:
    found, parsed = ask(seeded, "year:2024")
    assert parsed.errors == [] and found == []  # the plain page has no dates or arXiv ids


def test_highlight_spans_cover_fuzzy_matches(seeded: Store, page: Page) -> None:
    index = SearchIndex(seeded.entries())
    terms = query.highlight_terms(query.parse(page.typo), index)
    title = page.target_title
    spans = query.highlight_spans(title, terms)
    assert [title[a:b] for a, b in spans] == ["Gaussian", "Splatting"]


def test_a_long_query_narrows_the_list(seeded: Store, page: Page) -> None:
    found, _ = ask(seeded, page.long_query)
    assert found[0].paper.title.startswith(page.long_query_hit)
    stems = [word[:5] for word in page.long_query.split() if len(word) > 3]  # mixtu, exper, ...
    for entry in found:
        text = (entry.paper.title + " " + entry.paper.abstract).lower()
        assert sum(stem in text for stem in stems) >= 2, entry.paper.title
    with_training = [e for e in seeded.entries() if "train" in (e.paper.title + e.paper.abstract).lower()]
    assert len(found) < len(with_training)
