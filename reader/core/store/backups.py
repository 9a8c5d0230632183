"""Copies of a store's files kept before bulk changes (import, migration, restore, delete)."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from reader.core.errors import StoreError
from reader.core.store.files import fsync_directory

BACKUPS_KEPT = 5
_PARTIAL = ".partial"


def make_backup(
    sources: Sequence[Path], backup_dir: Path, keep: int = BACKUPS_KEPT, *, spare: Path | None = None
) -> Path | None:
    """Copy the store files aside, whole or not at all; the last ``keep`` copies stay.

    The copy is written under a ``.partial`` name, fsynced and then renamed,
    so a crash mid-backup never leaves a backup that looks complete. Each
    copy keeps its file's permissions (a store only its owner may read gives
    backups only its owner may read). ``spare`` is a backup the rotation must
    not remove (the one being restored), however old it is.
    """
    present = [source for source in sources if source.exists()]
    if not present:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    partial = backup_dir / (stamp + _PARTIAL)
    target = backup_dir / stamp
    try:
        backup_dir.mkdir(mode=_folder_mode(present), parents=True, exist_ok=True)
        partial.mkdir(mode=_folder_mode(present))
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
    kept = [backup for backup in list_backups(backup_dir) if spare is None or not _same(backup, spare)]
    for old in kept[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in backup_dir.glob("*" + _PARTIAL):
        shutil.rmtree(stale, ignore_errors=True)
    return target


def _copy_synced(source: Path, target: Path) -> None:
    """A copy with the source's permission bits, set before a byte is written."""
    with source.open("rb") as src:
        mode = stat.S_IMODE(os.fstat(src.fileno()).st_mode)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as dst:
            os.fchmod(dst.fileno(), mode)  # the umask may have taken bits away, never added: put them back
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())


def _folder_mode(sources: Sequence[Path]) -> int:
    """A backup folder is as closed as the most closed file it holds: 0700 for a store only its owner reads."""
    mode = 0o777
    for source in sources:
        bits = stat.S_IMODE(source.stat().st_mode)
        mode &= 0o700 | (0o070 if bits & 0o040 else 0) | (0o007 if bits & 0o004 else 0)
    return mode


def _same(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def list_backups(backup_dir: Path) -> list[Path]:
    """Complete backups, newest first."""
    if not backup_dir.is_dir():
        return []
    found = (p for p in backup_dir.iterdir() if p.is_dir() and not p.name.endswith(_PARTIAL))
    return sorted(found, reverse=True)
