"""The app under trouble: hostile text, no clipboard, a real X clipboard, odd sizes, a read-only store."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pyperclip
import pytest

from reader.core import library
from reader.core.store import Store
from reader.tui import ReaderApp
from tests.realfiles import Page

from .conftest import FIXTURES, ready, type_text, wait_for

HOSTILE_TITLE = "[bold]x[/] [@click=app.quit]y[/] a [/] b [red"


def reset_pyperclip() -> None:
    """pyperclip picks its backend on first use; start each test from scratch."""
    pyperclip.copy, pyperclip.paste = pyperclip.lazy_load_stub_copy, pyperclip.lazy_load_stub_paste


@pytest.fixture
def hostile_store(store: Store) -> Store:
    library.import_paths(store, [FIXTURES / "hostile_page.txt"])
    return store


async def test_markup_in_titles_and_abstracts_shows_verbatim(
    hostile_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(hostile_store)
    async with app.run_test(size=(140, 30)) as pilot:
        await ready(pilot)
        assert app.paper_list.rows[0].paper.title == HOSTILE_TITLE
        assert HOSTILE_TITLE in app.paper_list.render_line(0).text
        assert app.detail.plain.startswith(HOSTILE_TITLE)
        assert "[Erdos, 1945], [b] and [/]" in app.detail.plain
        await pilot.click("#papers", offset=(12, 1))
        await pilot.pause()
        assert app.is_running
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NoteScreen")
        await type_text(pilot, "[/] oops [link=x]")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "[/] oops [link=x]" in app.detail.plain)
        app.save_screenshot("shot.svg", path=str(hostile_store.path.parent))
        shot = (hostile_store.path.parent / "shot.svg").read_text()
        assert "[@click=app.quit]y[/]" in shot.replace("&#160;", " ")


async def test_a_bracketed_citation_from_the_page_shows_verbatim(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, page.citation_word)
        await wait_for(pilot, lambda: len(app.paper_list.rows) == 1)
        await pilot.press("escape")
        await wait_for(pilot, lambda: page.citation in app.detail.plain)


async def copy_target_link(pilot, app: ReaderApp, page: Page, query: str) -> str:
    """Search, press c on the first hit (the page's target), and return the title of the notice naming its link."""
    await ready(pilot)
    await pilot.press("slash")
    await type_text(pilot, query)
    await wait_for(pilot, lambda: app.paper_list.rows[0].paper.title.startswith(page.target))
    await pilot.press("escape", "c")
    await wait_for(pilot, lambda: any(page.target_code in n.message for n in app._notifications), tries=400)
    return next(n.title for n in app._notifications if page.target_code in n.message)


async def test_copy_without_a_clipboard_falls_back_to_osc52(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    reset_pyperclip()
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        title = await copy_target_link(pilot, app, page, page.target_query)
        assert title == "Copied to the terminal clipboard"
        assert app.clipboard == page.target_code  # what OSC 52 sent
        assert app.is_running


@contextlib.contextmanager
def xvfb() -> Iterator[str]:
    """A real X server on a display number it picks itself; yields once it accepts clients."""
    if not (shutil.which("Xvfb") and shutil.which("xclip")):
        pytest.skip("Xvfb and xclip are not installed (apt-get install xvfb xclip)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as announced:
            number = announced.readline().strip()  # written when the server is ready
        if not number:
            pytest.skip("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_copy_into_a_real_x_clipboard(
    seeded_store: Store, page: Page, app_factory: Callable[[Store], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    with xvfb() as display:
        monkeypatch.setenv("DISPLAY", display)
        reset_pyperclip()
        app = app_factory(seeded_store)
        async with app.run_test(size=(120, 40)) as pilot:
            title = await copy_target_link(pilot, app, page, page.typo)
            assert title == "Copied to the system clipboard"
        pasted = subprocess.run(["xclip", "-o", "-selection", "clipboard"], capture_output=True, text=True,
                                env={**os.environ, "DISPLAY": display}, timeout=10)
        assert pasted.stdout == page.target_code
    reset_pyperclip()


@pytest.mark.parametrize("size", [(40, 12), (300, 80), (60, 20)])
async def test_small_and_large_terminals(
    seeded_store: Store, app_factory: Callable[[Store], ReaderApp], size: tuple[int, int]
) -> None:
    app = app_factory(seeded_store)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("j", "j", "s")
        await pilot.press("slash")
        await type_text(pilot, "lean")
        await pilot.resize_terminal(size[0] // 2 + 20, size[1] // 2 + 6)  # resizing while typing
        await type_text(pilot, " prover")
        await wait_for(pilot, lambda: app.query_text == "lean prover")
        await pilot.press("escape", "question_mark", "escape")
        assert app.is_running
        assert app.paper_list.rows


async def test_a_read_only_store_reports_and_keeps_running(
    tmp_path: Path, page: Page, app_factory: Callable[[Store], ReaderApp]
) -> None:
    if os.geteuid() != 0:
        pytest.skip("remounting a file system read-only needs root")
    folder = tmp_path / "mnt"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        store = Store(folder / "library.json")
        library.import_paths(store, [page.path])
        store.close()
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        before = (folder / "library.json").read_bytes()
        app = app_factory(Store(folder / "library.json"))
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("s")
            await wait_for(pilot, lambda: any(n.title == "Not saved" for n in app._notifications))
            assert app.paper_list.current is not None and not app.paper_list.current.state.starred
            assert "0 starred" in str(app.query_one("#status").content)
            assert app.is_running
        assert (folder / "library.json").read_bytes() == before
    finally:
        subprocess.run(["umount", "-l", str(folder)])


async def test_a_store_damaged_while_the_app_runs_is_reported_and_the_app_goes_on(
    seeded_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    """The reload a change on disk starts fails in its worker: the one failure handler says so."""
    app = app_factory(seeded_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        shown = len(app.paper_list.rows)
        seeded_store.layout.state.write_text("{not json")  # another program writes garbage
        await wait_for(pilot, lambda: any(n.title == "Could not read the store" for n in app._notifications), tries=400)
        notice = next(n for n in app._notifications if n.title == "Could not read the store")
        assert "damaged store" in notice.message and "reader doctor" in notice.message
        assert app.is_running and len(app.paper_list.rows) == shown
        assert "loading" not in str(app.query_one("#status").render())
