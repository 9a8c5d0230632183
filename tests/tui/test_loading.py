"""A big store loading: keys and changes made meanwhile are kept, counts are right, nothing blocks the UI thread."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App, ComposeResult

from reader.core import heap, library
from reader.core.corpus import generate
from reader.core.importers import ParsedFile
from reader.core.models import Entry, Paper
from reader.core.store import Store
from reader.tui import ReaderApp, make_app
from reader.tui.app import DETAIL_PAUSE, LOAD_BATCH
from reader.tui.loading import Pacer
from reader.tui.widgets.paper_list import PaperList

from .conftest import wait_for

PAPERS = 1200  # three batches of the loading worker


def status_text(app: ReaderApp) -> str:
    return str(app.query_one("#status").content)


class GatedStore(Store):
    """The real store, whose reading for the app stops after the first batch until the test opens the gate."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.gate = threading.Event()
        self.held = threading.Event()  # the worker is waiting at the gate

    def iter_entries(self, batch: int = 2000) -> Iterator[list[Entry]]:
        for number, chunk in enumerate(super().iter_entries(batch)):
            if number == 1:
                self.held.set()
                self.gate.wait(10)  # bounded: a failing test must not hang
            yield chunk


@pytest.fixture
def big_store_path(tmp_path: Path) -> Path:
    """A store of PAPERS made-up papers; 7 of the later ones read and 3 starred before the app opens."""
    path = tmp_path / "library.json"
    store = Store(path)
    generated = ParsedFile(tmp_path / "g.txt", "hf-page", list(generate(PAPERS, seed=4)))
    library.import_parsed(store, [generated], backup=False)
    ids = [entry.id for entry in store.entries()]
    store.set_state(ids[600:607], status="read")
    store.set_state(ids[700:703], starred=True)
    store.close()
    return path


async def test_keys_and_changes_while_a_big_store_loads_are_kept(big_store_path: Path, tmp_path: Path) -> None:
    store = GatedStore(big_store_path)
    ids = [entry.id for entry in store.entries()]
    app = make_app(store, export_dir=tmp_path)
    assert gc.get_freeze_count() > 0  # the open store's records, out of every collection
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: len(app.paper_list.rows) == LOAD_BATCH and store.held.is_set())
            assert app.is_loading and "loading…" in status_text(app)
            await pilot.press("r", "j", "s", "j", "j")  # keys while the rest of the store is held back
            assert app.paper_list.cursor == 3
            doomed = app.paper_list.current
            assert doomed is not None and doomed.id == ids[3]
            await pilot.press("d")
            await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen")
            await pilot.press("y")
            await wait_for(pilot, lambda: len(app.paper_list.rows) == LOAD_BATCH - 1)

            store.gate.set()
            await wait_for(pilot, lambda: not app.is_loading and app.index is not None)
            await wait_for(pilot, lambda: len(app.paper_list.rows) == PAPERS - 1)
            entries = app.entries
            assert entries[ids[0]].state.read and entries[ids[1]].state.starred  # not undone by the load
            assert doomed.id not in entries and len(entries) == PAPERS - 1
            assert app.paper_list.current is not None and app.paper_list.current.id == ids[4]
            # 7 read before, 1 read now; 3 starred before, 1 starred now; 1 deleted
            unread, starred = PAPERS - 1 - 8, 4
            assert f"{PAPERS - 1} shown / {PAPERS - 1} · {unread} unread · {starred} starred" in status_text(app)
            assert doomed.id not in [hit.id for hit in app.index.search(doomed.paper.title, 5)]

            await pilot.press("u")  # the delete comes back, at the end as in the store
            await wait_for(pilot, lambda: len(app.paper_list.rows) == PAPERS)
            assert app.shown_ids()[-1] == doomed.id
            assert f"{PAPERS} shown / {PAPERS} · {unread + 1} unread · {starred} starred" in status_text(app)
            assert app.index.search(doomed.paper.title, 1)[0].id == doomed.id
    finally:
        store.gate.set()
    assert gc.get_freeze_count() == 0  # what the app and its load froze went back to the collector

    on_disk = Store(big_store_path)
    states = {entry.id: entry.state for entry in on_disk.entries()}
    assert len(states) == PAPERS and states[ids[0]].read and states[ids[1]].starred
    assert sum(not s.read for s in states.values()) == unread + 1
    assert sum(s.starred for s in states.values()) == starred
    on_disk.close()


