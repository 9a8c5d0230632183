"""``reader import`` as a real process: exit codes, the one-line error, all or none."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.importers import read_file
from tests.realfiles import IMPORTERS, Page, if_present, real

FIXTURES = IMPORTERS
REPR_FILES = [
    pytest.param(FIXTURES / "hf_daily_repr_strings.json", id="ours"),
    *if_present(pytest.param(real("hf-daily-papers-api_2024-12-11_python-repr-strings.json"), id="real")),
]


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"READER_DB", "READER_DEBUG"}}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the store and its backups, byte for byte (lock files aside)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def db(tmp_path: Path, page: Page) -> Path:
    """A store in a folder of its own holding a saved papers page (ours, and the real one when present)."""
    path = tmp_path / "store" / "library.json"
    path.parent.mkdir()
    result = run(path, "import", str(page.path))
    assert result.returncode == 0, result.stderr
    return path


def listed(db: Path) -> list[dict]:
    result = run(db, "list", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


BAD_INPUTS: dict[str, bytes] = {
    "empty.txt": b"",
    "binary.bin": b"\x00\x01\x02PK\x03\x04" * 100,
    "notes.txt": b"eggs\nmilk\nbread\n",
    "latin1.txt": b"Title\n\ncaf\xe9\n",
    "truncated.json": b'[{"paper": {"id": "2501.00001", "title": "A',
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_file_is_one_line_exit_1_store_untouched(db: Path, tmp_path: Path, name: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(BAD_INPUTS[name])
    before = snapshot(db.parent)
    result = run(db, "import", str(bad))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}: "), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db.parent) == before


@pytest.mark.parametrize("broken", REPR_FILES)
def test_python_repr_file_is_refused(db: Path, broken: Path) -> None:
    before = snapshot(db.parent)
    result = run(db, "import", str(broken))
    assert (result.returncode, result.stderr) == (
        1,
        f"error: {broken}: line 2: item 1 is a string holding a Python dict repr, not a JSON object "
        "(the file was saved with str() instead of json.dump)\n",
    )
    assert snapshot(db.parent) == before


def inbox(tmp_path: Path) -> Path:
    """A folder of three good paper lists."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("hf_browser_copy.txt", "handkept.bib", "arxiv_ids.txt"):
        shutil.copy(FIXTURES / name, folder / name)
    return folder


def test_directory_with_one_bad_file_imports_nothing(db: Path, page: Page, tmp_path: Path) -> None:
    folder = inbox(tmp_path)
    bad = folder / "zz-broken.json"
    bad.write_text('[{"paper": {"id": "2501.00001", "title": "Cut off')
    before = snapshot(db.parent)
    result = run(db, "import", str(folder))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {bad}: line 1: JSON ends early (the file looks truncated); nothing was imported (all or none): "
        "--keep-going imports the files that can be read\n"
    )
    assert snapshot(db.parent) == before
    assert len(listed(db)) == page.count


def test_keep_going_imports_the_good_files_and_names_each_refused_one(db: Path, page: Page, tmp_path: Path) -> None:
    folder = inbox(tmp_path)
    cut = folder / "cut.json"
    cut.write_text('[{"paper": {"id": "2501.00001", "title": "Cut off')
    shopping = folder / "shopping.txt"
    shopping.write_text("eggs\nmilk\n")
    expected = {p.name: len(read_file(p).papers) for p in sorted(folder.iterdir()) if p not in (cut, shopping)}
    result = run(db, "import", "--keep-going", str(folder))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"refused: {cut}: line 1: JSON ends early (the file looks truncated)"
    assert lines[1].startswith(f"refused: {shopping}: not a paper list: expected")
    assert lines[2:] == ["error: 2 of 5 files refused (listed above); the other 3 imported"]
    for name, count in expected.items():
        assert f"{folder / name} (" in result.stdout and f"): {count} papers" in result.stdout
    assert len(listed(db)) > page.count
    again = run(db, "import", "--keep-going", str(cut))  # nothing readable: nothing written
    assert again.returncode == 1
    assert again.stderr.splitlines()[-1] == "error: 1 of 1 files refused (listed above); none imported"


