"""Nothing typed in the app is lost: a note at quit or hang-up, an export over a file, an undo next to
another window, the other window's changes after our own write, a late row worker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import library
from reader.core.session import Rows
from reader.core.store import Store
from reader.tui import ReaderApp
from tests.realfiles import OUR_PAGE

from .conftest import FIXTURES, ready, type_text, wait_for


def notices(app: ReaderApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


# -- 1. a note typed just before quitting or a hang-up ----------------------------------


async def test_ctrl_q_in_the_note_editor_saves_the_note(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        first = app.paper_list.current
        assert first is not None
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NoteScreen")
        await type_text(pilot, "typed in the last second")
        await pilot.press("ctrl+q")  # before the editor saves on its own
    assert not app.is_running
    assert Store(our_store.path).entry(first.id).state.note == "typed in the last second"


def test_a_hang_up_saves_the_note_being_typed(our_store: Store, tmp_path: Path) -> None:
    """In a real pseudo-terminal: the terminal closes (SIGHUP) while the editor says "unsaved"."""
    import pty

    first = our_store.entries()[0].id
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30",
           "READER_CONFIG": str(tmp_path / "config.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "reader", "--db", str(our_store.path)], stdin=child, stdout=child, stderr=child,
        env=env, cwd=tmp_path, start_new_session=True,
    )
    os.close(child)
    screen = bytearray()

    def drain() -> None:
        with contextlib.suppress(OSError):
            while chunk := os.read(main, 65536):
                screen.extend(chunk)

    threading.Thread(target=drain, daemon=True).start()

    def wait_screen(text: bytes, after: int = 0) -> int:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = screen.find(text, after)
            if found >= 0:
                return found
            time.sleep(0.02)
        raise AssertionError(f"never saw {text!r}")

    try:
        wait_screen(b"shown / 60")
        os.write(main, b"n")
        seen = wait_screen(b"escape: save and close")
        os.write(main, b"lost in a hang-up?")
        wait_screen(b"unsaved", seen)
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(main)
    assert Store(our_store.path).entry(first).state.note == "lost in a hang-up?"


# -- 2. export never replaces a file unasked, never with nothing --------------------------


async def test_export_asks_before_replacing_and_refuses_an_empty_export(
    our_store: Store, app_factory: Callable[[Store], ReaderApp], tmp_path: Path
) -> None:
    target = tmp_path / "reader-notes.md"
    target.write_text("my own notes, not an export\n")
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("n")
        await wait_for(pilot, lambda: any("left as it is" in n for n in notices(app)))
        assert target.read_text() == "my own notes, not an export\n"

        await pilot.press("f", "f")  # starred: none
        status = app.query_one("#status")
        await wait_for(pilot, lambda: not app.paper_list.rows and "filter: starred" in str(status.content))
        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        problem = app.screen.query_one("#export-problem")
        await wait_for(pilot, lambda: "Nothing to export" in str(problem.content))
        await pilot.press("enter")
        assert type(app.screen).__name__ == "ExportScreen"  # nothing written, nothing asked
        await pilot.press("escape", "f")
        await wait_for(pilot, lambda: len(app.paper_list.rows) == OUR_PAGE.count)

        await pilot.press("e")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ExportScreen")
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: target.read_text().count("\n## ") == OUR_PAGE.count)


# -- 3. undo reverts only its own fields, under the lock ------------------------------------


async def test_undo_leaves_what_another_window_changed(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        paper = app.paper_list.current
        assert paper is not None
        await pilot.press("s")
        other = Store(our_store.path)
        other.set_state([paper.id], note="from the other terminal", tags=("elsewhere",))
        await pilot.press("u")
        state = Store(our_store.path).entry(paper.id).state
        assert not state.starred  # the star undone ...
        assert state.note == "from the other terminal" and state.tags == ("elsewhere",)  # ... nothing else

        await pilot.press("t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TagsScreen")
        await type_text(pilot, " mine")
        await pilot.press("enter")
        await wait_for(pilot, lambda: Store(our_store.path).entry(paper.id).state.tags == ("elsewhere", "mine"))
        other.set_state([paper.id], tags=("theirs",))  # the same field, changed since
        await pilot.press("u")
        assert Store(our_store.path).entry(paper.id).state.tags == ("theirs",)
        assert any("except tags of 1 paper, changed elsewhere since" in n for n in notices(app))


# -- 4. our own write never hides another window's ---------------------------------------------


async def test_a_change_from_another_window_shows_after_our_own_write(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        mine, theirs = app.paper_list.rows[0], app.paper_list.rows[5]
        Store(our_store.path).set_state([theirs.id], starred=True)  # `reader mark` in another terminal
        app.action_toggle_star()  # our own write, before the app looked at the disk again
        await wait_for(pilot, lambda: app.entries[theirs.id].state.starred, tries=400)
        assert app.entries[mine.id].state.starred and app.session.library.starred == 2

        other = Store(our_store.path)
        library.import_paths(other, [FIXTURES / "hostile_page.txt"])  # papers imported meanwhile
        await pilot.press("j", "d")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await wait_for(pilot, lambda: len(app.entries) == OUR_PAGE.count + 2 - 1, tries=400)


async def test_a_late_row_worker_never_leaves_a_stale_row(
    our_store: Store, app_factory: Callable[[Store], ReaderApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        gate, held = threading.Event(), threading.Event()
        real_rows = app.session.rows

        def late_rows(*args: object, **kwargs: object) -> Rows:
            found = real_rows(*args, **kwargs)  # type: ignore[arg-type]
            held.set()
            gate.wait(10)  # the rows are computed; they arrive late
            return found

        monkeypatch.setattr(app.session, "rows", late_rows)
        await pilot.press("f")  # a filter change asks for rows (unread: every paper)
        await wait_for(pilot, lambda: held.is_set())
        first = app.paper_list.current
        assert first is not None
        await pilot.press("s")  # starred while those rows are on their way
        gate.set()
        await wait_for(pilot, lambda: "filter: unread" in str(app.query_one("#status").content))
        await pilot.pause()
        row = app.paper_list.rows[0]
        assert row.id == first.id and row.state.starred
        assert "★" in app.paper_list.render_line(0).text
