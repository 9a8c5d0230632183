"""Undo for the last actions (read, star, tag, note, delete).

Each action remembers what it replaced; undoing writes that back through the
store, so an undo is as durable as the action was.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from reader.core.models import ReadingState
from reader.core.store import RemovedPaper, Store

LIMIT = 50


@dataclass(frozen=True, slots=True)
class Action:
    description: str
    states: dict[str, ReadingState] = field(default_factory=dict)  # id -> state before
    removed: tuple[RemovedPaper, ...] = ()  # papers a delete took away


class History:
    """The last ``LIMIT`` actions of this session, newest last."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._actions: deque[Action] = deque(maxlen=limit)

    def __len__(self) -> int:
        return len(self._actions)

    def record_states(self, description: str, before: dict[str, ReadingState]) -> None:
        self._actions.append(Action(description, states=dict(before)))

    def record_delete(self, description: str, removed: list[RemovedPaper]) -> None:
        self._actions.append(Action(description, removed=tuple(removed)))

    def peek(self) -> Action | None:
        return self._actions[-1] if self._actions else None

    def undo(self, store: Store) -> Action | None:
        """Put back what the newest action replaced; None when there is nothing to undo."""
        if not self._actions:
            return None
        action = self._actions[-1]
        if action.removed:
            store.restore_papers(list(action.removed))
        if action.states:
            store.restore_states(action.states)
        self._actions.pop()  # only once the store took it back
        return action
