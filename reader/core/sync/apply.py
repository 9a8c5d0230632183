"""A commit into the store: what changed between two commits, written to both files at once or to neither.

Only the shards that differ between the commit the store holds and the one
it should hold are read. The papers and reading states that changed are
handed to the store, which writes its new files into the staging folder;
then ``staged`` moves them in (a kill in between is finished by the next
process to take the store's lock) and the branch moves to the new commit.
Papers new to this store are added after the others, in the order their
import listed them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from reader.core.store import Store, staged
from reader.core.store.places import Places
from reader.core.store.schema import ABSTRACTS, PAPERS
from reader.core.sync.git import Git
from reader.core.sync.merging import Side
from reader.core.sync.repo import Notes
from reader.core.sync.shards import TABLES, decode_order, order_path, parse_path
from reader.core.sync.snapshot import remember, signature


@dataclass
class Counts:
    """Papers and reading states that one side of a sync changed."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    states: int = 0

    @property
    def total(self) -> int:
        return self.new + self.changed + self.removed + self.states

    def describe(self) -> str:
        parts = [(self.new, "new paper", "new papers"), (self.changed, "paper updated", "papers updated"),
                 (self.removed, "paper deleted", "papers deleted"),
                 (self.states, "reading state", "reading states")]
        said = [f"{count} {one if count == 1 else many}" for count, one, many in parts if count]
        return ", ".join(said) or "nothing"


@dataclass
class Diff:
    """The papers (whole records) and reading states that differ from one commit to another."""

    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    states_removed: list[str] = field(default_factory=list)
    new: set[str] = field(default_factory=set)  # papers the older commit did not have

    def counts(self) -> Counts:
        return Counts(len(self.new), len(self.papers) - len(self.new), len(self.removed),
                      len(self.states) + len(self.states_removed))


def diff(git: Git, old: str | None, new: str | None, *, records: bool = True) -> tuple[Diff, Side]:
    """What changed from ``old`` to ``new``, and ``new``'s side.

    Only the shards that differ are read, and their lines compared as text;
    only the records that changed are parsed (none without ``records``: a
    count is all that is asked).
    """
    before, after = Side(git, git.tree(old)), Side(git, git.tree(new))
    shards = sorted({parsed[1] for path in before.files.keys() | after.files.keys()
                     if before.files.get(path) != after.files.get(path) if (parsed := parse_path(path)) is not None})
    before.load(shards)
    after.load(shards)
    found = Diff()
    for shard in shards:
        changed = {table: _differing(before, after, table, shard) for table in TABLES}
        was, now = before.lines("papers", shard), after.lines("papers", shard)
        for pid in sorted(changed["papers"] | changed["abstracts"]):
            if pid not in now:
                if pid in was:
                    found.removed.append(pid)
                continue
            found.papers[pid] = _whole(after, pid) if records else {}
            if pid not in was:
                found.new.add(pid)
        states = after.lines("state", shard)
        for pid in sorted(changed["state"]):
            if pid not in states:
                found.states_removed.append(pid)
            else:
                found.states[pid] = (after.record("state", pid) or {}) if records else {}
    return found, after


def _differing(before: Side, after: Side, table: str, shard: int) -> set[str]:
    if before.blob(table, shard) == after.blob(table, shard):
        return set()
    was, now = before.lines(table, shard), after.lines(table, shard)
    return {pid for pid in was.keys() | now.keys() if was.get(pid) != now.get(pid)}


def _whole(side: Side, paper_id: str) -> dict[str, Any]:
    """A paper's whole record: the paper and its abstract."""
    return {**(side.record("papers", paper_id) or {}), **(side.record("abstracts", paper_id) or {})}


def _in_import_order(store: Store, changes: Diff, side: Side) -> dict[str, dict[str, Any]]:
    """The changed records, papers new to this store last, by when they were added and their import's order."""
    added = {pid: str(changes.papers[pid].get("added_at") or "") for pid in changes.papers if not store.has(pid)}
    places: dict[str, dict[str, int]] = {}
    wanted = {when: order_path(when) for when in set(added.values())}
    blobs = side.git.blobs(oid for path in wanted.values() if (oid := side.files.get(path)) is not None)
    for when, path in wanted.items():
        oid = side.files.get(path)
        places[when] = {pid: n for n, pid in enumerate(decode_order(blobs[oid]))} if oid else {}

    def key(pid: str) -> tuple[str, float, str]:
        return added[pid], places[added[pid]].get(pid, math.inf), pid

    records = {pid: record for pid, record in changes.papers.items() if pid not in added}
    records.update((pid, changes.papers[pid]) for pid in sorted(added, key=key))
    return records


def apply(git: Git, store: Store, notes: Notes, old: str | None, new: str) -> Counts:
    """Make the store, which holds ``old``, hold ``new``, and move the branch (under the store's lock).

    Before papers change, the store is backed up, as before an import.
    """
    changes, side = diff(git, old, new)
    layout = store.layout
    staged.begin(layout)
    places: dict[str, Places] = {}
    if changes.papers or changes.removed:
        store.backup()
        records = _in_import_order(store, changes, side)
        places = {table: Places() for table in (PAPERS, ABSTRACTS)}
        staged.stage(layout, store.path, store.papers_file_with(records, changes.removed, places))
    if changes.states or changes.states_removed:
        staged.stage(layout, layout.state, store.state_file_with(changes.states, changes.states_removed))
    staged.mark_ready(layout, new)
    staged.roll_forward(layout)
    if places:
        store.keep_places(places)
    git.update_ref(new, old)
    staged.finish(layout)
    remember(git, notes, new, {"papers": signature(store.path), "state": signature(layout.state)})
    return changes.counts()
