"""How papers are ordered for a query, and why: tiers, as the best instant-search engines rank.

Each query word is matched against each paper (``WordMatch``: how many typos
it took, which field it is in, where in the title, how rare). Papers are then
ordered by, in turn:

1. how many of the query's words they match;
2. how few typos it took (the word being typed may be the start of a longer
   one: that costs no typo);
3. how closely the words stand together in the title (a phrase, a close run);
4. which fields hold them (the title, tags, a note, the abstract);
5. the paper's name: a query word that opens the title (where most papers
   put their name) before one inside it;
6. exactness: whole words typed before words merely begun;
7. rarity: BM25, which weighs rare words, saturates repeated ones and
   prefers short fields.

Where one word matches a paper several ways, the best way counts, judged in
the same order (fewest typos, best field, exact, rarest). All tiers are
packed into one integer per paper, each in bits of its own above the tier
below; ``explain`` unpacks them again for a person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

# A word's match, by how it was spelt: the expansion of a query word gives each vocabulary word one.
EXACT, PREFIX, ONE_TYPO, TWO_TYPOS = 0, 1, 2, 3
SPELLING_NAMES = {EXACT: "exact", PREFIX: "prefix", ONE_TYPO: "1 typo", TWO_TYPOS: "2 typos"}
# Fields, better ones higher.
ABSTRACT_FIELD, NOTE_FIELD, TAGS_FIELD, TITLE_FIELD = 1, 2, 3, 4
FIELD_NAMES = {TITLE_FIELD: "title", TAGS_FIELD: "tags", NOTE_FIELD: "note", ABSTRACT_FIELD: "abstract"}
K1, B = 1.2, 0.75  # BM25's saturation and length normalisation
MAX_RARITY = 999.0

Floats = npt.NDArray[np.float64]


def typos_of(spelling: int) -> int:
    """Typos a spelling costs: a prefix of the word being typed costs none."""
    return max(0, spelling - 1)


# A way a word matches, packed into an integer so that the larger is the better way (``fold``).
_RARITY_STEPS = 1000  # rarity is kept to a thousandth
_RARITY_BITS = 20
_START, _EXACT, _FIELD, _SPELT = _RARITY_BITS, _RARITY_BITS + 1, _RARITY_BITS + 2, _RARITY_BITS + 5

Packed = npt.NDArray[np.int64]


def fold(spelling: int, field: npt.ArrayLike, start: npt.ArrayLike, rarity: npt.ArrayLike) -> Packed:
    """One way a word matches, as an integer that orders the ways: fewest typos, best field, exact,
    at the title's start, rarest. ``unfold`` reads it back."""
    rarity_steps = (np.minimum(rarity, MAX_RARITY) * _RARITY_STEPS).astype(np.int64)
    return (
        (3 - typos_of(spelling)) << _SPELT
        | np.asarray(field, dtype=np.int64) << _FIELD
        | int(spelling == EXACT) << _EXACT
        | np.asarray(start, dtype=np.int64) << _START
        | rarity_steps
    )


@dataclass(slots=True)
class WordMatch:
    """One query word against every paper (arrays indexed by paper position)."""

    word: str
    typos: npt.NDArray[np.int8]  # typos of the best match, -1 for none
    field: npt.NDArray[np.int8]  # its field (FIELD_NAMES), 0 for none
    exact: npt.NDArray[np.bool_]  # a whole word as typed (not a prefix, not a typo)
    start: npt.NDArray[np.bool_]  # the title's first word
    place: npt.NDArray[np.int16]  # where it stands in the title, -1 if not there
    rarity: npt.NDArray[np.float32]  # its BM25 score
    variants: dict[str, int]  # the vocabulary words it stands for, with their spellings

    @property
    def matched(self) -> npt.NDArray[np.bool_]:
        return self.typos >= 0


def unfold(word: str, best: Packed, place: npt.NDArray[np.int16], variants: dict[str, int]) -> WordMatch:
    """The per-paper best matches ``fold`` packed, read back (0: no match)."""
    hit = best > 0
    return WordMatch(
        word,
        np.where(hit, 3 - (best >> _SPELT), -1).astype(np.int8),
        ((best >> _FIELD) & 7).astype(np.int8),
        ((best >> _EXACT) & 1).astype(bool),
        ((best >> _START) & 1).astype(bool),
        np.where(hit, place, -1).astype(np.int16),
        (best & ((1 << _RARITY_BITS) - 1)).astype(np.float32) / np.float32(_RARITY_STEPS),
        variants,
    )


def length_norm(length: npt.NDArray[np.float32], average: float) -> npt.NDArray[np.float32]:
    """BM25's length normalisation of a field of ``length`` words (the field's mean is ``average``)."""
    return (K1 * (1.0 - B + B * length / max(average, 1.0))).astype(np.float32)


