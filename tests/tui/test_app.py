"""The app as a person uses it: search, star, read, note, tags, filter, export, quit and reopen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
from textual.widgets import Input

from reader.core.store import Store
from reader.tui import ReaderApp
from tests.realfiles import Page

from .conftest import ready, type_text, wait_for


def status_text(app: ReaderApp) -> str:
    return str(app.query_one("#status").content)


async def search(pilot, app: ReaderApp, text: str) -> None:
    await pilot.press("slash")
    assert app.query_one("#search", Input).has_focus
    await type_text(pilot, text)
    await wait_for(pilot, lambda: app.query_text == text and f"search: {text}" in status_text(app))
    await wait_for(pilot, lambda: len(app.paper_list.rows) < len(app.entries))


async def test_typo_search_puts_the_paper_first(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await search(pilot, app, page.typo)
        assert app.paper_list.rows[0].paper.title.startswith(page.target)
        assert app.detail.plain.startswith(page.target)
        await pilot.press("escape")
        assert app.paper_list.has_focus
        await pilot.press("escape")  # a second escape clears the search
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count)
        await search(pilot, app, page.long_query)
        assert app.paper_list.rows[0].paper.title.startswith(page.long_query_hit)


async def test_star_read_note_tags_are_on_disk(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await search(pilot, app, page.target_query)
        await pilot.press("escape")
        target = app.paper_list.current
        assert target is not None and target.paper.title.startswith(page.target)
        await pilot.press("s", "r")
        on_disk = Store(seeded_store.path).entry(target.id).state
        assert on_disk.starred and on_disk.read and on_disk.status == "read"
        assert "1 starred" in status_text(app) and f"{page.count - 1} unread" in status_text(app)

        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NoteScreen")
        await type_text(pilot, "first line [red")
        await pilot.press("enter")
        await type_text(pilot, "[bold]x[/] and [Erdos, 1945]")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "Screen")
        note = "first line [red\n[bold]x[/] and [Erdos, 1945]"
        assert Store(seeded_store.path).entry(target.id).state.note == note
        assert note in app.detail.plain

        await pilot.press("t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TagsScreen")
        await type_text(pilot, "3d, to-cite")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Store(seeded_store.path).entry(target.id).state.tags == ("3d", "to-cite"))
        assert "3d, to-cite" in app.detail.plain


async def test_filter_cycle_and_reopen_keeps_everything(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.paper_list.current
        assert first is not None
        await pilot.press("s", "r", "j", "s")
        second = app.paper_list.current
        assert second is not None
        await pilot.press("f")
        unread = page.count - 1
        await wait_for(pilot, lambda: "filter: unread" in status_text(app) and len(app.paper_list.rows) == unread)
        assert first.id not in app.shown_ids()
        await pilot.press("f")
        await wait_for(pilot, lambda: "filter: starred" in status_text(app))
        await wait_for(pilot, lambda: sorted(app.shown_ids()) == sorted([first.id, second.id]))
        await pilot.press("q")
    assert not app.is_running

    reopened = app_factory(Store(seeded_store.path))
    async with reopened.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        states = {e.id: e.state for e in reopened.entries.values()}
        assert states[first.id].read and states[first.id].starred
        assert states[second.id].starred and not states[second.id].read


async def test_export_writes_the_shown_papers(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp], tmp_path: Path
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await search(pilot, app, page.target_query)
        await pilot.press("escape", "s")
        other_window = Store(seeded_store.path)
        other_window.set_state([app.paper_list.rows[0].id], note="compare with 4DGS")
        await wait_for(pilot, lambda: "compare with 4DGS" in app.detail.plain, tries=400)  # the app noticed
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count)
        await pilot.press("f", "f")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == 1)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        await pilot.press("enter")  # the prefilled file in the export folder
        target = tmp_path / "reader-notes.md"
        await wait_for(pilot, lambda: target.exists())
        text = target.read_text()
        assert text.count("\n## ") == 1 and page.target in text and "compare with 4DGS" in text
        await wait_for(pilot, lambda: any(str(target) in n.message for n in app._notifications))


async def test_undo_and_delete(seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.paper_list.current
        assert first is not None
        await pilot.press("s")
        assert Store(seeded_store.path).entry(first.id).state.starred
        assert "1 starred" in status_text(app)
        await pilot.press("u")
        assert not Store(seeded_store.path).entry(first.id).state.starred
        assert "0 starred" in status_text(app)
        await pilot.press("d")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count - 1)
        assert Store(seeded_store.path).count() == page.count - 1
        newest = seeded_store.backups()[0]  # the app's delete keeps a backup, as the command's does
        assert first.id in orjson.loads((newest / seeded_store.path.name).read_bytes())["papers"]
        assert f"{page.count - 1} unread" in status_text(app)
        await pilot.press("u")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count)
        assert Store(seeded_store.path).count() == page.count
        assert f"{page.count} unread" in status_text(app)


async def test_bulk_select_marks_all_selected(seeded_store: Store, app_factory: Callable[[Store], ReaderApp]) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        ids = app.shown_ids()[:3]
        await pilot.press("space", "space", "space")
        assert "3 selected" in status_text(app)
        await pilot.press("r")
        on_disk = Store(seeded_store.path)
        assert all(on_disk.entry(pid).state.read for pid in ids)
        assert not on_disk.entry(app.shown_ids()[3]).state.read


async def test_related_and_stats_screens(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        start = app.paper_list.current
        await pilot.press("R")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RelatedScreen")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "Screen")
        assert app.paper_list.current is not None and app.paper_list.current != start
        await pilot.press("r", "S")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StatsScreen")
        body = str(app.screen.query_one("#stats-body").content)
        assert "read: 1" in body and f"papers: {page.count}" in body
        await pilot.press("escape", "question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        keys = str(app.screen.query_one("#help-keys").content.columns[1]._cells)
        assert "Copy" in keys and "Read+next" in keys
