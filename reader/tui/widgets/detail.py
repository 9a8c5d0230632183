"""The detail pane: everything about the paper under the cursor, as plain text.

Paper and user text is put into ``rich.text.Text`` objects, never into
markup strings, so ``[Erdos, 1945]`` or ``[bold]x[/]`` show as written.
Web links carry a link style: a click on any part of one (a long URL wraps)
opens it, and terminals that know hyperlinks make them clickable too.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from reader.core.facts import facts
from reader.core.models import Entry
from reader.core.paperlinks import is_web
from reader.core.search.query import highlight_spans
from reader.core.text import strip_control
from reader.tui.keys import bindings

LABEL_WIDTH = 11  # "published" and two spaces
SHOWN_AUTHORS = 8  # more are counted, not listed


def _clean(text: str) -> str:
    return strip_control(text)


def describe(entry: Entry, terms: set[str] | None = None) -> Text:
    """The detail text of one paper, with matched words highlighted: the note comes before the abstract."""
    paper, state = entry.paper, entry.state
    text = Text()
    title = Text(_clean(paper.title), style="bold")
    _highlight(title, terms)
    text.append_text(title)
    text.append("\n\n")

    def field(name: str, value: str | Text, style: str | Style = "") -> None:
        text.append(f"{name:<{LABEL_WIDTH - 1}} ", style="dim")
        text.append_text(value) if isinstance(value, Text) else text.append(_clean(value), style=style)
        text.append("\n")

    for fact in facts(entry, authors=SHOWN_AUTHORS):
        if fact.link:
            url = _clean(fact.value)
            field(fact.label, Text(url, style=Style(underline=True, link=url) if is_web(url) else Style()))
        else:
            field(fact.label, fact.value or "—", "bold" if fact.label == "status" else "")
    text.append("\n")
    if state.note.strip():
        text.append("Note\n", style="bold")
        note = Text(_clean(state.note))
        _highlight(note, terms)
        text.append_text(note)
        text.append("\n")
    else:
        text.append("No note yet: press n to write one.\n", style="dim")
    if paper.abstract:
        text.append("\nAbstract\n", style="bold")
        abstract = Text(_clean(paper.abstract))
        _highlight(abstract, terms)
        text.append_text(abstract)
    return text


def _highlight(text: Text, terms: set[str] | None) -> None:
    if not terms:
        return
    for start, end in highlight_spans(text.plain, terms):
        text.stylize("reverse", start, end)


class DetailPane(VerticalScroll):
    """A scrolling pane holding the description of one paper; ``tab`` gives it the keys to scroll."""

    BINDINGS = bindings("panes")

    @dataclass
    class LinkClicked(Message):
        """A web link in the pane was clicked."""

        url: str

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body", markup=False)

    terms: frozenset[str] = frozenset()  # the words highlighted in what is shown

    def show(self, entry: Entry | None, terms: set[str] | None = None, *, empty: str = "") -> None:
        """Show ``entry``; with none, the line ``empty`` says why the pane is blank."""
        self.terms = frozenset(terms or ())
        body = self.query_one("#detail-body", Static)
        if entry is None:
            body.update(Text(empty, style="dim"))
        else:
            body.update(describe(entry, terms))
        self.scroll_home(animate=False)

    def on_click(self, event: events.Click) -> None:
        url = event.style.link
        if url and is_web(url):
            event.stop()
            self.post_message(self.LinkClicked(url))

    @property
    def plain(self) -> str:
        """The text shown, for tests and for copying by hand."""
        content = self.query_one("#detail-body", Static).content
        return content.plain if isinstance(content, Text) else str(content)
