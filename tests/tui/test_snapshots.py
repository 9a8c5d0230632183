"""What the screens look like, at 40x12, 80x24 and 120x40 and after resizes, kept as SVG files.

The store, its dates, "today", the settings and the export folder are fixed, and
cursors do not blink, so a screen draws the same on every run. Run
``pytest tests/tui/test_snapshots.py --snapshot-update`` after a deliberate change, and look at the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from reader.core import config, library, stats
from reader.core.store import Store, store
from reader.tui import ReaderApp, make_app
from tests.realfiles import OUR_PAGE

from .conftest import ready

SIZES = [(40, 12), (80, 24), (120, 40)]
STAMP = "2025-07-09T10:00:00+00:00"
TODAY = date(2025, 7, 10)

SnapCompare = Callable[..., bool]


@pytest.fixture
def fixed_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], ReaderApp]:
    """The app on our page, imported and marked at fixed times, with default settings and a fixed export folder."""
    monkeypatch.setattr(library, "now_iso", lambda: STAMP)
    monkeypatch.setattr(store, "now_iso", lambda: STAMP)
    monkeypatch.setattr(stats, "current_day", lambda: TODAY)
    monkeypatch.setenv("READER_CONFIG", str(tmp_path / "no-settings.toml"))
    opened = Store(tmp_path / "library.json")
    library.import_paths(opened, [OUR_PAGE.path])
    ids = opened.ids()
    opened.set_state(ids[:3], status="read")
    opened.set_state([ids[1]], starred=True, note="Compare with the 4D baseline.", tags=("3d", "to cite"))
    opened.set_state([ids[4]], status="reading")

    def build() -> ReaderApp:
        return make_app(opened, settings=config.Settings(), export_dir=Path("/home/reader/notes"))

    return build


def still(pilot: Pilot[None]) -> None:
    """No blinking cursor in the picture."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for editor in pilot.app.screen.query(TextArea):
        editor.cursor_blink = False


def opened_with(*keys: str, screen: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("j", *keys)
        for _ in range(200):
            if type(pilot.app.screen).__name__ == screen:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        still(pilot)
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize(
    ("name", "keys", "screen"),
    [
        ("main", (), "Screen"),
        ("help", ("question_mark",), "HelpScreen"),
        ("stats", ("S",), "StatsScreen"),
        ("note", ("n",), "NoteScreen"),
        ("export", ("e",), "ExportScreen"),
    ],
)
def test_screens(
    snap_compare: SnapCompare, fixed_app: Callable[[], ReaderApp], size: tuple[int, int], name: str,
    keys: tuple[str, ...], screen: str,
) -> None:
    assert snap_compare(fixed_app(), terminal_size=size, run_before=opened_with(*keys, screen=screen))


@pytest.mark.parametrize(
    ("start", "end"),
    [(a, b) for a in SIZES for b in SIZES if a != b],
    ids=lambda size: f"{size[0]}x{size[1]}",
)
def test_main_screen_after_a_resize(
    snap_compare: SnapCompare, fixed_app: Callable[[], ReaderApp], start: tuple[int, int], end: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await ready(pilot)
        await pilot.press("end")  # the cursor far down: it must stay in view
        await pilot.resize_terminal(*end)
        await pilot.pause(0.1)
        still(pilot)
        await pilot.pause()

    assert snap_compare(fixed_app(), terminal_size=start, run_before=run_before)
