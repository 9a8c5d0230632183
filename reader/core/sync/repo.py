"""The sync's repository beside a store (``Layout.sync``): making it, its remote, and what it remembers.

A bare git repository: nothing in it is ever checked out, so git never
writes the store's files (``sync.apply`` does, whole). Beside git's own
files it keeps ``reader-sync.json``: when the store last synced, and which
trees hold each store file as it was at the last commit (by the file's
identity, so an unchanged ``library.json`` of 100k papers is not read again
to find it unchanged), and a lock so that two syncs of one store take turns.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from reader.core.store.files import write_atomically
from reader.core.store.layout import Layout
from reader.core.store.lock import FileLock, LockTimeout
from reader.core.sync.git import BRANCH, HEAD_REF, REMOTE, Git, Identity, SyncError

NOTES = "reader-sync.json"
LOCK = "reader-sync.lock"
STALE_LOCK = 600.0  # seconds after which a git lock file in the repository is a leftover
LOOSE_OBJECTS = 400  # small object files (a few per sync) before they are packed
PACKS = 16


@dataclass
class Exported:
    """What the repository holds of one store file: the file's identity then, and its tables' trees."""

    signature: list[int]
    trees: dict[str, str | None]


@dataclass
class Notes:
    """What a sync remembers between runs."""

    synced_at: str | None = None
    exported: dict[str, Exported] = field(default_factory=dict)  # "papers" / "state" -> what was committed

    @classmethod
    def read(cls, path: Path) -> Notes:
        try:
            data = orjson.loads(path.read_bytes())
            exported = {name: Exported(list(item["signature"]), dict(item["trees"]))
                        for name, item in data.get("exported", {}).items()}
            return cls(data.get("synced_at"), exported)
        except (OSError, orjson.JSONDecodeError, TypeError, KeyError, AttributeError, ValueError):
            return cls()  # missing or damaged: everything is looked at again, nothing is lost

    def write(self, path: Path) -> None:
        exported = {name: {"signature": item.signature, "trees": item.trees} for name, item in self.exported.items()}
        data: dict[str, Any] = {"synced_at": self.synced_at, "exported": exported}
        write_atomically(path, orjson.dumps(data, option=orjson.OPT_INDENT_2))


class Repo:
    """The sync repository of one store."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.path = layout.sync
        self.git = Git(self.path)

    @property
    def exists(self) -> bool:
        return (self.path / "HEAD").is_file()

    def require(self) -> None:
        if not self.exists:
            raise SyncError("this store is not set up to sync: run 'reader sync init REMOTE'", path=self.layout.papers)

    def create(self) -> None:
        """An empty bare repository whose branch is ``main``, with a reflog (every move of the branch is kept)."""
        self.git.run("init", "--bare", "--quiet", str(self.path), what="creating the sync repository")
        self.git.run("symbolic-ref", "HEAD", HEAD_REF)
        for key, value in (("core.logAllRefUpdates", "always"), ("gc.auto", "0"), ("maintenance.auto", "false")):
            self.git.run("config", key, value)  # no git work in the background: ``tidy`` packs, during a sync

    @property
    def notes_path(self) -> Path:
        return self.path / NOTES

    def notes(self) -> Notes:
        return Notes.read(self.notes_path)

    @property
    def head(self) -> str | None:
        return self.git.commit_of(HEAD_REF)

    @functools.cached_property
    def remote(self) -> str | None:
        return self.git.config(f"remote.{REMOTE}.url")

    def set_remote(self, url: str) -> None:
        if self.remote is None:
            self.git.run("remote", "add", REMOTE, url, what="setting the remote")
        else:
            self.git.run("remote", "set-url", REMOTE, url, what="setting the remote")
        self.__dict__["remote"] = url

    def identity(self) -> Identity:
        """The user's git identity if they have one; else this machine's name, which merges show in notes."""
        host = re.sub(r"[^\w.-]", "-", socket.gethostname()) or "machine"
        code, out, _ = self.git.attempt("config", "--get-regexp", r"^user\.(name|email)$")
        said = dict(line.split(" ", 1) for line in out.decode().splitlines() if " " in line) if code == 0 else {}
        return Identity(said.get("user.name") or f"reader on {host}", said.get("user.email") or f"reader@{host}", host)

    def clear_stale_locks(self) -> None:
        """Git's lock files left by a git stopped mid-write (a power cut), once no git can still hold them.

        Only syncs of this store use the repository, one at a time; a git
        started by a sync that was killed may still be finishing, so a lock
        is left alone until it is ``STALE_LOCK`` seconds old.
        """
        now = time.time()
        leftovers = [*self.path.glob("*.lock"), *(self.path / "refs").rglob("*.lock"),
                     *(self.path / "refs" / "reader").glob("commit-*")]  # a killed sync's fast-import's ref
        for found in leftovers:
            with contextlib.suppress(OSError):
                if found.name != LOCK and now - found.stat().st_mtime > STALE_LOCK:
                    found.unlink()

    def tidy(self) -> None:
        """Pack the small object files each sync leaves, once there are many: merging only the small packs,
        it stays quick however large the library is. Skipped by a git too old for it: it only saves space."""
        code, out, _ = self.git.attempt("count-objects", "-v")
        counts = dict(line.split(": ", 1) for line in out.decode().splitlines() if ": " in line)
        if code == 0 and (int(counts.get("count", 0)) > LOOSE_OBJECTS or int(counts.get("packs", 0)) > PACKS):
            self.git.attempt("repack", "-d", "-q", "--geometric=2")

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """One sync of this store at a time (an app's key and a command in another terminal)."""
        lock = FileLock(self.path / LOCK)
        try:
            lock.acquire(0)
        except LockTimeout:
            raise SyncError("another sync of this store is running; try again when it is done",
                            path=self.layout.papers) from None
        except OSError as exc:
            raise SyncError(f"cannot lock the sync repository: {exc.strerror or exc}", path=self.path) from None
        try:
            yield
        finally:
            lock.release()


def is_local_path(remote: str) -> bool:
    """Whether git reads ``remote`` as a folder on this machine (not ``host:path``, ``ssh://``, ``https://``)."""
    if "://" in remote:
        return remote.startswith("file://")
    head = remote.split("/", 1)[0]
    return ":" not in head or os.path.isabs(remote)


def local_folder(remote: str) -> Path:
    return Path(remote.removeprefix("file://")).expanduser()


__all__ = ["BRANCH", "Exported", "Notes", "Repo", "is_local_path", "local_folder"]
