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
from reader.core.sync.git import Git
from reader.core.sync.merging import Item, Side
from reader.core.sync.repo import Notes
from reader.core.sync.shards import decode_order, order_path, parse_path
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


def diff(git: Git, old: str | None, new: str | None) -> tuple[Diff, Side]:
    """What changed from ``old`` to ``new``, read from the shards that differ; and ``new``'s side."""
    before, after = Side(git, git.tree(old)), Side(git, git.tree(new))
    shards = sorted({parsed[1] for path in before.files.keys() | after.files.keys()
                     if before.files.get(path) != after.files.get(path) if (parsed := parse_path(path)) is not None})
    before.load(shards)
    after.load(shards)
    found = Diff()
    for shard in shards:
        was, now = before.items(shard), after.items(shard)
        for pid in sorted(was.keys() | now.keys()):
            one, two = was.get(pid) or Item(), now.get(pid) or Item()
            if one.paper != two.paper:
                if two.paper is None:
                    found.removed.append(pid)
                else:
                    found.papers[pid] = two.paper
                    if one.paper is None:
                        found.new.add(pid)
            if one.state != two.state:
                if two.state is None:
                    found.states_removed.append(pid)
                else:
                    found.states[pid] = two.state
    return found, after


def _in_import_order(store: Store, changes: Diff, side: Side) -> dict[str, dict[str, Any]]:
    """The changed records, papers new to this store last, by when they were added and their import's order."""
    added = [pid for pid in changes.papers if not store.has(pid)]
    places: dict[str, dict[str, int]] = {}
    wanted = {order_path(str(changes.papers[pid].get("added_at") or "")) for pid in added}
    blobs = side.git.blobs(oid for path in wanted if (oid := side.files.get(path)) is not None)
    for path in wanted:
        oid = side.files.get(path)
        places[path] = {pid: n for n, pid in enumerate(decode_order(blobs[oid]))} if oid else {}

    def key(pid: str) -> tuple[str, float, str]:
        when = str(changes.papers[pid].get("added_at") or "")
        return when, places[order_path(when)].get(pid, math.inf), pid

    records = {pid: record for pid, record in changes.papers.items() if pid not in set(added)}
    records.update((pid, changes.papers[pid]) for pid in sorted(added, key=key))
    return records


def apply(git: Git, store: Store, notes: Notes, old: str | None, new: str) -> Counts:
    """Make the store, which holds ``old``, hold ``new``, and move the branch (under the store's lock).

    Before papers change, the store is backed up, as before an import.
    """
    changes, side = diff(git, old, new)
    layout = store.layout
    staged.begin(layout)
    if changes.papers or changes.removed:
        store.backup()
        records = _in_import_order(store, changes, side)
        staged.stage(layout, store.path, store.papers_file_with(records, changes.removed))
    if changes.states or changes.states_removed:
        staged.stage(layout, layout.state, store.state_file_with(changes.states, changes.states_removed))
    staged.mark_ready(layout, new)
    staged.roll_forward(layout)
    git.update_ref(new, old)
    staged.finish(layout)
    remember(git, notes, new, {"papers": signature(store.path), "state": signature(layout.state)})
    return changes.counts()