def bm25(idf: float, count: npt.NDArray[np.float32], norm: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """BM25 of a word ``count`` times in a field whose ``length_norm`` is ``norm``."""
    return (np.float32(idf * (K1 + 1.0)) * count / (count + norm)).astype(np.float32)


def idf(papers: int, holding: int) -> float:
    """How rare a word is among ``papers`` when ``holding`` of them have it."""
    return math.log(1.0 + (papers - holding + 0.5) / (holding + 0.5))


def together(matches: list[WordMatch], gaps: list[int], at: npt.NDArray[np.int64] | None = None
             ) -> npt.NDArray[np.int16]:
    """Points for query words that stand in the title as they stand in the query (for the papers ``at``, or all).

    For each two neighbouring query words: 4 if they are as far apart in the
    title as in the query (a phrase; ``gaps`` counts the stop words between
    them), 2 if in order and at most two words further apart, 1 if within
    five words either way.
    """
    places = [m.place if at is None else m.place[at] for m in matches]
    points = np.zeros(len(places[0]) if places else 0, dtype=np.int16)
    for (left, right), gap in zip(pairwise(places), gaps, strict=True):
        both = (left >= 0) & (right >= 0)
        apart = right.astype(np.int32) - left
        points += np.where(
            both & (apart == gap), 4,
            np.where(both & (apart > 0) & (apart <= gap + 2), 2,
                     np.where(both & (apart != 0) & (np.abs(apart) <= 5), 1, 0)),
        ).astype(np.int16)
    return points


# The tiers' bits in the packed key, lowest first: (name, width).
_TIERS = (("rarity", 14), ("exact", 4), ("start", 1), ("fields", 7), ("together", 6), ("typos", 6), ("words", 4))
_KEY_RARITY_STEPS = 16  # a sixteenth is fine enough to order by
_POSITION_BITS = 21  # below the key when sorting: ties go by store order, for up to two million papers


def order_key(matches: list[WordMatch], gaps: list[int], min_share: float = 0.0) -> npt.NDArray[np.int64]:
    """The tiers packed into one integer per paper (0: no match); sort descending.

    Only the papers some word matched are looked at: a key press costs the
    matches, not the library.
    """
    key = np.zeros(len(matches[0].typos), dtype=np.int64)
    any_hit = np.zeros(len(key), dtype=bool)
    for match in matches:
        any_hit |= match.matched
    at = np.flatnonzero(any_hit)
    words = np.zeros(len(at), dtype=np.int64)
    typos = np.zeros_like(words)
    fields = np.zeros_like(words)
    exact = np.zeros_like(words)
    start = np.zeros_like(words)
    rarity = np.zeros(len(at), dtype=np.float64)
    for match in matches:
        spelt = match.typos[at]
        hit = spelt >= 0
        words += hit
        typos += np.where(hit, spelt, 0)
        fields += match.field[at]
        exact += match.exact[at]
        start |= match.start[at]
        rarity += match.rarity[at]
    values = {
        "rarity": (np.minimum(rarity, MAX_RARITY) * _KEY_RARITY_STEPS).astype(np.int64),
        "start": start,
        "exact": exact,
        "fields": fields,
        "together": together(matches, gaps, at).astype(np.int64),
        "typos": (1 << 6) - 1 - typos,
        "words": words,
    }
    packed = np.zeros(len(at), dtype=np.int64)
    shift = 0
    for name, width in _TIERS:
        packed |= np.clip(values[name], 0, (1 << width) - 1) << shift
        shift += width
    if min_share > 0 and len(matches) >= 3:
        packed[words < math.ceil(min_share * len(matches))] = 0
    key[at] = packed
    return key


_WORDS_SHIFT = sum(width for name, width in _TIERS if name != "words")


def scores(key: npt.NDArray[np.int64]) -> Floats:
    """Packed keys as scores a person can read: the whole part is the words matched, the rest the lower tiers.

    Exact (a division by a power of two), so scores order papers as the keys do.
    """
    return key.astype(np.float64) / float(1 << _WORDS_SHIFT)


def best_first(key: npt.NDArray[np.int64], limit: int | None = None) -> npt.NDArray[np.int64]:
    """Positions of the papers with a key above 0, highest key first, ties in store order.

    Each key goes above its paper's position in one integer, so sorting those
    values (quicker than a stable argsort) gives the order and the positions.
    """
    matched = np.flatnonzero(key > 0)
    if len(matched) >= 1 << _POSITION_BITS:
        order = matched[np.argsort(-key[matched], kind="stable")]
        return order if limit is None else order[:limit]
    top = (1 << _POSITION_BITS) - 1
    combined = np.sort((key[matched] << _POSITION_BITS) | (top - matched))[::-1]
    if limit is not None:
        combined = combined[:limit]
    return top - (combined & top)


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one paper ranks where it does, tier by tier."""

    words: tuple[tuple[str, str, str, str], ...]  # query word, the word it matched, how it was spelt, where
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


def explain(matches: list[WordMatch], gaps: list[int], position: int, found: list[tuple[str, int]]) -> Explanation:
    """The tiers of the paper at ``position``; ``found`` is the vocabulary word (and its spelling) each query word
    matched there."""
    words = []
    for match, (word, spelling) in zip(matches, found, strict=True):
        if match.typos[position] < 0:
            words.append((match.word, "", "", ""))
            continue
        where = FIELD_NAMES.get(int(match.field[position]), "?")
        if match.start[position]:
            where = "title start"
        words.append((match.word, word, SPELLING_NAMES[spelling], where))
    return Explanation(
        tuple(words),
        sum(max(0, int(m.typos[position])) for m in matches),
        int(together(matches, gaps)[position]) if matches else 0,
        sum(int(m.field[position]) for m in matches),
        sum(float(m.rarity[position]) for m in matches),
    )
