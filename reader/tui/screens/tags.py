"""Edit tags in one line: comma or space separated, ``"two words"`` as one tag, completed from the store's tags.

For one paper the line holds its whole tag list. For a selection it holds
changes: ``rl "deep learning"`` adds both to every selected paper, ``-draft``
removes ``draft`` from every one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Static

from reader.core.tags import format_tags, parse_tag_changes, parse_tag_line
from reader.core.text import strip_control


class TagSuggester(Suggester):
    """Completes the tag being typed (the last one on the line) from the tags already in use."""

    def __init__(self, known: Sequence[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._known = list(known)

    async def get_suggestion(self, value: str) -> str | None:
        cut = max(value.rfind(","), value.rfind(" "), value.rfind('"'))
        typed = value[cut + 1 :].lstrip("-")
        if not typed:
            return None
        before = {tag.casefold() for tag in parse_tag_line(value[: cut + 1])}
        for tag in self._known:
            if tag.casefold().startswith(typed.casefold()) and tag.casefold() not in before and tag != typed:
                rest = tag[len(typed) :]
                if " " in tag and value[cut : cut + 1] != '"':
                    continue  # a tag of two words completes only inside quotes
                return value + rest
        return None


@dataclass(frozen=True, slots=True)
class TagEdit:
    """What the dialog asks for: a whole new list (one paper), or tags to add and remove (a selection)."""

    tags: tuple[str, ...] = ()
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    bulk: bool = False


class TagsScreen(ModalScreen[TagEdit | None]):
    """Returns the edit, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tags.cancel")]

    def __init__(self, title: str, tags: tuple[str, ...], known: Sequence[str], *, bulk: bool = False) -> None:
        super().__init__()
        self._paper_title = strip_control(title)
        self._tags = tags
        self._known = known
        self._bulk = bulk

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog", classes="dialog"):
            heading = Text(f"Tags for {self._paper_title}", overflow="ellipsis", no_wrap=True)
            yield Static(heading, classes="dialog-title", markup=False)
            placeholder = "rl -draft \"deep learning\"" if self._bulk else "rl, to-cite, \"deep learning\""
            yield Input(
                format_tags(self._tags), placeholder=placeholder, id="tags-input", suggester=TagSuggester(self._known)
            )
            hint = (
                "tags to add; -tag removes it from every selected paper · → completes · enter: apply · escape: cancel"
                if self._bulk
                else "comma or space between tags, \"two words\" in quotes · → completes · enter: save · escape: cancel"
            )
            yield Static(Text(hint, style="dim"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.cursor_position = len(field.value)  # typing adds to the tags there

    def on_input_submitted(self, event: Input.Submitted) -> None:
        line = strip_control(event.value)
        if self._bulk:
            add, remove = parse_tag_changes(line)
            self.dismiss(TagEdit(add=add, remove=remove, bulk=True))
        else:
            self.dismiss(TagEdit(tags=parse_tag_line(line)))

    def action_cancel(self) -> None:
        self.dismiss(None)
