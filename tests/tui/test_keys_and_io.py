"""Keys, the note editor, the browser, other windows, the terminal: the app's edges."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import Input, TextArea

from reader.core import config, library
from reader.core.errors import ReaderError
from reader.core.models import Entry, Paper
from reader.core.store import Store
from reader.tui import ReaderApp, demo_store, make_app, run_app, run_demo
from reader.tui.screens.note import NoteScreen
from reader.tui.widgets.paper_list import PaperList
from tests.realfiles import Page

from .conftest import FIXTURES, ready, type_text, wait_for


def status_text(app: ReaderApp) -> str:
    return str(app.query_one("#status").content)


def notices(app: ReaderApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def go_to_target(pilot, app: ReaderApp, page: Page) -> Entry:  # type: ignore[no-untyped-def]
    """Search for the page's target paper and leave the cursor on it."""
    await pilot.press("slash")
    await type_text(pilot, page.target_query)

    def found() -> bool:
        rows = app.paper_list.rows
        return app.query_text == page.target_query and bool(rows) and rows[0].paper.title.startswith(page.target)

    await wait_for(pilot, found)
    await pilot.press("escape")
    current = app.paper_list.current
    assert current is not None and current.paper.title.startswith(page.target)
    return current


# -- moving around -----------------------------------------------------------------


async def test_cursor_keys_move_and_the_detail_pane_follows(
    seeded_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        rows = app.paper_list.rows
        pl = app.paper_list
        await pilot.press("j", "j", "down")
        assert pl.cursor == 3
        await pilot.press("k", "up")
        assert pl.cursor == 1
        await pilot.press("end")
        assert pl.cursor == len(rows) - 1
        assert pl.scroll_offset.y > 0  # the last row was scrolled into view
        await wait_for(pilot, lambda: app.detail.plain.startswith(rows[-1].paper.title[:30]))
        await pilot.press("home")
        assert pl.cursor == 0 and pl.scroll_offset.y == 0
        page = pl.scrollable_content_region.height - 1
        await pilot.press("pagedown")
        assert pl.cursor == page
        await pilot.press("pagedown", "pageup")
        assert pl.cursor == page
        await wait_for(pilot, lambda: app.detail.plain.startswith(rows[page].paper.title[:30]))


class _CountingList(PaperList):
    """A paper list that counts the rows it builds."""

    built = 0

    def _render_row(self, entry: Entry, width: int, is_cursor: bool) -> Strip:
        type(self).built += 1
        return super()._render_row(entry, width, is_cursor)


class _ListApp(App[None]):
    def __init__(self, rows: list[Entry]) -> None:
        super().__init__()
        self._rows = rows

    def compose(self) -> ComposeResult:
        yield _CountingList(id="papers")

    def on_mount(self) -> None:
        self.query_one(_CountingList).show(self._rows)
        self.query_one(_CountingList).focus()


async def test_the_list_builds_only_the_rows_on_screen() -> None:
    rows = [Entry(Paper(id=f"p{i}", title=f"Made-up paper number {i}")) for i in range(50_000)]
    _CountingList.built = 0
    app = _ListApp(rows)
    async with app.run_test(size=(80, 20)) as pilot:
        papers = app.query_one(_CountingList)
        await wait_for(pilot, lambda: _CountingList.built > 0)
        height = papers.scrollable_content_region.height
        assert 0 < _CountingList.built <= 2 * height  # first paint: the visible rows, not 50,000
        before = _CountingList.built
        await pilot.press("end")
        assert papers.cursor == 49_999
        await pilot.pause()
        assert "Made-up paper number 49999" in papers.render_line(height - 1).text
        assert _CountingList.built - before <= 3 * height
        before = _CountingList.built
        await pilot.press("k", "k", "k")
        await pilot.pause()
        assert _CountingList.built - before <= 12  # a cursor move redraws two rows per step
        assert papers.cursor == 49_996
        assert "Made-up paper number 49996" in papers.render_line(height - 4).text


# -- the note editor and the index ---------------------------------------------------


async def test_note_editor_marks_unsaved_and_ctrl_s_saves_and_search_finds_the_note(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        target = await go_to_target(pilot, app, page)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        editor = app.screen
        assert isinstance(editor, NoteScreen)
        assert "saved" in str(editor.query_one("#note-state").content)
        await type_text(pilot, "zebrafish")
        assert editor.unsaved
        assert str(editor.query_one("#note-state").content).startswith("unsaved")
        await pilot.press("ctrl+s")
        assert not editor.unsaved and str(editor.query_one("#note-state").content).startswith("saved")
        assert Store(seeded_store.path).entry(target.id).state.note == "zebrafish"
        assert app.screen is editor  # ctrl+s saves and stays
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        assert "zebrafish" in app.detail.plain

        await pilot.press("escape")  # clear the search: all papers
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count)
        await pilot.press("slash")
        await type_text(pilot, "zebrafsh")  # a word only in the note, with a typo
        await wait_for(pilot, lambda: app.query_text == "zebrafsh" and len(app.paper_list.rows) < page.count)
        assert app.paper_list.rows[0].id == target.id


async def test_a_refused_note_save_shows_the_error_and_does_not_trap_the_editor(
    seeded_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders; the remounted store test covers root")
    app = app_factory(seeded_store)
    folder = seeded_store.path.parent
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteScreen))
        await type_text(pilot, "lost")
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        try:
            await pilot.press("escape")
            assert isinstance(app.screen, NoteScreen)
            assert any(n.startswith("Note not saved") for n in notices(app))
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, NoteScreen))
        finally:
            folder.chmod(stat.S_IRWXU)
        assert app.is_running
        assert Store(seeded_store.path).entry(app.paper_list.rows[0].id).state.note == ""


