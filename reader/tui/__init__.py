"""The terminal app. ``make_app`` is the one factory the CLI, tests and benchmarks share."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from reader.core import library
from reader.core.errors import ReaderError
from reader.core.store import Store
from reader.tui.app import ReaderApp, make_app

__all__ = ["ReaderApp", "demo_store", "make_app", "run_app", "run_demo", "sample_page"]


def check_terminal() -> None:
    """Refuse terminals that cannot show the app, before it takes the screen."""
    if os.environ.get("TERM", "") == "dumb":
        raise ReaderError("this terminal (TERM=dumb) cannot show the app; use the commands (reader --help)")


def run_app(store: Store) -> None:
    check_terminal()
    make_app(store).run()


def sample_page() -> Path:
    """The bundled sample page (our own made-up papers)."""
    return Path(str(resources.files("reader.data").joinpath("sample_page.txt")))


@contextmanager
def demo_store() -> Iterator[Store]:
    """A store holding the bundled sample, in a fresh temporary folder deleted on exit."""
    folder = Path(tempfile.mkdtemp(prefix="reader-demo-"))
    try:
        store = Store(folder / "library.json")
        try:
            library.import_paths(store, [sample_page()])
            yield store
        finally:
            store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_demo() -> None:
    """Open the app on the bundled sample in a throwaway store, removed afterwards."""
    check_terminal()
    with demo_store() as store:
        make_app(store, demo=True, export_dir=Path.cwd()).run()
