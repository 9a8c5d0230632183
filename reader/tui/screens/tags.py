"""Edit a paper's tags in one line: comma or space separated."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from reader.core.tags import normalise_tags
from reader.core.text import strip_control


class TagsScreen(ModalScreen[tuple[str, ...] | None]):
    """Returns the new tags, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, title: str, tags: tuple[str, ...]) -> None:
        super().__init__()
        self._paper_title = strip_control(title)
        self._tags = tags

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog"):
            yield Static(Text(f"Tags: {self._paper_title}", overflow="ellipsis", no_wrap=True), markup=False)
            yield Input(", ".join(self._tags), placeholder="e.g. rl, to-cite, diffusion", id="tags-input")
            yield Static(Text("enter: save · escape: cancel", style="dim"), markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(normalise_tags([strip_control(event.value)]))

    def action_cancel(self) -> None:
        self.dismiss(None)
