"""Every key and what it does, from the key table, with the keys the settings put in force."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.core.keymap import Key

WIDE = 100  # columns from which the table also shows each key's id for [keymap]
NARROW = 60  # columns below which it shows only the keys and what they do
SCOPES = {"list": "in the list: ", "search": "in the search box: ", "panes": ""}
CLOSE_HINT = "escape, q or ?: close · ↓ ↑ pgdn pgup: scroll"


def key_table(
    keys: Iterable[tuple[str, Key]], show_key: Callable[[Binding], str] | None = None, width: int = WIDE
) -> Table:
    """One row per key of the key table, with the keys in force as the footer shows them ("/" not "slash")."""
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False, expand=False)
    table.add_column("key", no_wrap=True)
    if width >= NARROW:
        table.add_column("action", no_wrap=True)
    table.add_column("what it does")
    if width >= WIDE:
        table.add_column(Text("id for [keymap]"), style="dim", no_wrap=True)  # Text: no markup
    for in_force, key in keys:
        names = [k.strip() for k in in_force.split(",")]
        shown = ", ".join(show_key(Binding(k, "")) if show_key else k for k in names)
        row = [Text(shown)]
        if width >= NARROW:
            row.append(Text(key.label))
        row.append(Text(SCOPES.get(key.scope, "") + key.description))
        if width >= WIDE:
            row.append(Text(key.id))
        table.add_row(*row)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, keys: list[tuple[str, Key]]) -> None:
        super().__init__()
        self._keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            title = Text("reader: every key", style="bold", no_wrap=True, overflow="ellipsis")
            yield Static(title, classes="dialog-title", markup=False)
            yield Static(Text(CLOSE_HINT, style="dim"), classes="dialog-hint", markup=False)
            yield Static(self._table(self.app.size.width), id="help-keys", markup=False)
            yield Static(
                Text(
                    "Search box: words are fuzzy; filters is:unread is:read is:reading is:starred "
                    'has:code has:note tag:T year:2025 author:NAME "exact phrase" -word. '
                    "Keys can be changed in the settings file: [keymap] ID = \"KEY\" (reader config).",
                    style="dim",
                ),
                markup=False,
            )

    def _table(self, width: int) -> Table:
        return key_table(self._keys, self.app.get_key_display, width)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#help-keys", Static).update(self._table(event.size.width))

    def action_close(self) -> None:
        self.dismiss(None)
