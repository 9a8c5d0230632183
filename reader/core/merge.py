"""Fold newly parsed papers into what the store already holds.

The same paper from two sources is one paper: it is matched on the arXiv id,
else on the normalised title when nothing else says they differ (``conflict``:
different arXiv ids, author lists with no surname in common, different
years). Twenty BibTeX entries titled "Online reference" by twenty authors stay
twenty papers. A later import fills in what was missing (an arXiv id,
authors, a repository) and never touches what the user wrote, which lives in
another table altogether. Two entries for one paper in the same file are
folded together by ``fold_repeat`` (authors and links: the union of both).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from reader.core.links import canonical
from reader.core.models import (
    AGREEMENT,
    MERGE_RULE,
    REPEAT_RULE,
    Described,
    Link,
    Paper,
    ParsedPaper,
    compact_record,
    damaged_record,
    described_record,
    is_empty,
)
from reader.core.text import fold, short_id, title_key

Records = dict[str, dict[str, Any]]

# Fields a later import may fill in when the store has nothing for them, and counts that a
# newer source knows better: as the models declare them.
_FILLABLE = ("abstract", "abstract_raw", *(name for name, rule in MERGE_RULE.items() if rule == "fill"))
_REFRESHED = tuple(name for name, rule in MERGE_RULE.items() if rule == "refresh")


@dataclass(slots=True)
class FileSummary:
    source: str
    format: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filled: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.filled:
            merged = ", ".join(f"{name} ({count})" for name, count in sorted(self.filled.items()))
            text += f"; filled in: {merged}"
        return text


@dataclass(slots=True)
class ImportPlan:
    """What an import will write: whole records keyed by id, and what it means."""

    records: Records
    files: list[FileSummary]
    created: list[str] = field(default_factory=list)  # the ids of the papers new to the store

    @property
    def total(self) -> FileSummary:
        total = FileSummary(source="", format="")
        for summary in self.files:
            total.new += summary.new
            total.updated += summary.updated
            total.unchanged += summary.unchanged
            total.filled.update(summary.filled)
        return total


_YEAR = re.compile(r"\s*(\d{4})(?!\d)")
_NAME_WORD = re.compile(r"[^\W_]{2,}")  # a word of two letters or more: initials say too little


def _value(record: Described | Mapping[str, Any], name: str) -> Any:
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name)


def _year(value: object) -> str | None:
    found = _YEAR.match(value) if isinstance(value, str) else None
    return found.group(1) if found else None


def _surnames(names: Sequence[str]) -> set[str]:
    """The last word of each name, folded: ``Yoshua Bengio`` and ``Y. Bengio`` share ``bengio``."""
    found = set()
    for name in names:
        words = _NAME_WORD.findall(fold(name)) if isinstance(name, str) else []
        if words:
            found.add(words[-1])
    return found


def _disagree(rule: str, one: Any, other: Any) -> bool:
    if rule == "equal":
        return bool(one != other)
    if rule == "year":
        years = _year(one), _year(other)
        return None not in years and years[0] != years[1]
    if rule == "share-one":
        ours, theirs = _surnames(one), _surnames(other)
        return bool(ours) and bool(theirs) and not ours & theirs
    raise AssertionError(f"unknown agreement rule {rule!r}")


def conflict(one: Described | Mapping[str, Any], other: Described | Mapping[str, Any]) -> str | None:
    """The field that says two records with the same title are different works, or None.

    Only fields both records give are compared (``models.AGREEMENT``): a
    page copy without authors still matches the BibTeX entry that has them.
    """
    for name, rule in AGREEMENT.items():
        mine, theirs = _value(one, name), _value(other, name)
        if mine and theirs and _disagree(rule, mine, theirs):
            return name
    return None


def fold_repeat(first: ParsedPaper, other: ParsedPaper) -> ParsedPaper:
    """One paper from two entries for it in the same file (``models.REPEAT_RULE``).

    Lists marked "union" keep every distinct item of both (authors by their
    folded name, links by URL); other fields keep the first entry's value and
    take the other's where the first has none. A stub gives way to a full entry.
    """
    changes: dict[str, Any] = {}
    for spec in fields(first):
        mine, theirs = getattr(first, spec.name), getattr(other, spec.name)
        rule = REPEAT_RULE.get(spec.name, "fill")
        if spec.name == "stub":
            changes["stub"] = first.stub and other.stub
        elif spec.name == "links":
            changes["links"] = union_links(mine, theirs)
        elif rule == "union":
            changes[spec.name] = _union_names(mine, theirs)
        elif mine in (None, "", ()) and theirs not in (None, "", ()):
            changes[spec.name] = theirs
    if first.stub and not other.stub:
        changes["title"] = other.title
    return replace(first, **changes)


def union_links(*groups: Iterable[Link]) -> tuple[Link, ...]:
    """Links from several places, first occurrence wins, one per URL."""
    seen: set[str] = set()
    merged: list[Link] = []
    for group in groups:
        for link in group:
            key = link.url.rstrip("/").lower()
            if key not in seen:
                seen.add(key)
                merged.append(link)
    return tuple(merged)


def _union_names(mine: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
    if not theirs or list(mine) == list(theirs):
        return tuple(mine)
    seen = {" ".join(fold(name).split()) for name in mine}
    merged = list(mine)
    for name in theirs:
        key = " ".join(fold(name).split())
        if key not in seen:
            seen.add(key)
            merged.append(name)
    return tuple(merged)


class PaperIndex:
    """Find a stored paper by arXiv id or by normalised title (with nothing in conflict)."""

    def __init__(self, records: Mapping[str, dict[str, Any]]) -> None:
        self.records = records
        self.by_arxiv: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        self.more_by_title: dict[str, list[str]] = {}  # other papers with a title already taken: rare
        for paper_id, record in records.items():
            self.add(paper_id, record)

    def add(self, paper_id: str, record: dict[str, Any], key: str | None = None) -> None:
        """Index ``record``; ``key`` is its title's key when the caller has it already."""
        arxiv_id = record.get("arxiv_id")
        if arxiv_id:
            self.by_arxiv.setdefault(arxiv_id, paper_id)
        if not record.get("stub"):
            if key is None:
                title = record.get("title")
                if type(title) is not str:
                    raise damaged_record(paper_id, "title", title)
                key = title_key(title)
            first = self.by_title.setdefault(key, paper_id)
            if first != paper_id:
                more = self.more_by_title.setdefault(key, [])
                if paper_id not in more:
                    more.append(paper_id)

    def find(
        self, paper: Described, planned: Mapping[str, dict[str, Any]]
    ) -> tuple[str | None, str | None]:
        """The stored paper that ``paper`` is, if any; and the title key, when it was needed.

        ``planned`` holds the records as this import has changed them so far.
        """
        if paper.arxiv_id and paper.arxiv_id in self.by_arxiv:
            return self.by_arxiv[paper.arxiv_id], None
        if paper.stub:
            return None, None
        key = title_key(paper.title)
        first = self.by_title.get(key)
        if first is None:
            return None, key
        for candidate in (first, *self.more_by_title.get(key, ())):
            record = planned.get(candidate) or self.records[candidate]
            if conflict(record, paper) is None:
                return candidate, key
        return None, key  # the same title, but plainly another work: two papers


