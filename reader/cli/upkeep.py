"""Commands that work without opening a store: settings, checks and restores."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.cli.parser import UsageError
from reader.core import keymap
from reader.core.errors import ReaderError
from reader.core.text import one_line, strip_control


def cmd_config(args: argparse.Namespace) -> int:
    """Works without a store: a broken store must not hide the settings that name it."""
    from reader.core import config

    path = config.config_path()
    if args.action == "show":
        if args.key is not None:
            raise UsageError("'reader config' takes no KEY; use 'reader config set KEY VALUE'")
        settings = config.load(path)
        print(f"# {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
        store, source = config.store_source(args.db)
        print(f"# the store in use: {store} (from {source})")
        print("\n".join(config.describe(settings)))
        return 0
    if args.key is None:
        raise UsageError(f"'reader config {args.action}' needs a KEY")
    if args.action == "unset":
        if args.value is not None:
            raise UsageError("'reader config unset' takes only a KEY")
        config.unset_value(args.key, path)
        print(f"{args.key} removed from {path}")
        return 0
    if args.value is None:
        raise UsageError("'reader config set' needs a KEY and a VALUE")
    check_app_setting(args.key, args.value, path)
    settings = config.set_value(args.key, args.value, path)
    shown = config.show_value(config.get_value(settings, args.key))
    print(f"{args.key} = {shown} saved in {path}")
    return 0


def check_app_setting(key: str, value: str, path: Path) -> None:
    """Binding ids are checked against the key table; theme names against Textual's themes."""
    if key.startswith("keymap."):
        binding = key.split(".", 1)[1]
        if binding not in keymap.IDS:
            known = ", ".join(sorted(keymap.IDS))
            raise ReaderError(f"{key}: no binding with id {binding!r}; known: {known}", path=path)
    if key == "theme":
        try:
            from textual.theme import BUILTIN_THEMES  # the theme names only: no app is loaded
        except ImportError:
            return
        if value not in BUILTIN_THEMES:
            known = ", ".join(sorted(BUILTIN_THEMES))
            raise ReaderError(f"theme: unknown theme {value!r}; known: {known}", path=path)


def cmd_doctor(args: argparse.Namespace) -> int:
    """Works on the files a normal open refuses, so it never opens a ``Store``."""
    from reader.core import config, doctor

    report = doctor.diagnose(config.store_location(args.db)[0])
    print(strip_control(doctor.render(report)))
    if report.problems:
        raise ReaderError(f"{len(report.problems)} problem(s) found; nothing was changed", path=report.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from reader.core import config, doctor

    done = doctor.restore(config.store_location(args.db)[0], args.backup)
    print(one_line(f"restored the store from {done.source}"))
    if done.saved:
        print(one_line(f"the files it replaced are in {done.saved}"))
    return 0
