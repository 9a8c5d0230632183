"""Command palette entries: every action, each filter and sort, and papers by title."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from reader.tui.app import ReaderApp

_ACTIONS = [
    ("Search", "focus_search", "focus the search box"),
    ("Toggle read", "toggle_read", "mark the paper (or the selection) read or unread"),
    ("Mark reading", "mark_reading", "set the status to reading"),
    ("Toggle star", "toggle_star", "star or unstar"),
    ("Edit note", "edit_note", "write a note for the paper"),
    ("Edit tags", "edit_tags", "set the paper's tags"),
    ("Copy link", "copy_link", "copy the code link (else the first link)"),
    ("Open link", "open_link", "open the link in a browser"),
    ("Export notes", "export", "write the Markdown notes file of what is shown"),
    ("Related papers", "related", "the ten papers most like this one"),
    ("Statistics", "stats", "added and read per week, counts, streak"),
    ("Undo", "undo", "undo the last action"),
    ("Delete paper", "delete", "delete the paper (asks first)"),
    ("Cycle sort", "cycle_sort", "added, listed, title, upvotes, stars, status"),
    ("Help", "help", "every key"),
]


class ReaderCommands(Provider):
    """The app's actions plus "open paper" by title, searched through the index."""

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.reader
        commands: list[tuple[str, Callable[[], object], str]] = [
            (name, partial(app.run_action, action), help_text) for name, action, help_text in _ACTIONS
        ]
        for name in ("all", "unread", "starred"):
            commands.append((f"Filter: {name}", partial(app.set_filter, name), f"show {name} papers"))
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        index = self.reader.index
        if index is None or len(query.strip()) < 3:
            return
        for hit in index.search(query, limit=8):
            entry = self.reader.entries.get(hit.id)
            if entry is None:
                continue
            label = Text("Open paper: ")
            label.append(entry.paper.title)
            score = min(0.99, 0.5 + hit.score / 100)
            yield Hit(score, label, partial(self.reader.go_to, hit.id), text=entry.paper.title)