class _Taken:
    """Ids in use: those planned so far and those stored, without copying either."""

    def __init__(self, *groups: Container[str]) -> None:
        self.groups = groups

    def __contains__(self, paper_id: object) -> bool:
        return any(paper_id in group for group in self.groups)


def new_id(paper: ParsedPaper, taken: Container[str]) -> str:
    """An arXiv id where there is one, else a short slug of the title."""
    if paper.arxiv_id:
        return paper.arxiv_id
    candidate = short_id(paper.title)
    suffix = 2
    base = candidate
    while candidate in taken:
        candidate = f"{base}{suffix}"
        suffix += 1
    return candidate


def new_record(paper: ParsedPaper, source: str, now: str) -> dict[str, Any]:
    """The stored record of a paper first seen in ``source``: only the fields that are set."""
    described = described_record(paper)
    return compact_record(
        {"title": described.pop("title"), "abstract": paper.abstract,
         "abstract_raw": paper.abstract_raw or paper.abstract, **described, "sources": [source], "added_at": now}
    )


def _merge_links(old: list[dict[str, Any]], new: Iterable[Link]) -> list[dict[str, Any]]:
    seen = {canonical(link["url"]).rstrip("/").lower() for link in old}
    merged = list(old)
    for link in new:
        key = canonical(link.url).rstrip("/").lower()
        if key not in seen:
            seen.add(key)
            merged.append(link.to_dict())
    return merged


