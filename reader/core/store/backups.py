"""Copies of a store's files kept before bulk changes (import, migration, restore, delete)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from reader.core.errors import StoreError
from reader.core.store.files import fsync_directory

BACKUPS_KEPT = 5
_PARTIAL = ".partial"


def make_backup(sources: Sequence[Path], backup_dir: Path, keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the store files aside, whole or not at all; the last ``keep`` copies stay.

    The copy is written under a ``.partial`` name, fsynced and then renamed,
    so a crash mid-backup never leaves a backup that looks complete.
    """
    present = [source for source in sources if source.exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    partial = backup_dir / (stamp + _PARTIAL)
    target = backup_dir / stamp
    try:
        partial.mkdir(parents=True, exist_ok=False)
        for source in present:
            _copy_synced(source, partial / source.name)
        fsync_directory(partial)
        os.rename(partial, target)
        fsync_directory(backup_dir)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise StoreError(
            f"cannot write a backup, so nothing was changed: {exc.strerror or exc}", path=backup_dir
        ) from None
    for old in list_backups(backup_dir)[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in backup_dir.glob("*" + _PARTIAL):
        shutil.rmtree(stale, ignore_errors=True)
    return target


def _copy_synced(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())


def list_backups(backup_dir: Path) -> list[Path]:
    """Complete backups, newest first."""
    if not backup_dir.is_dir():
        return []
    found = (p for p in backup_dir.iterdir() if p.is_dir() and not p.name.endswith(_PARTIAL))
    return sorted(found, reverse=True)
