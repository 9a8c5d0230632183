"""A sync's merge driver: two machines' libraries made one, paper by paper and field by field.

It is given three commits: the one both machines last shared (the base),
ours and theirs. A shard file only one side changed is taken from that side
as it is, without being read. Where both changed the same shard, each paper
in it is merged on its own, whole (its record, abstract and reading state
together):

- changed on one side only: that side's version;
- deleted on one side and edited on the other: kept, edited, and said so;
- imported on both sides: one paper, merged as an import merges
  (``merge.merge_copies``); the same id for two different works (``merge.conflict``)
  keeps both, theirs under a new id;
- reading state: status and star by the later change (each carries its
  time), tags as sets (an add here and a remove there of different tags both
  hold), notes by a three-way merge of their lines; where both changed the
  same lines, both versions are kept, marked, and the paper is flagged
  ``is:conflict`` until its note is edited.

Papers imported on both sides under different ids (a BibTeX entry here, its
arXiv listing there) are found as an import finds a paper (``merge.PaperIndex``)
and become one, under the id the remote already holds (other machines may
know it).

This runs in the sync rather than as a driver git calls per file: git would
start a process per shard, and its merge writes a work tree file by file,
where the store must change whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from reader.core.merge import PaperIndex, conflict, merge_copies
from reader.core.models import CHANGE_TIMES, SYNC_RULE, Paper, ReadingState
from reader.core.store.schema import split_record
from reader.core.sync.git import Git, SyncError
from reader.core.sync.shards import (
    TABLES,
    Record,
    decode_order,
    encode,
    encode_order,
    lines,
    parse,
    parse_path,
    path_of,
    shard_of,
)

TextMerge = Callable[[str, str, str], tuple[str, bool]]


@dataclass(frozen=True, slots=True)
class Item:
    """One paper's records on one side: its whole record (abstract included) and its reading state."""

    paper: Record | None = None
    state: Record | None = None


@dataclass
class Outcome:
    """What a merge did that a user should hear about."""

    conflicts: list[str] = field(default_factory=list)  # notes that kept both versions, marked
    kept: list[tuple[str, str]] = field(default_factory=list)  # (id, "here"/"there": where it was deleted)
    joined: list[tuple[str, str]] = field(default_factory=list)  # (our id, their id): one paper, under theirs
    apart: list[tuple[str, str]] = field(default_factory=list)  # (id, new id): two works shared an id


class Side:
    """One commit's files; its shards are read when first needed, their records parsed when first compared."""

    def __init__(self, git: Git, files: dict[str, str]) -> None:
        self.git = git
        self.files = files
        self._lines: dict[tuple[str, int], dict[str, bytes]] = {}
        self._items: dict[int, dict[str, Item]] = {}

    def blob(self, table: str, shard: int) -> str | None:
        return self.files.get(path_of(table, shard))

    def moved(self, since: Side, shard: int, tables: Iterable[str] = TABLES) -> bool:
        """Whether this side changed ``shard`` (in any of ``tables``) since ``since``."""
        return any(self.blob(table, shard) != since.blob(table, shard) for table in tables)

    def load(self, shards: Iterable[int]) -> None:
        """Read these shards of every table, by one process."""
        wanted = [(table, shard) for shard in dict.fromkeys(shards) for table in TABLES
                  if (table, shard) not in self._lines]
        contents = self.git.blobs(oid for table, shard in wanted if (oid := self.blob(table, shard)) is not None)
        for table, shard in wanted:
            oid = self.blob(table, shard)
            self._lines[table, shard] = {} if oid is None else _checked(lines, contents[oid], path_of(table, shard))

    def lines(self, table: str, shard: int) -> dict[str, bytes]:
        """A shard's records by id, as the text of their lines."""
        if (table, shard) not in self._lines:
            self.load([shard])
        return self._lines[table, shard]

    def record(self, table: str, paper_id: str) -> Record | None:
        """One paper's record of ``table``, parsed."""
        shard = shard_of(paper_id)
        text = self.lines(table, shard).get(paper_id)
        return None if text is None else _checked(parse, text, path_of(table, shard))

    def items(self, shard: int) -> dict[str, Item]:
        """A shard's papers whole (parsed)."""
        if shard not in self._items:
            where = {table: path_of(table, shard) for table in TABLES}
            self._items[shard] = join({table: {pid: _checked(parse, text, where[table])
                                               for pid, text in self.lines(table, shard).items()}
                                       for table in TABLES})
        return self._items[shard]


