"""Papers like this one: a "more like this" query built from the paper's own words.

The search index already weighs rare words above common ones and title hits
above abstract hits, so the paper's distinctive words, asked as one query,
rank the store by shared content.
"""

from __future__ import annotations

from collections import Counter

from reader.core.models import Entry
from reader.core.search.index import Hit, SearchIndex
from reader.core.search.words import query_words, words_of

MAX_WORDS = 24
_MIN_LENGTH = 4


def profile(entry: Entry) -> list[str]:
    """The words that say what a paper is about: its title's, then its abstract's most used."""
    title = [w for w in query_words(entry.paper.title) if len(w) >= _MIN_LENGTH - 1]
    counts = Counter(w for w in words_of(entry.paper.abstract) if len(w) >= _MIN_LENGTH and not w.isdigit())
    words = list(dict.fromkeys(title + [w for w, _ in counts.most_common(MAX_WORDS * 2)]))
    return [*words[:MAX_WORDS], *entry.state.tags]


def related(entry: Entry, index: SearchIndex, limit: int = 10) -> list[Hit]:
    """The ``limit`` papers most similar to ``entry``, best first, never itself."""
    words = profile(entry)
    if not words:
        return []
    hits = index.similar(words, limit=limit + 1)
    return [hit for hit in hits if hit.id != entry.id][:limit]
