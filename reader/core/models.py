"""Papers, links and what the user did with them: small immutable records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from reader.core.errors import ReaderError

LinkKind = Literal["code", "project", "other"]
STATUSES = ("to-read", "reading", "read")


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    kind: LinkKind = "other"
    repo: str | None = None  # "owner/repo" on a code host, when known

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"url": self.url, "kind": self.kind}
        if self.repo:
            data["repo"] = self.repo
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Link:
        return cls(url=data["url"], kind=data.get("kind", "other"), repo=data.get("repo"))


_MERGE = "merge"  # how a later import treats the field
_REPEAT = "repeat"  # how a second entry for the same paper within one file is folded in (else as _MERGE)
_AGREE = "agree"  # what a title match needs of the field before two records are taken for one paper


@dataclass(frozen=True, slots=True, kw_only=True)
class Described:
    """What a source says about a paper: the fields an import brings, declared once.

    ``ParsedPaper`` (as an importer found it) and ``Paper`` (as stored) both
    carry exactly these; the stored record, the JSON output and the merge
    all read the list from here (``DESCRIBED``), with the rules of each
    field (``MERGE_RULE``, ``REPEAT_RULE``, ``AGREEMENT``).
    """

    title: str = field(metadata={_MERGE: "identity"})
    links: tuple[Link, ...] = field(default=(), metadata={_MERGE: "union"})
    arxiv_id: str | None = field(default=None, metadata={_AGREE: "equal"})
    authors: tuple[str, ...] = field(default=(), metadata={_REPEAT: "union", _AGREE: "share-one"})
    published: str | None = field(default=None, metadata={_AGREE: "year"})
    listing_date: str | None = None
    upvotes: int | None = field(default=None, metadata={_MERGE: "refresh"})
    stars: int | None = field(default=None, metadata={_MERGE: "refresh"})
    keywords: tuple[str, ...] = ()
    stub: bool = field(default=False, metadata={_MERGE: "identity"})  # only an id is known; filled in later


DESCRIBED = tuple(spec.name for spec in fields(Described))
# How a later import treats each field (see ``merge.merge_record``): "fill" a field the store
# lacks, "refresh" a count a newer source knows better, "union" of links, "identity" fields
# that say which paper it is.
MERGE_RULE = {spec.name: spec.metadata.get(_MERGE, "fill") for spec in fields(Described)}
# Two entries for one paper in the same file: "union" of both lists, else as ``MERGE_RULE``.
REPEAT_RULE = {spec.name: spec.metadata.get(_REPEAT, MERGE_RULE[spec.name]) for spec in fields(Described)}
# A title alone is not enough to call two records one paper: when both give one of these fields,
# they must agree ("equal" values, authors that "share-one" surname, the same "year").
AGREEMENT = {spec.name: spec.metadata[_AGREE] for spec in fields(Described) if _AGREE in spec.metadata}
_LIST_FIELDS = frozenset(spec.name for spec in fields(Described) if spec.type == "tuple[str, ...]")


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedPaper(Described):
    """A paper as an importer found it, before it has an id or a place in the store."""

    abstract: str = ""
    abstract_raw: str = ""


def described_record(paper: Described) -> dict[str, Any]:
    """The fields of ``paper`` as JSON values, every one, set or not."""
    record: dict[str, Any] = {}
    for name in DESCRIBED:
        value = getattr(paper, name)
        if name == "links":
            value = [link.to_dict() for link in value]
        elif name in _LIST_FIELDS:
            value = list(value)
        record[name] = value
    return record


def _is_empty(value: Any) -> bool:
    """None, False and empty text or lists; a count of 0 is kept (it is not "unknown")."""
    if value is None or value is False:
        return True
    return isinstance(value, str | list | tuple | dict) and not value


def compact_record(record: dict[str, Any]) -> dict[str, Any]:
    """A paper record without its empty fields, and ``abstract_raw`` only when it differs.

    At 100k papers the empty fields and a second copy of every abstract were
    half of the file, of the time to read it and of the memory it takes;
    ``Paper.from_dict`` fills in the same defaults, so nothing is lost.
    The title is always kept: it is what a person reading the file looks for.
    """
    compact = {
        key: value
        for key, value in record.items()
        if key == "title" or not _is_empty(value)
    }
    if compact.get("abstract_raw") == compact.get("abstract", ""):
        compact.pop("abstract_raw", None)
    return compact


class Abstract:
    """A paper's abstract: as shown, and ``raw`` as imported (LaTeX and all)."""

    __slots__ = ("_raw", "_text")

    def __init__(self, text: str = "", raw: str | None = None) -> None:
        self._text = text
        self._raw = text if raw is None else raw

    def read(self) -> tuple[str, str]:
        """The text and the raw text."""
        return self._text, self._raw

    @property
    def present(self) -> bool:
        return bool(self._text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Abstract) and self.read() == other.read()

    def __hash__(self) -> int:
        return hash(self.read())

    def __repr__(self) -> str:
        text = self.read()[0]
        return f"{type(self).__name__}({text[:40]!r}{'...' if len(text) > 40 else ''})"


