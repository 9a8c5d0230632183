"""Two machines syncing through a bare repository on disk: each a real store in a folder of its own."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from reader.core import library, sync
from reader.core.importers import ParsedFile
from reader.core.models import Entry, ParsedPaper
from reader.core.store import Store
from reader.core.sync.run import SyncReport

PAPERS = 12


def made_up(count: int, start: int = 0, prefix: str = "Made-up study") -> list[ParsedPaper]:
    """Papers with arXiv ids, authors, years and abstracts, none of them real."""
    return [
        ParsedPaper(
            title=f"{prefix} number {number} of merging notebooks",
            abstract=f"An invented abstract for paper {number}, about keeping notes in step.",
            arxiv_id=f"2602.{number:05d}",
            authors=(f"Ada Author{number}", "Bo Coauthor"),
            published="2026-02-01",
        )
        for number in range(start, start + count)
    ]


def import_into(store: Store, papers: Sequence[ParsedPaper], name: str = "made-up.txt") -> None:
    library.import_parsed(store, [ParsedFile(store.path.with_name(name), "test", list(papers))])


@dataclass
class Machine:
    """One machine's store, and what a user does on it."""

    store: Store

    def sync(self) -> SyncReport:
        return sync.sync(self.store)

    def entries(self) -> dict[str, Entry]:
        """Every paper as on disk now, by id, in store order."""
        fresh = Store(self.store.path)
        try:
            return {entry.id: entry for entry in fresh.entries()}
        finally:
            fresh.close()

    def set(self, paper_id: str, **changes: object) -> None:
        self.store.set_state([paper_id], **changes)


def make_remote(path: Path) -> Path:
    subprocess.run(["git", "init", "--bare", "--quiet", str(path)], check=True)
    subprocess.run(["git", "--git-dir", str(path), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    return path


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    """An empty bare repository: the remote both machines sync with."""
    return make_remote(tmp_path / "remote.git")


@pytest.fixture
def machine(tmp_path: Path) -> Iterator[Callable[[str], Machine]]:
    """A machine with an empty store in its own folder (``name/library.json``)."""
    opened: list[Store] = []

    def make(name: str) -> Machine:
        folder = tmp_path / name
        folder.mkdir()
        store = Store(folder / "library.json")
        opened.append(store)
        return Machine(store)

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def pair(machine: Callable[[str], Machine], remote: Path) -> tuple[Machine, Machine]:
    """Machine ``a`` with ``PAPERS`` papers set up to sync, and ``b`` that took its library from the remote."""
    a, b = machine("a"), machine("b")
    import_into(a.store, made_up(PAPERS))
    sync.init(a.store, str(remote))
    sync.init(b.store, str(remote))
    return a, b


def ids(count: int = PAPERS) -> list[str]:
    return [f"2602.{number:05d}" for number in range(count)]


def settle(*machines: Machine) -> None:
    """Sync each machine, then each again: afterwards all hold the same library."""
    for each in (*machines, *machines):
        each.sync()
