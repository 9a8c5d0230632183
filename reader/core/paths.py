"""Where the store lives: ``--db``, else ``$READER_DB``, else the settings' ``store``, else the data directory."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import platformdirs

from reader.core.errors import StoreError

APP_NAME = "reader"
DB_ENV = "READER_DB"
STORE_NAME = "library.json"


def default_store_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_NAME


def store_path(explicit: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """The store path, and whether it is the default (whose folder we may create)."""
    if explicit:
        return Path(explicit).expanduser(), False
    from_env = os.environ.get(DB_ENV)
    if from_env:
        return Path(from_env).expanduser(), False
    from reader.core.config import load  # late: config is read only when it decides

    configured = load().store_path()
    if configured is not None:
        return configured, False
    return default_store_path(), True


def state_path_for(path: Path) -> Path:
    """The user-state file that sits beside a papers file: ``X.json`` -> ``X.state.json``."""
    return path.with_name(f"{path.stem}.state{path.suffix or '.json'}")


def backup_dir_for(path: Path) -> Path:
    return path.with_name(path.name + ".backups")


def lock_path_for(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def resolve_store_location(path: Path) -> Path:
    """The real file a store path names, refusing paths that cannot hold a store.

    Nothing is created here. A symlink is followed, so writes land in its
    target (replacing the link itself with a file would silently fork the
    store) and the state file, lock and backups live beside the target. A
    dangling link, a directory, a device or a missing parent are refused.
    """
    try:
        return _resolve(Path(os.path.abspath(path.expanduser())))
    except OSError as exc:
        raise StoreError(f"cannot use this path: {exc.strerror or exc}", path=path) from None


def _resolve(path: Path) -> Path:
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.exists():
            raise StoreError(f"is a symlink to {target}, which does not exist", path=path)
        path = target
    if path.is_dir():
        raise StoreError("is a directory; --db takes a file path", path=path)
    parent = path.parent
    if not parent.exists():
        raise StoreError(f"directory {parent} does not exist", path=path)
    if not parent.is_dir():
        raise StoreError(f"{parent} is not a directory", path=path)
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise StoreError("is not a regular file (a device, pipe or socket)", path=path)
        if not os.access(path, os.R_OK):
            raise StoreError("permission denied: cannot read the store", path=path)
    return path
