"""Drive the real app with Textual's Pilot on a real store in a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.core import library
from reader.core.store import Store
from reader.tui import ReaderApp, make_app
from tests.realfiles import OUR_PAGE, Page

FIXTURES = Path(__file__).parent / "fixtures"


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 200) -> None:
    """Let the app run until ``condition`` holds (bounded: fail rather than hang)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never reached the expected state")


async def ready(pilot: Pilot[None]) -> ReaderApp:
    app = pilot.app
    assert isinstance(app, ReaderApp)
    await wait_for(pilot, lambda: app.index is not None and bool(app.paper_list.rows))
    return app


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


@pytest.fixture
def seeded_store(store: Store, page: Page) -> Store:
    """A store holding a saved papers page: ours, and the real seed page when present (see ``page``)."""
    library.import_paths(store, [page.path])
    return store


@pytest.fixture
def our_store(store: Store) -> Store:
    """Our own page only, for tests about the app rather than the page."""
    library.import_paths(store, [OUR_PAGE.path])
    return store


@pytest.fixture
def app_factory(tmp_path: Path) -> Callable[[Store], ReaderApp]:
    def build(store: Store) -> ReaderApp:
        return make_app(store, export_dir=tmp_path)

    return build
