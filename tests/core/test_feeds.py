"""``reader fetch`` of subscriptions against a local server: incremental, polite, resumable, and a skip stays a skip."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import cli
from reader.core import config, feeds, fetch, inbox
from reader.core.store import Store
from reader.core.subscriptions import Subscription, parse_spec
from tests.feedserver import REAL_FILES, FeedServer, running, served
from tests.realfiles import REPO

CASES = [pytest.param(False, id="ours")]
if all(path.is_file() for path in REAL_FILES):
    CASES.append(pytest.param(True, id="real"))


@pytest.fixture(params=CASES)
def server(request: pytest.FixtureRequest) -> Iterator[FeedServer]:
    with running(served(request.param)) as state:
        yield state


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: FeedServer) -> Path:
    """Settings pointing at the local server, no pause between requests; returns the store path."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "READER_DB"):
        monkeypatch.delenv(name, raising=False)
    settings = tmp_path / "config.toml"
    settings.write_text(
        f'[fetch]\nretry_delay = 0\ntimeout = 2\ntries = 2\npause = 0\narxiv_pause = 0\ndays = 2\n'
        f'dir = "{tmp_path / "fetched"}"\n'
    )
    monkeypatch.setenv("READER_CONFIG", str(settings))
    monkeypatch.setenv(fetch.HF_ENV, server.url)
    monkeypatch.setenv(fetch.ARXIV_ENV, server.url)
    return tmp_path / "library.json"


def reader(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = cli.main([*args, "--db", str(db)]) if args[0] not in ("subscribe", "unsubscribe") else cli.main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def stored(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.stem + "*.json"))}


def listed(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, object]]:
    code, out, _ = reader(capsys, db, "list", "--json")
    assert code == 0
    result: list[dict[str, object]] = json.loads(out)
    return result


def triaged(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, object]]:
    code, out, err = reader(capsys, db, "triage", "--json")
    assert (code, err) == (0, "")
    result: list[dict[str, object]] = json.loads(out)
    return result


def test_subscription_specs() -> None:
    assert parse_spec("hf") == ("huggingface", "")
    assert parse_spec("arxiv:cs.CL") == ("arxiv-category", "cs.CL")
    assert parse_spec("arxiv:hep-th") == ("arxiv-category", "hep-th")
    assert parse_spec('arxiv:ti:"gaussian splatting"') == ("arxiv-query", 'ti:"gaussian splatting"')
    assert parse_spec("arxiv:au:hinton") == ("arxiv-query", "au:hinton")
    assert parse_spec("https://example.org/rss") == ("feed", "https://example.org/rss")
    for bad in ("bogus", "arxiv:", "feed:ftp://x", 'arxiv:ti:"open'):
        with pytest.raises(ValueError):
            parse_spec(bad)


