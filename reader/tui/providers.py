"""Command palette entries: the actions of the key table, each filter, each theme, and papers by title.

Papers come after every command that matches: typing "theme" lists the
themes before a paper with "theme" in its title.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from reader.core.keymap import KEYS
from reader.core.models import Entry
from reader.core.search.index import SearchIndex

PAPER_SCORE = 0.05  # the palette orders by score: a command's fuzzy match scores more than this


class PaletteHost(Protocol):
    """What the palette asks of the app it sits in."""

    @property
    def index(self) -> SearchIndex | None: ...
    @property
    def entries(self) -> dict[str, Entry]: ...
    def run_action(self, action: str) -> Awaitable[bool]: ...
    def set_filter(self, name: str) -> None: ...
    def go_to(self, paper_id: str | None) -> None: ...
    @property
    def available_themes(self) -> dict[str, Any]: ...
    def set_theme(self, name: str) -> None: ...


class ReaderCommands(Provider):
    """The app's actions plus "open paper" by title, searched through the index."""

    @property
    def reader(self) -> PaletteHost:
        return cast(PaletteHost, self.app)

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.reader
        commands: list[tuple[str, Callable[[], object], str]] = [
            (key.palette, partial(app.run_action, key.action), key.description) for key in KEYS if key.palette
        ]
        for name in ("all", "unread", "starred"):
            commands.append((f"Filter: {name}", partial(app.set_filter, name), f"show {name} papers"))
        for theme in sorted(app.available_themes):
            commands.append((f"Theme: {theme}", partial(app.set_theme, theme), "change the colours"))
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
            score = PAPER_SCORE * min(1.0, hit.score / 100)  # below any command that matches
            yield Hit(score, label, partial(self.reader.go_to, hit.id), text=entry.paper.title)
