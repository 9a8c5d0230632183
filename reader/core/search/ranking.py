"""How papers are ordered for a query, and why: tiers, as the best instant-search engines rank.

Each query word is matched against each paper (``WordMatch``: how many typos
it took, which field it is in, where in the title, how rare). Papers are then
ordered by, in turn:

1. how many of the query's words they match;
2. how few typos it took (an exact word, then the word being typed as a
   prefix, then one typo, then two);
3. how closely the words stand together in the title (a phrase, a close run);
4. which fields hold them (the title's first word, the title, tags, a note,
   the abstract);
5. rarity: BM25, which weighs rare words, saturates repeated ones and
   prefers short fields.

All five are folded into one number per paper, each tier too small to
outweigh the one above it; ``explain`` unfolds it again for a person.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Where a word stands: the title's first word, the title, tags, a note, the abstract.
FIELD_RANKS = {"title start": 9, "title": 8, "tags": 6, "note": 4, "abstract": 2}
FIELD_NAMES = {rank: name for name, rank in FIELD_RANKS.items()}
TYPO_NAMES = {0: "exact", 1: "prefix", 2: "1 typo", 4: "2 typos"}
K1, B = 1.2, 0.75  # BM25's saturation and length normalisation
MAX_RARITY = 999.0

# One number per paper: each tier's range stays below the next tier's unit.
_MATCHED, _TYPOS, _TOGETHER, _FIELDS = 1e9, 1e7, 1e5, 1e3

Floats = npt.NDArray[np.float64]


@dataclass(slots=True)
class WordMatch:
    """One query word against every paper (arrays indexed by paper position)."""

    word: str
    typos: npt.NDArray[np.int8]  # the typo rank of the best match (see TYPO_NAMES), -1 for none
    field: npt.NDArray[np.int8]  # its FIELD_RANKS value, 0 for none
    place: npt.NDArray[np.int16]  # where it stands in the title, -1 if not there
    rarity: npt.NDArray[np.float32]  # its BM25 score
    variants: dict[str, int]  # the vocabulary words it stands for, with their typo ranks

    @property
    def matched(self) -> npt.NDArray[np.bool_]:
        return self.typos >= 0


def bm25(idf: float, count: npt.NDArray[np.float32], length: npt.NDArray[np.float32], average: float
         ) -> npt.NDArray[np.float32]:
    """BM25 of a word ``count`` times in a field of ``length`` words (the field's mean is ``average``)."""
    norm = K1 * (1.0 - B + B * length / max(average, 1.0))
    return (np.float32(idf) * count * np.float32(K1 + 1.0) / (count + norm)).astype(np.float32)


def idf(papers: int, holding: int) -> float:
    """How rare a word is among ``papers`` when ``holding`` of them have it."""
    return math.log(1.0 + (papers - holding + 0.5) / (holding + 0.5))


def together(matches: list[WordMatch], gaps: list[int]) -> npt.NDArray[np.int16]:
    """Points for query words that stand in the title as they stand in the query.

    For each two neighbouring query words: 4 if they are as far apart in the
    title as in the query (a phrase; ``gaps`` counts the stop words between
    them), 2 if in order and at most two words further apart, 1 if within
    five words either way.
    """
    points = np.zeros(len(matches[0].place) if matches else 0, dtype=np.int16)
    for (left, right), gap in zip(itertools.pairwise(matches), gaps, strict=True):
        both = (left.place >= 0) & (right.place >= 0)
        apart = right.place.astype(np.int32) - left.place
        points += np.where(
            both & (apart == gap), 4,
            np.where(both & (apart > 0) & (apart <= gap + 2), 2,
                     np.where(both & (apart != 0) & (np.abs(apart) <= 5), 1, 0)),
        ).astype(np.int16)
    return points


def order_key(matches: list[WordMatch], gaps: list[int], min_share: float = 0.0) -> Floats:
    """The tiers folded into one number per paper (0: no match); sort descending."""
    count = np.zeros(len(matches[0].typos), dtype=np.int32)
    typos = np.zeros_like(count)
    fields = np.zeros_like(count)
    rarity = np.zeros(len(count), dtype=np.float64)
    for match in matches:
        hit = match.matched
        count += hit
        typos += np.where(hit, match.typos, 0)
        fields += match.field
        rarity += match.rarity
    key = (
        count * _MATCHED
        + (99 - np.minimum(typos, 99)) * _TYPOS
        + together(matches, gaps) * _TOGETHER
        + fields * _FIELDS
        + np.minimum(rarity, MAX_RARITY)
    )
    key[count == 0] = 0.0
    if min_share > 0 and len(matches) >= 3:
        key[count < math.ceil(min_share * len(matches))] = 0.0
    return np.asarray(key, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one paper ranks where it does, tier by tier."""

    words: tuple[tuple[str, str, str, str], ...]  # query word, the word it matched, how (typos), where (field)
    typos: int
    together: int
    fields: int
    rarity: float

    def lines(self) -> list[str]:
        matched = sum(1 for _, found, _, _ in self.words if found)
        shown = ", ".join(
            (f"{word} = {found}" + (f" ({how})" if how != "exact" else "") + f" in {where}") if found
            else f"{word}: no match"
            for word, found, how, where in self.words
        )
        return [
            f"words {matched}/{len(self.words)}: {shown}",
            f"typos {self.typos} · together {self.together} · fields {self.fields} · rarity {self.rarity:.2f}",
        ]


def explain(matches: list[WordMatch], gaps: list[int], position: int, found: list[str]) -> Explanation:
    """The tiers of the paper at ``position``; ``found`` is the vocabulary word each query word matched there."""
    words = []
    typos = 0
    for match, word in zip(matches, found, strict=True):
        rank = int(match.typos[position])
        if rank < 0:
            words.append((match.word, "", "", ""))
            continue
        typos += rank // 2
        words.append((match.word, word, TYPO_NAMES[rank], FIELD_NAMES.get(int(match.field[position]), "?")))
    return Explanation(
        tuple(words),
        typos,
        int(together(matches, gaps)[position]) if matches else 0,
        sum(int(m.field[position]) for m in matches),
        sum(float(m.rarity[position]) for m in matches),
    )
