"""Order a batch of new papers for you, each with a one-line reason.

What you did with papers is the training data: a paper you starred, read,
are reading, tagged, annotated or kept is one you liked (a star counts
double); a paper you skipped is one you did not; a sample of the rest of the
library stands for "not asked for" with a small weight, as arxiv-sanity's
SVM takes every other paper for a negative. A logistic regression over
TF-IDF terms (``taste``) is fitted on those and scores the batch; papers the
watch list names rise above their score. Without a liked paper yet (cold
start) the order is the watch list, then upvotes, then the newest.

The model is fitted again for each batch from the history in the store
(well under a second against 100k papers): there is no model file to go
stale or to leak, and a skip counts the next time the batch is ranked.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.core import inbox
from reader.core.config import Settings
from reader.core.models import Entry, ReadingState
from reader.core.store import Store
from reader.core.taste import features, model
from reader.core.watch import WatchList

BACKGROUND = 800  # library papers sampled as "not asked for"
WATCH_LIFT = 2.0  # added to a watched paper's score (log-odds)
REASON_TERMS = 2
# Words that weigh in a score but say nothing to a reader as a reason ("close to 2 papers: own, per").
VAGUE = frozenset(
    """able allow allows among best better carry common current even end enable enables few four given good
    high hundred hundreds just key less like little low main make makes made much need needs often one own part
    parts per rather same set sets simple small still take takes thousand three way ways within without yet""".split()
)


@dataclass(frozen=True, slots=True)
class Ranked:
    entry: Entry
    score: float
    why: str
    watched: tuple[str, ...] = ()


def signal(state: ReadingState) -> str | None:
    """What a reading state says of the paper: ``starred`` ... ``kept``, ``skipped``, or None (untouched)."""
    if state.skipped:
        return "skipped"
    if state.starred:
        return "starred"
    if state.status in ("read", "reading"):
        return "read"
    if state.tags:
        return "tagged"
    if state.note.strip():
        return "annotated"
    if state.changed_at is not None:
        return "kept"
    return None


@dataclass
class History:
    """The papers the model learns from."""

    liked: list[Entry]
    skipped: list[Entry]
    background: list[Entry]


def rank(batch: Sequence[Entry], history: History, watch: WatchList | None = None) -> list[Ranked]:
    """The batch best first, each with why."""
    watch = watch or WatchList()
    marks = [tuple(watch.matches(entry)) for entry in batch]
    if not history.liked:
        return _cold_start(batch, marks)
    taught = [*history.liked, *history.skipped, *history.background]
    vectors = features.vectorize([(e.paper.title, e.paper.abstract) for e in [*taught, *batch]])
    rows = vectors.matrix
    train, candidates = rows.take(range(len(taught))), rows.take(range(len(taught), rows.size))
    liked_weight = np.array([2.0 if e.state.starred else 1.0 for e in history.liked])
    total = float(liked_weight.sum())
    per_background = total / max(1, len(history.background) + 3 * len(history.skipped))
    weight = np.concatenate([
        liked_weight,
        np.full(len(history.skipped), 3 * per_background),
        np.full(len(history.background), per_background),
    ])
    liked = np.zeros(len(taught))
    liked[: len(history.liked)] = 1.0
    fitted = model.fit(train, liked, weight)
    scores = fitted.scores(candidates)
    explain = _Reasons(vectors, train, history, fitted.weights)
    ranked = [
        Ranked(entry, float(score) + WATCH_LIFT * bool(mark), _join(mark, explain.why(candidates, number)), mark)
        for number, (entry, score, mark) in enumerate(zip(batch, scores, marks, strict=True))
    ]
    ranked.sort(key=lambda item: -item.score)
    return ranked


class _Reasons:
    """Why a paper scores as it does: its terms that weigh most, and the papers of the history that hold them."""

    def __init__(self, vectors: features.Vectors, train: features.Matrix, history: History, weights: features.Floats):
        self.vectors = vectors
        self.weights = weights
        self.signals = [signal(e.state) or "kept" for e in history.liked] + ["skipped"] * len(history.skipped)
        taught = len(self.signals)
        end = int(train.indptr[taught])  # the liked and skipped papers' terms, sorted by column
        order = np.argsort(train.indices[:end], kind="stable")
        self.columns = train.indices[:end][order]
        self.holder = train.rows[:end][order]

    def holders(self, column: int) -> list[int]:
        low, high = np.searchsorted(self.columns, [column, column + 1])
        return [int(n) for n in self.holder[low:high]]

    def why(self, rows: features.Matrix, number: int) -> str:
        columns, values = rows.row(number)
        if not len(columns):
            return "nothing to compare: no title words or abstract"
        contribution = values * self.weights[columns]
        order = np.argsort(-contribution)
        if contribution[order[0]] > 0:
            return self._close(columns, order, contribution, positive=True)
        order = np.argsort(contribution)
        if contribution[order[0]] < 0:
            return self._close(columns, order, contribution, positive=False)
        return "nothing in common with what you liked"

    def _close(self, columns: npt.NDArray[np.int64], order: npt.NDArray[np.intp], contribution: features.Floats,
               positive: bool) -> str:
        """The terms of the paper that weigh most one way, and how many papers of the history hold them."""
        top = [int(columns[at]) for at in order[:12].tolist()
               if contribution[at] != 0 and (contribution[at] > 0) == positive]
        terms = {column: self.vectors.term(column) for column in top}
        chosen: list[int] = []
        names: list[str] = []
        for column in top:
            term = terms[column]
            if any(word in VAGUE for word in term.split()):
                continue
            if " " not in term:  # a word that a weighty pair holds is said by the pair: "gaussian splatting"
                column = next((c for c in top if " " in terms[c] and term in terms[c].split()), column)
                term = terms[column]
            if any(set(term.split()) & set(name.split()) for name in names):
                continue  # "gaussian" says nothing more beside "gaussian splatting"
            chosen.append(column)
            names.append(term)
            if len(chosen) == REASON_TERMS:
                break
        papers = {n for c in chosen for n in self.holders(c)}
        kinds = [self.signals[n] for n in papers if (self.signals[n] == "skipped") != positive]
        words = ", ".join(names)
        if not kinds:
            return f"shares {words}" if positive else f"unlike what you liked: {words}"
        verb = "skipped" if not positive else max(set(kinds), key=lambda kind: (kinds.count(kind), kind == "starred"))
        count = len(kinds)
        return f"{'close to' if positive else 'like'} {count} paper{'s' if count != 1 else ''} you {verb}: {words}"


def _join(marks: Sequence[str], reason: str) -> str:
    if not marks:
        return reason
    return f"watched ({', '.join(marks)}) · {reason}"


def _cold_start(batch: Sequence[Entry], marks: Sequence[tuple[str, ...]]) -> list[Ranked]:
    """No liked paper yet: the watch list first, then upvotes, then the newest."""

    def key(item: tuple[Entry, tuple[str, ...]]) -> tuple[int, int, str]:
        entry, mark = item
        return (len(mark), entry.paper.upvotes or 0, entry.paper.published or entry.paper.listing_date or "")

    ordered = sorted(zip(batch, marks, strict=True), key=key, reverse=True)
    ranked = []
    for place, (entry, mark) in enumerate(ordered):
        paper = entry.paper
        if paper.upvotes:
            why = f"{paper.upvotes} upvote{'s' if paper.upvotes != 1 else ''}"
        elif paper.published or paper.listing_date:
            why = f"published {paper.published or paper.listing_date}"
        else:
            why = "as it arrived"
        reason = f"{why} (no history yet: star, read or skip papers and the order learns from it)"
        ranked.append(Ranked(entry, float(len(ordered) - place), _join(mark, reason), mark))
    return ranked


def history_of(store: Store, exclude: set[str], sample: int = BACKGROUND, seed: int = 0) -> History:
    """The liked and skipped papers of the store, and a sample of the rest (never one of ``exclude``)."""
    touched = store.entries_of(store.ids_where(lambda state: signal(state) is not None))
    liked = [e for e in touched if signal(e.state) != "skipped" and e.id not in exclude]
    skipped = [e for e in touched if signal(e.state) == "skipped" and e.id not in exclude]
    if not liked:
        return History([], skipped, [])
    known = exclude | {e.id for e in touched}
    ids = store.ids()
    chooser = random.Random(seed)
    picked: list[str] = []
    if ids:
        for _ in range(min(len(ids), sample * 3)):
            pid = ids[chooser.randrange(len(ids))]
            if pid not in known:
                known.add(pid)
                picked.append(pid)
                if len(picked) == sample:
                    break
    return History(liked, skipped, store.entries_of(picked))


def rank_inbox(store: Store, settings: Settings, progress: Callable[[str], None] | None = None) -> list[Ranked]:
    """The inbox of ``store``, best first."""
    batch = store.entries_of(inbox.new_ids(store))
    if not batch:
        return []
    if progress:
        progress(f"ranking {len(batch)} new papers")
    history = history_of(store, {e.id for e in batch})
    return rank(batch, history, WatchList(settings.watch.authors, settings.watch.keywords))