# -- search and filter together ------------------------------------------------------


async def test_search_and_filter_combine(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    word = page.shared_word
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        target = await go_to_target(pilot, app, page)
        await pilot.press("s", "escape")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == page.count)
        await pilot.press("slash")
        await type_text(pilot, word)
        await wait_for(pilot, lambda: app.query_text == word and 1 < len(app.paper_list.rows) < page.count)
        searched = len(app.paper_list.rows)
        assert target.id in app.shown_ids()
        await pilot.press("escape", "f", "f")
        await wait_for(pilot, lambda: "filter: starred" in status_text(app) and app.shown_ids() == [target.id])
        assert f"search: {word}" in status_text(app)
        await pilot.press("f")
        await wait_for(pilot, lambda: "filter: all" in status_text(app) and len(app.paper_list.rows) == searched)


# -- another window writes the store ---------------------------------------------------


async def test_changes_from_another_process_reload_and_keep_the_cursor(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "j", "j", "j")
        here = app.paper_list.current
        assert here is not None
        other = Store(seeded_store.path)
        library.import_paths(other, [FIXTURES / "hostile_page.txt"])
        other.set_state([here.id], starred=True, tags=("from-elsewhere",))
        other.close()
        grown = page.count + 2  # the two papers of the hostile page
        await wait_for(pilot, lambda: len(app.entries) == grown, tries=400)
        await wait_for(pilot, lambda: len(app.paper_list.rows) == grown and "from-elsewhere" in app.detail.plain)
        current = app.paper_list.current
        assert current is not None and current.id == here.id and current.state.starred
        assert "1 starred" in status_text(app)
        await pilot.press("slash")
        await type_text(pilot, "sparse")
        await wait_for(pilot, lambda: app.query_text == "sparse" and len(app.paper_list.rows) < grown)
        assert app.paper_list.rows[0].paper.title == "A Quiet Paper About Sparse Retrieval"  # the index was rebuilt


# -- the browser ---------------------------------------------------------------------


@pytest.fixture
def fresh_webbrowser(monkeypatch: pytest.MonkeyPatch) -> None:
    """webbrowser reads $BROWSER once per process; make it read it again."""
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


