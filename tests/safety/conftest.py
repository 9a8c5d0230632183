"""Fixtures for the tests that try to break the store: stores with made-up papers, the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core import library
from reader.core.importers import ParsedFile
from reader.core.models import ParsedPaper
from reader.core.store import Store

CHILD = Path(__file__).with_name("child_writer.py")


def _papers(count: int) -> list[ParsedPaper]:
    return [
        ParsedPaper(
            title=f"Made-up study number {number} of sturdy storage",
            abstract=f"An invented abstract for paper {number}.",
            arxiv_id=f"2601.{number:05d}",
        )
        for number in range(count)
    ]


@pytest.fixture
def make_store() -> Callable[[Path, int], list[str]]:
    """Create a store at a path with ``count`` made-up papers; return their ids, sorted."""

    def make(path: Path, count: int) -> list[str]:
        store = Store(path)
        try:
            library.import_parsed(store, [ParsedFile(path.with_suffix(".txt"), "test", _papers(count))])
            return sorted(entry.id for entry in store.entries())
        finally:
            store.close()

    return make


@pytest.fixture
def small_db(tmp_path: Path, make_store: Callable[[Path, int], list[str]]) -> Path:
    """A store of three made-up papers (``2601.00000`` to ``2601.00002``) in a folder of its own."""
    path = tmp_path / "store" / "library.json"
    path.parent.mkdir()
    make_store(path, 3)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the lock, byte for byte: what "nothing was written" compares."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("READER_DB", "READER_DEBUG")}


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run ``reader`` as a real process; output kept as bytes (escape bytes must be visible)."""

    def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args],
            capture_output=True, input=stdin, env=clean_env(), timeout=60,
        )

    return run


@pytest.fixture
def child() -> Callable[..., subprocess.Popen[str]]:
    """Start the child writer (see child_writer.py) with its output on a pipe."""

    def start(db: Path, mode: str, first: int, stop: int) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, str(CHILD), str(db), mode, str(first), str(stop)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(),
        )

    return start
