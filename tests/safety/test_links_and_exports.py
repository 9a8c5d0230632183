"""Links are web links or nothing; exports hold no control character and no spreadsheet formula."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from reader.core.importers import read_file
from reader.core.links import safe_url
from reader.core.store import Store
from reader.core.store.layout import Layout

Cli = Callable[..., subprocess.CompletedProcess[bytes]]
ID = "2601.00001"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HOSTILE = ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>", "-oProxyCommand=touch x",
           "--new-window", "mailto:a@b.org", "https://", "https://a b.org", "https://x.org/\x1b[2J", "ftp://x.org/f"]


@pytest.mark.parametrize("url", HOSTILE)
def test_only_web_links_are_links(url: str) -> None:
    assert safe_url(url) is None


def test_web_links_are_kept() -> None:
    assert safe_url("https://github.com/o/r") == "https://github.com/o/r"
    assert safe_url("HTTP://Example.org:8080/a?b=c#d") == "HTTP://Example.org:8080/a?b=c#d"
    assert safe_url("www.example.org/x") == "https://www.example.org/x"


def test_an_import_keeps_no_link_that_is_not_a_web_link(tmp_path: Path) -> None:
    api = tmp_path / "daily.json"
    api.write_text(json.dumps([
        {"paper": {"id": "2501.00001", "title": "One", "githubRepo": "javascript:alert(document.cookie)",
                   "projectPage": "file:///etc/passwd"}},
        {"paper": {"id": "2501.00002", "title": "Two", "githubRepo": "-oProxyCommand=touch pwned",
                   "projectPage": "https://two.github.io/"}},
    ]))
    one, two = read_file(api).papers
    assert one.links == ()
    assert [link.url for link in two.links] == ["https://two.github.io/"]
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{a,\n title = {Three},\n url = {javascript:alert(1)},\n howpublished = {https://x.org/3}\n}\n")
    (three,) = read_file(bib).papers
    assert [link.url for link in three.links] == ["https://x.org/3"]


def edit(path: Path, table: str, key: str, changes: dict[str, object]) -> None:
    data = orjson.loads(path.read_bytes())
    data[table][key] = {**data[table].get(key, {}), **changes}
    path.write_bytes(orjson.dumps(data))


@pytest.fixture
def db(small_db: Path, cli: Cli) -> Path:
    path = small_db
    assert cli("note", ID, "a note", "--db", str(path)).returncode == 0
    return path


def test_a_stored_link_that_is_not_a_web_link_is_never_offered(db: Path, cli: Cli) -> None:
    edit(db, "papers", ID, {"links": [
        {"url": "-oProxyCommand=touch pwned", "kind": "code"},
        {"url": "javascript:alert(1)", "kind": "other"},
        {"url": "https://example.org/paper", "kind": "other"},
    ]})
    store = Store(db)
    paper = store.entry(ID).paper
    store.close()
    assert paper.code_link is None  # what "c" copies and "o" opens comes from here
    assert paper.best_link is not None and paper.best_link.url == "https://example.org/paper"
    markdown = cli("export", "--db", str(db)).stdout.decode()
    assert "<https://example.org/paper>" in markdown
    assert "<javascript:" not in markdown and "<-oProxy" not in markdown  # shown as text, never a link
    edit(db, "papers", ID, {"links": [{"url": "javascript:alert(1)", "kind": "code"}]})
    store = Store(db)
    assert store.entry(ID).paper.best_link is None
    store.close()


def test_csv_cells_that_a_spreadsheet_would_run_are_text(db: Path, cli: Cli) -> None:
    edit(db, "papers", ID, {"title": "=HYPERLINK(\"http://evil.example\",\"click\")"})
    edit(db, "papers", "2601.00002", {"title": "+1 trick", "authors": ["@SUM(A1)", "-2+3"]})
    assert cli("tag", "--db", str(db), ID, "--", "-cmd").returncode == 0
    text = cli("export", "--format", "csv", "--db", str(db)).stdout.decode()
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert rows[ID]["title"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[ID]["tags"] == "'-cmd"
    assert rows["2601.00002"]["title"] == "'+1 trick"
    assert rows["2601.00002"]["authors"] == "'@SUM(A1); -2+3"
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())


@pytest.mark.parametrize("fmt", ["markdown", "json", "bibtex", "csv"])
def test_every_export_strips_control_characters(db: Path, cli: Cli, fmt: str) -> None:
    edit(db, "papers", ID, {"title": "Title\x1b]52;c;cm0gLXJm\x07 \x1b[2Jnow\x9b31m", "authors": ["Ann\x00 Bee"],
                            "links": [{"url": "https://x.org/\x1b[1m", "kind": "other"}]})
    edit(db, "papers", "2601.00002", {"abstract": "An abstract\x1b[31m in red\x08."})
    edit(Layout(db).state, "state", ID, {"note": "a note\x1b]0;owned\x07 with a bell\x07", "tags": ["t\x1bag"]})
    result = cli("export", "--format", fmt, "--db", str(db))
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode()
    assert not CONTROL.search(text), repr(CONTROL.search(text))
    assert "\\u001b" not in text and "\\u0007" not in text  # nor escaped (JSON)
    assert "now" in text and "Ann Bee" in text
    if fmt == "json":
        assert any(record["note"] == "a note with a bell" for record in json.loads(text))


def test_per_paper_files_strip_control_characters(db: Path, cli: Cli, tmp_path: Path) -> None:
    edit(db, "papers", ID, {"title": "Title\x1b[2J here"})
    vault = tmp_path / "vault"
    assert cli("export", "--per-paper", str(vault), "--db", str(db)).returncode == 0
    for file in vault.iterdir():
        text = file.read_text()
        assert not CONTROL.search(text) and "\\u001b" not in text
