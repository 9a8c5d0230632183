"""The command palette: actions, filters and "open paper" by title."""

from __future__ import annotations

from collections.abc import Callable

from textual.command import CommandList

from reader.core.store import Store
from reader.tui import ReaderApp
from tests.realfiles import Page

from .conftest import ready, type_text, wait_for


async def run_from_palette(pilot, app: ReaderApp, typed: str, expected: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
    await type_text(pilot, typed)
    await wait_for(pilot, lambda: expected in _first_option(app))
    await pilot.press("enter")
    await wait_for(pilot, lambda: type(app.screen).__name__ != "CommandPalette")


def _first_option(app: ReaderApp) -> str:
    options = app.screen.query(CommandList)
    if not options or options.first().option_count == 0:
        return ""
    return str(options.first().get_option_at_index(0).prompt)


async def test_open_paper_by_title_and_filter(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await run_from_palette(pilot, app, page.target_query, f"Open paper: {page.target}")
        assert app.paper_list.current is not None
        assert app.paper_list.current.paper.title.startswith(page.target)
        await pilot.press("s")
        await run_from_palette(pilot, app, "filter starred", "Filter: starred")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == 1)
        assert app.paper_list.rows[0].paper.title.startswith(page.target)


async def test_actions_run_from_the_palette(seeded_store: Store, app_factory: Callable[[Store], ReaderApp]) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.paper_list.current
        assert first is not None
        await run_from_palette(pilot, app, "toggle star", "Toggle star")
        assert Store(seeded_store.path).entry(first.id).state.starred
        await run_from_palette(pilot, app, "statistics", "Statistics")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StatsScreen")
