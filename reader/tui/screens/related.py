"""Papers like the selected one; enter jumps to one of them."""

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


class RelatedScreen(ModalScreen[str | None]):
    """Returns the id of the paper chosen, or None."""

    BINDINGS = [Binding("escape", "close", "Close", id="related.close")]

    def __init__(self, entry: Entry, related: list[Entry]) -> None:
        super().__init__()
        self._entry = entry
        self._related = related

    def compose(self) -> ComposeResult:
        with Vertical(id="related-dialog"):
            heading = Text("Papers like: ", style="bold")
            heading.append(strip_control(self._entry.paper.title))
            yield Static(heading, markup=False)
            options = [Option(Text(strip_control(e.paper.title)), id=e.id) for e in self._related]
            if options:
                yield OptionList(*options, id="related-list")
            else:
                yield Static(Text("Nothing similar in the store yet.", style="dim"), markup=False)
            yield Static(Text("enter: go to paper · escape: close", style="dim"), markup=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
