"""The paper list: renders only the rows on screen, whatever the size of the store.

A DataTable or OptionList builds every row up front, which at 100,000
papers delays the first paint by seconds. This widget uses Textual's
line API: ``render_line`` builds a row when it scrolls into view, and rows
are cached until the paper or the highlight changes.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.core.models import Entry
from reader.core.search.query import highlight_spans
from reader.core.text import strip_control
from reader.tui.keys import bindings

_CACHE_LIMIT = 512
# The marks before a title: selected, status, star, note or tags. The reading mark is not
# the "…" that ends a cut title.
SELECTED = "▌"
STATUS_MARKS = {"to-read": "·", "reading": "◐", "read": "✓"}
STAR = "★"
WATCHED = "◆"  # where the star goes: a paper the watch list names
SKIPPED = "✗"  # in place of the status mark: "not for me"
NOTED = "✎"
MARKS_WIDTH = 6


def _colour_of(style: Style) -> Style:
    """A component style's colour and weight without its background."""
    return Style(color=style.color, bold=style.bold)


class PaperList(ScrollView, can_focus=True):
    """A virtual list of papers with a cursor and a set of selected ids."""

    BINDINGS = [*bindings("list"), *bindings("panes")]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--read",
        "paper-list--star",
        "paper-list--code",
        "paper-list--match",
        "paper-list--selected",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The paper under the cursor changed (None: the list is empty)."""

        entry: Entry | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Entry] = []
        self.selected: set[str] = set()
        self.terms: set[str] = set()
        self.empty_text = ""  # shown on the first line when there is no row: why
        self.is_watched: Callable[[Entry], bool] | None = None  # the watch list: ◆ where the star would go
        self._watched: dict[str, bool] = {}  # by id, until the rows are replaced
        self._cache: dict[tuple[int, int, bool], Strip] = {}

    # -- data -----------------------------------------------------------------

    @property
    def current(self) -> Entry | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def show(self, rows: Sequence[Entry], *, keep_id: str | None = None, terms: set[str] | None = None) -> None:
        """Replace the rows; keep the cursor on ``keep_id`` when it is still shown.

        The same rows again (a reload that changed nothing shown) redraw nothing,
        and more rows after the same ones (the rest of a store that was loading)
        only redraw what was blank: the rows on screen stay as they are.
        """
        rows, terms = list(rows), terms or set()
        kept = terms == self.terms and len(rows) >= len(self.rows) and all(map(operator.is_, self.rows, rows))
        same = kept and len(rows) == len(self.rows)
        if not same:
            shown_before = len(self.rows)
            self.rows, self.terms = rows, terms
            self.virtual_size = Size(self._row_width(), len(self.rows))
            if not kept:
                self._cache.clear()
                self._watched.clear()
                self.refresh()
            elif shown_before < self.scroll_offset.y + self.scrollable_content_region.height:
                self.refresh()
        cursor = min(self._index_of(keep_id), max(len(self.rows) - 1, 0))
        if not kept or cursor != self.cursor:
            self.cursor = cursor

    def _index_of(self, paper_id: str | None) -> int:
        """Where ``paper_id`` is shown (0 when it is not); the row under the cursor is tried first."""
        if paper_id is None:
            return 0
        current = self.current
        if current is not None and current.id == paper_id:
            return self.cursor
        return next((i for i, entry in enumerate(self.rows) if entry.id == paper_id), 0)

    def replace(self, entry: Entry) -> None:
        """A paper's state changed: redraw its row only."""
        index = self._index_of(entry.id)
        if index < len(self.rows) and self.rows[index].id == entry.id:
            self.rows[index] = entry
            self._forget(index)
            if index == self.cursor:
                self.post_message(self.Highlighted(entry))

    def toggle_selected(self) -> None:
        entry = self.current
        if entry is None:
            return
        self.selected ^= {entry.id}
        self._forget(self.cursor)

    def clear_selection(self) -> None:
        self.selected.clear()
        self._cache.clear()
        self.refresh()

    def _forget(self, index: int) -> None:
        for key in [k for k in self._cache if k[0] == index]:
            del self._cache[key]
        self.refresh_line(index - self.scroll_offset.y)

    def _row_width(self) -> int:
        return max(self.scrollable_content_region.width, 1)

    # -- rendering ------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(self._row_width(), len(self.rows))
        self.call_after_refresh(self.scroll_cursor_into_view)

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self._row_width()
        if index >= len(self.rows):
            if index == 0 and self.empty_text:
                return Strip([Segment(" " + self.empty_text, self.rich_style + Style(dim=True))]).crop_extend(
                    0, width, self.rich_style
                )
            return Strip.blank(width, self.rich_style)
        key = (index, width, index == self.cursor)
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            strip = self._cache[key] = self._render_row(self.rows[index], width, index == self.cursor)
        return strip

    def _render_row(self, entry: Entry, width: int, is_cursor: bool) -> Strip:
        base = self.rich_style
        if entry.state.read:
            base += self.get_component_rich_style("paper-list--read")
        if entry.id in self.selected:
            base += self.get_component_rich_style("paper-list--selected")
        if is_cursor:
            base += self.get_component_rich_style("paper-list--cursor")
        # Only the colour of a mark: its background is the row's, so the cursor bar has no gaps.
        star = base + _colour_of(self.get_component_rich_style("paper-list--star"))
        code_style = base + _colour_of(self.get_component_rich_style("paper-list--code"))
        state = entry.state
        marks = [
            Segment(SELECTED if entry.id in self.selected else " ", base),
            Segment(SKIPPED if state.skipped and not state.read else STATUS_MARKS.get(state.status, "·"), base),
            Segment(" ", base),
            Segment(STAR if state.starred else (WATCHED if self._is_watched(entry) else " "), star),
            Segment(NOTED if state.note.strip() or state.tags else " ", base),
            Segment(" ", base),
        ]
        code = " code " if entry.paper.code_link else ""
        room = max(width - MARKS_WIDTH - len(code), 1)
        title = strip_control(entry.paper.title).replace("\n", " ")
        if cell_len(title) > room:
            title = set_cell_size(title, max(room - 1, 0)).rstrip() + "…"
        padding = Segment(" " * max(room - cell_len(title), 0), base)
        segments = [*marks, *self._title_segments(title, base), padding]
        if code:
            segments.append(Segment(code, code_style))
        return Strip(segments).crop_extend(0, width, base)

    def _is_watched(self, entry: Entry) -> bool:
        """Asked only for the rows drawn, and kept: a keyword may mean reading the abstract."""
        if self.is_watched is None:
            return False
        key = entry.id
        found = self._watched.get(key)
        if found is None:
            if len(self._watched) > _CACHE_LIMIT * 8:
                self._watched.clear()
            found = self._watched[key] = self.is_watched(entry)
        return found

    def _title_segments(self, title: str, base: Style) -> list[Segment]:
        spans = highlight_spans(title, self.terms) if self.terms else []
        if not spans:
            return [Segment(title, base)]
        match = base + self.get_component_rich_style("paper-list--match")
        segments: list[Segment] = []
        position = 0
        for start, end in spans:
            if start > position:
                segments.append(Segment(title[position:start], base))
            segments.append(Segment(title[start:end], match))
            position = end
        if position < len(title):
            segments.append(Segment(title[position:], base))
        return segments

    # -- cursor ---------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        for index in {old, new}:
            for key in [k for k in self._cache if k[0] == index]:
                del self._cache[key]
            self.refresh_line(index - self.scroll_offset.y)
        self.scroll_cursor_into_view()
        self.post_message(self.Highlighted(self.current))

    def scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _move(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        self._move(-len(self.rows))

    def action_last(self) -> None:
        self._move(len(self.rows))

    def on_click(self, event: events.Click) -> None:
        """The row under the pointer; ``event.y`` counts the border row, the content offset does not."""
        self.focus()
        offset = event.get_content_offset(self)
        if offset is None:
            return  # the border or the scrollbar
        index = offset.y + self.scroll_offset.y
        if 0 <= index < len(self.rows):
            self.cursor = index