async def test_status_counts_are_right_once_loaded(big_store_path: Path, tmp_path: Path) -> None:
    app = make_app(Store(big_store_path), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: not app.is_loading and app.index is not None)
        await wait_for(pilot, lambda: len(app.paper_list.rows) == PAPERS)
        assert f"{PAPERS} shown / {PAPERS} · {PAPERS - 7} unread · 3 starred · filter: all" in status_text(app)
        await pilot.press("f", "f")
        await wait_for(pilot, lambda: "filter: starred" in status_text(app) and len(app.paper_list.rows) == 3)


async def test_detail_follows_a_held_key_once_the_cursor_rests(big_store_path: Path, tmp_path: Path) -> None:
    app = make_app(Store(big_store_path), export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: not app.is_loading and len(app.paper_list.rows) == PAPERS)
        rows = app.paper_list.rows
        await pilot.pause(DETAIL_PAUSE * 2)
        await pilot.press("j")  # after a rest: at once
        assert app.detail.plain.startswith(rows[1].paper.title[:30])
        await pilot.press(*"jjjjjj")
        assert app.paper_list.cursor == 7
        await wait_for(pilot, lambda: app.detail.plain.startswith(rows[7].paper.title[:30]))


# -- the pieces ----------------------------------------------------------------------


def test_pacer_waits_for_a_busy_loop_and_not_for_a_closed_one() -> None:
    loop = asyncio.new_event_loop()
    runner = threading.Thread(target=loop.run_forever, daemon=True)
    runner.start()
    order: list[str] = []
    try:
        loop.call_soon_threadsafe(lambda: (time.sleep(0.05), order.append("ui work")))
        pacer = Pacer(loop)
        pacer()
        order.append("worker goes on")
        assert order == ["ui work", "worker goes on"]  # the UI thread went first
        assert pacer.waited > 0
    finally:
        loop.call_soon_threadsafe(loop.stop)
        runner.join(5)
        loop.close()
    Pacer(loop)()  # a closed loop (the app is gone): no error, no wait


def test_a_paused_gc_freezes_what_was_loaded_unless_the_load_no_longer_counts() -> None:
    heap.thaw()
    try:
        with heap.gc_paused(freeze=lambda: True):
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= len(kept)
        heap.thaw()
        assert gc.get_freeze_count() == 0
        with heap.gc_paused(freeze=lambda: False):
            dropped = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() == 0 and len(dropped) == 1000
    finally:
        heap.thaw()


class _ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PaperList(id="papers")


async def test_more_rows_after_the_same_ones_keep_the_cursor_and_the_rows_on_screen() -> None:
    rows = [Entry(Paper(id=f"p{i}", title=f"Made-up paper number {i}")) for i in range(3000)]
    app = _ListApp()
    async with app.run_test(size=(80, 20)) as pilot:
        papers = app.query_one(PaperList)
        papers.show(rows[:500])
        papers.cursor = 5
        await pilot.pause()
        highlighted: list[int] = []
        app.watch(papers, "cursor", lambda new: highlighted.append(new), init=False)
        drawn = dict(papers._cache)
        assert drawn  # the rows on screen were drawn
        papers.show(rows, keep_id="p5")
        await pilot.pause()
        assert papers.cursor == 5 and highlighted == []  # no move, no new highlight
        assert papers.virtual_size.height == 3000
        assert all(papers._cache.get(key) is strip for key, strip in drawn.items())  # not drawn again
        papers.show([*rows[:5], *rows[6:]], keep_id="p5")  # the row under the cursor is gone: a new list
        assert papers.cursor == 0 and papers.current is not None and papers.current.id == "p0"
