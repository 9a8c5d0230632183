"""Papers as TF-IDF vectors over their words and word pairs, in a small sparse matrix of numpy arrays.

A paper's terms are the words of its title (counted twice: a title says
what a paper is about) and abstract, less stop words, and each pair of
words that stand together ("gaussian splatting"): pairs make the reasons
readable and tell "language model" from "model of language". Weights are
``(1 + log tf) * idf``, each row scaled to length 1, as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.core.search.words import STOP

# Words too common in papers to say what one is about (beyond the search's stop words).
COMMON = frozenset(
    """also based but can do does each first however large many more most new not novel only other over paper
    propose proposed results show shows such than their them then there these they through two use used using
    via what when where which while who will work would approach method methods model models existing various
    across between both well further present introduce demonstrate achieve achieves performance significantly""".split()
)
_DROP = STOP | COMMON

Floats = npt.NDArray[np.float64]


_WORD = re.compile(r"[0-9a-z]+")


def words(text: str) -> list[str]:
    """Lower-case words, accents off, hyphenated compounds in their parts: a few C calls a text."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _WORD.findall(text.lower())


@dataclass
class Matrix:
    """Rows of term weights in compressed sparse row form: ``indptr``, ``indices``, ``data``."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    data: Floats
    columns: int

    def __post_init__(self) -> None:
        self.rows = np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))

    @property
    def size(self) -> int:
        return len(self.indptr) - 1

    def dot(self, weights: Floats) -> Floats:
        """Each row times ``weights``."""
        found = np.bincount(self.rows, weights=self.data * weights[self.indices], minlength=self.size)
        return found.astype(np.float64, copy=False)

    def tdot(self, per_row: Floats) -> Floats:
        """The rows summed, each scaled by ``per_row``: the transpose times a vector."""
        found = np.bincount(self.indices, weights=self.data * per_row[self.rows], minlength=self.columns)
        return found.astype(np.float64, copy=False)

    def row(self, number: int) -> tuple[npt.NDArray[np.int64], Floats]:
        start, end = self.indptr[number], self.indptr[number + 1]
        return self.indices[start:end], self.data[start:end]

    def take(self, numbers: Sequence[int]) -> Matrix:
        """These rows, as a matrix of their own."""
        parts = [self.row(n) for n in numbers]
        lengths = [len(p[0]) for p in parts]
        indptr = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        indices = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        data = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
        return Matrix(indptr, indices, data, self.columns)


@dataclass
class Vectors:
    """Every paper's row, and what each column stands for (``term``)."""

    matrix: Matrix
    codes: npt.NDArray[np.int64]  # a column's term: a word id, or a pair of them packed
    words: list[str]

    def term(self, column: int) -> str:
        code = int(self.codes[column])
        size = len(self.words)
        if code < size:
            return self.words[code]
        first, second = divmod(code - size, size)
        return f"{self.words[first]} {self.words[second]}"


def vectorize(papers: Sequence[tuple[str, str]], min_df: int = 2) -> Vectors:
    """TF-IDF rows for (title, abstract) pairs: their words and word pairs, terms held by ``min_df`` papers or more.

    Words are looked up once each in Python; the pairs, the counts and the
    weights are worked out over whole arrays, so a few thousand papers take
    a fraction of a second.
    """
    every: list[str] = []
    segment_ends: list[int] = []  # where each title copy and abstract ends in ``every``
    owners: list[int] = []
    for number, (title, abstract) in enumerate(papers):
        title_words = words(title)
        for part in (title_words, title_words, words(abstract)):  # a title counts twice
            every += part
            segment_ends.append(len(every))
            owners.append(number)
    ids = {word: at for at, word in enumerate(dict.fromkeys(every))}
    flat = list(map(ids.__getitem__, every))
    vocabulary = list(ids)
    size = max(1, len(vocabulary))
    useful = np.array([len(w) > 1 and w not in _DROP and not w.isdigit() for w in vocabulary] or [False])
    long_enough = np.array([len(w) > 2 for w in vocabulary] or [False])
    tokens = np.array(flat, dtype=np.int64)
    lengths = np.diff(np.array([0, *segment_ends], dtype=np.int64)).astype(np.int64)
    doc_of = np.repeat(np.array(owners, dtype=np.int64), lengths)
    ok = useful[tokens] if len(tokens) else np.zeros(0, dtype=bool)
    single = ok & long_enough[tokens] if len(tokens) else ok
    same = np.ones(max(0, len(tokens) - 1), dtype=bool)
    ends = np.array(segment_ends[:-1], dtype=np.int64) - 1
    same[ends[(ends >= 0) & (ends < len(same))]] = False  # no pair across a title and an abstract
    paired = same & ok[:-1] & ok[1:] if len(tokens) > 1 else same
    codes = np.concatenate([tokens[single], size + tokens[:-1][paired] * size + tokens[1:][paired]])
    docs = np.concatenate([doc_of[single], doc_of[:-1][paired]])
    span = int(size + size * size)
    keys, counts = np.unique(docs * span + codes, return_counts=True)
    doc, code = keys // span, keys % span
    terms, column = np.unique(code, return_inverse=True)
    frequency = np.bincount(column, minlength=len(terms))
    keep = frequency[column] >= min_df
    doc, column, counts = doc[keep], column[keep], counts[keep]
    kept_terms = np.flatnonzero(frequency >= min_df)
    renumber = np.full(len(terms), -1, dtype=np.int64)
    renumber[kept_terms] = np.arange(len(kept_terms))
    column = renumber[column]
    idf = np.log((1 + len(papers)) / (1 + frequency[kept_terms])) + 1.0
    data = (1.0 + np.log(counts.astype(np.float64))) * idf[column]
    indptr = np.zeros(len(papers) + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=len(papers)), out=indptr[1:])
    matrix = Matrix(indptr, column.astype(np.int64), data, len(kept_terms))
    norms = np.sqrt(np.bincount(matrix.rows, weights=data * data, minlength=matrix.size))
    norms[norms == 0] = 1.0
    matrix.data = data / norms[matrix.rows]
    return Vectors(matrix, terms[kept_terms].astype(np.int64), vocabulary)
