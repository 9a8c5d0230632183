"""Every export shape read back by a real parser: markdown-it, PyYAML, bibtexparser, csv, biber."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
import yaml
from markdown_it import MarkdownIt

from reader import cli
from reader.core import library
from reader.core.importers import ParsedFile
from reader.core.models import Link, ParsedPaper
from reader.core.store import Store

# Made-up titles that break naive writers: Markdown, YAML, BibTeX and CSV structure.
TRICKY = [
    "[bold]x[/]",
    "# x",
    "a | b",
    "*x* marks the spot",
    "Key: value # not a comment",
    "\"Quoted\" and 'single'",
    "[leading bracket] then text",
    "AT&amp;T <b>bold</b> & $5 ~ `tick` _u_ ![img](x) \\back {brace} 100% ^hat",
    "Ünïcödé – dash — 中文 🚀",
    "- looks like a list",
    "1. looks ordered",
    "A title broken\n  over two lines",
]
NOTE = 'first line, with a comma\n# a heading inside the note\nsaid "hello" > quoted'


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("READER_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("READER_DB", raising=False)
    path = tmp_path / "library.json"
    papers = [
        ParsedPaper(
            title=title,
            arxiv_id=None if number in (0, 6, 9) else f"2401.{number:05d}",
            authors=("Ann O'Neil", "Bo {Li} & Co", "Jörg Müller_2"),
            abstract=f"Abstract {number}: uses 50% less $cost$ #{number}.",
            published="2024-01-15",
            links=(Link(url=f"https://github.com/made-up/repo{number}", kind="code", repo=f"made-up/repo{number}"),),
            keywords=("cs.CL",) if number == 1 else (),
        )
        for number, title in enumerate(TRICKY)
    ]
    store = Store(path)
    try:
        library.import_parsed(store, [ParsedFile(path=tmp_path / "made-up.txt", format="test", papers=papers)])
        ids = [entry.id for entry in store.entries()]
        store.set_state(ids[:3], status="reading", starred=True, note=NOTE, tags=("c++", "a|b", "ml"))
    finally:
        store.close()
    return path


def export(db: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(["export", *args, "--db", str(db)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def records(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    assert cli.main(["list", "--json", "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)


def headings(markdown: str, level: int) -> list[str]:
    """Top-level heading texts as a CommonMark parser sees them; any inline markup fails the test."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == f"h{level}" and token.level == 0:
            inline = tokens[index + 1]
            kinds = {child.type for child in inline.children or []}
            assert kinds <= {"text"}, (inline.content, kinds)
            found.append("".join(child.content for child in inline.children or []))
    return found


# -- Markdown ---------------------------------------------------------------------


