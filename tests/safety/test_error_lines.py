"""Whatever a file name or an argument holds, an error is one clean line, and it is the first line on stderr."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.safety.conftest import clean_env, snapshot

Cli = Callable[..., subprocess.CompletedProcess[bytes]]
ID = "2601.00001"


def run(*args: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``reader`` with arguments that may be raw bytes, as a shell passes them."""
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, input=stdin,
                          env=clean_env(), timeout=60)


def one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8")
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert all(ch.isprintable() for ch in err[:-1]), err
    return err[len("error: "):-1]


@pytest.fixture
def db(small_db: Path) -> Path:
    return small_db


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ((b"note", ID.encode(), b"caf\xe9"), "the note 'caf\\udce9'"),
        ((b"tag", ID.encode(), b"ok", b"\xff"), "the tag '\\udcff'"),
        ((b"search", b"gr\xfcn"), "the query 'gr\\udcfcn'"),
        ((b"fetch", b"--arxiv", b"au:m\xfcller"), "--arxiv 'au:m\\udcfcller'"),
    ],
    ids=["note", "tag", "search", "fetch"],
)
def test_arguments_that_are_not_utf8_text_are_refused(db: Path, args: tuple[bytes, ...], said: str) -> None:
    before = snapshot(db.parent)
    result = run(*args, b"--db", str(db).encode())
    assert result.returncode == 2
    assert one_error_line(result) == f"{said} is not valid UTF-8 text"
    assert snapshot(db.parent) == before


def test_a_note_on_stdin_that_is_not_utf8(db: Path) -> None:
    before = snapshot(db.parent)
    result = run("note", ID, "-", "--db", str(db), stdin=b"caf\xe9 au lait\n")
    assert (result.returncode, one_error_line(result)) == (1, "the note on stdin is not valid UTF-8 (byte 3)")
    assert snapshot(db.parent) == before


def test_file_names_with_control_characters_stay_on_one_line(db: Path, tmp_path: Path) -> None:
    evil = tmp_path / "bad\nname\x1b]0;owned\x07\x1b[2J.txt"
    evil.write_text("eggs\nmilk\n")
    result = run("import", str(evil), "--db", str(db))
    assert result.returncode == 1
    message = one_error_line(result)
    assert message.startswith(str(tmp_path) + "/bad\\nname\\x1b]0;owned\\x07\\x1b[2J.txt: not a paper list")
    missing = run("import", str(tmp_path / "gone\r\n.txt"), "--db", str(db))
    assert one_error_line(missing) == f"{tmp_path}/gone\\r\\n.txt: no such file"
    raw = run(b"import", str(tmp_path).encode() + b"/caf\xe9.txt", b"--db", str(db).encode())
    assert one_error_line(raw) == f"{tmp_path}/caf\\udce9.txt: no such file"


def test_a_file_name_that_is_not_utf8_still_imports(db: Path, tmp_path: Path) -> None:
    name = str(tmp_path).encode() + b"/list-\xe9.txt"
    Path(name.decode("utf-8", "surrogateescape")).write_text("2401.00001\n")
    result = run(b"import", name, b"--db", str(db).encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == (
        f"{tmp_path}/list-\\xe9.txt (arxiv-ids): 1 papers\n1 new, 0 updated, 0 unchanged\n"
    )


def test_bibtex_parser_messages_never_come_before_the_error(db: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.bib"
    broken.write_text("@article{a,\n title = {Fine},\n}\n\n@article{b,\n title = {Broken\n\n@misc{c, title={x}}\n")
    result = run("import", str(broken), "--db", str(db))
    assert result.returncode == 1
    assert one_error_line(result) == f"{broken}: line 5: broken BibTeX entry: @article{{b,"
