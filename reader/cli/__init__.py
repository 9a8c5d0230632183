"""The command line: parse arguments, call the core, or open the app.

Scripts depend on this surface: one ``error:`` line on stderr and exit 1 for
anything a user can fix, exit 2 for a wrong command line, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from reader.cli.papers import (
    cmd_delete,
    cmd_export,
    cmd_fetch,
    cmd_import,
    cmd_list,
    cmd_mark,
    cmd_note,
    cmd_related,
    cmd_search,
    cmd_show,
    cmd_stats,
    cmd_tag,
)
from reader.cli.parser import UsageError, build_parser
from reader.cli.upkeep import cmd_config, cmd_doctor, cmd_restore
from reader.core import library
from reader.core.errors import ReaderError
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


COMMANDS = {
    "import": cmd_import,
    "list": cmd_list,
    "search": cmd_search,
    "show": cmd_show,
    "mark": cmd_mark,
    "note": cmd_note,
    "tag": cmd_tag,
    "export": cmd_export,
    "fetch": cmd_fetch,
    "related": cmd_related,
    "delete": cmd_delete,
    "stats": cmd_stats,
}


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return cmd_demo()
    if args.command == "config":
        return cmd_config(args)
    if args.command == "doctor":
        return cmd_doctor(args)
    if args.command == "restore":
        return cmd_restore(args)
    store = library.open_store(args.db)
    try:
        if args.command is None:
            return cmd_app(store)
        return COMMANDS[args.command](store, args)
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
