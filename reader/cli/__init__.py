"""The command line: parse arguments, call the core, or open the app.

Scripts depend on this surface: one ``error:`` line on stderr and exit 1 for
anything a user can fix, exit 2 for a wrong command line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from reader.cli.parser import UsageError, build_parser
from reader.core import config
from reader.core.errors import ReaderError, StoreError
from reader.core.store import Store
from reader.core.text import is_text, one_line

__all__ = ["main", "run"]


def cmd_app(store: Store) -> int:
    from reader.tui import run_app

    run_app(store)
    return 0


def cmd_demo() -> int:
    from reader.tui import run_demo

    run_demo()
    return 0


# Each command's module is imported only when that command runs: marking a paper
# never loads the importers, the search index or the app.
COMMANDS = {
    "import": "papers",
    "list": "papers",
    "search": "papers",
    "export": "papers",
    "fetch": "papers",
    "related": "papers",
    "delete": "papers",
    "stats": "papers",
    "show": "marks",
    "mark": "marks",
    "note": "marks",
    "tag": "marks",
    "subscriptions": "feed",
    "triage": "feed",
    "skip": "feed",
    "keep": "feed",
    "subscribe": "feed",
    "unsubscribe": "feed",
    "sync": "syncing",
}
UPKEEP = ("config", "doctor", "restore", "subscribe", "unsubscribe")  # they work without opening a store


def open_store(db: str | os.PathLike[str] | None = None) -> Store:
    """Open the store named by ``--db``, ``$READER_DB``, the settings or the default location."""
    path, is_default = config.store_location(db)
    if is_default:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the data directory: {exc.strerror or exc}", path=path.parent) from None
    return Store(path)


def _command(name: str) -> Callable[..., int]:
    module = importlib.import_module(f"reader.cli.{COMMANDS.get(name, 'upkeep')}")
    return getattr(module, f"cmd_{name}")  # type: ignore[no-any-return]


# Arguments that name files or ids, not text to keep: bytes that are not UTF-8 are fine in a file name.
_NOT_TEXT = frozenset({"db", "id", "ids", "backup", "command", "action", "key", "remote"})


_SAID = {"text": "the note", "tags": "the tag", "query": "the query", "value": "the value"}


def _check_text(args: argparse.Namespace) -> None:
    """Text a command keeps or sends (a note, tags, a query) must be valid UTF-8."""
    for name, value in vars(args).items():
        if name in _NOT_TEXT:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and not is_text(item):
                shown = one_line(item)[:60]
                what = _SAID.get(name, f"--{name.replace('_', '-')}")
                raise UsageError(f"{what} '{shown}' is not valid UTF-8 text")


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _check_text(args)
    if args.command == "demo":
        return cmd_demo()
    if args.command in UPKEEP:
        return _command(args.command)(args)
    store = open_store(args.db)
    try:
        if args.command is None:
            return cmd_app(store)
        return _command(args.command)(store, args)
    finally:
        store.close()


def _error(message: object) -> None:
    """One ``error:`` line on stderr, whatever a file name or an argument holds."""
    sys.stdout.flush()  # what was printed before comes first
    print(f"error: {one_line(str(message))}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except UsageError as exc:
        _error(exc)
        return 2
    except ReaderError as exc:
        _error(exc)
        return 1
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``reader list | head``): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("READER_DEBUG"):
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (set READER_DEBUG=1 for details)")
        return 1