NO_ABSTRACT = Abstract()


class StoredAbstract(Abstract):
    """An abstract left in the store's file: read each time it is asked for, never kept.

    Abstracts are most of a library's bytes; a hundred thousand papers can be
    listed, searched and sorted without one of them in memory.
    """

    __slots__ = ("_key", "_table")

    def __init__(self, table: Mapping[str, dict[str, Any]], key: str) -> None:
        self._table = table
        self._key = key

    def read(self) -> tuple[str, str]:
        try:
            record = self._table[self._key]
        except ReaderError as exc:
            shown = f"(abstract unreadable: {exc.detail})"
            return shown, shown
        text = record.get("abstract", "")
        return text, record.get("abstract_raw", text)

    @property
    def present(self) -> bool:
        return True  # only a paper with an abstract has a record in the table


@dataclass(frozen=True, slots=True, kw_only=True)
class Paper(Described):
    """A paper in the store: what was imported, never what the user wrote."""

    id: str
    text: Abstract = NO_ABSTRACT
    sources: tuple[str, ...] = ()
    added_at: str = ""

    @property
    def abstract(self) -> str:
        return self.text.read()[0]

    @property
    def abstract_raw(self) -> str:
        return self.text.read()[1]

    @property
    def has_abstract(self) -> bool:
        """Whether there is an abstract, without reading it from the store."""
        return self.text.present

    @property
    def code_link(self) -> Link | None:
        return next((link for link in self.links if link.kind == "code"), None)

    @property
    def best_link(self) -> Link | None:
        """The link a user most likely wants to copy: the code, else the first."""
        return self.code_link or (self.links[0] if self.links else None)

    def to_dict(self) -> dict[str, Any]:
        """The whole stored record, abstract included: only what is set (see ``compact_record``)."""
        abstract, raw = self.text.read()
        record = described_record(self)
        return compact_record(
            {"title": record.pop("title"), "abstract": abstract, "abstract_raw": raw, **record,
             "sources": list(self.sources), "added_at": self.added_at}
        )

    @classmethod
    def from_dict(cls, paper_id: str, data: Mapping[str, Any], text: Abstract | None = None) -> Paper:
        """A paper from its stored record; fields the record leaves out take their defaults.

        ``text`` is the abstract when the store keeps it apart from the record.
        """
        if text is None:
            text = Abstract(data["abstract"], data.get("abstract_raw")) if data.get("abstract") else NO_ABSTRACT
        values = {name: data[name] for name in _RECORD_FIELDS.intersection(data)}
        for name in _TUPLE_FIELDS.intersection(values):
            values[name] = tuple(values[name])
        if "links" in values:
            values["links"] = tuple(Link.from_dict(link) for link in values["links"])
        if "stub" in values:
            values["stub"] = bool(values["stub"])
        values.setdefault("title", "")
        return cls(id=paper_id, text=text, **values)


# Record keys that map one to one onto Paper fields (lists become tuples).
_RECORD_FIELDS = frozenset([*DESCRIBED, "sources", "added_at"])
_TUPLE_FIELDS = _LIST_FIELDS | {"sources"}


@dataclass(frozen=True, slots=True)
class ReadingState:
    """What the user did with a paper; kept apart from the imported record.

    ``status`` is the one record of whether a paper was read; ``read`` is
    read from it.
    """

    status: str = "to-read"
    starred: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    changed_at: str | None = None
    status_at: str | None = None  # when the status last changed: stats and sorting use it

    @property
    def read(self) -> bool:
        return self.status == "read"

    def to_dict(self) -> dict[str, Any]:
        return {spec.name: _json_value(getattr(self, spec.name)) for spec in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReadingState:
        """A state from its record; a record written before ``status`` existed says ``read``."""
        status = data.get("status")
        if status not in STATUSES:
            status = "read" if data.get("read") else "to-read"
        return cls(
            status=status,
            starred=bool(data.get("starred", False)),
            note=str(data.get("note", "")),
            tags=tuple(data.get("tags", ())),
            changed_at=data.get("changed_at"),
            status_at=data.get("status_at"),
        )

    def with_changes(self, **changes: Any) -> ReadingState:
        return replace(self, **changes)


def _json_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper together with its reading state: what lists, search and export show."""

    paper: Paper
    state: ReadingState = field(default_factory=ReadingState)

    @property
    def id(self) -> str:
        return self.paper.id

    def to_record(self) -> dict[str, Any]:
        """The JSON record scripts read (``--json``, JSON export): every field of the paper and its state."""
        paper, state = self.paper, self.state
        described = described_record(paper)
        described.pop("stub")
        return {
            "id": paper.id,
            "title": described.pop("title"),
            "abstract": paper.abstract,
            **described,
            "sources": list(paper.sources),
            "added_at": paper.added_at,
            "read": state.read,
            **state.to_dict(),
        }
