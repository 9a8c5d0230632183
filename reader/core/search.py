"""Fuzzy search over titles, abstracts, tags and notes.

Matching whole documents with rapidfuzz costs time in proportion to the
text. Instead every paper's words go into an inverted index once; a query's
words are matched against the vocabulary (exactly, as a prefix while typing,
or fuzzily with rapidfuzz for typos), and papers are ranked by which field the
matched word sits in (title above tags above note above abstract), how well it
matched, and how rare it is.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from reader.core.models import Entry
from reader.core.text import fold, readable_latex

FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "note": 2.0, "abstract": 1.0}
EXACT, PREFIX, FUZZY = 1.0, 0.85, 0.75
_PREFIX_LIMIT = 64
_STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the this to we with".split()
)
_WORD = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")


def words_of(text: str) -> list[str]:
    """The searchable words of ``text``: folded, and hyphenated compounds both split and joined."""
    found: list[str] = []
    for match in _WORD.finditer(fold(text)):
        word = match.group(0)
        if "-" in word or "'" in word:
            parts = re.split(r"[-']", word)
            found.extend(parts)
            found.append("".join(parts))
        else:
            found.append(word)
    return found


def query_words(query: str) -> list[str]:
    words = list(dict.fromkeys(words_of(query)))
    meaningful = [w for w in words if w not in _STOP]
    return meaningful or words


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float


class SearchIndex:
    """An inverted index over the store's papers, updated one paper at a time."""

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.ids: list[str] = []
        self._position: dict[str, int] = {}
        self._doc_words: list[dict[str, float]] = []
        self._postings: dict[str, dict[int, float]] = {}
        self._sorted_vocab: list[str] | None = None
        self._by_length: dict[int, list[str]] | None = None
        for entry in entries:
            self.update(entry)

    def __len__(self) -> int:
        return len(self.ids)

    # -- maintenance --------------------------------------------------------

    def update(self, entry: Entry) -> None:
        """Index ``entry``, replacing what was indexed for it before."""
        position = self._position.get(entry.id)
        if position is None:
            position = len(self.ids)
            self.ids.append(entry.id)
            self._position[entry.id] = position
            self._doc_words.append({})
        else:
            for word in self._doc_words[position]:
                postings = self._postings.get(word)
                if postings is not None:
                    postings.pop(position, None)
                    if not postings:
                        del self._postings[word]
                        self._vocab_changed()
        weights = self._weigh(entry)
        self._doc_words[position] = weights
        for word, weight in weights.items():
            postings = self._postings.get(word)
            if postings is None:
                postings = self._postings[word] = {}
                self._vocab_changed()
            postings[position] = weight

    def _vocab_changed(self) -> None:
        self._sorted_vocab = None
        self._by_length = None

    @staticmethod
    def _weigh(entry: Entry) -> dict[str, float]:
        fields = {
            "title": entry.paper.title,
            "abstract": readable_latex(entry.paper.abstract),
            "tags": " ".join(entry.state.tags),
            "note": entry.state.note,
        }
        weights: dict[str, float] = {}
        for name, text in fields.items():
            weight = FIELD_WEIGHTS[name]
            for word in words_of(text):
                if weights.get(word, 0.0) < weight:
                    weights[word] = weight
        return weights

    # -- matching -----------------------------------------------------------

    def _vocab(self) -> list[str]:
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._postings)
        return self._sorted_vocab

    def _lengths(self) -> dict[int, list[str]]:
        if self._by_length is None:
            buckets: dict[int, list[str]] = {}
            for word in self._postings:
                buckets.setdefault(len(word), []).append(word)
            self._by_length = buckets
        return self._by_length

    def expand(self, word: str) -> dict[str, float]:
        """Vocabulary words that ``word`` stands for, each with how well it matched."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = EXACT
        if len(word) >= 2:
            vocab = self._vocab()
            start = bisect.bisect_left(vocab, word)
            for candidate in vocab[start : start + _PREFIX_LIMIT]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, PREFIX)
        if len(word) >= 4:
            slack = 1 if len(word) < 6 else 2
            lengths = self._lengths()
            pool = [w for n in range(len(word) - slack, len(word) + slack + 1) for w in lengths.get(n, ())]
            cutoff = 80.0 if len(word) < 7 else 75.0
            for candidate, score, _ in process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=20):
                found.setdefault(candidate, FUZZY * score / 100.0)
        return found

    def scores(self, query: str) -> np.ndarray | None:
        """A score per paper (0 for no match); None for a query with no words."""
        words = query_words(query)
        if not words:
            return None
        total = np.zeros(len(self.ids), dtype=np.float32)
        count = max(len(self.ids), 1)
        for word in words:
            best = np.zeros(len(self.ids), dtype=np.float32)
            for candidate, quality in self.expand(word).items():
                postings = self._postings[candidate]
                rarity = math.log(1.0 + count / len(postings))
                positions = np.fromiter(postings.keys(), dtype=np.int64, count=len(postings))
                weights = np.fromiter(postings.values(), dtype=np.float32, count=len(postings))
                np.maximum.at(best, positions, weights * quality * rarity)
            total += best
        return total

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """Papers matching ``query``, best first; an empty query matches all, in order."""
        scores = self.scores(query)
        if scores is None:
            chosen = self.ids if limit is None else self.ids[:limit]
            return [Hit(pid, 0.0) for pid in chosen]
        matched = np.flatnonzero(scores > 0)
        order = matched[np.argsort(-scores[matched], kind="stable")]
        if limit is not None:
            order = order[:limit]
        return [Hit(self.ids[i], float(scores[i])) for i in order]
