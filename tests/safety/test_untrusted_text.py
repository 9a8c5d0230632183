"""Promise 6 (core side): escape sequences in imported or typed text never reach
the terminal from ``reader list``/``show``, and never reach the store."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson

from reader.core import library
from reader.core.importers import ParsedFile
from reader.core.models import Link, ParsedPaper
from reader.core.store import Store

Cli = Callable[..., subprocess.CompletedProcess[bytes]]

CLEAR = "\x1b[2J"
OSC52 = "\x1b]52;c;ZXZpbA==\x07"
C1 = "\x9b31m"


def test_escapes_in_imported_and_typed_text_are_neutralised(tmp_path: Path, cli: Cli) -> None:
    db = tmp_path / "library.json"
    hostile = ParsedPaper(
        title=f"Invisible{CLEAR} ink{OSC52} study{C1}",
        abstract=f"Abstract\x07 with a bell and {CLEAR}a clear.",
        authors=(f"Ann{OSC52} Author",),
        links=(Link(url=f"https://example.org/x{CLEAR}", kind="project"),),
    )
    store = Store(db)
    try:
        library.import_parsed(store, [ParsedFile(tmp_path / "made-up.txt", "test", [hostile])])
        [entry] = store.entries()
        store.set_state([entry.id], note=f"my{OSC52} note\twith a tab\nand a line", tags=(f"t{CLEAR}ag", "\x1b"))
    finally:
        store.close()
    raw = db.read_bytes() + (tmp_path / "library.state.json").read_bytes()
    assert b"\x1b" not in raw and b"\\u001b" not in raw and b"\\u009b" not in raw and b"\\u0007" not in raw
    for args in (["list"], ["show", entry.id], ["list", "--json"], ["search", "invisible"]):
        result = cli(*args, "--db", str(db))
        assert result.returncode == 0, result.stderr
        assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout, args
        assert "\x9b" not in result.stdout.decode()
    shown = cli("show", entry.id, "--json", "--db", str(db))
    [record] = orjson.loads(shown.stdout)
    assert record["title"] == "Invisible ink study31m"
    assert record["note"] == "my note\twith a tab\nand a line"
    assert record["tags"] == ["tag"]


def test_a_note_typed_on_the_command_line_is_cleaned(
    tmp_path: Path, cli: Cli, make_store: Callable[[Path, int], list[str]]
) -> None:
    db = tmp_path / "library.json"
    ids = make_store(db, 1)
    assert cli("note", ids[0], "-", "--db", str(db), stdin=f"a{OSC52}b{CLEAR}c".encode()).returncode == 0
    assert cli("tag", ids[0], f"x{CLEAR}y", "--db", str(db)).returncode == 0
    [record] = orjson.loads(cli("show", ids[0], "--json", "--db", str(db)).stdout)
    assert (record["note"], record["tags"]) == ("abc", ["xy"])
