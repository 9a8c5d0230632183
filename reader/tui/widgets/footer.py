"""The footer: the main keys in one line, as many as fit, help and the palette always.

Textual's footer cuts its last keys at the edge (at 80 columns "Open" read as
"O", and help was never shown) and rebuilds a widget per key whenever the
focus moves. This one is a single line of text drawn from the key table with
the keys in force: it drops whole keys from the end of the order until the
line fits, and keeps ``?`` and ``ctrl+p`` at its right end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Static

from reader.core.keymap import ALWAYS_IN_FOOTER, Key, footer_keys

GAP = "  "


def key_names(keys: str, show_key: Callable[[Binding], str]) -> str:
    """The keys of a binding as a person reads them: "/" not "slash", "^p" not "ctrl+p"."""
    return "/".join(show_key(Binding(name.strip(), "")) for name in keys.split(",") if name.strip())


def footer_line(
    width: int, keymap: Mapping[str, str], show_key: Callable[[Binding], str], keys: Sequence[Key] | None = None
) -> Text:
    """The footer's text for ``width`` columns: whole keys only, the always-shown ones at the right."""
    keys = footer_keys() if keys is None else keys

    def item(key: Key) -> Text:
        first = keymap.get(key.id, key.keys).split(",")[0]
        part = Text(key_names(first, show_key), style="bold")
        part.append(f" {key.label}")
        return part

    always = [item(key) for key in keys if key.id in ALWAYS_IN_FOOTER]
    right = Text(GAP).join(always)
    room = width - cell_len(right.plain) - 2  # a space at each end
    left = Text()
    for key in keys:
        if key.id in ALWAYS_IN_FOOTER:
            continue
        part = item(key)
        needed = cell_len(part.plain) + (len(GAP) if left else 0)
        if needed > room:
            break  # the order is by importance: a later, shorter key does not jump ahead
        if left:
            left.append(GAP)
        left.append_text(part)
        room -= needed
    line = Text(" ")
    line.append_text(left)
    line.append(" " * max(width - 2 - cell_len(left.plain) - cell_len(right.plain), 1))
    line.append_text(right)
    line.truncate(width)
    return line


class KeyFooter(Static):
    """One line of keys, redrawn when the width or the keymap changes."""

    def __init__(self, *, id: str | None = None, keys: Sequence[Key] | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._keys = keys  # another screen's own keys (triage); else the main screen's
        self._drawn: tuple[int, tuple[tuple[str, str], ...]] | None = None

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self, event: events.Resize) -> None:
        self.redraw(event.size.width)

    def redraw(self, width: int | None = None) -> None:
        width = width or self.size.width or self.app.size.width
        keymap = dict(self.app._keymap)
        signature = (width, tuple(sorted(keymap.items())))
        if signature == self._drawn:
            return
        self._drawn = signature
        self.update(footer_line(width, keymap, self.app.get_key_display, self._keys))
