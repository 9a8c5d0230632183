"""Fuzzy search over titles, abstracts, tags and notes, fast at 100k papers.

Matching whole documents with rapidfuzz costs time in proportion to the text. Instead every paper's words go into an
inverted index once; a query's words are matched against the vocabulary
(exactly, as a prefix while typing, or fuzzily with rapidfuzz for typos), and
papers are ranked by which field the matched word sits in (title above tags
above note above abstract), how well it matched, and how rare it is.

Layout, chosen so that a large library's word-in-paper pairs stay compact and
build with vectorised steps (figures in docs/performance.md):

* the *base*: compressed postings (CSR) over titles and abstracts, one int32
  paper position and one uint8 field code per pair, grouped by word. It only
  depends on the imported papers, so it can be saved beside the store and
  loaded quickly next time (see ``load_or_build``);
* the *overlay*: papers whose text changed since (an edited note, new tags,
  a newly imported paper), indexed as small dicts. Their base postings are
  masked out, so the overlay wins. Notes and tags always live here: they are
  few and they change on every edit.

Word matching (``expand``) and per-word scoring (``word_scores``) are kept
apart from ranking (``scores``/``search``) so a query language can reuse them.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import os
import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from reader.core.heap import gc_paused
from reader.core.models import Entry
from reader.core.search.words import query_words, words_of
from reader.core.steps import Steps, finish
from reader.core.store.layout import Layout
from reader.core.text import readable_latex

FIELD_WEIGHTS = {"title": 3.0, "tags": 2.5, "note": 2.0, "abstract": 1.0}
EXACT, PREFIX, FUZZY = 1.0, 0.85, 0.75
_PREFIX_LIMIT = 64
_FUZZY_LIMIT = 20
_CACHE_WORDS = 512

# Field codes stored in the base postings, and the weight of each.
_TITLE, _ABSTRACT = 1, 2
_CODE_WEIGHT = np.zeros(4, dtype=np.float32)
_CODE_WEIGHT[_TITLE] = FIELD_WEIGHTS["title"]
_CODE_WEIGHT[_ABSTRACT] = FIELD_WEIGHTS["abstract"]

CACHE_VERSION = 1
_STEP_PAPERS = 200  # papers between two steps while the index is built


_paper_ids = attrgetter("paper.id")  # C-level attribute access: no Python frame per paper

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


def _abstract_text(entry: Entry) -> str:
    abstract = entry.paper.abstract
    if "\\" in abstract or "~" in abstract or "--" in abstract:
        return readable_latex(abstract)
    return abstract


def doc_weights(entry: Entry) -> dict[str, float]:
    """Each word of a paper with the weight of the best field it appears in."""
    weights: dict[str, float] = {}
    fields = (
        ("title", entry.paper.title),
        ("tags", " ".join(entry.state.tags)),
        ("note", entry.state.note),
        ("abstract", _abstract_text(entry)),
    )
    for name, text in fields:  # best field first: setdefault keeps it
        weight = FIELD_WEIGHTS[name]
        for word in words_of(text):
            weights.setdefault(word, weight)
    return weights


class Hit(NamedTuple):
    id: str
    score: float


class _Base:
    """Immutable CSR postings over titles and abstracts."""

    def __init__(
        self,
        ids: list[str],
        vocab: list[str],
        offsets: Ints,
        docs: npt.NDArray[np.int32],
        codes: npt.NDArray[np.uint8],
        title_lengths: npt.NDArray[np.int32],
    ) -> None:
        self.ids = ids
        self.vocab = vocab
        self.offsets = offsets
        self.docs = docs
        self.codes = codes
        self.title_lengths = title_lengths
        self.word_id = dict(zip(vocab, range(len(vocab)), strict=True))

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> Steps[_Base]:
        """Index titles and abstracts: one pass of C-level set/map calls per paper, then numpy.

        A step every few hundred papers and between the numpy steps.
        """
        vocab: defaultdict[str, int] = defaultdict()
        vocab.default_factory = vocab.__len__  # unseen word -> next id, without a Python loop
        lookup = vocab.__getitem__
        # C ints, not a list of Python ints: 15 million of them at 100k papers, and turning
        # a list that long into an array held the interpreter for most of a second.
        word_ids = array("i")
        counts = np.zeros((len(entries), 2), dtype=np.int64)
        title_lengths = np.zeros(len(entries), dtype=np.int32)
        for position, entry in enumerate(entries):
            title = set(words_of(entry.paper.title))
            abstract = set(words_of(_abstract_text(entry)))
            abstract -= title
            word_ids.extend(map(lookup, title))
            word_ids.extend(map(lookup, abstract))
            counts[position] = (len(title), len(abstract))
            title_lengths[position] = len(entry.paper.title)
            if not position % _STEP_PAPERS:
                yield
        # Number the words in sorted order: the vocabulary is kept sorted (prefix
        # matching bisects it), and a list already sorted sorts again in linear time.
        first_seen = list(vocab)
        ordered = sorted(first_seen)
        rank = dict(zip(ordered, range(len(ordered)), strict=True))
        renumber = np.fromiter(map(rank.__getitem__, first_seen), dtype=np.int32, count=len(first_seen))
        yield
        words = renumber[np.frombuffer(word_ids, dtype=np.intc)]
        del word_ids
        flat = counts.ravel()
        docs = np.repeat(np.repeat(np.arange(len(entries), dtype=np.int32), 2), flat)
        codes = np.repeat(np.tile(np.array([_TITLE, _ABSTRACT], dtype=np.uint8), len(entries)), flat)
        yield
        order = np.argsort(words, kind="stable")  # stable: papers stay in order within a word
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(words, minlength=len(vocab)), out=offsets[1:])
        yield
        docs, codes = docs[order], codes[order]
        yield
        return cls(list(map(_paper_ids, entries)), ordered, offsets, docs, codes, title_lengths)

    def postings(self, word: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]] | None:
        index = self.word_id.get(word)
        if index is None:
            return None
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.docs[start:end], self.codes[start:end]

    # -- the cache file -----------------------------------------------------

    def save(self, path: Path, signature: str) -> None:
        """Write the postings beside the store; a failure only costs a rebuild next time."""
        arrays = {
            "version": np.array([CACHE_VERSION], dtype=np.int64),
            "signature": _text_array(signature),
            "ids": _text_array("\n".join(self.ids)),
            "vocab": _text_array("\n".join(self.vocab)),
            "offsets": self.offsets,
            "docs": self.docs,
            "codes": self.codes,
            "title_lengths": self.title_lengths,
        }
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=".reader-index-", suffix=".npz", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, **arrays)  # type: ignore[arg-type]
            os.replace(tmp_name, path)
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp_name)

    @classmethod
    def load(cls, path: Path, signature: str, paper_ids: Sequence[str]) -> Steps[_Base | None]:
        """The saved postings if they describe exactly these papers (by id, in order), else None (never raises).

        A step between the parts (each a few milliseconds of work that holds the interpreter).
        """
        try:
            with np.load(path, allow_pickle=False) as data:
                if not _shapes_fit(data, len(paper_ids), signature):
                    return None
                if int(data["version"][0]) != CACHE_VERSION or _array_text(data["signature"]) != signature:
                    return None
                ids = _array_text(data["ids"]).split("\n") if len(paper_ids) else []
                yield
                vocab_text = _array_text(data["vocab"])
                vocab = vocab_text.split("\n") if vocab_text else []
                yield
                offsets, title_lengths = data["offsets"], data["title_lengths"]
                docs = data["docs"]
                yield
                codes = data["codes"]
                yield
        except Exception:  # a damaged cache is rebuilt, whatever the damage
            return None
        if not (yield from _consistent(ids, vocab, offsets, docs, codes, title_lengths, paper_ids)):
            return None
        base = cls(ids, vocab, offsets, docs, codes, title_lengths)
        yield
        return base


# What bounds each cached array's length: "one" value, a short "text", the papers "file" it indexes (no array
# of words, ids or postings has more entries than that file has bytes), or exactly one entry per paper.
_CACHE_BOUNDS = {
    "version": "one", "signature": "text", "ids": "file", "vocab": "file", "offsets": "file", "docs": "file",
    "codes": "file", "title_lengths": "papers",
}


def _shapes_fit(data: np.lib.npyio.NpzFile, papers: int, signature: str) -> bool:
    """Whether each array in the cache is one-dimensional and no longer than the store allows, read from its
    header before the array itself: a crafted cache can claim, or decompress into, arrays of any size."""
    try:
        file_bytes = int(signature.split(":")[1])  # ``_file_signature``: inode, size, mtime
    except (IndexError, ValueError):
        return False
    if data.zip is None or sorted(data.files) != sorted(_CACHE_BOUNDS):
        return False
    limits = {"one": 1, "text": 4096, "file": file_bytes + 1, "papers": papers}
    for name, bound in _CACHE_BOUNDS.items():
        with data.zip.open(f"{name}.npy") as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                return False
        if len(shape) != 1 or dtype.itemsize > 8 or shape[0] > limits[bound]:
            return False
        if bound == "papers" and shape[0] != papers:
            return False
    return True


def _text_array(text: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _array_text(array: npt.NDArray[np.uint8]) -> str:
    return array.tobytes().decode("utf-8")


def _consistent(
    ids: list[str],
    vocab: list[str],
    offsets: Ints,
    docs: npt.NDArray[np.int32],
    codes: npt.NDArray[np.uint8],
    title_lengths: npt.NDArray[np.int32],
    paper_ids: Sequence[str],
) -> Steps[bool]:
    """Whether loaded arrays fit together and index exactly these papers.

    The cache is keyed by the papers file's identity (see ``_file_signature``):
    the same ids in the same order, with every array well formed, is a match.
    """
    n = len(paper_ids)
    if ids != list(paper_ids) or len(title_lengths) != n:
        return False
    yield
    if offsets.ndim != 1 or len(offsets) != len(vocab) + 1 or offsets.dtype != np.int64:
        return False
    if docs.dtype != np.int32 or codes.dtype != np.uint8 or len(docs) != len(codes) or offsets[-1] != len(docs):
        return False
    if offsets[0] != 0 or (len(offsets) > 1 and bool(np.any(np.diff(offsets) < 0))):
        return False
    if len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= n or int(codes.max()) > _ABSTRACT):
        return False
    yield
    return True


class _Shapes:
    """The vocabulary's word lengths and first two letters (as code points), for picking typo candidates."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = vocab
        count = len(vocab)
        padded = list(map(str.__add__, vocab, repeat("  ", count)))  # every word has two letters to read
        self.lengths = np.fromiter(map(len, vocab), dtype=np.int32, count=count)
        self.first = np.fromiter(map(ord, map(itemgetter(0), padded)), dtype=np.uint32, count=count)
        self.second = np.fromiter(map(ord, map(itemgetter(1), padded)), dtype=np.uint32, count=count)