def test_huge_single_line_refused(db: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"z" * 50_000_000)
    before = snapshot(db.parent)
    result = run(db, "import", str(huge))
    assert result.returncode == 1
    assert result.stderr.endswith("(it has a line of 50,000,000 characters)\n")
    assert snapshot(db.parent) == before


def test_help_says_all_or_none(tmp_path: Path) -> None:
    result = run(tmp_path / "x.json", "import", "--help")
    assert result.returncode == 0
    assert "all or none" in " ".join(result.stdout.split())


def test_several_sources_one_paper_each_and_the_summary_says_what_was_merged(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    stubs = run(db, "import", str(FIXTURES / "arxiv_ids.txt"))
    assert stubs.returncode == 0, stubs.stderr
    assert stubs.stdout.splitlines() == [
        f"{FIXTURES / 'arxiv_ids.txt'} (arxiv-ids): 6 papers",
        "6 new, 0 updated, 0 unchanged",
    ]
    result = run(db, "import", str(FIXTURES / "hf_clipper.md"), str(FIXTURES / "handkept.bib"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{FIXTURES / 'hf_clipper.md'} (hf-page): 2 papers; 0 new, 2 updated, 0 unchanged; "
        "filled in: abstract (2), links (2), listing_date (2), published (1), title (2)",
        # garden and lanterns gain authors; the two stubs gain everything; one paper is new
        f"{FIXTURES / 'handkept.bib'} (bibtex): 5 papers; 1 new, 4 updated, 0 unchanged; "
        "filled in: abstract (1), authors (4), keywords (1), links (2), published (3), title (2)",
        "1 new, 6 updated, 0 unchanged; filled in: abstract (3), authors (4), keywords (1), links (4), "
        "listing_date (2), published (4), title (4)",
    ]
    records = {r["id"]: r for r in listed(db)}
    assert len(records) == 7
    garden = records["2503.01234"]
    assert garden["title"] == "Gradient Gardening: Pruning Attention Heads by Their Seasonal Bloom"
    assert garden["authors"] == ["Maëlle Møller", "José Çelik", "Anouk van der Berg"]
    assert garden["upvotes"] == 42 and garden["stars"] == 1200
    assert [link["url"] for link in garden["links"]] == [
        "https://arxiv.org/abs/2503.01234",
        "https://github.com/made-up-lab/gradient-gardening",
    ]
    assert records["2501.11111"]["title"] == "arXiv:2501.11111"  # still a stub: nothing filled it


def test_later_import_never_overwrites_what_the_user_wrote(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    assert run(db, "import", str(FIXTURES / "hf_browser_copy.txt")).returncode == 0
    assert run(db, "note", "2503.01234", "my own words").returncode == 0
    assert run(db, "tag", "2503.01234", "pruning").returncode == 0
    result = run(db, "import", str(FIXTURES / "handkept.bib"))
    assert result.returncode == 0, result.stderr
    garden = next(r for r in listed(db) if r["id"] == "2503.01234")
    assert (garden["note"], garden["tags"]) == ("my own words", ["pruning"])
    assert garden["authors"] == ["Maëlle Møller", "José Çelik", "Anouk van der Berg"]
    assert garden["upvotes"] == 42


def test_progress_bar_for_many_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.progress import import_progress

    import_progress(1, 4, tmp_path / "b.txt")
    import_progress(4, 4, tmp_path / "d.txt")
    import_progress(0, 1, FIXTURES / "arxiv_ids.txt")  # one small file: no bar
    err = capsys.readouterr().err
    assert err.split("\r")[1:] == [
        "[######..................] 1/4 files  b.txt" + " " * 35,
        "[########################] 4/4 files  d.txt" + " " * 35,
    ]
