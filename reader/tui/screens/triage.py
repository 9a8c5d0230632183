"""Triage: the inbox one card at a time, best first, decided with one key each.

Each card shows what a decision needs (title, authors, date, code link,
abstract) and why the paper is ranked where it is. A decision is written
through the app's session like any other change (saved before the next key,
undoable with ``u``), and the next undecided card follows. Leaving keeps
what was decided; the papers not decided yet stay in the inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from reader.core.keymap import footer_keys
from reader.core.models import Entry, ReadingState
from reader.core.text import strip_control
from reader.core.triage import Ranked
from reader.tui.keys import bindings
from reader.tui.widgets.footer import KeyFooter

Change = Callable[[ReadingState], ReadingState]

# What each decision writes, and how the card says it was decided.
DECISIONS: dict[str, tuple[str, Change]] = {
    "keep": ("kept to read", lambda s: s.with_changes(status="to-read", skipped=False)),
    "star": ("starred", lambda s: s.with_changes(starred=True, skipped=False)),
    "read": ("reading now", lambda s: s.with_changes(status="reading", skipped=False)),
    "skip": ("skipped: not for me", lambda s: s.with_changes(skipped=True)),
}


class TriageHost(Protocol):
    """What the screen asks of the app: write a change through its session, undo one, show a paper."""

    def change_papers(self, description: str, paper_ids: Sequence[str], change: Change) -> list[Entry] | None: ...
    def undo_last(self) -> list[str] | None: ...
    def go_to(self, paper_id: str | None) -> None: ...


class TriageScreen(Screen[None]):
    """The ranked inbox; dismissed with None when the user goes back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("triage")

    def __init__(self, ranked: Sequence[Ranked], host: TriageHost) -> None:
        super().__init__()
        self.ranked = list(ranked)
        self.host = host
        self.position = 0
        self.decided: dict[str, str] = {}  # paper id -> decision
        self.order: list[str] = []  # ids in the order they were decided, for undo

    def compose(self) -> ComposeResult:
        yield Static(id="triage-progress", markup=False)
        with VerticalScroll(id="triage-card"):
            yield Static(id="triage-body", markup=False)
        yield KeyFooter(id="triage-footer", keys=footer_keys("triage"))

    def on_mount(self) -> None:
        self._show()

    # -- what is shown ---------------------------------------------------------------

    @property
    def current(self) -> Ranked | None:
        return self.ranked[self.position] if 0 <= self.position < len(self.ranked) else None

    def progress_text(self) -> str:
        total = len(self.ranked)
        counts = [f"{sum(1 for d in self.decided.values() if d == name)} {label}"
                  for name, label in (("keep", "kept"), ("star", "starred"), ("read", "reading"), ("skip", "skipped"))]
        shown = min(self.position + 1, total)
        return f"Inbox: {shown} of {total} · " + " · ".join(counts)

    def card_text(self) -> Text:
        item = self.current
        if item is None:
            done = len(self.decided)
            text = Text(f"That is the inbox: {done} of {len(self.ranked)} decided.\n\n", style="bold")
            text.append("escape: back to the list · u: undo the last decision · p: back to a card", style="dim")
            return text
        paper = item.entry.paper
        text = Text()
        decision = self.decided.get(paper.id)
        if decision:
            text.append(f"[{DECISIONS[decision][0]}]  ", style="bold reverse")
        if item.watched:
            text.append("◆ watched  ", style="bold")
        text.append(strip_control(paper.title), style="bold")
        text.append("\n\n")

        def line(name: str, value: str, style: str = "") -> None:
            text.append(f"{name:<8}", style="dim")
            text.append(strip_control(value), style=style)
            text.append("\n")

        line("why", item.why, "italic")
        if paper.authors:
            more = f" and {len(paper.authors) - 10} more" if len(paper.authors) > 10 else ""
            line("authors", ", ".join(paper.authors[:10]) + more)
        date = paper.published or paper.listing_date
        if date:
            line("date", date[:10])
        if paper.upvotes:
            line("upvotes", str(paper.upvotes))
        code = paper.code_link
        line("code", code.url if code else "—", "underline" if code else "dim")
        link = paper.best_link
        if link is not None and link is not code:
            line("link", link.url, "underline")
        text.append("\n")
        text.append(strip_control(paper.abstract) if paper.has_abstract else "(no abstract)")
        return text

    def _show(self) -> None:
        progress = self.query_one_optional("#triage-progress", Static)
        body = self.query_one_optional("#triage-body", Static)
        if progress is None or body is None:
            return  # the app is closing: nothing to show the card on
        progress.update(Text(self.progress_text(), style="bold"))
        body.update(self.card_text())
        self.query_one("#triage-card", VerticalScroll).scroll_home(animate=False)

    # -- decisions ---------------------------------------------------------------------

    def _decide(self, name: str) -> None:
        item = self.current
        if item is None:
            return
        label, change = DECISIONS[name]
        if self.host.change_papers(label, [item.entry.id], change) is None:
            return  # not saved: the app said why, the card stays
        self.decided[item.entry.id] = name
        self.order.append(item.entry.id)
        if name == "read":
            self.dismiss(None)
            self.host.go_to(item.entry.id)
            return
        self._advance()

    def _advance(self) -> None:
        """The next card not decided yet after this one (else the end)."""
        for position in range(self.position + 1, len(self.ranked)):
            if self.ranked[position].entry.id not in self.decided:
                self.position = position
                break
        else:
            self.position = len(self.ranked)
        self._show()

    def action_keep(self) -> None:
        self._decide("keep")

    def action_star(self) -> None:
        self._decide("star")

    def action_read_now(self) -> None:
        self._decide("read")

    def action_skip(self) -> None:
        self._decide("skip")

    def action_later(self) -> None:
        if self.position < len(self.ranked):
            self.position += 1
            self._show()

    def action_previous(self) -> None:
        if self.position > 0:
            self.position -= 1
            self._show()

    def action_undo(self) -> None:
        if not self.order:
            self.app.notify("Nothing decided here to undo.")
            return
        undone = self.host.undo_last()
        if undone is None:
            return
        paper_id = self.order[-1]
        if paper_id in undone:
            self.order.pop()
            del self.decided[paper_id]
            self.position = next(i for i, item in enumerate(self.ranked) if item.entry.id == paper_id)
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)