class SearchIndex:
    """An inverted index over the store's papers, updated one paper at a time."""

    def __init__(self, entries: Iterable[Entry] = (), *, _base: _Base | None = None) -> None:
        listed = list(entries)
        self._base = _base if _base is not None else finish(_Base.build(listed))
        self.ids: list[str] = list(self._base.ids)
        self._position = dict(zip(self.ids, range(len(self.ids)), strict=True))
        self._masked = np.zeros(len(self.ids), dtype=bool)  # base postings ignored (overlay or removed)
        self._removed: set[int] = set()
        self._overlay: dict[int, dict[str, float]] = {}
        self._overlay_postings: dict[str, dict[int, float]] = {}
        self._sorted_vocab: list[str] | None = None
        self._by_shape: _Shapes | None = None
        self._expanded: dict[str, dict[str, float]] = {}
        notes, tags = map(attrgetter("state.note"), listed), map(attrgetter("state.tags"), listed)
        for entry in compress(listed, map(any, zip(notes, tags, strict=True))):  # papers with a note or tags
            self.update(entry)

    @classmethod
    def opening(cls, entries: Sequence[Entry], source: Path) -> Steps[SearchIndex]:
        """The index for ``entries`` read from the papers file ``source``, via a cache file beside it.

        The cache is derived data keyed by the papers file's identity (inode,
        size, mtime) and checked against the papers themselves: a missing,
        stale or damaged cache is silently rebuilt, never an error.
        """
        cache = Layout(source).index
        before = _file_signature(source)
        base = (yield from _Base.load(cache, before, list(map(_paper_ids, entries)))) if before else None
        if base is None:
            base = yield from _Base.build(entries)
            if before and _file_signature(source) == before:
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
        before = _file_signature(source)
        base = finish(_Base.load(Layout(source).index, before, paper_ids)) if before else None
        return None if base is None else cls(edited, _base=base)

    @classmethod
    def load_or_build(cls, entries: Sequence[Entry], source: Path) -> SearchIndex:
        """``opening`` run straight through."""
        return finish(cls.opening(entries, source))

    def __len__(self) -> int:
        return len(self.ids) - len(self._removed)

    # -- maintenance --------------------------------------------------------

    def update(self, entry: Entry) -> None:
        """Index ``entry`` (new or changed), replacing what was indexed for it before."""
        position = self._position.get(entry.id)
        if position is None:
            position = len(self.ids)
            self.ids.append(entry.id)
            self._position[entry.id] = position
            self._masked = np.append(self._masked, True)
        self._drop_overlay(position)
        self._removed.discard(position)
        self._masked[position] = True
        weights = doc_weights(entry)
        self._overlay[position] = weights
        for word, weight in weights.items():
            postings = self._overlay_postings.get(word)
            if postings is None:
                postings = self._overlay_postings[word] = {}
                if word not in self._base.word_id:
                    self._vocab_changed()
            postings[position] = weight

    def remove(self, paper_id: str) -> None:
        """Forget a deleted paper; it no longer matches or appears in an empty query."""
        position = self._position.get(paper_id)
        if position is None:
            return
        self._drop_overlay(position)
        self._masked[position] = True
        self._removed.add(position)

    def _drop_overlay(self, position: int) -> None:
        for word in self._overlay.pop(position, {}):
            postings = self._overlay_postings.get(word)
            if postings is not None:
                postings.pop(position, None)
                if not postings:
                    del self._overlay_postings[word]
                    if word not in self._base.word_id:
                        self._vocab_changed()

    def _vocab_changed(self) -> None:
        self._sorted_vocab = None
        self._by_shape = None
        self._expanded.clear()

    # -- matching -----------------------------------------------------------

    def _known(self, word: str) -> bool:
        return word in self._base.word_id or word in self._overlay_postings

    def _vocab(self) -> list[str]:
        if self._sorted_vocab is None:
            extra = sorted(w for w in self._overlay_postings if w not in self._base.word_id)
            self._sorted_vocab = sorted([*self._base.vocab, *extra])  # two sorted runs (see build): one merge
        return self._sorted_vocab

    def _shapes(self) -> _Shapes:
        """Each vocabulary word's length and first two letters, as arrays (built once per vocabulary)."""
        if self._by_shape is None:
            finish(self.preparing())
        assert self._by_shape is not None
        return self._by_shape

    def preparing(self) -> Steps[None]:
        """Build the sorted vocabulary and its shapes now (e.g. in a worker), not on the first key press."""
        vocab = self._vocab()
        yield
        self._by_shape = _Shapes(vocab)
        yield

    def _pool(self, word: str, slack: int) -> list[str]:
        """The vocabulary words a typo of ``word`` can be: about as long, sharing one of its first two letters.

        One typo (a substitution, insertion, deletion or swap) leaves at least
        one of a word's first two letters among the first two of the typed
        word, so the fuzzy scan only needs these: about a tenth of the
        vocabulary, which keeps a key press within budget at 100k papers.
        """
        shapes = self._shapes()
        letters = np.array([ord(c) for c in set(word[:2])], dtype=np.uint32)
        near = (shapes.lengths >= len(word) - slack) & (shapes.lengths <= len(word) + slack)
        near &= np.isin(shapes.first, letters) | np.isin(shapes.second, letters)
        vocab = shapes.vocab
        return [vocab[i] for i in np.flatnonzero(near).tolist()]

    def expand(self, word: str) -> dict[str, float]:
        """Vocabulary words that ``word`` stands for, each with how well it matched (cached per word)."""
        cached = self._expanded.get(word)
        if cached is None:
            cached = self._expand(word)
            if len(self._expanded) >= _CACHE_WORDS:
                self._expanded.pop(next(iter(self._expanded)))
            self._expanded[word] = cached
        return cached

    def _expand(self, word: str) -> dict[str, float]:
        found: dict[str, float] = {}
        if self._known(word):
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
            pool = self._pool(word, slack)  # in vocabulary order: the same ties on every run
            cutoff = 80.0 if len(word) < 7 else 75.0
            matches = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=_FUZZY_LIMIT)
            for candidate, score, _ in matches:
                found.setdefault(candidate, FUZZY * score / 100.0)
        return found

    def _document_frequency(self, word: str) -> int:
        postings = self._base.postings(word)
        base = 0 if postings is None else len(postings[0])
        return base + len(self._overlay_postings.get(word, ()))

    def word_scores(self, word: str) -> Floats:
        """A score per paper for one query word: its best-matching vocabulary word, by field, quality and rarity."""
        best = np.zeros(len(self.ids), dtype=np.float32)
        count = max(len(self), 1)
        expansions = self.expand(word)
        for candidate, quality in expansions.items():
            postings = self._base.postings(candidate)
            frequency = self._document_frequency(candidate)
            if not frequency:
                continue
            factor = np.float32(quality * math.log(1.0 + count / frequency))
            if postings is not None and len(postings[0]):
                docs, codes = postings
                _raise_at(best, docs, _CODE_WEIGHT[codes] * factor)
        if self._overlay:
            best[np.flatnonzero(self._masked[: len(self._base.ids)])] = 0.0
            for candidate, quality in expansions.items():
                postings_overlay = self._overlay_postings.get(candidate)
                if not postings_overlay:
                    continue
                boost = quality * math.log(1.0 + count / self._document_frequency(candidate))
                for position, weight in postings_overlay.items():
                    best[position] = max(float(best[position]), weight * boost)
        elif self._removed:
            best[list(self._removed)] = 0.0
        return best

    def scores(self, query: str, *, min_share: float = 0.0) -> Floats | None:
        """A score per paper (0 for no match); None for a query with no words.

        With ``min_share``, a query of three words or more only matches papers
        that match at least that share of its words: a long query typed in the
        search box should narrow the list, not list every paper that shares one
        common word with it. A "more like this" query keeps the default.
        """
        words = query_words(query)
        if not words:
            return None
        total = np.zeros(len(self.ids), dtype=np.float32)
        matched = np.zeros(len(self.ids), dtype=np.int16)
        for word in words:
            word_scores = self.word_scores(word)
            total += word_scores
            matched += word_scores > 0
        if min_share > 0 and len(words) >= 3:
            total[matched < math.ceil(min_share * len(words))] = 0
        return total

    def rank(self, query: str, limit: int | None = None, *, min_share: float = 0.0) -> tuple[Ints, Floats]:
        """Positions of the matching papers, best first, and their scores; ties keep store order."""
        scores = self.scores(query, min_share=min_share)
        if scores is None:
            keep = np.ones(len(self.ids), dtype=bool)
            keep[list(self._removed)] = False
            order = np.flatnonzero(keep)
            if limit is not None:
                order = order[:limit]
            return order, np.zeros(len(order), dtype=np.float32)
        matched = np.flatnonzero(scores > 0)
        if limit is not None and limit < len(matched):
            # Keep every paper tied with the last one kept, so a stable sort decides ties by store order.
            threshold = np.partition(scores[matched], len(matched) - limit)[len(matched) - limit]
            matched = matched[scores[matched] >= threshold]
        order = matched[np.argsort(-scores[matched], kind="stable")]
        if limit is not None:
            order = order[:limit]
        return order, scores[order]

    def search(self, query: str, limit: int | None = None, *, min_share: float = 0.0) -> list[Hit]:
        """Papers matching ``query``, best first; an empty query matches all, in order."""
        order, scores = self.rank(query, limit, min_share=min_share)
        ids = self.ids
        with gc_paused():  # a broad query makes 100k small tuples: no reason to scan the heap meanwhile
            return [Hit(ids[i], s) for i, s in zip(order.tolist(), scores.tolist(), strict=True)]

    def ids_at(self, positions: Ints) -> list[str]:
        """The paper ids at ``positions`` (from ``rank``): a list view shows only the rows it needs."""
        ids = self.ids
        return [ids[i] for i in positions.tolist()]


def _raise_at(best: Floats, docs: npt.NDArray[np.int32], weights: Floats) -> None:
    # A word's postings hold each paper once, so plain fancy indexing is safe
    # (and several times faster than np.maximum.at).
    best[docs] = np.maximum(best[docs], weights)


def _file_signature(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"

