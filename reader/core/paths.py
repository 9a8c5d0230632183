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
