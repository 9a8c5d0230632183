"""The store: papers and reading state on disk (see ``store.py``); the files beside it (``layout.py``)."""

from reader.core.store.records import RemovedPaper
from reader.core.store.store import Store

__all__ = ["RemovedPaper", "Store"]