def merge_record(old: dict[str, Any], paper: ParsedPaper, source: str, now: str) -> tuple[dict[str, Any], list[str]]:
    """The stored record with what ``paper`` adds; and the names of fields filled in."""
    incoming = new_record(paper, source, now)
    merged = dict(old)
    filled: list[str] = []
    if old.get("stub") and not paper.stub:
        merged["title"] = incoming["title"]
        merged["stub"] = False
        filled.append("title")
    for name in _FILLABLE:
        if name == "abstract_raw" and old.get("abstract"):
            continue  # kept only when it differs from the abstract, which is there
        if not old.get(name) and incoming.get(name):
            merged[name] = incoming[name]
            if name != "abstract_raw":
                filled.append(name)
    for name in _REFRESHED:
        if incoming.get(name) is not None and incoming[name] != old.get(name):
            merged[name] = incoming[name]
    links = _merge_links(old.get("links", []), paper.links)
    if len(links) != len(old.get("links", [])):
        merged["links"] = links
        filled.append("links")
    if source not in old.get("sources", []):
        merged["sources"] = [*old.get("sources", []), source]
    return merged, filled


def merge_copies(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> dict[str, Any]:
    """One whole record (abstract included) from two machines' copies of one paper, as an import merges.

    A field only one side changed since ``base`` takes that side's value.
    Where both changed it: links and sources are the union of both, counts
    the larger (a newer source knows better, and they only grow), the date
    added the earlier, and a stub gives way to the full record; any other
    field keeps ours, as an import fills a field and never overwrites it.
    The abstract and its raw text go together.
    """
    old = base or {}
    merged: dict[str, Any] = {}
    for name in dict.fromkeys([*ours, *theirs]):
        if name in ("abstract_raw", "stub"):
            continue
        mine, other, was = ours.get(name), theirs.get(name), old.get(name)
        if mine == other or other == was:
            merged[name] = mine
        elif mine == was:
            merged[name] = other
        else:
            merged[name] = _both_changed(name, ours, theirs)
    side = ours if merged.get("abstract") == ours.get("abstract") else theirs
    merged["abstract_raw"] = side.get("abstract_raw")
    titled = [copy for copy in (ours, theirs) if copy.get("title") == merged.get("title")] or [ours, theirs]
    merged["stub"] = all(copy.get("stub") for copy in titled)  # a stub only while its title is a stub's
    return compact_record(merged)


def _both_changed(name: str, ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> Any:
    mine, other = ours.get(name), theirs.get(name)
    rule = MERGE_RULE.get(name, "fill")
    if name == "links":
        return _merge_links(mine or [], _links(theirs, other or []))
    if name == "sources":
        return list(dict.fromkeys([*(mine or []), *(other or [])]))
    if name == "added_at":
        return min(value for value in (mine, other) if value) if mine or other else mine
    if rule == "refresh":
        counts = [value for value in (mine, other) if isinstance(value, int)]
        return max(counts) if counts else mine
    if name in ("title", "stub") and ours.get("stub") and not theirs.get("stub"):
        return other
    return other if is_empty(mine) else mine


def _links(record: Mapping[str, Any], links: list[dict[str, Any]]) -> list[Link]:
    try:
        return [Link.from_dict(link) for link in links]
    except TypeError as exc:
        raise damaged_record(str(record.get("title", "?")), "links", None, "a list of links", str(exc)) from None


def plan_import(
    existing: Mapping[str, dict[str, Any]],
    batches: Iterable[tuple[str, str, Iterable[ParsedPaper]]],
    now: str,
    *,
    findable: Mapping[str, dict[str, Any]] | None = None,
) -> ImportPlan:
    """Decide what each parsed paper becomes; ``existing`` is not modified.

    ``findable`` holds the same papers with at least their titles, arXiv ids
    and stub flags, when that is cheaper to go through than ``existing``
    (whose records the store may read from disk one by one).
    """
    index = PaperIndex(existing if findable is None else findable)
    records: Records = {}
    taken = _Taken(records, existing)  # it looks into both as they grow
    summaries: list[FileSummary] = []
    created: list[str] = []
    for source, fmt, papers in batches:
        summary = FileSummary(source=source, format=fmt)
        created_here: set[str] = set()
        for paper in papers:
            paper_id, key = index.find(paper, records)
            if paper_id is None:
                paper_id = new_id(paper, taken)
                records[paper_id] = new_record(paper, source, now)
                index.add(paper_id, records[paper_id], key)  # the record's title is the paper's
                created_here.add(paper_id)
                created.append(paper_id)
                summary.new += 1
                continue
            old = records.get(paper_id)
            if old is None:
                old = existing[paper_id]
                Paper.from_dict(paper_id, old)  # a record damaged by hand is refused, not merged into
            merged, filled = merge_record(old, paper, source, now)
            index.add(paper_id, merged)
            if paper_id in created_here:
                records[paper_id] = merged  # a repeat within this file: one paper, counted once
            elif merged == old:
                summary.unchanged += 1
            else:
                records[paper_id] = merged
                summary.updated += 1
                summary.filled.update(filled)
        summaries.append(summary)
    return ImportPlan(records=records, files=summaries, created=created)
