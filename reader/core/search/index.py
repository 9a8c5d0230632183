"""Search over titles, abstracts, tags and notes, fast at 100k papers.

Matching whole documents with rapidfuzz costs time in proportion to the text.
Instead every paper's words go into an inverted index once (``postings.py``);
a query's words are matched against the vocabulary, not the papers: exactly,
as a prefix for the word being typed, or with typos, as many as the word's
length allows (none under five letters, one up to eight, two beyond). The
papers those words are in are then ordered by ``ranking.py``.

The base postings depend only on the imported papers and are cached beside
the store; papers whose text changed since (an edited note, new tags, a newly
imported paper) live in an *overlay* of small dicts, and their base postings
are masked out, so the overlay wins. Notes and tags always live there.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from itertools import compress, pairwise
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from reader.core.heap import gc_paused
from reader.core.models import Entry
from reader.core.search import ranking
from reader.core.search.postings import (
    ABSTRACT,
    MAX_SLOT,
    SLOT_BITS,
    TITLE,
    Postings,
    abstract_text,
    file_signature,
    title_places,
)
from reader.core.search.ranking import (
    ABSTRACT_FIELD,
    EXACT,
    NOTE_FIELD,
    ONE_TYPO,
    PREFIX,
    TAGS_FIELD,
    TITLE_FIELD,
    TWO_TYPOS,
    Explanation,
    WordMatch,
)
from reader.core.search.words import query_words, words_of
from reader.core.steps import Steps, finish
from reader.core.store.layout import Layout

_PREFIX_LIMIT = 64
_FUZZY_LIMIT = 20
_CACHE_WORDS = 512
_MATCHES_KEPT = 8
# Weight of each field when papers are compared by their words alone ("more like this").
_SIMILAR_WEIGHT = np.array([0.0, 1.0, 2.0, 2.5, 3.0])  # by field: none, abstract, note, tags, title

_paper_ids = attrgetter("paper.id")
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Packed = npt.NDArray[np.int64]
# An overlay posting: field, place in the title (-1 elsewhere), BM25 before the word's idf.
Overlaid = tuple[int, int, float]


def typos_allowed(word: str) -> int:
    """None for a word under five letters, one up to eight, two beyond."""
    return 0 if len(word) < 5 else 1 if len(word) <= 8 else 2


class Hit(NamedTuple):
    id: str
    score: float


class SearchIndex:
    """An inverted index over the store's papers, updated one paper at a time."""

    def __init__(self, entries: Iterable[Entry] = (), *, _base: Postings | None = None) -> None:
        listed = list(entries)
        self._base = _base if _base is not None else finish(Postings.build(listed))
        self.ids: list[str] = list(self._base.ids)
        self._positions: dict[str, int] | None = None  # built when a paper is first looked up by id
        self._masked = np.zeros(len(self.ids), dtype=bool)  # base postings ignored (overlay or removed)
        self._removed: set[int] = set()
        self._overlay: dict[int, dict[str, Overlaid]] = {}
        self._overlay_postings: dict[str, dict[int, Overlaid]] = {}
        lengths = self._base.lengths
        self._average = (float(lengths[:, 0].mean()), float(lengths[:, 1].mean())) if len(lengths) else (8.0, 150.0)
        # Each paper's title and abstract length norms (BM25), worked out once: a key press only gathers them.
        self._norms = np.stack(
            [ranking.length_norm(lengths[:, column].astype(np.float32), self._average[column]) for column in (0, 1)],
            axis=1,
        ) if len(lengths) else np.zeros((0, 2), dtype=np.float32)
        self._extra: list[str] | None = None  # words of the overlay the base does not have, sorted
        self._expanded: dict[tuple[str, bool], dict[str, int]] = {}
        self._matched: dict[tuple[str, bool], WordMatch] = {}  # the last few words' matches: a key press adds one
        notes, tags = map(attrgetter("state.note"), listed), map(attrgetter("state.tags"), listed)
        edited = {entry.id: entry for entry in compress(listed, map(any, zip(notes, tags, strict=True)))}
        # Their positions in one pass tested in C: a few notes need no map of every paper's position.
        for position in compress(range(len(self.ids)), map(edited.__contains__, self.ids)):
            self._update_at(position, edited.pop(self.ids[position]))
        for entry in edited.values():  # not among the base's papers: added at the end
            self.update(entry)

    @classmethod
    def opening(cls, entries: Sequence[Entry], source: Path) -> Steps[SearchIndex]:
        """The index for ``entries`` read from the papers file ``source``, via a cache file beside it.

        The cache is derived data keyed by the papers file's identity (inode,
        size, mtime) and checked against the papers themselves: a missing,
        stale or damaged cache is silently rebuilt, never an error.
        """
        cache = Layout(source).index
        before = file_signature(source)
        base = (yield from Postings.load(cache, before, list(map(_paper_ids, entries)))) if before else None
        if base is None:
            base = yield from Postings.build(entries)
            if before and file_signature(source) == before:
                base.save(cache, before)
        index = cls(entries, _base=base)
        yield
        return index

    @classmethod
    def cached(cls, paper_ids: Sequence[str], edited: Iterable[Entry], source: Path) -> SearchIndex | None:
        """The index from the cache beside ``source``, if it holds exactly ``paper_ids``; else None.

        ``edited`` are the papers with a note or tags (their words are not in
        the cache). No paper's text is read: a command that searches 100k
        papers need not build them all.
        """
        before = file_signature(source)
        base = finish(Postings.load(Layout(source).index, before, paper_ids)) if before else None
        return None if base is None else cls(edited, _base=base)

    @classmethod
    def load_or_build(cls, entries: Sequence[Entry], source: Path) -> SearchIndex:
        """``opening`` run straight through."""
        return finish(cls.opening(entries, source))

    def _position(self) -> dict[str, int]:
        """Each paper's position by id (a search that only ranks never needs it)."""
        if self._positions is None:
            self._positions = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._positions

    def __len__(self) -> int:
        return len(self.ids) - len(self._removed)

    # -- maintenance --------------------------------------------------------

    def update(self, entry: Entry) -> None:
        """Index ``entry`` (new or changed), replacing what was indexed for it before."""
        position = self._position().get(entry.id)
        if position is None:
            position = len(self.ids)
            self.ids.append(entry.id)
            self._position()[entry.id] = position
            self._masked = np.append(self._masked, True)
        self._update_at(position, entry)

    def _update_at(self, position: int, entry: Entry) -> None:
        self._drop_overlay(position)
        self._removed.discard(position)
        self._masked[position] = True
        self._matched.clear()
        terms = self._terms(entry)
        self._overlay[position] = terms
        for word, posting in terms.items():
            postings = self._overlay_postings.get(word)
            if postings is None:
                postings = self._overlay_postings[word] = {}
                if word not in self._base:
                    self._vocab_changed()
            postings[position] = posting

    def _terms(self, entry: Entry) -> dict[str, Overlaid]:
        """Each word of a paper in its best field, as the base postings would hold it."""
        title_words = words_of(entry.paper.title)
        abstract_words = words_of(abstract_text(entry))
        title_length, abstract_length = len(title_words), len(abstract_words)
        terms: dict[str, Overlaid] = {}
        for word, place in title_places(title_words).items():
            terms[word] = (TITLE_FIELD, min(place, MAX_SLOT), self._norm(TITLE, 1, title_length))
        for word in words_of(" ".join(entry.state.tags)):
            terms.setdefault(word, (TAGS_FIELD, -1, 1.0))
        for word in words_of(entry.state.note):
            terms.setdefault(word, (NOTE_FIELD, -1, 1.0))
        counts: dict[str, int] = {}
        for word in abstract_words:
            counts[word] = counts.get(word, 0) + 1
        for word, count in counts.items():
            terms.setdefault(word, (ABSTRACT_FIELD, -1, self._norm(ABSTRACT, count, abstract_length)))
        return terms

    def _norm(self, field: int, count: int, length: int) -> float:
        """BM25 of one field before the word's idf (title words count double), as ``match`` computes it."""
        in_title = field == TITLE
        norm = ranking.length_norm(np.array([length], np.float32), self._average[0 if in_title else 1])
        return float(ranking.bm25(1.0, np.array([count], np.float32), norm)[0]) * (2.0 if in_title else 1.0)

    def remove(self, paper_id: str) -> None:
        """Forget a deleted paper; it no longer matches or appears in an empty query."""
        position = self._position().get(paper_id)
        if position is None:
            return
        self._drop_overlay(position)
        self._masked[position] = True
        self._removed.add(position)
        self._matched.clear()

    def _drop_overlay(self, position: int) -> None:
        for word in self._overlay.pop(position, {}):
            postings = self._overlay_postings.get(word)
            if postings is not None:
                postings.pop(position, None)
                if not postings:
                    del self._overlay_postings[word]
                    if word not in self._base:
                        self._vocab_changed()

    def _vocab_changed(self) -> None:
        self._extra = None
        self._expanded.clear()

    # -- matching words -------------------------------------------------------

    def _known(self, word: str) -> bool:
        return word in self._base or word in self._overlay_postings

    def _extra_words(self) -> list[str]:
        """The overlay's words the base postings do not have (a note's, a new paper's), sorted."""
        if self._extra is None:
            self._extra = sorted(w for w in self._overlay_postings if w not in self._base)
        return self._extra

    def _begun(self, word: str) -> list[str]:
        """The vocabulary words ``word`` begins, in sorted order, at most ``_PREFIX_LIMIT``."""
        found = []
        for vocab in (self._base.vocab, self._extra_words()):
            start = bisect.bisect_left(vocab, word)
            for candidate in vocab[start : start + _PREFIX_LIMIT]:
                if not candidate.startswith(word):
                    break
                found.append(candidate)
        return sorted(found)[:_PREFIX_LIMIT]

    def _pool(self, word: str, slack: int) -> list[str]:
        """The vocabulary words a typo of ``word`` can be: about as long, sharing one of its first two letters.

        A typo or two leave one of a word's first two letters among the first
        two of the typed word (nearly always), so the typo scan only needs
        these: a small part of the vocabulary, which keeps a key press quick.
        The base's word shapes come with its postings (worked out once, cached).
        """
        shapes = self._base.shapes
        letters = np.array([ord(c) for c in set(word[:2])], dtype=np.uint32)
        lengths = shapes[0].astype(np.int64)
        near = (lengths >= len(word) - slack) & (lengths <= len(word) + slack)
        near &= np.isin(shapes[1], letters) | np.isin(shapes[2], letters)
        vocab = self._base.vocab
        pool = [vocab[i] for i in np.flatnonzero(near).tolist()]
        firsts = set(word[:2])
        pool += [w for w in self._extra_words() if abs(len(w) - len(word)) <= slack and firsts & set(w[:2])]
        return pool

    def expand(self, word: str, prefix: bool = False) -> dict[str, int]:
        """The vocabulary words ``word`` stands for, each with its spelling (``ranking.EXACT``...; cached per word).

        ``prefix`` for the word being typed: the words it begins count too.
        """
        key = (word, prefix)
        cached = self._expanded.get(key)
        if cached is None:
            cached = self._expand(word, prefix)
            if len(self._expanded) >= _CACHE_WORDS:
                self._expanded.pop(next(iter(self._expanded)))
            self._expanded[key] = cached
        return cached

    def _expand(self, word: str, prefix: bool) -> dict[str, int]:
        found: dict[str, int] = {}
        if self._known(word):
            found[word] = EXACT
        if prefix and len(word) >= 2:
            for candidate in self._begun(word):
                found.setdefault(candidate, PREFIX)
        allowed = typos_allowed(word)
        if allowed:
            pool = self._pool(word, allowed)  # in vocabulary order: the same ties on every run
            matches = process.extract(word, pool, scorer=OSA.distance, score_cutoff=allowed, limit=_FUZZY_LIMIT)
            for candidate, distance, _ in matches:
                found.setdefault(candidate, ONE_TYPO if distance <= 1 else TWO_TYPOS)
        return found

    def _holding(self, word: str) -> int:
        """How many papers hold ``word``."""
        postings = self._base.postings(word)
        base = 0 if postings is None else len(postings[0])
        return base + len(self._overlay_postings.get(word, ()))

    def match(self, word: str, prefix: bool = False) -> WordMatch:
        """One query word against every paper: its best match in each (fewest typos, best field, rarest).

        The last few are kept: typing the next word of a query matches only that word.
        """
        key = (word, prefix)
        found = self._matched.get(key)
        if found is None:
            found = self._match(word, self.expand(word, prefix))
            if len(self._matched) >= _MATCHES_KEPT:
                self._matched.pop(next(iter(self._matched)))
            self._matched[key] = found
        return found

    def _match(self, word: str, variants: dict[str, int]) -> WordMatch:
        n = len(self.ids)
        best = np.zeros(n, dtype=np.int64)  # the best way each paper matches, folded (``ranking.fold``)
        place = np.full(n, -1, dtype=np.int16)
        papers = max(len(self), 1)
        base_n = len(self._base.ids)
        for candidate, spelling in variants.items():
            holding = self._holding(candidate)
            if not holding:
                continue
            idf = ranking.idf(papers, holding)
            postings = self._base.postings(candidate)
            if postings is not None and len(postings[0]):
                docs, codes = postings
                in_title = (codes & 3) == TITLE
                slot = codes >> SLOT_BITS  # a title place or an abstract count
                count = np.where(in_title, 1, slot).astype(np.float32)
                norm = self._norms[docs, (~in_title).view(np.int8)]
                rarity = ranking.bm25(idf, count, norm) * (1 + in_title)  # title words count double
                field = np.where(in_title, TITLE_FIELD, ABSTRACT_FIELD)
                folded = ranking.fold(spelling, field, in_title & (slot == 0), rarity)
                better = folded > best[docs]
                best[docs[better]] = folded[better]
                place[docs[better]] = np.where(in_title, slot, -1).astype(np.int16)[better]
        if self._overlay:
            masked = np.flatnonzero(self._masked[:base_n])
            best[masked], place[masked] = 0.0, -1
            for candidate, spelling in variants.items():
                overlaid = self._overlay_postings.get(candidate)
                if not overlaid:
                    continue
                idf = ranking.idf(papers, self._holding(candidate))
                for position, (in_field, where, norm) in overlaid.items():
                    value = int(ranking.fold(spelling, in_field, where == 0, np.float32(idf * norm)))
                    if value > best[position]:
                        best[position] = value
                        place[position] = where
        elif self._removed:
            best[list(self._removed)] = 0.0
        return ranking.unfold(word, best, place, variants)

    # -- ranking ---------------------------------------------------------------

    def _query(self, query: str, typing: bool) -> tuple[list[WordMatch], list[int]]:
        """Each query word matched, and how far apart neighbouring words stand in the query."""
        everything = words_of(query)
        words = query_words(query)
        places = {word: everything.index(word) for word in words}
        gaps = [max(1, places[b] - places[a]) for a, b in pairwise(words)]
        last_open = typing and bool(query) and not query[-1].isspace()
        matches = [
            self.match(word, prefix=last_open and i == len(words) - 1 and everything[-1:] == [word])
            for i, word in enumerate(words)
        ]
        return matches, gaps

    def order(self, query: str, *, min_share: float = 0.0, typing: bool = True) -> Packed | None:
        """Every paper's ranking key (0: no match; see ``ranking.order_key``); None for a query with no words."""
        matches, gaps = self._query(query, typing)
        if not matches:
            return None
        return ranking.order_key(matches, gaps, min_share)

    def rank(
        self, query: str, limit: int | None = None, *, min_share: float = 0.0, typing: bool = True
    ) -> tuple[Ints, Floats]:
        """Positions of the matching papers, best first, and their keys; ties keep store order.

        ``typing``: the last word may still be being typed, so the words it begins match too.
        """
        key = self.order(query, min_share=min_share, typing=typing)
        if key is None:
            keep = np.ones(len(self.ids), dtype=bool)
            keep[list(self._removed)] = False
            positions = np.flatnonzero(keep)
            if limit is not None:
                positions = positions[:limit]
            return positions, np.zeros(len(positions), dtype=np.float64)
        positions = ranking.best_first(key, limit)
        return positions, ranking.scores(key[positions])

    def search(self, query: str, limit: int | None = None, *, min_share: float = 0.0) -> list[Hit]:
        """Papers matching ``query``, best first; an empty query matches all, in order."""
        return self._hits(*self.rank(query, limit, min_share=min_share))

    def similar(self, words: Sequence[str], limit: int) -> list[Hit]:
        """Papers sharing these words (exactly), by rarity and field: "more like this", no tiers."""
        score = np.zeros(len(self.ids), dtype=np.float64)
        for word in dict.fromkeys(words):
            match = self._match(word, {word: EXACT} if self._known(word) else {})
            score += _SIMILAR_WEIGHT[match.field] * match.rarity
        positions = ranking.best_first((score * 1000).astype(np.int64), limit)
        return self._hits(positions, score[positions])

    def excluded(self, words: Sequence[str]) -> npt.NDArray[np.bool_]:
        """Papers holding any of ``words`` exactly or as the start of a word (what ``-word`` drops)."""
        dropped = np.zeros(len(self.ids), dtype=bool)
        for word in words:
            variants = {v: spelling for v, spelling in self.expand(word, prefix=True).items() if spelling <= PREFIX}
            dropped |= self._match(word, variants).matched
        return dropped

    def explain(self, query: str, paper_id: str, *, typing: bool = True) -> Explanation:
        """Why the paper ``paper_id`` ranks where it does for ``query``."""
        position = self._position()[paper_id]
        matches, gaps = self._query(query, typing)
        found = [self._matched_word(match, position) for match in matches]
        return ranking.explain(matches, gaps, position, found)

    def _matched_word(self, match: WordMatch, position: int) -> tuple[str, int]:
        """The vocabulary word a query word matched in one paper, and how it was spelt."""
        field = int(match.field[position])
        for candidate, spelling in sorted(match.variants.items(), key=lambda item: item[1]):
            if ranking.typos_of(spelling) != match.typos[position] or (spelling == EXACT) != match.exact[position]:
                continue
            overlaid = self._overlay_postings.get(candidate, {}).get(position)
            if overlaid is not None and overlaid[0] == field:
                return candidate, spelling
            postings = self._base.postings(candidate)
            if postings is not None and not self._masked[position]:
                docs, codes = postings
                at = int(np.searchsorted(docs, position))
                in_field = TITLE_FIELD if at < len(docs) and codes[at] & 3 == TITLE else ABSTRACT_FIELD
                if at < len(docs) and docs[at] == position and in_field == field:
                    return candidate, spelling
        return "", EXACT

    def _hits(self, positions: Ints, scores: Floats) -> list[Hit]:
        ids = self.ids
        with gc_paused():  # a broad query makes 100k small tuples: no reason to scan the heap meanwhile
            return [Hit(ids[i], s) for i, s in zip(positions.tolist(), scores.tolist(), strict=True)]

    def ids_at(self, positions: Ints) -> list[str]:
        """The paper ids at ``positions`` (from ``rank``): a list view shows only the rows it needs."""
        ids = self.ids
        return [ids[i] for i in positions.tolist()]
