"""Search ranking on a saved papers page (ours, and the real seed), a store-sized corpus, and the index cache."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core import library
from reader.core.corpus import generate
from reader.core.importers import ParsedFile
from reader.core.models import Abstract, Entry, Paper, ParsedPaper, ReadingState
from reader.core.search.index import SearchIndex
from reader.core.search.words import words_of
from reader.core.steps import finish
from reader.core.store import Store
from reader.core.store.layout import Layout
from reader.core.text import fold
from tests.realfiles import Page


@pytest.fixture
def seeded(store: Store, page: Page) -> Store:
    library.import_paths(store, [page.path])
    return store


def made_up(pid: str, title: str, abstract: str = "", note: str = "", tags: tuple[str, ...] = ()) -> Entry:
    return Entry(Paper(id=pid, title=title, text=Abstract(abstract)), ReadingState(note=note, tags=tags))


def titles(entries: list[Entry], hits: list[str]) -> list[str]:
    by_id = {e.id: e.paper.title for e in entries}
    return [by_id[pid] for pid in hits]


def ids_of(index: SearchIndex, query: str, limit: int | None = None) -> list[str]:
    return [hit.id for hit in index.search(query, limit)]


def test_typo_queries_find_the_intended_paper(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    index = SearchIndex(entries)
    assert len(page.typo_queries) == 3
    for query, wanted in page.typo_queries.items():
        top = titles(entries, ids_of(index, query, 3))
        assert any(title.startswith(wanted) for title in top), (query, top)


def test_title_hits_rank_above_abstract_hits(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    index = SearchIndex(entries)
    checked = 0
    for word in page.title_words:
        matches = set(index.expand(word))
        in_title = {e.id for e in entries if word in set(words_of(e.paper.title))}
        elsewhere = {
            e.id
            for e in entries
            if not matches & set(words_of(e.paper.title)) and matches & set(words_of(e.paper.abstract))
        }
        if not (in_title and elsewhere):
            continue
        found = ids_of(index, word)
        last_title = max(found.index(pid) for pid in in_title)
        first_abstract = min(found.index(pid) for pid in elsewhere)
        assert last_title < first_abstract, word
        checked += 1
    assert checked >= 2  # the page has words in both places


def test_exact_ranks_above_fuzzy_and_prefix() -> None:
    entries = [
        made_up("a", "Graph splitting for sparse solvers"),
        made_up("b", "Splattings of graphs"),
        made_up("c", "Graph splatting for sparse solvers"),
        made_up("d", "Unrelated work on proteins"),
    ]
    # While typing, the word may begin a longer one: "Splattings" opens b's title (a paper's name stands
    # there), so b comes first, then the exact word in c, then a typo away in a.
    assert ids_of(SearchIndex(entries), "splatting") == ["b", "c", "a"]
    assert ids_of(SearchIndex(entries), "splatting ") == ["c", "b", "a"]  # a finished word: exact, then typos
    assert ids_of(SearchIndex(entries), "splat") == ["b", "c"]


def test_field_order_title_tags_note_abstract() -> None:
    entries = [
        made_up("abstract", "One", abstract="about quokkas"),
        made_up("note", "Two", note="quokkas"),
        made_up("tags", "Three", tags=("quokkas",)),
        made_up("title", "Quokkas"),
    ]
    assert ids_of(SearchIndex(entries), "quokkas") == ["title", "tags", "note", "abstract"]


def test_rare_words_weigh_more_than_common_ones() -> None:
    entries = [made_up(str(i), "common words here", abstract="filler") for i in range(8)]
    entries.append(made_up("rare", "tarsier", abstract="filler"))
    entries.append(made_up("common", "common", abstract="filler"))
    found = ids_of(SearchIndex(entries), "tarsier common")
    assert found[0] == "rare"


def test_note_edit_is_found_after_an_incremental_update(seeded: Store) -> None:
    entries = seeded.entries()
    index = SearchIndex(entries)
    target = entries[17].id
    assert ids_of(index, "quokkalogy") == []
    (edited,) = seeded.set_state([target], note="compare with quokkalogy results", tags=("marsupial",))
    index.update(edited)
    assert ids_of(index, "quokkalogy") == [target]
    assert ids_of(index, "quokalogy") == [target]  # typo tolerance covers new words too
    assert ids_of(index, "marsupial") == [target]
    (edited,) = seeded.set_state([target], note="nothing left", tags=())
    index.update(edited)
    assert ids_of(index, "quokkalogy") == []
    assert ids_of(index, "marsupial") == []
    # The paper's own title still finds it after its overlay replaced the base postings.
    title_hits = ids_of(index, entries[17].paper.title, 1)
    assert title_hits == [target]


def test_notes_and_tags_already_in_the_store_are_indexed(seeded: Store) -> None:
    target = seeded.entries()[3].id
    seeded.set_state([target], tags=("wombatics",))
    assert ids_of(SearchIndex(seeded.entries()), "wombatics") == [target]


def test_new_and_removed_papers() -> None:
    entries = [made_up("a", "Sparse attention"), made_up("b", "Dense attention")]
    index = SearchIndex(entries)
    index.update(made_up("c", "Sparse kernels"))
    assert ids_of(index, "sparse") == ["a", "c"]
    index.remove("a")
    assert ids_of(index, "sparse") == ["c"]
    assert ids_of(index, "") == ["b", "c"]
    assert len(index) == 2


def test_empty_query_lists_everything_in_store_order(seeded: Store) -> None:
    entries = seeded.entries()
    index = SearchIndex(entries)
    assert ids_of(index, "") == [e.id for e in entries]
    assert ids_of(index, "  ,; ", 5) == [e.id for e in entries[:5]]


def test_limit_is_a_prefix_of_the_full_ranking(seeded: Store) -> None:
    index = SearchIndex(seeded.entries())
    for query in ("model", "training data", "reasoning lang"):
        full = ids_of(index, query)
        assert len(full) > 10
        assert ids_of(index, query, 10) == full[:10]


def _words_by_regex(text: str) -> list[str]:
    """What ``words_of`` promises, said the plain way: each regex word of the folded text, compounds both ways."""
    found: list[str] = []
    for word in re.findall(r"[0-9a-z]+(?:[-'][0-9a-z]+)*", fold(text)):
        if "-" in word or "'" in word:
            parts = re.split(r"[-']", word)
            found.extend(parts)
            found.append("".join(parts))
        else:
            found.append(word)
    return found


@given(st.text(alphabet="ab-' Z9é.,~\\ß\n_Σ", max_size=40))
def test_words_of_finds_the_regex_words_in_order(text: str) -> None:
    assert words_of(text) == _words_by_regex(text)


def test_seed_among_generated_papers_keeps_the_typo_queries_on_top(seeded: Store, page: Page) -> None:
    generated = ParsedFile(Path("generated.txt"), "hf-page", list(generate(5000, seed=3)))
    library.import_parsed(seeded, [generated], backup=False)
    entries = seeded.entries()
    assert len(entries) == page.count + 5000
    index = SearchIndex.load_or_build(entries, seeded.path)
    for query, wanted in page.typo_queries.items():
        top = titles(entries, ids_of(index, query, 3))
        assert any(title.startswith(wanted) for title in top), (query, top)


def test_corpus_is_deterministic_and_realistic() -> None:
    first, again, other = list(generate(50, seed=5)), list(generate(50, seed=5)), list(generate(50, seed=6))
    assert first == again
    assert first != other
    assert 40 <= np.mean([len(p.title) for p in first]) <= 110
    assert 1200 <= np.mean([len(p.abstract) for p in first]) <= 2000
    assert len({p.arxiv_id for p in first}) == 50


# -- the cache beside the store ---------------------------------------------------


def test_cache_is_written_then_reused(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    cache = Layout(seeded.path).index
    assert not cache.exists()
    first = SearchIndex.load_or_build(entries, seeded.path)
    assert cache.is_file()
    written = cache.stat().st_mtime_ns
    second = SearchIndex.load_or_build(entries, seeded.path)
    assert cache.stat().st_mtime_ns == written  # loaded, not rebuilt
    for query in page.typo_queries:
        assert second.search(query) == first.search(query)


def test_stale_cache_is_rebuilt(seeded: Store, tmp_path: Path) -> None:
    SearchIndex.load_or_build(seeded.entries(), seeded.path)
    new = ParsedPaper(title="Marsupial Graph Networks", abstract="We study quokkas with graph networks on islands.")
    library.import_parsed(seeded, [ParsedFile(tmp_path / "extra.txt", "hf-page", [new])], backup=False)
    entries = seeded.entries()
    index = SearchIndex.load_or_build(entries, seeded.path)
    found = titles(entries, ids_of(index, "marsupial", 1))
    assert found == ["Marsupial Graph Networks"]
    # ... and the rewritten cache now serves the new store.
    assert titles(entries, ids_of(SearchIndex.load_or_build(entries, seeded.path), "marsupial", 1)) == found


@pytest.mark.parametrize(
    "damage",
    [b"", b"not an index file", b"truncated", b"huge arrays", b"fifo"],
    ids=["empty", "garbage", "truncated", "huge", "fifo"],
)
def test_corrupt_cache_is_rebuilt_silently(seeded: Store, page: Page, damage: bytes) -> None:
    entries = seeded.entries()
    expected = SearchIndex(entries).search(page.typo)
    assert expected
    cache = Layout(seeded.path).index
    if damage in (b"truncated", b"huge arrays"):
        SearchIndex.load_or_build(entries, seeded.path)  # a good cache, then damaged
        good = cache.read_bytes()
        if damage == b"truncated":
            damage = good[: len(good) // 2]
        else:  # a crafted header: the same file, claiming arrays far larger than it holds
            head, rest = good.split(b"\n", 2)[1], good.split(b"\n", 2)[2]
            header = json.loads(head)
            header["arrays"]["docs"][1] = 1 << 40
            damage = good.split(b"\n", 1)[0] + b"\n" + json.dumps(header).encode() + b"\n" + rest
    if damage == b"fifo":  # a read would block for ever
        os.mkfifo(cache)
    else:
        cache.write_bytes(damage)
    assert SearchIndex.load_or_build(entries, seeded.path).search(page.typo) == expected
    assert SearchIndex.load_or_build(entries, seeded.path).search(page.typo) == expected
    assert cache.stat().st_size > 1000  # replaced by a good one


def test_cache_of_another_store_is_not_trusted(seeded: Store, page: Page, tmp_path: Path) -> None:
    other = Store(tmp_path / "other.json")
    library.import_parsed(other, [ParsedFile(Path("g.txt"), "hf-page", list(generate(100, seed=9)))], backup=False)
    SearchIndex.load_or_build(other.entries(), other.path)
    entries = seeded.entries()
    Layout(seeded.path).index.write_bytes(Layout(other.path).index.read_bytes())
    found = titles(entries, ids_of(SearchIndex.load_or_build(entries, seeded.path), page.typo, 1))
    assert found[0].startswith(page.target)
    other.close()



def test_loading_the_cache_goes_in_steps(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    SearchIndex.load_or_build(entries, seeded.path)  # writes the cache
    calls: list[int] = []
    loaded = finish(SearchIndex.opening(entries, seeded.path), lambda: calls.append(1))
    assert calls.count(1) >= 4
    assert loaded.search(page.typo) == SearchIndex(entries).search(page.typo)


def test_building_without_a_cache_goes_in_steps_and_writes_the_cache(seeded: Store, page: Page) -> None:
    entries = seeded.entries()
    calls: list[int] = []
    built = finish(SearchIndex.opening(entries, seeded.path), lambda: calls.append(1))
    assert Layout(seeded.path).index.is_file()
    assert len(calls) >= 5  # every 200 papers and between the numpy steps
    assert built.search(page.typo) == SearchIndex(entries).search(page.typo)
