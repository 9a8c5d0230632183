"""Every file a store keeps beside itself, named once.

A store is named by its papers file (``library.json``); the reading state,
the lock, the backups and two files of derived data sit beside it. Whoever
needs one of those paths (the store, the doctor, the search index, a
clean-up of temp files) asks ``Layout`` for it, so a rename happens here only.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import StoreError

APP_NAME = "reader"
STORE_NAME = "library.json"
TEMP_PREFIX = ".reader-tmp-"


def default_store_path() -> Path:
    """The store used when nothing names another: ``library.json`` in the user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / STORE_NAME


def temp_prefix(path: Path) -> str:
    """Temp files are named after their target, so a clean-up never touches another file's."""
    return f"{TEMP_PREFIX}{path.name}-"


@dataclass(frozen=True, slots=True)
class Layout:
    """The files of the store whose papers file is ``papers``."""

    papers: Path

    @property
    def state(self) -> Path:
        """What the user did: ``X.json`` -> ``X.state.json``."""
        papers = self.papers
        return papers.with_name(f"{papers.stem}.state{papers.suffix or '.json'}")

    @property
    def lock(self) -> Path:
        return self.papers.with_name(self.papers.name + ".lock")

    @property
    def backups(self) -> Path:
        return self.papers.with_name(self.papers.name + ".backups")

    @property
    def places(self) -> Path:
        """Where each abstract sits in the papers file: derived data, hidden."""
        return self.papers.with_name(f".{self.papers.name}.places")

    @property
    def index(self) -> Path:
        """The search index's postings, cached: derived data, hidden."""
        return self.papers.with_name(f".{self.papers.name}.search-index")

    @property
    def written(self) -> tuple[Path, ...]:
        """The files replaced by atomic writes (whose temp files a clean-up may remove)."""
        return (self.papers, self.state, self.places, self.index)

    @property
    def kept(self) -> tuple[Path, Path]:
        """The files a backup copies: the rest is derived from them."""
        return (self.papers, self.state)

    @property
    def owned(self) -> tuple[Path, ...]:
        """Every file the store keeps beside itself (the backups folder stands for what is in it)."""
        return (self.papers, self.state, self.lock, self.places, self.index, self.backups)

    def owns(self, path: Path) -> bool:
        """Whether writing to ``path`` would replace one of the store's files, a backup or a temp file.

        Followed through symlinks, and by file identity, so neither a link nor
        a hard link to ``library.json`` gets past it.
        """
        target = Path(os.path.realpath(path.expanduser()))
        owned = [Path(os.path.realpath(own)) for own in self.owned]
        if target in owned or any(parent == owned[-1] for parent in target.parents):
            return True
        if target.parent == owned[0].parent and target.name.startswith(TEMP_PREFIX):
            return True
        try:
            found = target.stat()
        except OSError:
            return False
        return any(
            (found.st_dev, found.st_ino) == (own.st_dev, own.st_ino)
            for own in (_stat(owned_path) for owned_path in owned[:-1]) if own is not None
        )

    def stale_temp_files(self) -> list[Path]:
        """Temp files of this store's files, left by a write killed before its replace."""
        prefixes = tuple(temp_prefix(target) for target in self.written)
        try:
            return sorted(p for p in self.papers.parent.iterdir() if p.name.startswith(prefixes))
        except OSError:
            return []

    def damage_hint(self) -> str:
        """What a user can do about a store that cannot be opened: ends every such error."""
        return f"run 'reader doctor', or restore a backup from {self.backups}"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


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
