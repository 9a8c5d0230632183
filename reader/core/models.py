"""Papers, links and what the user did with them: small immutable records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from reader.core.errors import ReaderError, StoreError
from reader.core.urls import safe_url

LinkKind = Literal["code", "project", "other"]
LINK_KINDS = ("code", "project", "other")
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
        """A link from its stored record; ``TypeError`` naming what is wrong with a damaged one."""
        if type(data) is not dict or type(data.get("url")) is not str:
            raise TypeError("a link without a text url")
        kind, repo = data.get("kind", "other"), data.get("repo")
        if kind not in LINK_KINDS or (repo is not None and type(repo) is not str):
            raise TypeError(f"a link of kind {kind!r}")
        return cls(url=data["url"], kind=kind, repo=repo)


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


def is_empty(value: Any) -> bool:
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
        if key == "title" or not is_empty(value)
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
        raw = record.get("abstract_raw", text)
        if type(text) is not str or type(raw) is not str:  # edited by hand: shown as unreadable, like bad JSON
            shown = "(abstract unreadable: it is not text; run 'reader doctor')"
            return shown, shown
        return text, raw

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
        return next((link for link in self.links if link.kind == "code" and _web(link.url)), None)

    @property
    def best_link(self) -> Link | None:
        """The link a user most likely wants to copy or open: the code, else the first; a web link or none.

        A stored link that is not http(s) (a record edited by hand, an older
        import) is never offered to a browser or the clipboard.
        """
        return self.code_link or next((link for link in self.links if _web(link.url)), None)

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
        A record edited by hand into the wrong shape (``"title": null``,
        ``"authors": 7``) raises ``StoreError`` naming the record and the
        field, before anything is built from it (the store adds its file).
        """
        if text is None:
            text = _inline_abstract(paper_id, data)
        values = {name: data[name] for name in _RECORD_FIELDS.intersection(data)}
        shape = (*values, *map(type, values.values()))  # the fields and their types: most records share a few
        if shape not in _SOUND_SHAPES:
            _check_types(paper_id, values)
            if len(_SOUND_SHAPES) < 1000:
                _SOUND_SHAPES.add(shape)
        for name in _TUPLE_FIELDS.intersection(values):
            value = values[name]
            try:
                "".join(value)  # one C call that fails on an item that is not text
            except TypeError:
                raise damaged_record(paper_id, name, value, "a list of text", _holding(value)) from None
            values[name] = tuple(value)
        if "links" in values:
            try:
                values["links"] = tuple(Link.from_dict(link) for link in values["links"])
            except TypeError as exc:
                raise damaged_record(paper_id, "links", None, "a list of links", f"a list holding {exc}") from None
        values.setdefault("title", "")
        return cls(id=paper_id, text=text, **values)


# Record keys that map one to one onto Paper fields (lists become tuples).
_RECORD_FIELDS = frozenset([*DESCRIBED, "sources", "added_at"])
_TUPLE_FIELDS = _LIST_FIELDS | {"sources"}
# The JSON types a stored field may hold, from its declared type: a tuple is stored as a list.
_JSON_TYPES: dict[str, frozenset[type]] = {
    "str": frozenset({str}), "str | None": frozenset({str, type(None)}), "int | None": frozenset({int, type(None)}),
    "bool": frozenset({bool}), "tuple[str, ...]": frozenset({list}), "tuple[Link, ...]": frozenset({list}),
}
_FIELD_TYPES = {spec.name: _JSON_TYPES[str(spec.type)] for spec in fields(Paper) if spec.name in _RECORD_FIELDS}
_SOUND_SHAPES: set[tuple[Any, ...]] = set()  # field names and value types already checked


