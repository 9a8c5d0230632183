"""The query language of the search box and ``reader search``.

Plain words are matched fuzzily through the search index; the rest narrows
the result: ``is:unread`` ``is:read`` ``is:reading`` ``is:starred``, ``is:new`` (the
inbox), ``is:watched`` (the watch list), ``is:skipped``, ``is:conflict`` (a note a sync
kept in two versions), ``has:code``
``has:note`` ``has:tags`` ``has:link``, ``tag:rl``, ``year:2025`` (or
``year:2023..2025``), ``author:name``, ``"exact phrase"``, and ``-word`` (or
``-tag:x``, ``-is:read``) to exclude. ``-word`` drops every paper that
``word`` alone would find exactly or as the start of a word (``-math`` drops
"mathematical"), never by a typo. A mistake in a query never raises: it is
reported in ``Query.errors`` and the rest of the query still applies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from reader.core.models import Entry
from reader.core.search.words import words_of
from reader.core.text import fold

if TYPE_CHECKING:
    from reader.core.search.index import SearchIndex

Predicate = Callable[[Entry], bool]

_TOKEN = re.compile(r'(-?)(?:([a-z]+):)?(?:"([^"]*)("?)|(\S+))', re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})(?:\.\.(\d{4}))?$")
_ARXIV_YEAR = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}")
_WORD_SPAN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")

IS_VALUES = ("unread", "read", "reading", "to-read", "starred", "new", "watched", "skipped", "conflict")
HAS_VALUES = ("code", "note", "tags", "link", "project", "abstract")
FIELDS = ("is", "has", "tag", "year", "author")
WORD_SHARE = 0.5  # a paper must match half the words of a query of three or more


class Facts(Protocol):
    """What a query needs to know beyond a paper itself: the inbox and the watch list."""

    def is_new(self, entry: Entry) -> bool: ...

    def watched(self, entry: Entry) -> bool: ...


class NoFacts:
    """Nothing new, nothing watched: a query read without a store."""

    def is_new(self, entry: Entry) -> bool:
        return False

    def watched(self, entry: Entry) -> bool:
        return False


@dataclass(slots=True)
class Query:
    """A parsed query: fuzzy words plus filters, and what could not be understood."""

    text: str = ""
    words: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    filters: list[tuple[str, Predicate]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    typing: bool = False  # the text ends inside a plain word: it may be the start of a longer one

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.excluded or self.phrases or self.filters)

    def accepts(self, entry: Entry, *, exclusions: bool = True) -> bool:
        """Whether the paper passes the filters and phrases (and, with ``exclusions``, the ``-word``s).

        A caller with a search index leaves the ``-word``s to it (``SearchIndex.excluded``):
        reading every paper's abstract to look for them is slow.
        """
        excluded = self.excluded if exclusions else []
        if self.phrases or excluded:
            haystack = _haystack(entry)
            if any(fold(phrase) not in haystack for phrase in self.phrases):
                return False
            present = set(words_of(haystack))
            if any(word.startswith(dropped) for word in present for dropped in excluded):
                return False
        return all(predicate(entry) for _, predicate in self.filters)

    def describe(self) -> str:
        return " ".join(name for name, _ in self.filters)


def _haystack(entry: Entry) -> str:
    paper, state = entry.paper, entry.state
    return fold(" ".join([paper.title, paper.abstract, state.note, " ".join(state.tags)]))


def paper_year(entry: Entry) -> int | None:
    """The year a paper appeared: its publication date, else its arXiv id."""
    paper = entry.paper
    if paper.published and paper.published[:4].isdigit():
        return int(paper.published[:4])
    if paper.arxiv_id:
        match = _ARXIV_YEAR.match(paper.arxiv_id)
        if match:
            return 2000 + int(match.group(1))
    return None


def _is(value: str, facts: Facts) -> Predicate | None:
    checks: dict[str, Predicate] = {
        "unread": lambda e: not e.state.read,
        "read": lambda e: e.state.read,
        "reading": lambda e: e.state.status == "reading",
        "to-read": lambda e: e.state.status == "to-read",
        "starred": lambda e: e.state.starred,
        "new": facts.is_new,
        "watched": facts.watched,
        "skipped": lambda e: e.state.skipped,
        "conflict": lambda e: e.state.conflict,
    }
    return checks.get(value)


def _has(value: str) -> Predicate | None:
    checks: dict[str, Predicate] = {
        "code": lambda e: e.paper.code_link is not None,
        "note": lambda e: bool(e.state.note.strip()),
        "tags": lambda e: bool(e.state.tags),
        "link": lambda e: bool(e.paper.links),
        "project": lambda e: any(link.kind == "project" for link in e.paper.links),
        "abstract": lambda e: e.paper.has_abstract,
    }
    return checks.get(value)


def _year(value: str) -> Predicate | None:
    match = _YEAR.match(value)
    if not match:
        return None
    low = int(match.group(1))
    high = int(match.group(2) or low)

    def check(entry: Entry) -> bool:
        year = paper_year(entry)
        return year is not None and low <= year <= high

    return check


def _filter(name: str, value: str, facts: Facts) -> tuple[Predicate | None, str | None]:
    """The predicate for ``name:value``, or why there is none."""
    folded = fold(value)
    if not folded:
        return None, f"{name}: needs a value"
    if name == "is":
        predicate = _is(folded, facts)
        return predicate, None if predicate else f"is:{value}? try {', '.join(IS_VALUES)}"
    if name == "has":
        predicate = _has(folded)
        return predicate, None if predicate else f"has:{value}? try {', '.join(HAS_VALUES)}"
    if name == "tag":
        return (lambda e: folded in {fold(t) for t in e.state.tags}), None
    if name == "year":
        predicate = _year(value)
        return predicate, None if predicate else f"year:{value}? use year:2025 or year:2023..2025"
    if name == "author":
        return (lambda e: any(folded in fold(a) for a in e.paper.authors)), None
    return None, f"unknown filter {name}: (try {', '.join(f + ':' for f in FIELDS)})"


def _negate(predicate: Predicate) -> Predicate:
    return lambda entry: not predicate(entry)


def parse(text: str, facts: Facts | None = None) -> Query:
    """The query ``text`` means; ``facts`` answers ``is:new`` and ``is:watched`` (else nothing is)."""
    facts = facts or NoFacts()
    query = Query(text=text)
    for match in _TOKEN.finditer(text):
        negated, name, phrase, closing, bare = match.groups()
        if phrase is not None:
            if not closing:
                query.errors.append("unclosed quote: matched up to the end")
            if name:
                bare = phrase
            else:
                if negated:
                    query.excluded.extend(words_of(phrase))
                elif phrase.strip():
                    query.phrases.append(phrase.strip())
                continue
        if name:
            predicate, error = _filter(name.lower(), bare or "", facts)
            if error:
                query.errors.append(error)
                continue
            assert predicate is not None
            label = f"{'-' if negated else ''}{name.lower()}:{bare}"
            query.filters.append((label, _negate(predicate) if negated else predicate))
            continue
        words = words_of(bare or "")
        if negated:
            query.excluded.extend(words)
        else:
            query.words.extend(words)
    last = list(_TOKEN.finditer(text))[-1:]
    query.typing = bool(last) and not text[-1:].isspace() and _is_plain_word(last[0])
    return query


def _is_plain_word(token: re.Match[str]) -> bool:
    negated, name, phrase, _, bare = token.groups()
    return not (negated or name or phrase is not None) and bool(words_of(bare or ""))


def highlight_terms(query: Query, index: SearchIndex) -> set[str]:
    """The vocabulary words the query's words matched, for highlighting."""
    terms: set[str] = set()
    for number, word in enumerate(query.words):
        terms.add(word)
        terms.update(index.expand(word, prefix=query.typing and number == len(query.words) - 1))
    for phrase in query.phrases:
        terms.update(words_of(phrase))
    return terms


def highlight_spans(text: str, terms: set[str]) -> list[tuple[int, int]]:
    """Where in ``text`` the matched words stand, as (start, end) offsets."""
    if not terms:
        return []
    spans = []
    for match in _WORD_SPAN.finditer(text):
        if fold(match.group(0)) in terms or any(part in terms for part in words_of(match.group(0))):
            spans.append(match.span())
    return spans
