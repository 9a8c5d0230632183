"""Reading statistics: added and read per week, status and tag counts, the streak."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.stats import Stats, render_text


class StatsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close", id="stats.close")]

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self._stats = stats

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-dialog"):
            yield Static(Text("Reading statistics", style="bold"), markup=False)
            yield Static(Text(render_text(self._stats)), id="stats-body", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
