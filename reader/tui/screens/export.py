"""The export dialog: which format, which file (prefilled), and what will be written.

It never writes itself: it answers with the choice, and the app asks before
replacing a file that exists. An export of no paper is refused here, so an
existing file is never replaced by an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from reader.core.config import EXPORT_FORMATS

EXTENSIONS = {"markdown": ".md", "json": ".json", "bibtex": ".bib", "csv": ".csv"}
BASE_NAME = "reader-notes"


@dataclass(frozen=True, slots=True)
class ExportChoice:
    format: str
    path: Path


def default_path(folder: Path, fmt: str) -> Path:
    return folder / f"{BASE_NAME}{EXTENSIONS.get(fmt, '.txt')}"


class ExportScreen(ModalScreen[ExportChoice | None]):
    """Returns the format and the file chosen, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="export.cancel")]

    def __init__(self, what: str, count: int, folder: Path, fmt: str = "markdown") -> None:
        super().__init__()
        self._what = what
        self._count = count
        self._folder = folder
        self._format = fmt if fmt in EXPORT_FORMATS else "markdown"
        self._suggested = str(default_path(folder, self._format))

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(Text(f"Export {self._what}", overflow="ellipsis", no_wrap=True),
                         classes="dialog-title", markup=False)
            with Horizontal(classes="dialog-row"):
                yield Static("format", classes="dialog-label", markup=False)
                yield Select([(name, name) for name in EXPORT_FORMATS], value=self._format, allow_blank=False,
                             id="export-format", compact=True)
            with Horizontal(classes="dialog-row"):
                yield Static("file", classes="dialog-label", markup=False)
                yield Input(self._suggested, id="export-path", compact=True)
            yield Static(id="export-problem", classes="dialog-problem", markup=False)
            yield Static(Text("enter: export · tab: next field · escape: cancel", style="dim"),
                         classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        path = self.query_one("#export-path", Input)
        path.focus()
        path.cursor_position = len(path.value)
        if self._count == 0:
            self._problem("Nothing to export: no paper is shown. Change the search or the filter first.")

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id != "export-format" or not isinstance(event.value, str):
            return
        self._format = event.value
        path = self.query_one("#export-path", Input)
        if path.value == self._suggested:  # not edited by hand: follow the format
            self._suggested = path.value = str(default_path(self._folder, self._format))
        else:
            current = Path(path.value)
            if current.suffix in EXTENSIONS.values():
                path.value = str(current.with_suffix(EXTENSIONS[self._format]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def _submit(self) -> None:
        if self._count == 0:
            self._problem("Nothing to export: no paper is shown. Change the search or the filter first.")
            return
        typed = self.query_one("#export-path", Input).value.strip()
        if not typed:
            self._problem("Give a file name.")
            return
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self._folder / path
        if path.is_dir():
            self._problem(f"{path} is a folder: give a file name in it.")
            return
        if not path.parent.is_dir():
            self._problem(f"The folder {path.parent} does not exist.")
            return
        self.dismiss(ExportChoice(self._format, path))

    def _problem(self, text: str) -> None:
        self.query_one("#export-problem", Static).update(Text(text, style="bold red"))

    def action_cancel(self) -> None:
        self.dismiss(None)
