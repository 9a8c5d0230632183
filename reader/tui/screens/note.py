"""The note editor: a multi-line editor that saves when you leave it.

It also saves on its own a moment after you stop typing, so a note survives a
closed terminal; the title shows "unsaved" while there is text not yet on disk.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from reader.core.errors import ReaderError
from reader.core.text import strip_control

AUTOSAVE_SECONDS = 1.0


class NoteScreen(ModalScreen[None]):
    """Edit one paper's note; ``save`` writes it to the store."""

    BINDINGS = [
        Binding("escape", "leave", "Save and close", id="note.leave"),
        Binding("ctrl+s", "save", "Save", id="note.save"),
    ]

    unsaved: reactive[bool] = reactive(False)

    def __init__(self, title: str, note: str, save: Callable[[str], None]) -> None:
        super().__init__()
        self._paper_title = strip_control(title)
        self._initial = note
        self._save = save
        self._saved_text = note
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            heading = Text(f"Note: {self._paper_title}", overflow="ellipsis", no_wrap=True)
            yield Static(heading, id="note-title", markup=False)
            yield TextArea(self._initial, id="note-editor", soft_wrap=True, show_line_numbers=False)
            yield Static(id="note-state", markup=False)

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)
        self._show_state()

    @property
    def text(self) -> str:
        return strip_control(self.query_one(TextArea).text).rstrip()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.unsaved = self.text != self._saved_text
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self.action_save)

    def watch_unsaved(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        if not self.is_mounted:
            return
        state = "unsaved (saves when you pause or leave)" if self.unsaved else "saved"
        self.query_one("#note-state", Static).update(Text(f"{state} · escape: save and close · ctrl+s: save"))

    def action_save(self) -> bool:
        """Write the note if it changed; False when the store refused it."""
        text = self.text
        if text == self._saved_text:
            self.unsaved = False
            return True
        try:
            self._save(text)
        except ReaderError as exc:
            self.notify(str(exc), title="Note not saved", severity="error", markup=False)
            return False
        self._saved_text = text
        self.unsaved = False
        return True

    def action_leave(self) -> None:
        if self.action_save():
            self.dismiss(None)
