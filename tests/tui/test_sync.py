"""The app syncs on a key, says when it last synced, and shows what another machine changed within two seconds."""

from __future__ import annotations

import time
from pathlib import Path

from reader.core import sync
from reader.core.store import Store
from reader.tui import ReaderApp, make_app
from tests.sync.conftest import import_into, made_up, make_remote
from tests.tui.conftest import ready, wait_for


def status_text(app: ReaderApp) -> str:
    return str(app.query_one("#status").content)


def two_machines(tmp_path: Path) -> tuple[Store, Store]:
    remote = make_remote(tmp_path / "remote.git")
    stores = []
    for name in ("laptop", "desktop"):
        (tmp_path / name).mkdir()
        stores.append(Store(tmp_path / name / "library.json"))
    import_into(stores[0], made_up(8))
    for store in stores:
        sync.init(store, str(remote))
    return stores[0], stores[1]


async def test_the_sync_key_brings_in_another_machines_note_and_says_when(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    pid = "2602.00003"
    app = make_app(desktop, export_dir=tmp_path)
    async with app.run_test() as pilot:
        await ready(pilot)
        assert "synced " in status_text(app)
        laptop.set_state([pid], note="written on the laptop")
        sync.sync(laptop)
        started = time.monotonic()
        await pilot.press("y")
        await wait_for(pilot, lambda: app.entries[pid].state.note == "written on the laptop")
        assert time.monotonic() - started < 2.0
        await wait_for(pilot, lambda: not app.syncing and any(n.title == "Synced" for n in app._notifications))
        await pilot.press("s")  # a key press after a sync is saved and sent by the next one
        await wait_for(pilot, lambda: "1 starred" in status_text(app))
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.syncing)
        sync.sync(laptop)
        assert sum(entry.state.starred for entry in laptop.entries()) == 1
    laptop.close()
    desktop.close()


async def test_a_sync_run_elsewhere_shows_in_the_app_within_two_seconds(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    pid = "2602.00005"
    app = make_app(desktop, export_dir=tmp_path)
    async with app.run_test() as pilot:
        await ready(pilot)
        laptop.set_state([pid], status="read")
        sync.sync(laptop)
        other = Store(desktop.path)  # 'reader sync' in another terminal on the same machine
        sync.sync(other)
        other.close()
        started = time.monotonic()
        await wait_for(pilot, lambda: app.entries[pid].state.read, tries=150)
        assert time.monotonic() - started < 2.0
    laptop.close()
    desktop.close()


async def test_the_sync_key_on_a_store_not_set_up_says_how(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.json")
    import_into(store, made_up(2))
    app = make_app(store, export_dir=tmp_path)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: any("reader sync init" in n.message for n in app._notifications))
        assert "synced" not in status_text(app)
    store.close()


async def test_a_failed_sync_is_said_and_the_app_goes_on(tmp_path: Path) -> None:
    laptop, desktop = two_machines(tmp_path)
    (tmp_path / "remote.git").rename(tmp_path / "moved.git")
    app = make_app(desktop, export_dir=tmp_path)
    async with app.run_test() as pilot:
        await ready(pilot)
        await pilot.press("y")
        await wait_for(pilot, lambda: any(n.title == "Not synced" for n in app._notifications))
        await wait_for(pilot, lambda: not app.syncing and "syncing" not in status_text(app))
        await pilot.press("s")
        await wait_for(pilot, lambda: "1 starred" in status_text(app))
    laptop.close()
    desktop.close()
