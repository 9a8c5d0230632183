"""How search orders papers: more words, fewer typos, words together, better fields, rarer words.

Each test is a small library of made-up papers where one rule alone decides the order.
"""

from __future__ import annotations

from reader.core.models import Abstract, Entry, Paper, ReadingState
from reader.core.search import query as query_language
from reader.core.search.index import SearchIndex, typos_allowed
from reader.core.session import Library, Session
from reader.core.store import Store


def paper(pid: str, title: str, abstract: str = "", note: str = "", tags: tuple[str, ...] = ()) -> Entry:
    return Entry(Paper(id=pid, title=title, text=Abstract(abstract)), ReadingState(note=note, tags=tags))


def ranked(entries: list[Entry], text: str, *, typing: bool = True) -> list[str]:
    index = SearchIndex(entries)
    return index.ids_at(index.rank(text, typing=typing)[0])


def test_typos_allowed_grow_with_the_word() -> None:
    assert [typos_allowed(w) for w in ("lean", "model", "training", "diffusion")] == [0, 1, 1, 2]
    entries = [paper("lean", "Lean proofs"), paper("model", "Model soups"), paper("long", "Transformers everywhere")]
    assert ranked(entries, "laen", typing=False) == []  # under five letters: no typo
    assert ranked(entries, "modle", typing=False) == ["model"]  # one typo up to eight
    assert ranked(entries, "trasnfomers", typing=False) == ["long"]  # two beyond
    assert ranked(entries, "tarsnfomrers", typing=False) == []  # not three


def test_exact_beats_fuzzy_of_the_same_word() -> None:
    entries = [
        paper("curricula", "When do curricula work in federated learning"),
        paper("exact-1", "Self-evolving curriculum for reasoning"),
        paper("division", "Learnable rounding by element-wise division"),
        paper("exact-2", "Curriculum learning for agents"),
        paper("diffusion", "A diffusion model for molecules"),
    ]
    assert set(ranked(entries, "curriculum", typing=False)[:2]) == {"exact-1", "exact-2"}
    assert ranked(entries, "difusion", typing=False)[0] == "diffusion"  # one typo from it, two from division
    assert "division" not in ranked(entries, "difusion", typing=False)


def test_the_closer_spelling_wins() -> None:
    entries = [paper("two", "Tokenisation matters"), paper("one", "Tokenization matters")]
    assert ranked(entries, "tokenizatoin", typing=False) == ["one", "two"]


def test_a_prefix_counts_only_for_the_word_being_typed() -> None:
    entries = [paper("splatting", "Gaussian splatting at scale"), paper("splat", "Splat trees")]
    assert ranked(entries, "splat") == ["splat", "splatting"]  # exact first, then what it begins
    assert ranked(entries, "splat ") == ["splat"]  # a space ends the word
    assert ranked(entries, "splat trees", typing=True) == ["splat"]  # only the last word is being typed
    parsed = query_language.parse("splat is:unread")
    assert parsed.words == ["splat"] and not parsed.typing  # a filter came after it


def test_more_words_matched_rank_first() -> None:
    entries = [
        paper("one", "Mixture models", abstract="nothing else"),
        paper("three", "Training systems", abstract="a mixture of experts"),
    ]
    assert ranked(entries, "mixture experts training", typing=False) == ["three", "one"]


def test_words_together_beat_scattered_words() -> None:
    entries = [
        paper("scattered", "Training of experts: a system for mixture data"),
        paper("together", "SE-MoE: a mixture of experts training system"),
        paper("apart", "Experts mixture"),
    ]
    order = ranked(entries, "mixture of experts training system", typing=False)
    assert order[:2] == ["together", "scattered"]


def test_fields_title_tags_note_abstract() -> None:
    entries = [
        paper("abstract", "One", abstract="about quokkas"),
        paper("note", "Two", note="quokkas"),
        paper("tags", "Three", tags=("quokkas",)),
        paper("title", "Four quokkas"),
        paper("title-start", "Quokkas"),
    ]
    assert ranked(entries, "quokkas") == ["title-start", "title", "tags", "note", "abstract"]


def test_rarer_and_shorter_win_among_equals() -> None:
    common = [paper(f"c{i}", f"Graph networks study {i}") for i in range(6)]
    longer = paper("long", "Graph networks for a very long list of things")
    entries = [*common, paper("short", "Graph networks"), longer]
    order = ranked(entries, "graph networks", typing=False)
    assert order.index("short") < order.index("long")


def test_exclusion_mirrors_inclusion(store: Store) -> None:
    entries = [
        paper("plain", "Reasoning about code"),
        paper("mathematical", "Mathematical reasoning with tools"),
        paper("math", "Math reasoning"),
        paper("typo", "Reasoning about maths"),  # "maths" starts with "math": dropped too
        paper("near", "Reasoning about myth"),  # "myth" is a typo away from "math": kept
    ]
    session = Session(store)
    session.take(session.begin_read(), Library.of(entries))
    session.take_index(session.generation, SearchIndex(entries))
    found = session.rows("reasoning -math").entries
    assert found is not None
    assert [e.id for e in found] == ["plain", "near"]
    listed = session.rows("-math").entries  # no words to rank: the same papers drop out
    assert listed is not None and [e.id for e in listed] == ["plain", "near"]
    included = session.rows("math").entries
    assert included is not None and {e.id for e in included} == {"mathematical", "math", "typo"}


def test_explain_says_why(store: Store) -> None:
    entries = [paper("a", "Gaussian splatting for scenes", abstract="dynamic scenes"), paper("b", "Splats")]
    index = SearchIndex(entries)
    lines = index.explain("gausian splating", "a").lines()
    assert lines[0] == "words 2/2: gausian = gaussian (1 typo) in title start, splating = splatting (1 typo) in title"
    assert lines[1].startswith("typos 2 · together 4 · fields 8 · rarity ")
