"""Papers like the selected one, with their scores and marks; enter jumps to one of them."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.core.models import Entry
from reader.core.text import strip_control
from reader.tui.widgets.paper_list import STAR, STATUS_MARKS


def related_line(entry: Entry, score: float) -> Text:
    """One related paper: its score, the list's read and star marks, its title."""
    state = entry.state
    line = Text(f"{score:5.2f} ", style="bold")
    line.append(f"{STATUS_MARKS.get(state.status, '·')} {STAR if state.starred else ' '} ")
    line.append(strip_control(entry.paper.title))
    return line


class RelatedScreen(ModalScreen[str | None]):
    """Returns the id of the paper chosen, or None."""

    BINDINGS = [Binding("escape,q", "close", "Close", id="related.close")]

    def __init__(self, entry: Entry, related: list[tuple[Entry, float]]) -> None:
        super().__init__()
        self._entry = entry
        self._related = related

    def compose(self) -> ComposeResult:
        with Vertical(id="related-dialog", classes="dialog"):
            heading = Text("Papers like: ", style="bold", no_wrap=True, overflow="ellipsis")
            heading.append(strip_control(self._entry.paper.title))
            yield Static(heading, classes="dialog-title", markup=False)
            options = [Option(related_line(e, score), id=e.id) for e, score in self._related]
            if options:
                yield OptionList(*options, id="related-list")
            else:
                yield Static(Text("Nothing similar in the store yet.", style="dim"), markup=False)
            yield Static(Text("score ✓ read ◐ reading ★ starred · enter: go to paper · escape: close", style="dim"),
                         classes="dialog-hint", markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
