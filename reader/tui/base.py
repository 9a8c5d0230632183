"""What every part of the app shares: the session, the two panes, and how a change is shown.

The app is one class put together from a few parts (``ReaderApp`` in
``app.py``, the actions on papers in ``actions.py``, links and exports in
``opening.py``); each part reads the same state through this base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from textual.app import App

from reader.core.errors import ReaderError
from reader.core.models import Entry, ReadingState
from reader.core.search.index import SearchIndex
from reader.core.session import Session
from reader.core.text import strip_control
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.paper_list import PaperList


class AppBase(App[None]):
    """The state and helpers the app's parts share; ``ReaderApp`` fills it in."""

    session: Session
    _detail_entry: Entry | None
    _touched: set[str]  # papers changed here since the rows being computed were asked for

    @property
    def entries(self) -> dict[str, Entry]:
        """The store's papers by id, in store order (the first screenful while it loads)."""
        return self.session.library.entries

    @property
    def index(self) -> SearchIndex | None:
        return self.session.index

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def _show_status(self) -> None:
        """The status line (``ReaderApp``)."""

    def _show_detail(self, entry: Entry | None) -> None:
        """The detail pane (``ReaderApp``)."""

    def _refresh_rows(self) -> None:
        """Compute the rows again (``ReaderApp``)."""

    def _current_or_say(self) -> Entry | None:
        """The paper under the cursor; with none, the user is told so."""
        entry = self.paper_list.current
        if entry is None:
            self._say("No paper here.", severity="warning")
        return entry

    def _targets(self) -> list[Entry]:
        """The selected papers, else the one under the cursor."""
        selected = [self.entries[pid] for pid in self.paper_list.selected if pid in self.entries]
        if selected:
            return selected
        current = self.paper_list.current
        return [current] if current else []

    def _say(self, message: str, *, title: str = "", severity: str = "information") -> None:
        self.notify(strip_control(message), title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def _apply(
        self, description: str, targets: Sequence[Entry], change: Callable[[ReadingState], ReadingState]
    ) -> bool:
        """Write a state change for ``targets``; on failure the screen keeps the old state."""
        if not targets:
            self._say("No paper here.", severity="warning")
            return False
        try:
            updated = self.session.change(description, [e.id for e in targets], change)
        except ReaderError as exc:
            self._say(str(exc), title="Not saved", severity="error")
            return False
        self._took(updated)
        return True

    def _took(self, updated: Iterable[Entry]) -> None:
        """Show papers as the session now has them (the counts and index followed in the session)."""
        for entry in updated:
            self._touched.add(entry.id)
            self.paper_list.replace(entry)
        current = self.paper_list.current
        if current is not None and self._detail_entry is not None and current.id == self._detail_entry.id:
            self._show_detail(current)  # its new state at once, not when the cursor next rests
        self._show_status()
