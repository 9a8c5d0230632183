"""The terminal app. ``make_app`` is the one factory the CLI, tests and benchmarks share."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from types import FrameType

from reader.core import config, library
from reader.core.errors import ReaderError
from reader.core.store import Store
from reader.tui.app import ReaderApp, make_app

__all__ = ["ReaderApp", "demo_app", "demo_store", "make_app", "run_app", "run_demo", "sample_page"]


def check_terminal() -> None:
    """Refuse terminals that cannot show the app, before it takes the screen."""
    if os.environ.get("TERM", "") == "dumb":
        raise ReaderError("this terminal (TERM=dumb) cannot show the app; use the commands (reader --help)")


def run_app(store: Store) -> None:
    check_terminal()
    app = make_app(store, settings=config.load(), remember_theme=True)
    with _exit_on_hangup(app):
        app.run()


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


def demo_app(store: Store) -> ReaderApp:
    """The demo's app: the user's settings are read, and never written (a theme tried here stays here)."""
    return make_app(store, demo=True, settings=config.load(), remember_theme=False)


def run_demo() -> None:
    """Open the app on the bundled sample in a throwaway store, removed afterwards."""
    check_terminal()
    with demo_store() as store:
        app = demo_app(store)
        with _exit_on_hangup(app):
            app.run()


@contextmanager
def _exit_on_hangup(app: ReaderApp) -> Iterator[None]:
    """A closed terminal window (SIGHUP) or a kill (SIGTERM) ends the app normally.

    Without this the process dies at once: the terminal is left in the app's mode,
    the demo's temporary folder stays behind, and a note still being typed is
    lost. Every other change is already on disk; the open note is saved first.
    """

    def stop(signum: int, frame: FrameType | None) -> None:
        app.hang_up()

    wanted = [signal.SIGHUP, signal.SIGTERM] if hasattr(signal, "SIGHUP") else [signal.SIGTERM]
    previous = {signum: signal.signal(signum, stop) for signum in wanted}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