def _check_types(paper_id: str, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        if type(value) not in _FIELD_TYPES[name]:
            raise damaged_record(paper_id, name, value)
_JSON_NAMES: dict[type, str] = {str: "text", int: "a number", float: "a number", bool: "true or false", list: "a list",
               dict: "an object", type(None): "null"}


def damaged_record(
    paper_id: str, name: str, value: Any, expected: str | None = None, found: str | None = None
) -> StoreError:
    """The error for a stored record whose field ``name`` holds ``value`` of the wrong type."""
    if expected is None:
        wanted = sorted(_JSON_NAMES.get(kind, str(kind)) for kind in _FIELD_TYPES.get(name, _JSON_TYPES["str"]))
        expected = " or ".join(wanted)
    if found is None:
        found = _JSON_NAMES.get(type(value), type(value).__name__)
    return StoreError(f"damaged record {paper_id!r}: {name} is {found}, not {expected}; run 'reader doctor'")


def _holding(items: list[Any]) -> str:
    odd = next(item for item in items if type(item) is not str)
    return f"a list holding {_JSON_NAMES.get(type(odd), type(odd).__name__)}"


def _inline_abstract(paper_id: str, data: Mapping[str, Any]) -> Abstract:
    """The abstract kept in the record itself (an older store, or a whole record being merged)."""
    abstract, raw = data.get("abstract"), data.get("abstract_raw")
    for name, value in (("abstract", abstract), ("abstract_raw", raw)):
        if value is not None and type(value) is not str:
            raise damaged_record(paper_id, name, value)
    return Abstract(abstract, raw) if abstract else NO_ABSTRACT


_CHANGED = "changed"  # the field that says when this one last changed
_SYNC = "sync"  # how a sync merges two machines' changes to the field


@dataclass(frozen=True, slots=True)
class ReadingState:
    """What the user did with a paper; kept apart from the imported record.

    ``status`` is the one record of whether a paper was read; ``read`` is
    read from it. Each field the user sets carries when it last changed
    (``CHANGE_TIMES``): when two machines changed the same paper, a sync
    merges it field by field (``SYNC_RULE``): status, star and skip by the later
    change, tags as sets, notes line by line. A note both machines changed on
    the same lines keeps both versions, marked, and ``conflict`` says so
    until the note is edited again.
    """

    status: str = field(default="to-read", metadata={_CHANGED: "status_at", _SYNC: "later"})
    starred: bool = field(default=False, metadata={_CHANGED: "starred_at", _SYNC: "later"})
    note: str = field(default="", metadata={_CHANGED: "note_at", _SYNC: "text"})
    tags: tuple[str, ...] = field(default=(), metadata={_CHANGED: "tags_at", _SYNC: "set"})
    # "not for me": out of the inbox for good, a negative example for the ranking
    skipped: bool = field(default=False, metadata={_CHANGED: "skipped_at", _SYNC: "later"})
    conflict: bool = False  # the note holds two machines' versions, marked: a sync could not merge them
    changed_at: str | None = None  # the last change of any field
    status_at: str | None = None  # stats and sorting use it too
    starred_at: str | None = None
    note_at: str | None = None
    tags_at: str | None = None
    skipped_at: str | None = None

    @property
    def read(self) -> bool:
        return self.status == "read"

    def to_dict(self) -> dict[str, Any]:
        return {spec.name: _json_value(getattr(self, spec.name)) for spec in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], paper_id: str = "?") -> ReadingState:
        """A state from its record; a record written before ``status`` existed says ``read``.

        A field of the wrong type (a hand edit) raises ``StoreError`` naming the
        paper and the field: a note that is a number is not turned into text.
        """
        status = data.get("status")
        if status is None:
            status = "read" if data.get("read") is True else "to-read"
        elif status not in STATUSES:
            raise damaged_record(paper_id, "status", status, " or ".join(STATUSES))
        for name, value in data.items():
            kinds = _STATE_TYPES.get(name)
            if kinds is not None and type(value) not in kinds:
                raise damaged_record(paper_id, name, value, " or ".join(sorted(_JSON_NAMES[k] for k in kinds)))
        tags = data.get("tags", ())
        try:
            "".join(tags)
        except TypeError:
            raise damaged_record(paper_id, "tags", tags, "a list of text", _holding(tags)) from None
        values = {name: data[name] for name in _STATE_PLAIN.intersection(data)}
        return cls(status=status, tags=tuple(tags), **values)

    def with_changes(self, **changes: Any) -> ReadingState:
        return replace(self, **changes)


# When each field the user sets last changed: field -> the field holding its time.
CHANGE_TIMES = {spec.name: spec.metadata[_CHANGED] for spec in fields(ReadingState) if _CHANGED in spec.metadata}
# How a sync merges a field both machines changed: "later" change wins, "set" of tags, "text" merged by lines.
SYNC_RULE = {spec.name: spec.metadata[_SYNC] for spec in fields(ReadingState) if _SYNC in spec.metadata}
# The JSON types of a reading state's fields ("read" only in records older than "status").
_STATE_TYPES: dict[str, frozenset[type]] = {
    "read": _JSON_TYPES["bool"],
    **{spec.name: _JSON_TYPES[str(spec.type)] for spec in fields(ReadingState) if spec.name != "status"},
}
_STATE_PLAIN = frozenset(spec.name for spec in fields(ReadingState)) - {"status", "tags"}


def _web(url: str) -> bool:
    return safe_url(url) is not None


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
