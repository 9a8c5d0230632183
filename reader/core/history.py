"""Undo for the last actions (read, star, tag, note, delete).

Each action remembers, per paper, the fields it changed: their value before
and after. Undoing re-reads each paper's state under the store's lock and
puts back only those fields, and only where the field still holds what the
action wrote: a note or a tag another window set since is left as it is (and
said). So an undo is as durable as the action was, and never wipes work done
elsewhere.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reader.core.models import ReadingState
from reader.core.store import RemovedPaper, Store

LIMIT = 50
UNDONE_FIELDS = ("status", "starred", "note", "tags", "skipped")  # what a user changes; the stamps follow them

FieldChanges = dict[str, tuple[Any, Any]]  # field -> (before, after)


def changed_fields(before: ReadingState, after: ReadingState) -> FieldChanges:
    """The fields of a state an action changed, each with its value before and after."""
    return {
        name: (getattr(before, name), getattr(after, name))
        for name in UNDONE_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


@dataclass(frozen=True, slots=True)
class Action:
    description: str
    changes: dict[str, FieldChanges] = field(default_factory=dict)  # id -> the fields it changed
    status_at: dict[str, str | None] = field(default_factory=dict)  # id -> when the status had been set
    changed_at: dict[str, str | None] = field(default_factory=dict)  # id -> when the state had last changed
    removed: tuple[RemovedPaper, ...] = ()  # papers a delete took away


@dataclass(frozen=True, slots=True)
class Undone:
    """An action undone, and what was left as it is because it changed elsewhere since."""

    action: Action
    left: dict[str, list[str]] = field(default_factory=dict)  # id -> fields (or "paper") left alone

    def describe_left(self) -> str:
        fields = sorted({name for names in self.left.values() for name in names})
        papers = len(self.left)
        return f"{' and '.join(fields)} of {papers} paper{'s' if papers != 1 else ''}, changed elsewhere since"


class History:
    """The last ``LIMIT`` actions of this session, newest last."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._actions: deque[Action] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._actions)

    def record_states(self, description: str, states: Mapping[str, tuple[ReadingState, ReadingState]]) -> None:
        """Remember a state change: each paper's state just before and just after it (as written)."""
        changes = {
            pid: diff for pid, (before, after) in states.items()
            # a first touch changes no field when it confirms a default (keeping a new paper to read),
            # yet it takes the paper out of the inbox: undoing it must bring the paper back
            if (diff := changed_fields(before, after)) or (before.changed_at is None and after.changed_at is not None)
        }
        if changes:
            status_at = {pid: states[pid][0].status_at for pid in changes}
            changed_at = {pid: states[pid][0].changed_at for pid in changes}
            self._actions.append(Action(description, changes=changes, status_at=status_at, changed_at=changed_at))

    def record_delete(self, description: str, removed: list[RemovedPaper]) -> None:
        self._actions.append(Action(description, removed=tuple(removed)))

    def peek(self) -> Action | None:
        return self._actions[-1] if self._actions else None

    def undo(self, store: Store) -> Undone | None:
        """Put back what the newest action changed; None when there is nothing to undo."""
        if not self._actions:
            return None
        action = self._actions[-1]
        left: dict[str, list[str]] = {}
        if action.removed:
            for pid in store.restore_papers(list(action.removed)):
                left[pid] = ["paper"]
        if action.changes:
            left.update(_revert(store, action))
        self._actions.pop()  # only once the store took it back
        return Undone(action, left)


def _revert(store: Store, action: Action) -> dict[str, list[str]]:
    """Each changed field back to its value before, where it still holds the value after."""
    left: dict[str, list[str]] = {}

    def revert_one(pid: str, state: ReadingState) -> ReadingState:
        values: dict[str, Any] = {}
        for name, (before, after) in action.changes[pid].items():
            if getattr(state, name) == after:
                values[name] = before
            else:
                left.setdefault(pid, []).append(name)
        if "status" in values:
            values["status_at"] = action.status_at.get(pid)
        if pid not in left and pid in action.changed_at:  # every field back: the state's date too
            values["changed_at"] = action.changed_at[pid]
        return state.with_changes(**values) if values else state

    present = [pid for pid in action.changes if store.has(pid)]
    for pid in action.changes:
        if pid not in present:
            left[pid] = ["paper"]
    if present:
        store.update_states_each(present, revert_one)
    return left
