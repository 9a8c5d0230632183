"""The command line: parse arguments, call the core, or open the app.

Scripts depend on this surface: one ``error:`` line on stderr and exit 1 for
anything a user can fix, exit 2 for a wrong command line, never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence

from reader.cli.parser import UsageError, build_parser
from reader.core import config
from reader.core.errors import ReaderError, StoreError
from reader.core.store import Store

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
}
UPKEEP = ("config", "doctor", "restore")


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


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReaderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``reader list | head``): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("READER_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc} (set READER_DEBUG=1 for details)", file=sys.stderr)
        return 1
