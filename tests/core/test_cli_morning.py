"""The command line's small promises: a store in a new folder, which store is in use, what show and list say."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.realfiles import IMPORTERS


def reader(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "READER_DB"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *args], capture_output=True, text=True, env={**clean, **(env or {})},
        timeout=60, stdin=subprocess.DEVNULL,
    )


def test_a_store_in_a_missing_folder_is_refused_in_one_line_saying_why(tmp_path: Path) -> None:
    """A --db folder is never made where a typo points; the default store's folder is."""
    db = tmp_path / "new" / "library.json"
    done = reader("--db", str(db), "import", str(IMPORTERS / "hf_daily_new.json"))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr == f"error: {db}: directory {db.parent} does not exist\n"
    assert not db.parent.exists()


def test_config_names_the_store_the_environment_chose(tmp_path: Path) -> None:
    chosen = tmp_path / "elsewhere" / "library.json"
    done = reader("config", env={"READER_DB": str(chosen), "READER_CONFIG": str(tmp_path / "config.toml")})
    assert done.returncode == 0, done.stderr
    assert f"# the store in use: {chosen} (from $READER_DB)" in done.stdout.splitlines()


def test_show_has_the_published_date_and_upvotes(tmp_path: Path) -> None:
    db = str(tmp_path / "library.json")
    assert reader("--db", db, "import", str(IMPORTERS / "hf_daily_new.json")).returncode == 0
    shown = reader("--db", db, "show", "2504.07001")
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "published: 2025-04-09" in lines and "upvotes:   88" in lines


def test_list_says_when_the_store_is_empty_and_explains_its_flags(tmp_path: Path) -> None:
    db = str(tmp_path / "library.json")
    empty = reader("--db", db, "list")
    assert empty.returncode == 0 and empty.stdout == ""
    assert "the store is empty" in empty.stderr
    assert reader("--db", db, "import", str(IMPORTERS / "hf_daily_new.json")).returncode == 0
    assert reader("--db", db, "mark", "2504.07001", "--reading").returncode == 0
    piped = reader("--db", db, "list")
    assert "flags:" not in piped.stdout  # a script gets the rows alone
    assert piped.stdout.splitlines()[0].startswith("r-C  2504.07001")
    none = reader("--db", db, "list", "--starred")
    assert none.stdout == "" and "no paper matches these filters" in none.stderr
    main, child = pty.openpty()  # a person at a terminal gets the legend
    try:
        done = subprocess.run(
            [sys.executable, "-m", "reader", "--db", db, "list"], stdout=child, stderr=subprocess.PIPE, timeout=60,
            env={k: v for k, v in os.environ.items() if k != "READER_DB"},
        )
        os.close(child)
        output = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(main)
    assert done.returncode == 0
    assert "flags: R read, r reading, * starred, C has a code link" in output.decode()
