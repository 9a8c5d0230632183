"""The inbox in the app: it opens on new papers, one card at a time, single keys, undo, progress, the watch list."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core import config, inbox, library
from reader.core.importers import read_file
from reader.core.store import Store
from reader.tui import ReaderApp, make_app
from reader.tui.screens.triage import TriageScreen
from tests.feedserver import running, served
from tests.realfiles import FIXTURES, IMPORTERS

from .conftest import wait_for

ARRIVALS = [IMPORTERS / "hf_daily_new.json", FIXTURES / "feeds" / "arxiv_listing.rss"]


def arrived_store(path: Path, *, history: bool) -> Store:
    """A library (our saved page), perhaps with a starred paper, then a fetch's papers arriving in the inbox."""
    store = Store(path)
    library.import_paths(store, [FIXTURES / "hf_page.txt"])
    if history:
        first = store.ids()[:2]
        store.set_state(first[:1], starred=True)
        store.set_state(first[1:], skipped=True)
    library.import_parsed(store, [read_file(p) for p in ARRIVALS], arrived_via="huggingface")
    return store


def app_on(store: Store, tmp_path: Path, **watch: tuple[str, ...]) -> ReaderApp:
    settings = config.Settings(watch=config.WatchSettings(**watch))
    return make_app(store, export_dir=tmp_path, settings=settings)


def card(app: ReaderApp) -> TriageScreen:
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    return screen


def body(screen: TriageScreen) -> str:
    return screen.card_text().plain


async def test_the_app_opens_on_the_inbox_and_says_how_many(tmp_path: Path) -> None:
    store = arrived_store(tmp_path / "library.json", history=False)
    app = app_on(store, tmp_path, authors=("Priya Raman",))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = card(app)
        assert len(screen.ranked) == 8 and app.inbox_count == 8
        assert screen.progress_text().startswith("Inbox: 1 of 8 · 0 kept")
        # Cold start: the watch list first, then upvotes.
        first, second = screen.ranked[0], screen.ranked[1]
        assert first.entry.paper.title == "Lantern: Retrieval with [bold]Markup[/] in Titles & Escapes"
        assert first.watched == ("author Priya Raman",)
        shown = body(screen)
        assert shown.startswith("◆ watched  Lantern: Retrieval with [bold]Markup[/] in Titles & Escapes")
        assert "why     watched (author Priya Raman) · published 2026-01-05" in shown
        assert second.entry.paper.upvotes == 88 and second.why.startswith("88 upvotes")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TriageScreen))
        assert "8 new (i: inbox)" in str(app.query_one("#status").content)


async def test_single_keys_decide_and_undo_brings_a_paper_back(tmp_path: Path) -> None:
    store = arrived_store(tmp_path / "library.json", history=True)
    app = app_on(store, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = card(app)
        order = [item.entry.id for item in screen.ranked]
        assert all(item.why for item in screen.ranked)
        await pilot.press("k")
        await pilot.press("s")
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.position == 3)
        on_disk = Store(store.path)
        kept, starred, skipped = (on_disk.entry(pid).state for pid in order[:3])
        assert kept.status == "to-read" and kept.changed_at is not None and not kept.starred
        assert starred.starred and skipped.skipped
        assert screen.progress_text() == "Inbox: 4 of 8 · 1 kept · 1 starred · 0 reading · 1 skipped"
        assert sorted(inbox.new_ids(on_disk)) == sorted(order[3:])
        await pilot.press("u")  # the skip is taken back: the paper is new again, its card shown
        await wait_for(pilot, lambda: screen.position == 2)
        assert not Store(store.path).entry(order[2]).state.skipped
        assert sorted(inbox.new_ids(Store(store.path))) == sorted(order[2:])
        assert screen.progress_text().endswith("0 skipped")
        await pilot.press("n")  # later: nothing decided
        assert screen.position == 3

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, TriageScreen))
        assert app.inbox_count == 6
        assert "6 new (i: inbox)" in str(app.query_one("#status").content)
        await pilot.press("i")  # the inbox again: what is left, ranked anew
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        assert sorted(item.entry.id for item in card(app).ranked) == sorted(order[2:])


async def test_read_now_goes_to_the_paper_and_a_skip_is_marked_in_the_list(tmp_path: Path) -> None:
    store = arrived_store(tmp_path / "library.json", history=True)
    app = app_on(store, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = card(app)
        skipped, reading = screen.ranked[0].entry.id, screen.ranked[1].entry.id
        await pilot.press("x", "r")
        await wait_for(pilot, lambda: not isinstance(app.screen, TriageScreen))
        assert app.paper_list.current is not None and app.paper_list.current.id == reading
        assert Store(store.path).entry(reading).state.status == "reading"
        row = next(i for i, e in enumerate(app.paper_list.rows) if e.id == skipped)
        strip = app.paper_list._render_row(app.paper_list.rows[row], 60, False)
        assert strip.text.startswith(" ✗")


async def test_with_history_each_card_says_why(tmp_path: Path) -> None:
    store = arrived_store(tmp_path / "library.json", history=True)
    app = app_on(store, tmp_path, keywords=("retriever",))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = card(app)
        reasons = [item.why for item in screen.ranked]
        assert any(why.startswith(("close to", "shares", "like", "unlike")) for why in reasons), reasons
        watched = [item for item in screen.ranked if item.watched]
        assert [item.entry.paper.title for item in watched] == ["Signpost: Routing Queries to the Right Retriever"]
        assert watched[0].why.startswith("watched (keyword retriever) · ")
        assert screen.ranked.index(watched[0]) <= 2  # it rises


async def test_subscriptions_run_themselves_when_the_app_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    store = Store(tmp_path / "library.json")
    library.import_paths(store, [FIXTURES / "hf_page.txt"])
    with running(served(False)) as server:
        settings = config.Settings(
            subscriptions={"listing": f"{server.url}/feed.xml"},
            fetch=config.FetchSettings(pause=0, retry_delay=0, tries=1, timeout=5, dir=str(tmp_path / "fetched")),
        )
        app = make_app(store, export_dir=tmp_path, settings=settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.inbox_count == 2, tries=500)
            assert not isinstance(app.screen, TriageScreen)  # announced, not pushed in front of the list
            assert "2 new (i: inbox)" in str(app.query_one("#status").content)
            assert [path for _, path, _, _ in server.asked] == ["/feed.xml"]
        again = make_app(store, export_dir=tmp_path, settings=settings)
        async with again.run_test(size=(120, 40)) as pilot:  # fetched less than fetch.every ago: not again
            await wait_for(pilot, lambda: isinstance(again.screen, TriageScreen))
            assert len(server.asked) == 1


async def test_the_apps_link_keys_take_the_cards_paper(tmp_path: Path) -> None:
    store = arrived_store(tmp_path / "library.json", history=False)
    app = app_on(store, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TriageScreen))
        screen = card(app)
        with_code = next(n for n, item in enumerate(screen.ranked) if item.entry.paper.code_link is not None)
        for _ in range(with_code + 1):  # past the first card, so the list's cursor is on another paper
            await pilot.press("n")
        with_code = next(n for n, item in enumerate(screen.ranked) if n >= screen.position
                         and item.entry.paper.code_link is not None)
        while screen.position < with_code:
            await pilot.press("n")
        paper = screen.ranked[with_code].entry.paper
        assert app.paper_list.current is None or app.paper_list.current.id != paper.id
        await pilot.press("c")
        repository = paper.code_link.url if paper.code_link else ""
        await wait_for(pilot, lambda: any(repository.rstrip("/") in str(n.message) for n in app._notifications))