def test_markdown_headings_reparse_to_the_titles(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = export(db, capsys, "--format", "markdown")
    assert headings(text, 2) == [squash(t) for t in TRICKY]
    assert headings(text, 1) == ["Reading notes"]


def test_markdown_note_heading_stays_inside_its_quote(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tokens = MarkdownIt("commonmark").parse(export(db, capsys))
    depth = 0
    quoted_headings = 0
    for token in tokens:
        depth += {"blockquote_open": 1, "blockquote_close": -1}.get(token.type, 0)
        if token.type == "heading_open" and depth:
            quoted_headings += 1
    assert quoted_headings == 3  # the note's "# a heading" in each of the three noted papers


def test_template_fills_fields_and_keeps_titles_text(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "paper.md"
    template.write_text("### $title\n\n${authors} | $status $starred | costs $$5\n\n$links\n\n$note\n")
    text = export(db, capsys, "--template", str(template))
    assert headings(text, 3) == [squash(t) for t in TRICKY]
    assert text.count("costs $5") == len(TRICKY)
    assert text.count("| reading starred | costs") == 3
    assert text.count("> # a heading inside the note") == 3
    assert "- code: <https://github.com/made-up/repo0>" in text


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("## $title\n\n$author\n", 3, "unknown field $author"),
        ("## $title\n\ncosts $ 5\n", 3, "a '$' that starts no field"),
        ("${nope}\n", 1, "unknown field $nope"),
    ],
)
def test_bad_template_is_one_line_naming_file_and_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, problem: str
) -> None:
    template = tmp_path / "bad.md"
    template.write_text(body)
    target = tmp_path / "out.md"
    code = cli.main(["export", "--template", str(template), "-o", str(target), "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(f"error: {template}: line {line}: {problem}")
    assert err.count("\n") == 1
    assert not target.exists()


def test_template_with_a_non_markdown_format_is_a_usage_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "t.md"
    template.write_text("$title\n")
    assert cli.main(["export", "--format", "csv", "--template", str(template), "--db", str(db)]) == 2
    assert "--template shapes Markdown only, not csv" in capsys.readouterr().err


# -- per-paper files with YAML front matter ------------------------------------------------


def split_front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    head, body = text[4:].split("\n---\n", 1)
    data = yaml.safe_load(head)
    assert isinstance(data, dict)
    return data, body


def test_per_paper_front_matter_is_valid_yaml(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault = tmp_path / "vault"
    assert cli.main(["export", "--per-paper", str(vault), "--db", str(db)]) == 0
    assert capsys.readouterr().err == f"wrote {len(TRICKY)} files to {vault}\n"
    by_id = {record["id"]: record for record in records(db, capsys)}
    files = sorted(vault.iterdir())
    assert len(files) == len(TRICKY)
    seen = set()
    for path in files:
        data, body = split_front_matter(path.read_text(encoding="utf-8"))
        record = by_id[data["id"]]
        seen.add(data["id"])
        assert data == {
            "id": record["id"],
            "title": squash(record["title"]),
            "arxiv": record["arxiv_id"],
            "authors": record["authors"],
            "status": record["status"],
            "starred": record["starred"],
            "tags": record["tags"],
            "links": [link["url"] for link in record["links"]],
            "added": record["added_at"],
        }
        assert headings(body, 1) == [squash(record["title"])]
    assert seen == set(by_id)


def test_per_paper_names_are_safe_unique_and_stable(db: Path, tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    mine = vault / "a b.md"  # "a | b" would be named this: the user's own note must survive
    mine.write_text("my own note\n")
    assert cli.main(["export", "--per-paper", str(vault), "--db", str(db)]) == 0
    names = sorted(p.name for p in vault.iterdir())
    assert mine.read_text() == "my own note\n"
    assert len(names) == len(TRICKY) + 1
    assert len({n.casefold() for n in names}) == len(names)
    for name in names:
        assert re.fullmatch(r"[\w\s\-(),'.]+\.md", name), name
        assert len(name.encode()) <= 160
        assert not name.startswith((".", "-", " "))
    moved = [n for n in names if n.startswith("a b (")]
    assert len(moved) == 1
    before = {p.name: p.read_bytes() for p in vault.iterdir()}
    assert cli.main(["export", "--per-paper", str(vault), "--db", str(db)]) == 0
    assert {p.name: p.read_bytes() for p in vault.iterdir()} == before


def test_per_paper_into_a_file_is_refused(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "file.md"
    plain.write_text("x")
    assert cli.main(["export", "--per-paper", str(plain), "--db", str(db)]) == 1
    assert capsys.readouterr().err == f"error: {plain}: is not a directory; --per-paper takes a folder\n"
    assert plain.read_text() == "x"


# -- BibTeX -------------------------------------------------------------------------------

_UNESCAPE = {
    r"\textbackslash{}": "\\", r"\textbraceleft{}": "{", r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
    r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_",
}


def unlatex(text: str) -> str:
    pattern = "|".join(re.escape(k) for k in sorted(_UNESCAPE, key=len, reverse=True))
    return re.sub(pattern, lambda m: _UNESCAPE[m.group()], text)


def test_bibtex_parses_back_with_unique_keys(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "papers.bib"
    assert cli.main(["export", "--format", "bibtex", "-o", str(target), "--db", str(db)]) == 0
    library = bibtexparser.parse_string(target.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    assert len(library.entries) == len(TRICKY)
    by_key = {entry.key: entry for entry in library.entries}
    assert len(by_key) == len(TRICKY)
    by_id = {record["id"]: record for record in records(db, capsys)}
    for record in by_id.values():
        key = f"arXiv:{record['arxiv_id']}" if record["arxiv_id"] else f"reader:{record['id']}"
        entry = by_key[key]
        fields = {field.key: field.value for field in entry.fields}
        assert entry.entry_type == "misc"
        # bibtexparser drops the delimiting braces: the protecting pair is left
        assert fields["title"].startswith("{") and fields["title"].endswith("}")
        assert unlatex(fields["title"][1:-1]) == squash(record["title"])
        assert unlatex(fields["author"]).split(" and ") == record["authors"]
        assert fields["year"] == "2024"
        if record["arxiv_id"]:
            assert (fields["eprint"], fields["archivePrefix"]) == (record["arxiv_id"], "arXiv")
        else:
            assert "eprint" not in fields
    assert {f.key: f.value for f in by_key["arXiv:2401.00001"].fields}["primaryClass"] == "cs.CL"
    noted = [e for e in library.entries if "annote" in {f.key for f in e.fields}]
    assert len(noted) == 3
    assert unlatex({f.key: f.value for f in noted[0].fields}["annote"]) == squash(NOTE)


def test_bibtex_keys_are_stable_across_exports(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = export(db, capsys, "--format", "bibtex")
    assert export(db, capsys, "--format", "bibtex") == first


# biber is an extra check where it is installed (the read-back above runs everywhere): where it
# is not, this test is not defined rather than skipped.
BIBER = shutil.which("biber")
if BIBER is not None:

    def test_bibtex_validates_with_biber(db: Path, tmp_path: Path) -> None:
        target = tmp_path / "papers.bib"
        assert cli.main(["export", "--format", "bibtex", "-o", str(target), "--db", str(db)]) == 0
        result = subprocess.run(
            [BIBER, "--tool", "--validate-datamodel", "--output-file", str(tmp_path / "out.bib"), str(target)],
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARN" not in result.stdout and "ERROR" not in result.stdout, result.stdout
        assert (tmp_path / "out.bib").read_text(encoding="utf-8").count("@MISC{") == len(TRICKY)


# -- CSV and JSON ---------------------------------------------------------------------------


def test_csv_round_trips_notes_and_titles(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = export(db, capsys, "--format", "csv")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_id = {record["id"]: record for record in records(db, capsys)}
    assert len(rows) == len(TRICKY)
    for row in rows:
        record = by_id[row["id"]]
        title = record["title"]
        assert row["title"] == ("'" + title if title.startswith(("=", "+", "-", "@")) else title)
        assert row["note"] == record["note"]
        assert row["tags"] == "; ".join(record["tags"])
        assert row["authors"] == "; ".join(record["authors"])
        assert row["starred"] == ("true" if record["starred"] else "false")
    assert sum(row["note"] == NOTE for row in rows) == 3


def test_json_export_equals_list_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(export(db, capsys, "--format", "json")) == records(db, capsys)


def test_default_format_comes_from_the_settings(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "config.toml"
    settings.write_text('[export]\nformat = "csv"\n')
    monkeypatch.setenv("READER_CONFIG", str(settings))
    assert export(db, capsys).startswith("id,title,arxiv_id,")
    assert export(db, capsys, "--format", "markdown").startswith("# Reading notes")
