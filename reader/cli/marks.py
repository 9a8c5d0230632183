"""Commands that read or change one paper's reading state: quick, they never read the whole library."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from reader.cli.output import describe, marks, print_json
from reader.cli.parser import UsageError
from reader.core.errors import InputError
from reader.core.store import Store
from reader.core.tags import normalise_tags
from reader.core.text import strip_control


def cmd_show(store: Store, args: argparse.Namespace) -> int:
    entry = store.entry(store.resolve(args.id))
    if args.json:
        print_json([entry.to_record()])
    else:
        print(describe(entry))
    return 0


def cmd_mark(store: Store, args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in ("status", "starred") if getattr(args, name) is not None}
    if not changes:
        raise UsageError("say what to mark: --read, --unread, --reading, --star or --unstar")
    ids = list(dict.fromkeys(store.resolve(token) for token in args.ids))
    for entry in store.set_state(ids, **changes):
        print(f"{marks(entry)}  {entry.id}")
    return 0


def cmd_note(store: Store, args: argparse.Namespace) -> int:
    text = _stdin_text() if args.text == "-" else args.text
    paper_id = store.resolve(args.id)
    store.set_state([paper_id], note=strip_control(text).rstrip())
    print(f"note saved for {paper_id}")
    return 0


def _stdin_text() -> str:
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"the note on stdin is not valid UTF-8 (byte {exc.start})") from None


def cmd_tag(store: Store, args: argparse.Namespace) -> int:
    paper_id = store.resolve(args.id)
    given = normalise_tags(strip_control(t) for t in args.tags)
    if not given:
        raise UsageError("no tag given")
    removed = {tag.casefold() for tag in given}

    def change(state: Any) -> Any:
        if args.remove:
            return state.with_changes(tags=tuple(t for t in state.tags if t.casefold() not in removed))
        return state.with_changes(tags=normalise_tags([*state.tags, *given]))

    entry = store.update_states([paper_id], change)[0]
    print(f"{paper_id}: {', '.join(entry.state.tags) or '(no tags)'}")
    return 0
