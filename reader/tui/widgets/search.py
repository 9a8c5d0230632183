"""The search box: one line; ↓ and ↑ move through the results while typing, enter goes to the list."""

from __future__ import annotations

from textual.widgets import Input

from reader.tui.keys import bindings
from reader.tui.widgets.paper_list import PaperList


class SearchBox(Input):
    """An ``Input`` whose up and down keys move the paper list's cursor (like fzf)."""

    BINDINGS = bindings("search")

    def _papers(self) -> PaperList:
        return self.screen.query_one(PaperList)

    def action_results_down(self) -> None:
        self._papers().action_cursor_down()

    def action_results_up(self) -> None:
        self._papers().action_cursor_up()
