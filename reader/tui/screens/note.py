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
        self._refused = False  # leaving failed to save once: the next escape closes anyway

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            heading = Text(f"Note: {self._paper_title}", overflow="ellipsis", no_wrap=True)
            yield Static(heading, id="note-title", classes="dialog-title", markup=False)
            yield TextArea(self._initial, id="note-editor", soft_wrap=True, show_line_numbers=False)
            yield Static(id="note-state", classes="dialog-hint", markup=False)

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
        self._refused = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self.action_save)

    def watch_unsaved(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        if not self.query("#note-state"):
            return  # not composed yet (a reactive set before mount)
        state = "unsaved (saves when you pause or leave)" if self.unsaved else "saved"
        self.query_one("#note-state", Static).update(
            Text(f"{state} · escape: save and close · ctrl+s: save · ctrl+q: save and quit")
        )

    def save_now(self) -> str | None:
        """Write what is typed now (the app quits, the terminal closed); the store's refusal, if any."""
        if self._timer is not None:
            self._timer.stop()
        return self._write()

    def action_save(self) -> bool:
        """Write the note if it changed; False (and an error notice) when the store refused it."""
        error = self._write()
        if error is not None:
            self.notify(error, title="Note not saved", severity="error", markup=False)
        return error is None

    def _write(self) -> str | None:
        text = self.text
        if text != self._saved_text:
            try:
                self._save(text)
            except ReaderError as exc:
                return str(exc)
            self._saved_text = text
        self.unsaved = False
        return None

    def action_leave(self) -> None:
        # A store that cannot be written must not trap the user in the editor:
        # after one refused leave, a second escape closes without saving.
        if self._refused:
            self._close()
            return
        error = self._write()
        if error is None:
            self._close()
            return
        self._refused = True
        self.notify(
            f"{error}\nPress escape again to close without saving (copy your text first).",
            title="Note not saved",
            severity="error",
            markup=False,
        )

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.dismiss(None)
