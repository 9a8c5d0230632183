"""Reading statistics: a chart of papers added and read per week, counts, tags, the streak."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static
from textual_plotext import PlotextPlot

from reader.core.stats import Stats, render_summary, render_tags, week_label

LABEL_WIDTH = 8  # "Jul 07" and a gap


class WeeklyChart(PlotextPlot):
    """Added and read per week as side-by-side bars, with week labels and a count axis."""

    def __init__(self, stats: Stats, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._stats = stats

    def on_mount(self) -> None:
        stats, plt = self._stats, self.plt
        labels = [week_label(day) for day in stats.weeks]
        bars = [stats.added_per_week, stats.read_per_week]
        plt.multiple_bar(labels, bars, labels=["added", "read"])  # type: ignore[call-arg]  # plotext takes labels=; its stub says label
        plt.title("Papers per week")
        plt.xlabel("week starting")
        plt.ylabel("papers")
        top = max([*stats.added_per_week, *stats.read_per_week, 1])
        plt.ylim(0, top)
        plt.yticks(sorted({0, top // 2, top}))

    def render(self) -> RenderResult:
        """The week labels that fit the width, every n-th one: chosen here, so a screen draws the same each time."""
        labels = [week_label(day) for day in self._stats.weeks]
        room = max(self.size.width - 8, 1)  # the count axis takes the rest
        step = max(1, -(-len(labels) * LABEL_WIDTH // room))
        positions = [float(x) for x in range(1, len(labels) + 1)]
        self.plt.xticks(positions[::step], labels[::step])
        return super().render()


class StatsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,S", "close", "Close", id="stats.close")]

    def __init__(self, stats: Stats) -> None:
        super().__init__()
        self._stats = stats

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stats-dialog", classes="dialog"):
            yield Static(Text("Reading statistics", style="bold", no_wrap=True, overflow="ellipsis"),
                         classes="dialog-title", markup=False)
            yield Static(Text("\n".join(render_summary(self._stats))), id="stats-body", markup=False)
            yield WeeklyChart(self._stats, id="stats-chart")
            tags = render_tags(self._stats, limit=20, bar=20)
            if tags:
                yield Static(Text("\n".join(tags)), id="stats-tags", markup=False)
            yield Static(Text("escape, q or S: close · ↓ ↑: scroll", style="dim"), classes="dialog-hint",
                         markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
