"""``reader sync``: the store on every machine, through a git remote."""

from __future__ import annotations

import argparse

from reader.cli.parser import UsageError
from reader.core.store import Store
from reader.core.text import one_line


def cmd_sync(store: Store, args: argparse.Namespace) -> int:
    from reader.core import sync

    if args.action == "status":
        if args.remote is not None:
            raise UsageError("'reader sync status' takes no REMOTE")
        for line in sync.status(store, ask_remote=not args.offline).lines():
            print(one_line(line))
        return 0
    if args.offline:
        raise UsageError("--offline goes with 'reader sync status'")
    if args.action == "init":
        report = sync.init(store, args.remote)
    elif args.remote is not None:
        raise UsageError(f"unknown sync action {args.remote!r}: use 'reader sync', 'reader sync init [REMOTE]' "
                         "or 'reader sync status'")
    else:
        report = sync.sync(store)
    for line in report.lines():
        print(one_line(line))
    return 0
