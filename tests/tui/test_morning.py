"""A morning in the app: layout after resizes, the mouse, the footer, triage and open keys, the small words."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import HelpPanel, Input

from reader.core import config, library
from reader.core.importers import ParsedFile
from reader.core.links import make_link
from reader.core.models import ParsedPaper
from reader.core.store import Store
from reader.tui import ReaderApp, make_app
from tests.realfiles import OUR_PAGE

from .conftest import ready, type_text, wait_for

REPO = "https://github.com/made-up-lab/tidepool"


def status_text(app: ReaderApp) -> str:
    return str(app.query_one("#status").content)


def notices(app: ReaderApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


@pytest.fixture
def linked_store(store: Store, tmp_path: Path) -> Store:
    """Papers whose first code link is a dataset or a deep tree URL, one with an arXiv id, one without."""
    papers = [
        ParsedPaper(
            title="Tidepool: Datasets Before Repositories",
            abstract="Data at https://huggingface.co/datasets/made-up-lab/tidepool-v1 and code at "
            f"{REPO}/tree/main/src/train and a very long project page https://made-up-lab.github.io/"
            "tidepool/with/a/path/that/goes/on/and/on/for/longer/than/any/pane/is/wide/index.html",
            links=(
                make_link("https://huggingface.co/datasets/made-up-lab/tidepool-v1"),
                make_link(f"{REPO}/tree/main/src/train"),
            ),
            arxiv_id="2507.01234",
            published="2025-07-02",
            upvotes=17,
        ),
        ParsedPaper(title="Quietfield: A Paper Without Any Identifier", abstract="Nothing to link to here."),
    ]
    library.import_parsed(store, [ParsedFile(tmp_path / "made-up.json", "hf-api", papers)], backup=False)
    return store


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A browser that writes the address it was given into a file (webbrowser reads $BROWSER afresh)."""
    received = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{received}"\n')
    script.chmod(0o755)
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("BROWSER", str(script))
    return received


def opened(received: Path) -> list[str]:
    return received.read_text().splitlines() if received.exists() else []


# -- layout ---------------------------------------------------------------------------


async def test_the_layout_follows_each_resize_and_keeps_the_cursor_in_view(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        main = app.query_one("#main")
        assert not app.has_class("-narrow") and main.styles.layout.name == "horizontal"
        await pilot.press("end")
        await pilot.resize_terminal(80, 24)
        await wait_for(pilot, lambda: app.has_class("-narrow"))
        await pilot.pause()
        assert main.styles.layout.name == "vertical"
        papers = app.paper_list
        top, height = papers.scroll_offset.y, papers.scrollable_content_region.height
        assert top <= papers.cursor < top + height  # the cursor row is on screen, not only in the detail
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: not app.has_class("-narrow"))
        assert main.styles.layout.name == "horizontal"
        assert papers.styles.border_top[0] == "round"  # bordered again
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: app.has_class("-short"))
        assert papers.styles.border_top[0] == ""


