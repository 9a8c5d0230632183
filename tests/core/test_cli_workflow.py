"""Workflow commands end to end: sort, query language, related, delete, stats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realfiles import Page


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args, "--db", str(db)],
        capture_output=True, text=True, input=stdin, timeout=60,
    )


def records(db: Path, *args: str) -> list[dict]:
    result = run(db, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def db(tmp_path: Path, page: Page) -> Path:
    path = tmp_path / "library.json"
    assert run(path, "import", str(page.path)).returncode == 0
    return path


def test_search_query_language_and_inline_errors(db: Path, page: Page) -> None:
    result = run(db, "search", f"{page.shared_word} has:code -{page.excluded} bogus:x", "--json")
    assert result.returncode == 0
    assert result.stderr.strip() == "warning: unknown filter bogus: (try is:, has:, tag:, year:, author:)"
    hits = json.loads(result.stdout)
    assert hits and all(any(link["kind"] == "code" for link in h["links"]) for h in hits)
    assert all(page.excluded not in (h["title"] + h["abstract"]).lower() for h in hits)
    assert not any(h["title"].startswith(page.target) for h in hits)


def test_reading_status_and_sort(db: Path, page: Page) -> None:
    target = records(db, "search", page.target_query, "--limit", "1")[0]["id"]
    assert run(db, "mark", target, "--reading").returncode == 0
    (shown,) = records(db, "show", target)
    assert shown["status"] == "reading" and shown["read"] is False
    first = records(db, "list", "--sort", "status", "--reverse")[0]
    assert first["id"] == target
    titles = [r["title"] for r in records(db, "list", "--sort", "title")]
    assert titles[0].startswith("A ")
    assert run(db, "list", "--sort", "colour").returncode == 2


def test_related_and_stats(db: Path, page: Page) -> None:
    moe = records(db, "search", page.long_query_hit, "--limit", "1")[0]
    assert moe["title"].startswith(page.long_query_hit)
    hits = records(db, "related", moe["id"], "--limit", "5")
    assert len(hits) == 5 and moe["id"] not in [h["id"] for h in hits]
    run(db, "mark", moe["id"], "--read")
    out = run(db, "stats").stdout
    assert f"papers: {page.count}" in out and "read: 1" in out and "reading streak: 1 day" in out


def test_delete_asks_unless_told(db: Path, page: Page) -> None:
    target = records(db, "list")[0]["id"]
    refused = run(db, "delete", target)
    assert refused.returncode == 2 and "confirmation" in refused.stderr
    assert len(records(db, "list")) == page.count
    done = run(db, "delete", target, "--yes")
    assert done.returncode == 0 and done.stdout.startswith("deleted 1 paper")
    assert target not in [r["id"] for r in records(db, "list")]
    assert len(records(db, "list")) == page.count - 1


def test_lists_by_state_hold_exactly_the_papers_in_that_state(db: Path) -> None:
    everything = records(db, "list")
    ids = [r["id"] for r in everything]
    run(db, "mark", ids[7], ids[2], ids[30], "--star")
    run(db, "mark", ids[2], ids[11], "--read")
    run(db, "tag", ids[30], "Later")
    run(db, "tag", ids[11], "later")
    everything = {r["id"]: r for r in records(db, "list")}

    def expected(keep: object, key: str = "added_at") -> list[str]:
        return [pid for pid in ids if keep(everything[pid])]  # type: ignore[operator]

    assert [r["id"] for r in records(db, "list", "--starred")] == expected(lambda r: r["starred"])
    assert [r["id"] for r in records(db, "list", "--read")] == expected(lambda r: r["read"])
    assert [r["id"] for r in records(db, "list", "--tag", "LATER")] == [ids[11], ids[30]]
    by_title = [r["id"] for r in records(db, "list", "--starred", "--sort", "title", "--reverse")]
    titles = [everything[pid]["title"].casefold() for pid in by_title]
    assert sorted(by_title) == sorted(expected(lambda r: r["starred"])) and titles == sorted(titles, reverse=True)
    unread = [r["id"] for r in records(db, "list", "--unread")]
    assert unread == expected(lambda r: not r["read"]) and len(unread) == len(ids) - 2