def test_subscribe_unsubscribe_and_list(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said = reader(capsys, db, "subscribe", "hf")[1]
    assert said == "subscribed: huggingface = huggingface (Hugging Face daily papers)\n"
    assert reader(capsys, db, "subscribe", "arxiv:cs.CL")[1].startswith("subscribed: cs.CL = arxiv:cs.CL")
    assert reader(capsys, db, "subscribe", "huggingface")[1] == "already subscribed: huggingface = huggingface\n"
    code, _, err = reader(capsys, db, "subscribe", "nonsense")
    assert code == 2 and err.startswith("error: 'nonsense' is not a subscription")
    assert config.load().subscriptions == {"huggingface": "huggingface", "cs.CL": "arxiv:cs.CL"}
    code, out, _ = reader(capsys, db, "subscriptions")
    assert code == 0 and out.splitlines() == [
        "huggingface  huggingface  (last fetch: never fetched)",
        "cs.CL        arxiv:cs.CL  (last fetch: never fetched)",
    ]
    assert reader(capsys, db, "unsubscribe", "cs.CL")[0] == 0
    assert config.load().subscriptions == {"huggingface": "huggingface"}
    code, _, err = reader(capsys, db, "unsubscribe", "cs.CL")
    assert code == 1 and "no subscription named 'cs.CL'" in err


def test_incremental_fetch_asks_only_for_what_is_new(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    reader(capsys, db, "subscribe", "huggingface")
    code, out, err = reader(capsys, db, "fetch", "--until", "2024-05-30")
    assert (code, err) == (0, ""), err
    assert server.dates() == ["2024-05-29", "2024-05-30"]  # fetch.days = 2: today and the day before
    papers = listed(capsys, db)
    assert out.splitlines()[0] == f"huggingface: 2 requests, {len(papers)} new, 0 updated, 0 unchanged"
    assert len(triaged(capsys, db)) == len(papers)
    # The same day again: only today is asked for again (its list grows during the day), nothing twice.
    server.asked.clear()
    code, out, _ = reader(capsys, db, "fetch", "--until", "2024-05-30")
    assert code == 0 and server.dates() == ["2024-05-30"]
    assert out.splitlines()[0].startswith("huggingface: 1 request, 0 new, 0 updated, ")
    # A day later: the day that was today, then the new one.
    server.asked.clear()
    assert reader(capsys, db, "fetch", "--until", "2024-05-31")[0] == 0
    assert server.dates() == ["2024-05-30", "2024-05-31"]
    assert len(listed(capsys, db)) == len(papers)
    progress = feeds.progress_of(Store(db))["huggingface"]
    assert progress["through"] == "2024-05-30"


def test_arxiv_category_pages_through_a_window_then_starts_where_it_ended(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    store = Store(db)
    sub = Subscription("cs.CL", "arxiv-category", "cs.CL")
    settings = config.load().fetch
    run = feeds.Run(store, settings, today=fetch.parse_date("2025-12-31"), since=fetch.parse_date("2000-01-01"),
                    arxiv_page=3)
    [outcome] = run.run([sub])
    total = len(server.data.entries)
    assert outcome.error is None and outcome.new == total
    assert server.arxiv_starts() == list(range(0, total, 3)) + ([total] if total % 3 == 0 else [])
    query = server.asked[0][2]
    assert query["sortBy"] == ["submittedDate"] and query["sortOrder"] == ["ascending"]
    assert query["search_query"][0] == "(cat:cs.CL) AND submittedDate:[200001010000 TO 202512312359]"
    assert feeds.progress_of(store)[sub.spec]["since"] == "202512312359"
    server.asked.clear()
    later = feeds.Run(store, settings, today=fetch.parse_date("2026-01-02"), arxiv_page=3)
    [again] = later.run([sub])
    assert (again.new, again.requests) == (0, 1)
    assert server.asked[0][2]["search_query"][0].endswith("submittedDate:[202512312359 TO 202601022359]")


def test_a_feed_is_asked_with_its_etag_and_an_unchanged_one_costs_nothing(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    reader(capsys, db, "subscribe", f"{server.url}/feed.xml", "--name", "listing")
    code, out, err = reader(capsys, db, "fetch")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "listing: 1 request, 2 new, 0 updated, 0 unchanged"
    code, out, _ = reader(capsys, db, "fetch")
    assert out.splitlines()[0] == "listing: 1 request, 0 new, 0 updated, 0 unchanged"
    assert server.asked[-1][3].get("If-None-Match") == '"v1"'
    titles = {record["title"] for record in listed(capsys, db)}
    assert "Lantern: Retrieval with [bold]Markup[/] in Titles & Escapes" in titles


def test_a_skip_stays_skipped_across_fetches_and_imports(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    reader(capsys, db, "subscribe", "huggingface")
    assert reader(capsys, db, "fetch", "--until", "2024-05-29")[0] == 0
    inbox_before = [record["id"] for record in triaged(capsys, db)]
    gone = str(inbox_before[0])
    code, out, _ = reader(capsys, db, "skip", gone)
    assert (code, out) == (0, f"skipped  {gone}\n")
    assert gone not in [record["id"] for record in triaged(capsys, db)]
    for _ in range(2):  # fetched again, from the start, then imported by hand from the kept copy
        assert reader(capsys, db, "fetch", "--since", "2024-05-29", "--until", "2024-05-29")[0] == 0
    kept_copy = db.parent / "fetched" / "hf-daily-papers_2024-05-29.json"
    assert reader(capsys, db, "import", str(kept_copy))[0] == 0
    after = [record["id"] for record in triaged(capsys, db)]
    assert gone not in after and sorted(after) == sorted(i for i in inbox_before if i != gone)
    records = {record["id"]: record for record in listed(capsys, db)}
    assert records[gone]["skipped"] is True and len(records) == len(inbox_before)
    code, out, _ = reader(capsys, db, "search", "is:new", "--json", "--limit", "1000")
    assert code == 0 and sorted(record["id"] for record in json.loads(out)) == sorted(after)
    code, out, _ = reader(capsys, db, "search", "is:skipped", "--json")
    assert code == 0 and [record["id"] for record in json.loads(out)] == [gone]


def test_rate_limit_and_retry_after_are_obeyed(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    settings_file = Path(os.environ["READER_CONFIG"])
    settings_file.write_text(settings_file.read_text().replace("pause = 0\n", "pause = 0.4\n"))
    reader(capsys, db, "subscribe", "huggingface")
    server.busy["2024-05-29"] = 1  # 429 with Retry-After: 1, once
    code, _, err = reader(capsys, db, "fetch", "--since", "2024-05-28", "--until", "2024-05-30")
    assert (code, err) == (0, "")
    times = [moment for moment, path, _, _ in server.asked]
    assert server.dates() == ["2024-05-28", "2024-05-29", "2024-05-29", "2024-05-30"]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps[0] >= 0.39  # fetch.pause between two requests to one host
    assert gaps[1] >= 0.99  # the 429's Retry-After
    assert gaps[2] >= 0.39
    assert all(len(headers) and "If-None-Match" not in headers for _, _, _, headers in server.asked)


def test_a_failing_server_is_one_line_and_the_store_is_unchanged(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    reader(capsys, db, "subscribe", "huggingface")
    assert reader(capsys, db, "fetch", "--until", "2024-05-29")[0] == 0
    before = stored(db)
    server.failing = True
    code, out, err = reader(capsys, db, "fetch", "--until", "2024-05-30")
    host = server.url.removeprefix("http://")
    assert code == 1
    assert err == f"error: huggingface: could not reach {host}: HTTP 500 Internal Server Error (after 2 tries)\n"
    assert out.splitlines()[0] == "huggingface: 1 request, 0 new, 0 updated, 0 unchanged"
    assert stored(db) == before


def test_a_kill_mid_fetch_then_a_rerun_loses_nothing_and_repeats_nothing(
    db: Path, server: FeedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    reader(capsys, db, "subscribe", "huggingface")
    server.hold = "2024-05-30"  # the second day's answer waits: the fetch is killed while it waits
    child = subprocess.Popen(
        [sys.executable, "-m", "reader", "fetch", "--since", "2024-05-29", "--until", "2024-05-31", "--db", str(db)],
        cwd=REPO, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        assert server.held.wait(30), "the fetch never reached the second day"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        server.release.set()
    first_day = len(listed(capsys, db))
    assert first_day > 0  # the first day landed before the kill
    assert feeds.progress_of(Store(db))["huggingface"]["through"] == "2024-05-29"
    server.hold = None
    code, _out, err = reader(capsys, db, "fetch", "--until", "2024-05-31")
    assert (code, err) == (0, ""), err
    assert server.dates() == ["2024-05-29", "2024-05-30", "2024-05-30", "2024-05-31"]  # the first day once
    papers = listed(capsys, db)
    ids = [record["id"] for record in papers]
    assert len(ids) == len(set(ids)) > first_day
    assert sorted(record["id"] for record in triaged(capsys, db)) == sorted(ids)  # each arrived once, none lost


def test_the_inbox_note_comes_before_the_papers(db: Path) -> None:
    """A note without its paper (a kill between the two writes) is ignored, and the rerun's import notes it."""
    store = Store(db)
    inbox.arrive(store, ["2504.01001"], "2024-05-29T00:00:00+00:00", "huggingface")
    assert inbox.new_ids(store) == []
    assert "2504.01001" in inbox.arrivals(store)