async def test_a_click_selects_the_row_under_the_pointer(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        rows = app.paper_list.rows
        await pilot.click("#papers", offset=(10, 3))  # the border is row 0: the third paper is row 3
        assert app.paper_list.cursor == 2 and app.paper_list.current is rows[2]
        await pilot.click("#papers", offset=(10, 0))  # the border itself moves nothing
        assert app.paper_list.cursor == 2


async def test_no_horizontal_scrollbar_and_a_cursor_bar_without_gaps(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("s")  # a star on the cursor row
        papers = app.paper_list
        assert papers.show_vertical_scrollbar and not papers.show_horizontal_scrollbar
        row = papers.render_line(0)
        cursor_bg = papers.get_component_rich_style("paper-list--cursor").bgcolor
        assert "★" in row.text
        assert all(seg.style is not None and seg.style.bgcolor == cursor_bg for seg in row if seg.text)


async def test_the_footer_shows_whole_keys_and_always_help(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    for width in (40, 80, 120):
        async with app_factory(our_store).run_test(size=(width, 24)) as pilot:
            await ready(pilot)
            footer = str(pilot.app.query_one("#footer").content)
            assert len(footer) <= width and "? Help" in footer and "^p Palette" in footer
            assert " O " not in footer  # no key cut to a letter
            if width >= 80:
                assert "c Copy" in footer and "o Open" in footer


# -- search -----------------------------------------------------------------------------


async def test_the_search_box_is_one_line_and_moves_the_list_like_fzf(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.query_one("#search").outer_size.height == 1
        assert app.paper_list.scrollable_content_region.height >= 8  # room to read at 80x24
        await pilot.press("slash")
        await type_text(pilot, "learning")
        await wait_for(pilot, lambda: app.query_text == "learning" and len(app.paper_list.rows) < OUR_PAGE.count)
        second = app.paper_list.rows[1]
        await pilot.press("down")
        assert app.query_one("#search", Input).has_focus and app.paper_list.cursor == 1
        await pilot.press("down", "up", "enter")
        assert app.paper_list.has_focus and app.paper_list.current is second


async def test_sort_during_a_search_reorders_the_hits(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "learning")
        await wait_for(pilot, lambda: app.query_text == "learning" and len(app.paper_list.rows) < OUR_PAGE.count)
        assert "sort: best match" in status_text(app)
        ranked = [row.paper.title for row in app.paper_list.rows]
        await pilot.press("escape", "O", "O")  # listed, then title
        await wait_for(pilot, lambda: "sort: title" in status_text(app))
        titles = [row.paper.title for row in app.paper_list.rows]
        assert sorted(titles, key=str.casefold) == titles != ranked and sorted(titles) == sorted(ranked)


async def test_empty_store_no_hits_and_query_mistakes_are_said(
    our_store: Store, app_factory: Callable[[Store], ReaderApp], tmp_path: Path
) -> None:
    from reader.tui.app import EMPTY_STORE

    (tmp_path / "empty").mkdir()
    app = app_factory(Store(tmp_path / "empty" / "library.json"))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: not app.is_loading)
        await wait_for(pilot, lambda: EMPTY_STORE in app.detail.plain)
        assert EMPTY_STORE[:40] in app.paper_list.render_line(0).text
    app = app_factory(our_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await type_text(pilot, "zzqxv")
        await wait_for(pilot, lambda: not app.paper_list.rows and app.query_text == "zzqxv")
        assert "No paper matches this search" in app.paper_list.render_line(0).text
        assert "Import" not in app.detail.plain
        await pilot.press("space")
        await type_text(pilot, '"unclosed phrase')
        await wait_for(pilot, lambda: bool(app.query_errors))
        shown = app.query_one("#status").render_line(0).text  # what fits on the 80 columns
        assert "unclosed quote" in shown


# -- the detail pane ----------------------------------------------------------------------


async def test_the_detail_pane_labels_the_note_comes_first_and_links_open_on_click(
    linked_store: Store, app_factory: Callable[[Store], ReaderApp], browser: Path
) -> None:
    app = app_factory(linked_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "NoteScreen")
        await type_text(pilot, "read the ablation first")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "read the ablation first" in app.detail.plain)
        plain = app.detail.plain
        assert "published  2025-07-02" in plain and "upvotes    17" in plain
        assert plain.index("read the ablation first") < plain.index("Data at")  # the note above the abstract
        assert "✎" in app.paper_list.render_line(0).text  # the list marks a paper with a note
        body = app.detail.query_one("#detail-body")
        drawn = [body.render_line(y).text for y in range(body.size.height)]
        y = next(i for i, line in enumerate(drawn) if "github.com/made-up-lab" in line)
        x = drawn[y].index("github.com") + 3
        await pilot.click(body, offset=(x, y))  # on the URL, wherever the pane wrapped it
        await wait_for(pilot, lambda: f"{REPO}/tree/main/src/train" in opened(browser), tries=400)


async def test_tab_gives_the_detail_pane_the_keys_and_back(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(80, 16)) as pilot:
        await ready(pilot)
        await pilot.press("tab")
        assert app.detail.has_focus
        await pilot.press("pagedown")
        await wait_for(pilot, lambda: app.detail.scroll_offset.y > 0)
        await pilot.press("tab")
        assert app.paper_list.has_focus
        await pilot.press("tab", "escape")
        assert app.paper_list.has_focus


# -- keys ----------------------------------------------------------------------------------


async def test_triage_keys(our_store: Store, app_factory: Callable[[Store], ReaderApp]) -> None:
    from reader.tui.widgets.paper_list import STATUS_MARKS

    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        rows = app.paper_list.rows
        await pilot.press("m", "m")
        assert app.paper_list.cursor == 2
        on_disk = Store(our_store.path)
        assert on_disk.entry(rows[0].id).state.read and on_disk.entry(rows[1].id).state.read
        await pilot.press("w")
        assert STATUS_MARKS["reading"] in app.paper_list.render_line(2).text
        assert STATUS_MARKS["reading"] != "…"  # unlike the end of a cut title
        await pilot.press("home", "J")
        assert app.paper_list.cursor == 2  # the first paper not read (reading counts as unread)
        await pilot.press("J")
        assert app.paper_list.cursor == 3
        await pilot.press("K", "K")
        assert app.paper_list.cursor == 2
        assert any("No unread paper above" in n for n in notices(app))


async def test_copy_takes_the_repository_root_and_the_open_keys(
    linked_store: Store, app_factory: Callable[[Store], ReaderApp], browser: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    app = app_factory(linked_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        await wait_for(pilot, lambda: app.clipboard == REPO or any(REPO in n for n in notices(app)), tries=400)
        assert any(n.endswith(REPO) or f"{REPO}\n" in n for n in notices(app))  # not the dataset, not /tree/main
        await pilot.press("o", "a", "p")
        expected = [REPO, "https://arxiv.org/abs/2507.01234", "https://arxiv.org/pdf/2507.01234"]
        await wait_for(pilot, lambda: sorted(opened(browser)) == sorted(expected), tries=400)
        await pilot.press("j", "a")  # no arXiv id, no Hugging Face page: an arXiv search for the title
        await wait_for(pilot, lambda: len(opened(browser)) == 4, tries=400)
        assert opened(browser)[-1].startswith("https://arxiv.org/search/?searchtype=title&query=Quietfield")
        assert any("no arXiv id known" in n for n in notices(app))


# -- screens --------------------------------------------------------------------------------


async def test_help_lists_every_key_and_says_how_to_close(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(40, 12)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        table = app.screen.query_one("#help-keys").content
        keys = " ".join(str(cell) for cell in table.columns[0]._cells)
        for key in ("^p", "^q", "tab", "m", "J", "a", "p"):
            assert key in keys.split(", ") or f" {key}" in f" {keys}", key
        assert len(table.columns) == 2  # at 40 columns: the key and what it does, no wrapped id header
        hints = " ".join(str(hint.content) for hint in app.screen.query(".dialog-hint"))
        assert "escape, q or ?: close" in hints
        await pilot.press("q")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "Screen")


async def test_stats_draws_a_chart_and_related_shows_scores_and_marks(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("r", "S")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StatsScreen")
        chart = app.screen.query_one("#stats-chart")
        await pilot.pause()
        drawn = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        assert "Papers per week" in drawn and "added" in drawn and "read" in drawn
        assert any(month in drawn for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                                "Oct", "Nov", "Dec"))
        await pilot.press("escape", "up", "s", "down", "R")  # star the first paper, look from the second
        await wait_for(pilot, lambda: type(app.screen).__name__ == "RelatedScreen")
        options = app.screen.query_one("#related-list")
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert all(line[:5].strip().replace(".", "").isdigit() for line in lines)
        first = app.paper_list.rows[0].paper.title
        assert any("✓ ★ " + first in line for line in lines) or all(first not in line for line in lines)


async def test_tags_complete_take_quotes_and_a_selection_can_lose_one(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        ids = app.shown_ids()[:3]
        await pilot.press("t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TagsScreen")
        await type_text(pilot, '"deep learning", draft')
        await pilot.press("enter")
        await wait_for(pilot, lambda: Store(our_store.path).entry(ids[0]).state.tags == ("deep learning", "draft"))
        await pilot.press("j", "t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TagsScreen")
        await type_text(pilot, "dr")
        field = app.screen.query_one(Input)
        await wait_for(pilot, lambda: field._suggestion == "draft")
        await pilot.press("right", "enter")  # the completion taken
        await wait_for(pilot, lambda: Store(our_store.path).entry(ids[1]).state.tags == ("draft",))
        await pilot.press("home", "space", "space", "space", "t")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "TagsScreen")
        await type_text(pilot, "-draft rl")
        await pilot.press("enter")
        on_disk = Store(our_store.path)
        await wait_for(pilot, lambda: Store(our_store.path).entry(ids[2]).state.tags == ("rl",))
        assert on_disk.entry(ids[0]).state.tags == ("deep learning", "rl")
        assert Store(our_store.path).entry(ids[1]).state.tags == ("rl",)


async def test_the_palette_lists_themes_first_and_escape_closes_the_keys_panel(
    our_store: Store, app_factory: Callable[[Store], ReaderApp]
) -> None:
    from textual.command import CommandList

    app = app_factory(our_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
        await type_text(pilot, "theme")

        def prompts() -> list[str]:
            found = app.screen.query(CommandList)
            if not found:
                return []
            listed = found.first()
            return [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]

        await wait_for(pilot, lambda: any(p.startswith("Theme: ") for p in prompts()))
        listed = prompts()
        papers = [i for i, p in enumerate(listed) if p.startswith("Open paper:")]
        themes = [i for i, p in enumerate(listed) if p.startswith("Theme")]
        assert not papers or max(themes) < min(papers)
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "Screen")
        app.action_show_help_panel()
        await wait_for(pilot, lambda: bool(app.screen.query(HelpPanel)))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.query(HelpPanel))


async def test_the_demo_never_saves_a_theme_into_the_settings(
    our_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.tui import demo_app

    settings_file = tmp_path / "config.toml"
    monkeypatch.setenv("READER_CONFIG", str(settings_file))
    app = demo_app(our_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: bool(app.paper_list.rows))
        app.theme = "nord"
        await pilot.pause(0.2)
    assert not settings_file.exists()
    assert config.load().theme != "nord"
    assert make_app(our_store, settings=config.load()).theme != "nord"
