"""The store: papers and reading state on disk (see ``store.py``); the files beside it (``layout.py``)."""

from reader.core.store.store import RemovedPaper, Store

__all__ = ["RemovedPaper", "Store"]