async def test_open_hands_the_link_to_the_browser(
    seeded_store: Store,
    page: Page,
    app_factory: Callable[[Store], ReaderApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_webbrowser: None,
) -> None:
    received = tmp_path / "opened.txt"
    browser = tmp_path / "fake-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > "{received}"\n')
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await go_to_target(pilot, app, page)
        await pilot.press("o")
        await wait_for(pilot, lambda: any(f"Opening {page.target_code}" in n for n in notices(app)), tries=400)
    assert received.read_text() == page.target_code


async def test_open_without_a_working_browser_shows_the_link(
    seeded_store: Store,
    page: Page,
    app_factory: Callable[[Store], ReaderApp],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_webbrowser: None,
) -> None:
    monkeypatch.setenv("BROWSER", str(tmp_path / "no-such-browser"))
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await go_to_target(pilot, app, page)
        await pilot.press("o")
        await wait_for(pilot, lambda: any(page.target_code in n for n in notices(app)), tries=400)
        assert any(f"The link: {page.target_code}" in n for n in notices(app))
        assert app.is_running


# -- the terminal ----------------------------------------------------------------------


def test_dumb_terminal_is_refused_with_one_line(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    with pytest.raises(ReaderError, match=r"TERM=dumb"):
        run_app(Store(store_path))
    with pytest.raises(ReaderError, match=r"TERM=dumb"):
        run_demo()
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(store_path)],
        env={**os.environ, "TERM": "dumb"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1 and "TERM=dumb" in done.stderr


async def test_no_color_is_honoured(seeded_store: Store, page: Page, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ReaderApp(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.no_color  # Textual turns every colour to grey
        cursor_row = app.paper_list.render_line(0)
        assert cursor_row.text.startswith(f" ·    {page.first}")
        assert all(seg.style is not None and seg.style.reverse for seg in cursor_row if seg.text.strip())


def test_demo_store_holds_the_sample_and_is_removed_afterwards() -> None:
    with demo_store() as store:
        folder = store.path.parent
        entries = store.entries()
        assert len(entries) == 24
        assert folder.is_dir() and store.path.is_file()
    assert not folder.exists()


async def test_tags_with_brackets_show_verbatim(seeded_store: Store, app_factory: Callable[[Store], ReaderApp]) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.paper_list.current
        assert first is not None
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen.focused, Input) and app.screen.focused.id == "tags-input")
        await type_text(pilot, "[red, [b]")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Store(seeded_store.path).entry(first.id).state.tags == ("[red", "[b]"))
        await wait_for(pilot, lambda: "[red, [b]" in app.detail.plain)
        assert not isinstance(app.screen.focused, TextArea)


def test_sigterm_ends_the_demo_and_removes_its_folder(tmp_path: Path) -> None:
    """In a real pseudo-terminal: the demo's store exists while it runs and is gone after a kill."""
    import contextlib
    import pty
    import threading
    import time

    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "TMPDIR": str(tmp_path), "COLUMNS": "100", "LINES": "30"}
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "demo"], stdin=child, stdout=child, stderr=child, env=env, cwd=tmp_path
    )
    os.close(child)

    def drain() -> None:  # a terminal reads what the app writes; a full buffer would block it
        with contextlib.suppress(OSError):
            while os.read(main, 65536):
                pass

    threading.Thread(target=drain, daemon=True).start()
    try:
        deadline = time.monotonic() + 20
        while not list(tmp_path.glob("reader-demo-*/library.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(tmp_path.glob("reader-demo-*/library.json")), "the demo never created its store"
        time.sleep(0.5)  # let the app take the screen
        process.terminate()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    assert list(tmp_path.glob("reader-demo-*")) == []


# -- the settings file -------------------------------------------------------------------


async def test_settings_remap_keys_pick_the_theme_and_shape_the_export(seeded_store: Store, tmp_path: Path) -> None:
    from reader.core import config
    from reader.tui import make_app

    notes = tmp_path / "notes"
    notes.mkdir()
    template = tmp_path / "paper.md"
    template.write_text("### $title\n\n$note\n")
    settings = config.Settings(
        theme="nord",
        keymap={"star": "x", "no-such-action": "z"},
        export=config.ExportSettings(dir=str(notes), template=str(template)),
    )
    app = make_app(seeded_store, settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert app.theme == "nord"
        assert any("no-such-action" in n for n in notices(app))
        first = app.paper_list.current
        assert first is not None
        await pilot.press("s")
        assert not Store(seeded_store.path).entry(first.id).state.starred  # "s" no longer stars
        await pilot.press("x")
        assert Store(seeded_store.path).entry(first.id).state.starred
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        table = app.screen.query_one("#help-keys").content
        assert str(table.columns[3].header) == "id for [keymap]"  # not eaten as markup
        rows = list(zip(*(column._cells for column in table.columns), strict=True))
        assert ("x", "Star", "star") in [(str(row[0]), str(row[1]), str(row[3])) for row in rows]
        await pilot.press("escape", "f", "f")
        await wait_for(pilot, lambda: app.shown_ids() == [first.id])
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        await pilot.press("enter")
        target = notes / "reader-notes.md"
        await wait_for(pilot, lambda: target.exists())
    assert f"### {first.paper.title}" in target.read_text()


async def test_an_unknown_theme_is_reported_not_fatal(seeded_store: Store) -> None:
    from reader.core import config
    from reader.tui import make_app

    app = make_app(seeded_store, settings=config.Settings(theme="no-such-theme"))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert any("unknown theme 'no-such-theme'" in n for n in notices(app))
        assert app.is_running


def test_a_broken_settings_file_is_one_error_line(store_path: Path, tmp_path: Path) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("theme = [unclosed\n")
    done = subprocess.run(
        [sys.executable, "-m", "reader", "--db", str(store_path)],
        env={**os.environ, "TERM": "xterm-256color", "READER_CONFIG": str(broken)},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {broken}") and done.stderr.count("\n") == 1


async def test_a_failed_export_is_reported_and_the_app_goes_on(seeded_store: Store, tmp_path: Path) -> None:
    from reader.tui import make_app

    settings = config.Settings(export=config.ExportSettings(template=str(tmp_path / "no-such-template.md")))
    app = make_app(seeded_store, export_dir=tmp_path / "missing-folder", settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        await pilot.press("enter")  # the dialog says the folder is missing, and stays
        problem = app.screen.query_one("#export-problem")
        await wait_for(pilot, lambda: "does not exist" in str(problem.content))
        path = app.screen.query_one("#export-path", Input)
        path.value = str(tmp_path / "notes.md")
        await pilot.press("enter")  # now the worker fails: the template file is missing
        await wait_for(pilot, lambda: any(n.startswith("Export failed") for n in notices(app)))
        assert "no such template file" in next(n for n in notices(app) if n.startswith("Export failed"))
        assert "exporting" not in status_text(app)
        assert not (tmp_path / "missing-folder").exists() and not (tmp_path / "notes.md").exists()
        await pilot.press("s")
        assert app.is_running and "1 starred" in status_text(app)


async def test_a_theme_picked_in_the_app_is_remembered(
    seeded_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file = tmp_path / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(settings_file))
    app = make_app(seeded_store, settings=config.load(), remember_theme=True, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: bool(app.paper_list.rows))
        app.theme = "nord"
        await wait_for(pilot, lambda: settings_file.exists())
    assert config.load().theme == "nord"
    again = make_app(seeded_store, settings=config.load())
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
