"""The detail pane: everything about the paper under the cursor, as plain text.

Paper and user text is put into ``rich.text.Text`` objects, never into
markup strings, so ``[Erdos, 1945]`` or ``[bold]x[/]`` show as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from reader.core.models import Entry
from reader.core.search.query import highlight_spans
from reader.core.text import strip_control


def _clean(text: str) -> str:
    return strip_control(text)


def describe(entry: Entry, terms: set[str] | None = None) -> Text:
    """The detail text of one paper, with matched words highlighted."""
    paper, state = entry.paper, entry.state
    text = Text()
    title = Text(_clean(paper.title), style="bold")
    _highlight(title, terms)
    text.append_text(title)
    text.append("\n\n")

    def field(name: str, value: str, style: str = "") -> None:
        text.append(f"{name:<9}", style="dim")
        text.append(_clean(value), style=style)
        text.append("\n")

    field("id", paper.id)
    if paper.arxiv_id:
        field("arXiv", paper.arxiv_id)
    if paper.authors:
        shown = ", ".join(paper.authors[:8]) + (f" and {len(paper.authors) - 8} more" if len(paper.authors) > 8 else "")
        field("authors", shown)
    if paper.published:
        field("published", paper.published[:10])
    if paper.listing_date:
        field("listed", paper.listing_date)
    status = state.status + (", starred" if state.starred else "")
    field("status", status, "bold")
    field("tags", ", ".join(state.tags) if state.tags else "—")
    for link in paper.links:
        field(link.kind, link.url, "underline")
    if not paper.links:
        field("links", "—")
    if paper.abstract:
        text.append("\n")
        abstract = Text(_clean(paper.abstract))
        _highlight(abstract, terms)
        text.append_text(abstract)
        text.append("\n")
    text.append("\nNote\n", style="bold")
    if state.note.strip():
        note = Text(_clean(state.note))
        _highlight(note, terms)
        text.append_text(note)
    else:
        text.append("(none: press n to write one)", style="dim")
    return text


def _highlight(text: Text, terms: set[str] | None) -> None:
    if not terms:
        return
    for start, end in highlight_spans(text.plain, terms):
        text.stylize("reverse", start, end)


class DetailPane(VerticalScroll):
    """A scrolling pane holding the description of one paper."""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body", markup=False)

    terms: frozenset[str] = frozenset()  # the words highlighted in what is shown

    def show(self, entry: Entry | None, terms: set[str] | None = None) -> None:
        self.terms = frozenset(terms or ())
        body = self.query_one("#detail-body", Static)
        if entry is None:
            body.update(Text("No paper to show. Import a page with: reader import FILE", style="dim"))
        else:
            body.update(describe(entry, terms))
        self.scroll_home(animate=False)

    @property
    def plain(self) -> str:
        """The text shown, for tests and for copying by hand."""
        content = self.query_one("#detail-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)
