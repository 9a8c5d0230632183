"""A sync's new store files, moved in both or neither: the store is never half synced.

A sync that pulls changes may have to replace both files of the store, and
two renames are not one. So it writes the new files into ``Layout.staged``
first (each complete and fsynced), then writes ``ready`` naming the commit
they come from: that is the moment the sync happened. Then it moves them in.
If it is killed in between, whoever takes the store's lock next (any
command, the app, the next sync) finishes the move before it reads or
writes anything (``roll_forward``), so every reader of the store sees the
files as they were before the sync or as after it. ``ready`` stays until
the sync's repository records the commit (the next sync does it).

This module knows no git: finishing a move is two renames.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from reader.core.store.files import fsync_directory, write_atomically
from reader.core.store.layout import Layout

READY = "ready"


def ready_marker(layout: Layout) -> Path:
    return layout.staged / READY


def is_ready(layout: Layout) -> str | None:
    """The commit whose files are staged and must be moved in, or None."""
    try:
        return ready_marker(layout).read_text().strip() or None
    except FileNotFoundError:
        return None


def begin(layout: Layout) -> None:
    """An empty staging folder (what an earlier sync killed before ``ready`` left is dropped)."""
    if layout.staged.exists():
        shutil.rmtree(layout.staged)
    layout.staged.mkdir(parents=True)


def stage(layout: Layout, target: Path, lines: bytes | Iterable[bytes]) -> None:
    """Write the next version of ``target`` (a file of the store) into the staging folder, fsynced.

    It gets ``target``'s permissions: moving it in must not open a store
    only its owner may read.
    """
    staged = layout.staged / target.name
    write_atomically(staged, lines)
    with contextlib.suppress(FileNotFoundError):
        os.chmod(staged, target.stat().st_mode & 0o7777)


def mark_ready(layout: Layout, commit: str) -> None:
    """The staged files are complete: from here on the sync happened, whatever is killed."""
    write_atomically(ready_marker(layout), commit.encode() + b"\n")


def roll_forward(layout: Layout) -> bool:
    """Move staged files in if a sync marked them ready (under the store's lock); True if it did."""
    if is_ready(layout) is None:
        return False
    moved = False
    for target in layout.kept:
        staged = layout.staged / target.name
        if staged.exists():
            os.replace(staged, target)
            moved = True
    if moved:
        fsync_directory(layout.papers.parent)
    return moved


def finish(layout: Layout) -> None:
    """The repository now records the commit: nothing is staged any more."""
    with contextlib.suppress(FileNotFoundError):
        ready_marker(layout).unlink()
        fsync_directory(layout.staged)
    shutil.rmtree(layout.staged, ignore_errors=True)
