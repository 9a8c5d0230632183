"""Every key and what it does, from the key table, with the keys the settings put in force."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.keymap import Key


def key_table(keys: Iterable[tuple[str, Key]], show_key: Callable[[Binding], str] | None = None) -> Table:
    """One row per key of the key table, with the keys in force as the footer shows them ("/" not "slash")."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("key")
    table.add_column("action")
    table.add_column(Text("id (for [keymap] in the settings file)"), style="dim")  # Text: no markup
    for in_force, key in keys:
        names = [k.strip() for k in in_force.split(",")]
        shown = ", ".join(show_key(Binding(k, "")) if show_key else k for k in names)
        table.add_row(Text(shown), Text(key.label), Text(key.id))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, keys: list[tuple[str, Key]]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(Text("reader: keys", style="bold"), markup=False)
            yield Static(key_table(self._keys, self.app.get_key_display), id="help-keys", markup=False)
            yield Static(
                Text(
                    "Search box: words are fuzzy; filters is:unread is:read is:reading is:starred "
                    'has:code has:note tag:T year:2025 author:NAME "exact phrase" -word',
                    style="dim",
                ),
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
