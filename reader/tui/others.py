"""The app's other screens: the papers related to one, the statistics, every key."""

from __future__ import annotations

from textual import work
from textual.widgets import Input

from reader.core import stats
from reader.core.keymap import KEYS
from reader.core.models import Entry
from reader.core.search import related
from reader.tui import messages
from reader.tui.base import AppBase
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.screens.stats import StatsScreen


class OtherScreens(AppBase):
    """Related papers (``R``), statistics (``S``) and help (``?``), and going to a paper."""

    filter_name: str
    query_text: str
    _rows_query: str

    def action_related(self) -> None:
        entry = self._current_or_say()
        if entry is None:
            return
        if self.index is None:
            self._say("The search index is still being built.")
            return
        self._find_related(entry)

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, entry: Entry) -> None:
        assert self.index is not None
        hits = related.related(entry, self.index, limit=10)
        similar = [(self.entries[h.id], h.score) for h in hits if h.id in self.entries]
        self.post_message(messages.RelatedFound(entry, similar))

    def on_related_found(self, message: messages.RelatedFound) -> None:
        self.push_screen(RelatedScreen(message.entry, message.similar), self.go_to)

    def go_to(self, paper_id: str | None) -> None:
        """Put the cursor on a paper, clearing the search and filter if they hide it."""
        if paper_id is None or paper_id not in self.entries:
            return
        if all(row.id != paper_id for row in self.paper_list.rows):
            self.filter_name = "all"
            self.query_one("#search", Input).value = ""
            self.query_text = ""
            self._rows_query = ""
            self.paper_list.show(list(self.entries.values()), keep_id=paper_id)
            self._refresh_rows()
        else:
            self.paper_list.cursor = next(i for i, row in enumerate(self.paper_list.rows) if row.id == paper_id)
        self.paper_list.focus()

    def action_stats(self) -> None:
        self._compute_stats()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _compute_stats(self) -> None:
        """Off the UI thread: a pass over every paper."""
        self.post_message(messages.StatsReady(stats.compute(list(self.entries.values()))))

    def on_stats_ready(self, message: messages.StatsReady) -> None:
        self.push_screen(StatsScreen(message.figures))

    def action_help(self) -> None:
        # Show the keys in force: the settings' keymap replaces the defaults.
        keymap = self._keymap
        shown = [(keymap.get(key.id, key.keys), key) for key in KEYS]
        self.push_screen(HelpScreen(shown))