def _checked(read: Callable[[bytes, str], Any], blob: bytes, where: str) -> Any:
    """A repository file read, or ``SyncError`` naming it when it is not ours to read."""
    try:
        return read(blob, where)
    except ValueError as exc:
        raise SyncError(f"the repository holds a file this reader cannot read: {exc}") from None


def join(tables: dict[str, dict[str, Record]]) -> dict[str, Item]:
    """A shard's papers whole: each paper with its abstract and reading state (an abstract without its paper is dropped,
    as the store drops it)."""
    papers, abstracts, states = (tables[name] for name in TABLES)
    return {
        pid: Item({**papers[pid], **abstracts.get(pid, {})} if pid in papers else None, states.get(pid))
        for pid in dict.fromkeys([*papers, *states])
    }


def split(items: dict[str, Item]) -> dict[str, dict[str, Record]]:
    """``join`` undone: a shard's tables from its papers."""
    tables: dict[str, dict[str, Record]] = {name: {} for name in TABLES}
    for pid, item in items.items():
        if item.paper is not None:
            tables["papers"][pid], abstract = split_record(item.paper)
            if abstract:
                tables["abstracts"][pid] = abstract
        if item.state is not None:
            tables["state"][pid] = item.state
    return tables


class Merge:
    """The merge of ``theirs`` into ``ours`` since ``base``: the files that change, and what to say."""

    def __init__(self, base: Side, ours: Side, theirs: Side, texts: TextMerge) -> None:
        self.base, self.ours, self.theirs = base, ours, theirs
        self.texts = texts
        self.outcome = Outcome()
        self.merged: dict[int, dict[str, Item]] = {}  # shards merged paper by paper
        paths = ours.files.keys() | theirs.files.keys()
        self.shards = sorted({parsed[1] for path in paths if ours.files.get(path) != theirs.files.get(path)
                              if (parsed := parse_path(path)) is not None})
        self.ours_moved = {shard for shard in self.shards if ours.moved(base, shard)}
        self.theirs_moved = {shard for shard in self.shards if theirs.moved(base, shard)}

    def run(self) -> dict[str, bytes | str | None]:
        """The files of the merged commit that differ from ours: new content, a blob id of theirs, or None."""
        both = [shard for shard in self.shards if shard in self.ours_moved and shard in self.theirs_moved]
        for side in (self.base, self.ours, self.theirs):
            side.load(both)
        moved: list[tuple[str, Item]] = []
        for shard in both:
            self.merged[shard] = self._merge_shard(shard, moved)
        for paper_id, item in moved:
            self._place_apart(paper_id, item)
        self._join_imports()
        return {**self._changed_shards(), **self._changed_orders()}

    # -- one paper ------------------------------------------------------------------

    def _merge_shard(self, shard: int, moved: list[tuple[str, Item]]) -> dict[str, Item]:
        was, mine, other = (side.items(shard) for side in (self.base, self.ours, self.theirs))
        merged: dict[str, Item] = {}
        for pid in sorted(was.keys() | mine.keys() | other.keys()):
            item, away = self._merge_item(pid, was.get(pid), mine.get(pid), other.get(pid))
            if item is not None and (item.paper is not None or item.state is not None):
                merged[pid] = item
            if away is not None:
                moved.append((pid, away))
        return merged

    def _merge_item(
        self, pid: str, was: Item | None, mine: Item | None, other: Item | None
    ) -> tuple[Item | None, Item | None]:
        """The merged paper, and theirs when it is another work under the same id (placed apart)."""
        if mine == other or other == was:
            return mine, None
        if mine == was:
            return other, None
        if was is not None and was.paper is not None:
            if mine is None or mine.paper is None:
                self.outcome.kept.append((pid, "here"))
                return other, None
            if other is None or other.paper is None:
                self.outcome.kept.append((pid, "there"))
                return mine, None
        mine, other = mine or Item(), other or Item()
        was_paper = was.paper if was else None
        if was_paper is None and mine.paper and other.paper and conflict(mine.paper, other.paper) is not None:
            return mine, other  # two works under one id: when unsure, two papers
        paper = _three_way(was_paper, mine.paper, other.paper, merge_copies)
        state = _three_way(was.state if was else None, mine.state, other.state, partial(self._merge_states, pid))
        return Item(paper, state), None

    def _merge_states(self, pid: str, base: Record | None, ours: Record, theirs: Record) -> Record:
        state, conflicted = merge_states(pid, base, ours, theirs, self.texts)
        if conflicted:
            self.outcome.conflicts.append(pid)
        return state

    # -- across shards ----------------------------------------------------------------

    def _shard(self, shard: int) -> dict[str, Item]:
        """A shard's merged papers, taken whole from the side that changed it if it was not merged paper by paper."""
        if shard not in self.merged:
            side = self.theirs if shard in self.theirs_moved and shard not in self.ours_moved else self.ours
            self.merged[shard] = dict(side.items(shard))
        return self.merged[shard]

    def _place_apart(self, paper_id: str, item: Item) -> None:
        """Theirs is another work under an id ours holds: it keeps its records under a free id."""
        number = 2
        while True:
            candidate = f"{paper_id}-{number}"
            shard = shard_of(candidate)
            taken = self._shard(shard).keys() | self.base.items(shard).keys() | self.theirs.items(shard).keys()
            if candidate not in taken:
                break
            number += 1
        self._shard(shard)[candidate] = item
        self.outcome.apart.append((paper_id, candidate))

    def _join_imports(self) -> None:
        """Papers each side imported under ids the other does not have, found to be one paper: merged under theirs."""
        ours_new = self._new_papers(self.ours, self.ours_moved)
        if not ours_new:
            return
        theirs_new = self._new_papers(self.theirs, self.theirs_moved)
        if not theirs_new:
            return
        index = PaperIndex({pid: item.paper for pid, item in ours_new.items() if item.paper is not None})
        for pid, item in theirs_new.items():
            assert item.paper is not None
            found, _ = index.find(Paper.from_dict(pid, item.paper), {})
            if found is None or found == pid:
                continue
            gone, kept = self._shard(shard_of(found)), self._shard(shard_of(pid))
            ours, theirs = gone.get(found), kept.get(pid)
            if ours is None or theirs is None:
                continue
            del gone[found]  # the id the remote already holds stays: other machines may know it
            paper = merge_copies(None, ours.paper or {}, theirs.paper or {})
            kept[pid] = Item(paper, _three_way(None, ours.state, theirs.state, partial(self._merge_states, pid)))
            self.outcome.joined.append((found, pid))

    def _new_papers(self, side: Side, moved: set[int]) -> dict[str, Item]:
        """The papers ``side`` added since the base under ids the other side does not hold."""
        other = self.theirs if side is self.ours else self.ours
        shards = [shard for shard in moved if side.moved(self.base, shard, ("papers",))]
        for each in (side, self.base, other):
            each.load(shards)
        found: dict[str, Item] = {}
        for shard in shards:
            was, there = self.base.items(shard), other.items(shard)
            for pid, item in side.items(shard).items():
                if item.paper is not None and _no_paper(was.get(pid)) and _no_paper(there.get(pid)):
                    found[pid] = item
        return found

    # -- the files that change ---------------------------------------------------------

    def _changed_shards(self) -> dict[str, bytes | str | None]:
        changes: dict[str, bytes | str | None] = {}
        git = self.ours.git
        for shard in self.shards:
            if shard in self.merged or shard not in self.theirs_moved or shard in self.ours_moved:
                continue
            for table in TABLES:  # only theirs changed it: their files as they are
                if self.ours.blob(table, shard) != (theirs := self.theirs.blob(table, shard)):
                    changes[path_of(table, shard)] = theirs
        for shard, items in self.merged.items():
            for table, records in split(items).items():
                path, content = path_of(table, shard), encode(records)
                ours = self.ours.blob(table, shard)
                if not records:
                    if ours is not None:
                        changes[path] = None
                elif git.blob_id(content) != ours:
                    changes[path] = content
        return changes

    def _changed_orders(self) -> dict[str, bytes | str | None]:
        """Order files: from the side that wrote one; both: ours, then the ids only theirs lists."""
        changes: dict[str, bytes | str | None] = {}
        base, ours, theirs = self.base.files, self.ours.files, self.theirs.files
        paths = [p for p in ours.keys() | theirs.keys() if p.startswith("order/") and ours.get(p) != theirs.get(p)]
        for path in sorted(paths):
            if ours.get(path) == base.get(path):
                changes[path] = theirs.get(path)
            elif theirs.get(path) != base.get(path) and path in theirs:
                blobs = self.ours.git.blobs(oid for oid in (ours.get(path), theirs[path]) if oid)
                ids = [pid for oid in (ours.get(path), theirs[path]) if oid for pid in decode_order(blobs[oid])]
                changes[path] = encode_order(dict.fromkeys(ids))
        return changes


