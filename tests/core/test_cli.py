"""The command line as scripts use it: a real process, a real store on disk."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realfiles import Page


def run(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "READER_DB"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=60,
    )


def records(db: Path, *args: str) -> list[dict]:
    result = run(db, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def store_bytes(db: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(db.parent.glob(db.stem + "*.json"))}


@pytest.fixture
def db(tmp_path: Path, page: Page) -> Path:
    path = tmp_path / "library.json"
    result = run(path, "import", str(page.path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{page.count} new, 0 updated, 0 unchanged"
    return path


def test_import_twice_changes_nothing(db: Path, page: Page) -> None:
    before = store_bytes(db)
    again = run(db, "import", str(page.path))
    assert again.returncode == 0
    assert again.stdout.strip().splitlines()[-1] == f"0 new, 0 updated, {page.count} unchanged"
    assert store_bytes(db) == before
    assert len(records(db, "list")) == page.count


def test_list_json_has_the_promised_fields(db: Path, page: Page) -> None:
    listed = records(db, "list")
    assert len(listed) == page.count
    for record in listed:
        for key in ("id", "title", "abstract", "links", "arxiv_id", "read", "starred", "tags", "note", "added_at"):
            assert key in record
        assert all(set(link) >= {"url", "kind"} for link in record["links"])
    ids = [r["id"] for r in listed]
    assert len(set(ids)) == page.count
    assert max(len(i) for i in ids) <= 32


def test_search_finds_typos_best_first(db: Path, page: Page) -> None:
    hits = records(db, "search", page.typo, "--limit", "3")
    assert hits[0]["title"].startswith(page.target)
    assert hits[0]["score"] >= hits[-1]["score"]
    moe = records(db, "search", page.long_query, "--limit", "3")
    assert moe[0]["title"].startswith(page.long_query_hit)


def test_mark_note_tag_survive_reimport(db: Path, page: Page) -> None:
    target = records(db, "search", page.target_query, "--limit", "1")[0]["id"]
    assert run(db, "mark", target[:10], "--read", "--star").returncode == 0
    assert run(db, "note", target, "line one\n[Erdos, 1945] and [bold]x[/]").returncode == 0
    assert run(db, "tag", target, "3d", "splatting").returncode == 0
    assert run(db, "import", str(page.path)).returncode == 0
    (shown,) = records(db, "show", target)
    assert shown["read"] is True and shown["starred"] is True
    assert shown["note"] == "line one\n[Erdos, 1945] and [bold]x[/]"
    assert shown["tags"] == ["3d", "splatting"]
    assert run(db, "tag", target, "3D", "--remove").returncode == 0
    assert records(db, "show", target)[0]["tags"] == ["splatting"]
    assert [r["id"] for r in records(db, "list", "--starred")] == [target]
    assert target not in [r["id"] for r in records(db, "list", "--unread")]
    assert [r["id"] for r in records(db, "list", "--tag", "Splatting")] == [target]


def test_note_from_stdin(db: Path) -> None:
    paper = records(db, "list")[0]["id"]
    assert run(db, "note", paper, "-", stdin="from stdin\n").returncode == 0
    assert records(db, "show", paper)[0]["note"] == "from stdin"


def test_export_markdown_to_file(db: Path, page: Page, tmp_path: Path) -> None:
    paper = records(db, "search", page.target_query, "--limit", "1")[0]
    run(db, "mark", paper["id"], "--star")
    run(db, "note", paper["id"], "worth a re-read")
    out = tmp_path / "notes.md"
    result = run(db, "export", "--starred", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "worth a re-read" in text
    assert page.target_code in text
    assert text.count("\n## ") == 1
    as_json = json.loads(run(db, "export", "--format", "json", "--starred").stdout)
    assert [r["id"] for r in as_json] == [paper["id"]]


def test_errors_are_one_line_and_leave_the_store(db: Path, tmp_path: Path) -> None:
    before = store_bytes(db)
    missing = run(db, "show", "no-such-paper")
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: ") and missing.stderr.count("\n") == 1
    assert "no-such-paper" in missing.stderr
    junk = tmp_path / "junk.txt"
    junk.write_text("just a line\n")
    bad = run(db, "import", str(junk))
    assert bad.returncode == 1
    assert bad.stderr.startswith(f"error: {junk}")
    assert "Traceback" not in bad.stderr
    usage = run(db, "mark", "x", "--read", "--unread")
    assert usage.returncode == 2 and usage.stderr.startswith("error: ")
    assert store_bytes(db) == before


def test_version_and_help() -> None:
    version = subprocess.run([sys.executable, "-m", "reader", "--version"], capture_output=True, text=True)
    assert version.returncode == 0 and version.stdout.startswith("reader ")
    helped = subprocess.run([sys.executable, "-m", "reader", "--help"], capture_output=True, text=True)
    for command in ("import", "list", "search", "show", "mark", "note", "tag", "export", "demo"):
        assert command in helped.stdout


def test_env_var_names_the_store(tmp_path: Path, page: Page) -> None:
    target = tmp_path / "via-env.json"
    env = {**os.environ, "READER_DB": str(target)}
    result = subprocess.run(
        [sys.executable, "-m", "reader", "import", str(page.path)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert target.is_file()
