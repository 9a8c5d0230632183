"""Papers as TF-IDF vectors over their words and word pairs, in a small sparse matrix of numpy arrays.

A paper's terms are the words of its title (counted twice: a title says
what a paper is about) and abstract, less stop words, and each pair of
words that stand together ("gaussian splatting"): pairs make the reasons
readable and tell "language model" from "model of language". Weights are
``(1 + log tf) * idf``, each row scaled to length 1, as scikit-learn's
``TfidfVectorizer(sublinear_tf=True)`` does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from reader.core.search.words import STOP, words_of

# Words too common in papers to say what one is about (beyond the search's stop words).
COMMON = frozenset(
    """also based but can do does each first however large many more most new not novel only other over paper
    propose proposed results show shows such than their them then there these they through two use used using
    via what when where which while who will work would approach method methods model models existing various
    across between both well further present introduce demonstrate achieve achieves performance significantly""".split()
)
_DROP = STOP | COMMON

Floats = npt.NDArray[np.float64]


def terms_of(title: str, abstract: str) -> list[str]:
    """The terms of one paper, repeated as often as they occur (the title's twice)."""
    found: list[str] = []
    for text, times in ((title, 2), (abstract, 1)):
        words = words_of(text)
        useful = [len(w) > 1 and w not in _DROP and not w.isdigit() for w in words]
        kept = [w for w, ok in zip(words, useful, strict=True) if ok and len(w) > 2]
        pairs = [f"{a} {b}" for (a, b), (ok_a, ok_b) in zip(pairwise(words), pairwise(useful), strict=True)
                 if ok_a and ok_b]
        found += (kept + pairs) * times
    return found


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
    """Every paper's row, and the vocabulary the columns stand for."""

    matrix: Matrix
    vocabulary: list[str]


def vectorize(documents: Sequence[Sequence[str]]) -> Vectors:
    """TF-IDF rows for the documents' terms; the IDF is taken over these documents."""
    column: dict[str, int] = {}
    counted = [Counter(doc) for doc in documents]
    indptr = np.zeros(len(documents) + 1, dtype=np.int64)
    indices: list[int] = []
    counts: list[int] = []
    for number, counts_of in enumerate(counted):
        for term, times in counts_of.items():
            at = column.setdefault(term, len(column))
            indices.append(at)
            counts.append(times)
        indptr[number + 1] = len(indices)
    index = np.array(indices, dtype=np.int64)
    frequency_of = np.bincount(index, minlength=len(column)) if indices else np.zeros(0, dtype=np.int64)
    idf = np.log((1 + len(documents)) / (1 + frequency_of)) + 1.0
    data = (1.0 + np.log(np.array(counts, dtype=np.float64))) * idf[index] if indices else np.zeros(0)
    matrix = Matrix(indptr, index, data, len(column))
    norms = np.sqrt(np.bincount(matrix.rows, weights=data * data, minlength=matrix.size))
    norms[norms == 0] = 1.0
    matrix.data = data / norms[matrix.rows]
    vocabulary = [""] * len(column)
    for term, at in column.items():
        vocabulary[at] = term
    return Vectors(matrix, vocabulary)
