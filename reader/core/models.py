"""Papers, links and what the user did with them: small immutable records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True, slots=True)
class ParsedPaper:
    """A paper as an importer found it, before it has an id or a place in the store."""

    title: str
    abstract: str = ""
    abstract_raw: str = ""
    links: tuple[Link, ...] = ()
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    listing_date: str | None = None
    upvotes: int | None = None
    stars: int | None = None
    keywords: tuple[str, ...] = ()
    stub: bool = False  # only an id is known; a later import fills it in


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


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper in the store: what was imported, never what the user wrote."""

    id: str
    title: str
    text: Abstract = NO_ABSTRACT
    links: tuple[Link, ...] = ()
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    listing_date: str | None = None
    upvotes: int | None = None
    stars: int | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    added_at: str = ""
    stub: bool = False

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
        """The whole record, abstract included: only what is set (see ``compact_record``)."""
        abstract, raw = self.text.read()
        return compact_record(
            {
                "title": self.title,
                "abstract": abstract,
                "abstract_raw": raw,
                "links": [link.to_dict() for link in self.links],
                "arxiv_id": self.arxiv_id,
                "authors": list(self.authors),
                "published": self.published,
                "listing_date": self.listing_date,
                "upvotes": self.upvotes,
                "stars": self.stars,
                "keywords": list(self.keywords),
                "sources": list(self.sources),
                "added_at": self.added_at,
                "stub": self.stub,
            }
        )

    @classmethod
    def from_dict(cls, paper_id: str, data: dict[str, Any], text: Abstract | None = None) -> Paper:
        """A paper from its stored record; fields the record leaves out take their defaults.

        ``text`` is the abstract when the store keeps it apart from the record.
        """
        if text is None:
            text = Abstract(data["abstract"], data.get("abstract_raw")) if data.get("abstract") else NO_ABSTRACT
        if "title" in data and data.keys() <= _SIMPLE_KEYS:  # the common case, 3x faster
            fields = dict(data)
            for name in _ABSTRACT_KEYS:
                fields.pop(name, None)
            for name in _LIST_KEYS:
                if name in fields:
                    fields[name] = tuple(fields[name])
            if "links" in fields:
                fields["links"] = tuple(Link.from_dict(link) for link in data["links"])
            if "stub" in fields:
                fields["stub"] = bool(fields["stub"])
            return cls(id=paper_id, text=text, **fields)
        return cls(
            id=paper_id,
            title=data.get("title", ""),
            text=text,
            links=tuple(Link.from_dict(link) for link in data.get("links", ())),
            arxiv_id=data.get("arxiv_id"),
            authors=tuple(data.get("authors", ())),
            published=data.get("published"),
            listing_date=data.get("listing_date"),
            upvotes=data.get("upvotes"),
            stars=data.get("stars"),
            keywords=tuple(data.get("keywords", ())),
            sources=tuple(data.get("sources", ())),
            added_at=data.get("added_at", ""),
            stub=bool(data.get("stub", False)),
        )


# Record keys that map one to one onto Paper fields (lists become tuples).
_LIST_KEYS = ("authors", "keywords", "sources")
_ABSTRACT_KEYS = ("abstract", "abstract_raw")
_SIMPLE_KEYS = frozenset(
    {"title", "abstract", "abstract_raw", "links", "arxiv_id", "published", "listing_date", "upvotes", "stars",
     "added_at", "stub", *_LIST_KEYS}
)


@dataclass(frozen=True, slots=True)
class ReadingState:
    """What the user did with a paper; kept apart from the imported record."""

    read: bool = False
    starred: bool = False
    note: str = ""
    tags: tuple[str, ...] = ()
    status: str = "to-read"
    changed_at: str | None = None
    status_at: str | None = None  # when the status last changed: stats and sorting use it

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "starred": self.starred,
            "note": self.note,
            "tags": list(self.tags),
            "status": self.status,
            "changed_at": self.changed_at,
            "status_at": self.status_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReadingState:
        return cls(
            read=bool(data.get("read", False)),
            starred=bool(data.get("starred", False)),
            note=str(data.get("note", "")),
            tags=tuple(data.get("tags", ())),
            status=str(data.get("status", "read" if data.get("read") else "to-read")),
            changed_at=data.get("changed_at"),
            status_at=data.get("status_at"),
        )

    def with_changes(self, **changes: Any) -> ReadingState:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Entry:
    """A paper together with its reading state: what lists, search and export show."""

    paper: Paper
    state: ReadingState = field(default_factory=ReadingState)

    @property
    def id(self) -> str:
        return self.paper.id

    def to_record(self) -> dict[str, Any]:
        """The JSON record scripts read (``--json``, JSON export)."""
        paper, state = self.paper, self.state
        return {
            "id": paper.id,
            "title": paper.title,
            "abstract": paper.abstract,
            "links": [link.to_dict() for link in paper.links],
            "arxiv_id": paper.arxiv_id,
            "authors": list(paper.authors),
            "published": paper.published,
            "listing_date": paper.listing_date,
            "upvotes": paper.upvotes,
            "stars": paper.stars,
            "sources": list(paper.sources),
            "read": state.read,
            "starred": state.starred,
            "status": state.status,
            "tags": list(state.tags),
            "note": state.note,
            "added_at": paper.added_at,
            "changed_at": state.changed_at,
            "status_at": state.status_at,
        }