def _no_paper(item: Item | None) -> bool:
    return item is None or item.paper is None


def _three_way(
    base: Record | None, ours: Record | None, theirs: Record | None, both: Callable[[Any, Any, Any], Record]
) -> Record | None:
    """One record from two sides: the side that changed it, or ``both`` when both did (and neither removed it)."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    if ours is None or theirs is None:
        return ours if theirs is None else theirs
    return both(base, ours, theirs)


# -- reading state ----------------------------------------------------------------------

_NEVER = datetime.min.replace(tzinfo=UTC)


def _when(stamp: str | None) -> datetime:
    """A change time to compare: unknown ones are older than any, those without a zone are UTC."""
    if not stamp:
        return _NEVER
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return _NEVER
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _later(one: str | None, other: str | None) -> str | None:
    return other if _when(other) > _when(one) else one


def merge_tags(base: tuple[str, ...], ours: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """Tags as sets: each tag as the side that added or removed it since the base left it; ours first."""
    merged = []
    for tag in dict.fromkeys([*ours, *theirs]):
        mine, other = tag in ours, tag in theirs
        if mine if mine == other else (mine if mine != (tag in base) else other):
            merged.append(tag)
    return tuple(merged)


def merge_states(
    paper_id: str, base: Record | None, ours: Record, theirs: Record, texts: TextMerge
) -> tuple[Record, bool]:
    """Two machines' reading states of one paper, field by field (``models.SYNC_RULE``).

    A field only one side changed takes that side's value; where both
    changed it, status and star go by the later change, tags are merged as
    sets and notes by lines. The second value says whether a note kept both
    versions (marked): the paper is then flagged ``conflict``.
    """
    was, mine, other = (ReadingState.from_dict(record or {}, paper_id) for record in (base, ours, theirs))
    values: dict[str, Any] = {}
    conflicted = False
    for name, rule in SYNC_RULE.items():
        at = CHANGE_TIMES[name]
        old, one, two = getattr(was, name), getattr(mine, name), getattr(other, name)
        one_at, two_at = getattr(mine, at), getattr(other, at)
        if rule == "later":  # changed means set since the base, even back to the base's value
            one_changed, two_changed = one_at != getattr(was, at), two_at != getattr(was, at)
            if one == two:
                value, when = one, _later(one_at, two_at)
            elif one_changed != two_changed:
                value, when = (one, one_at) if one_changed else (two, two_at)
            else:
                value, when = (two, two_at) if _when(two_at) > _when(one_at) else (one, one_at)
        elif one == two:
            value, when = one, _later(one_at, two_at)
        elif one == old:
            value, when = two, two_at
        elif two == old:
            value, when = one, one_at
        elif rule == "set":
            value, when = merge_tags(old, one, two), _later(one_at, two_at)
        else:
            (value, conflicted), when = texts(old, one, two), _later(one_at, two_at)
        values[name], values[at] = value, when
    flagged = conflicted or (values["note"] == mine.note and mine.conflict) or (
        values["note"] == other.note and other.conflict)
    merged = ReadingState(conflict=flagged, changed_at=_later(mine.changed_at, other.changed_at), **values)
    return merged.to_dict(), conflicted
