"""Sync a store between machines through git: ``init``, ``sync``, ``status`` (see ``run.py``)."""

from reader.core.sync.git import SyncError
from reader.core.sync.run import SyncReport, SyncStatus, init, is_set_up, last_synced, status, sync, when

__all__ = ["SyncError", "SyncReport", "SyncStatus", "init", "is_set_up", "last_synced", "status", "sync", "when"]
