"""The local store: the only module that talks to TinyDB.

Two TinyDB files side by side. ``<name>.json`` holds the imported papers,
which are bulky and change only on import; ``<name>.state.json`` holds what
the user did (read, starred, notes, tags), which is small and changes on
every key press. Marking a paper read therefore rewrites a small file, not
the whole library. Every change takes a lock file, re-reads whatever another
process wrote, applies the change to that and replaces the file atomically.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock
from tinydb import TinyDB
from tinydb.table import Table

from reader.core.errors import NotFoundError, StoreError
from reader.core.importers import ParsedFile
from reader.core.merge import ImportPlan, plan_import
from reader.core.models import Entry, Paper, ReadingState
from reader.core.storage import TEMP_PREFIX, AtomicJSONStorage

SCHEMA_VERSION = 1
BACKUPS_KEPT = 5
LOCK_TIMEOUT = 15.0

_PAPERS = "papers"
_STATE = "state"
_META = "_meta"


class KeyedTable(Table):
    """A table whose documents are keyed by the paper id instead of a counter."""

    document_id_class = str  # type: ignore[assignment]

    def put_many(self, documents: dict[str, dict[str, Any]]) -> None:
        """Insert or replace many documents in one read-modify-write of the file."""

        def updater(table: dict[str, Any]) -> None:
            table.update(documents)

        self._update_table(updater)  # type: ignore[arg-type]


class _KeyedTinyDB(TinyDB):
    table_class = KeyedTable


@dataclass(frozen=True, slots=True)
class RemovedPaper:
    """A deleted paper with its reading state, kept so the delete can be undone."""

    id: str
    record: dict[str, Any]
    state: dict[str, Any] | None


def _stamped(old: ReadingState, change: Callable[[ReadingState], ReadingState], stamp: str) -> ReadingState:
    new = change(old).with_changes(changed_at=stamp)
    if new.status != old.status:
        new = new.with_changes(status_at=stamp)
    return new


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def state_path_for(path: Path) -> Path:
    return path.with_name(f"{path.stem}.state{path.suffix or '.json'}")


def check_location(path: Path) -> None:
    """Refuse paths that cannot hold a store, before anything is created."""
    if path.is_dir():
        raise StoreError("is a directory; --db takes a file path", path=path)
    parent = path.parent
    if not parent.exists():
        raise StoreError(f"directory {parent} does not exist", path=path)
    if not parent.is_dir():
        raise StoreError(f"{parent} is not a directory", path=path)
    if path.exists() and not os.access(path, os.R_OK):
        raise StoreError("permission denied: cannot read the store", path=path)


class Store:
    """Papers and reading state on disk; safe to share between processes."""

    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().absolute()
        check_location(self.path)
        self.state_path = state_path_for(self.path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backup_dir = self.path.with_name(self.path.name + ".backups")
        self._papers_db = _KeyedTinyDB(self.path, storage=AtomicJSONStorage)
        self._state_db = _KeyedTinyDB(self.state_path, storage=AtomicJSONStorage)
        self._lock = filelock.FileLock(self.lock_path, timeout=LOCK_TIMEOUT)
        self._thread_lock = threading.RLock()
        with self.locked():
            self._remove_stale_temp_files()
            self._check_schema(self._papers_db, self.path, "papers")
            self._check_schema(self._state_db, self.state_path, "state")

    # -- locking and schema -------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store for one read-modify-write, across threads and processes."""
        with self._thread_lock:
            try:
                self._lock.acquire()
            except filelock.Timeout:
                raise StoreError(
                    f"the store is busy: another reader process held {self.lock_path.name} for "
                    f"{LOCK_TIMEOUT:.0f} s",
                    path=self.path,
                ) from None
            except OSError as exc:
                raise StoreError(f"cannot create the lock file: {exc.strerror or exc}", path=self.lock_path) from None
            try:
                yield
            finally:
                self._lock.release()

    def _remove_stale_temp_files(self) -> None:
        # Held under the lock, so no other process is between mkstemp and replace.
        for stale in self.path.parent.glob(TEMP_PREFIX + "*"):
            try:
                stale.unlink()
            except OSError:
                pass

    def _check_schema(self, db: TinyDB, path: Path, kind: str) -> None:
        data = db.storage.read()
        meta = db.table(_META)
        if data is None:
            return  # created with the first write
        info = meta.get(doc_id="schema")  # type: ignore[arg-type]
        if info is None:
            if any(name != _META for name in data):
                raise StoreError("not a reader store (no schema record)", path=path)
            return
        version = info.get("version")
        if info.get("kind") != kind or not isinstance(version, int):
            raise StoreError(f"damaged store: expected a {kind} file", path=path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"written by a newer reader (schema {version}; this one reads up to {SCHEMA_VERSION})",
                path=path,
            )

    # -- reading ------------------------------------------------------------

    def _papers_raw(self) -> dict[str, dict[str, Any]]:
        data = self._papers_db.storage.read() or {}
        return data.get(_PAPERS, {})

    def _states_raw(self) -> dict[str, dict[str, Any]]:
        data = self._state_db.storage.read() or {}
        return data.get(_STATE, {})

    def entries(self) -> list[Entry]:
        """Every paper with its reading state, in the order they were added."""
        with self._thread_lock:
            papers = self._papers_raw()
            states = self._states_raw()
            return [
                Entry(Paper.from_dict(pid, rec), ReadingState.from_dict(states.get(pid, {})))
                for pid, rec in papers.items()
            ]

    def count(self) -> int:
        with self._thread_lock:
            return len(self._papers_raw())

    def entry(self, paper_id: str) -> Entry:
        with self._thread_lock:
            record = self._papers_raw().get(paper_id)
            if record is None:
                raise NotFoundError(f"no paper with id {paper_id!r}")
            return Entry(Paper.from_dict(paper_id, record), ReadingState.from_dict(self._states_raw().get(paper_id, {})))

    def resolve(self, token: str) -> str:
        """An id from a full id or an unambiguous prefix of one."""
        with self._thread_lock:
            papers = self._papers_raw()
            if token in papers:
                return token
            matches = [pid for pid in papers if pid.startswith(token)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError(f"no paper with id {token!r}")
        shown = ", ".join(sorted(matches)[:5])
        raise NotFoundError(f"id {token!r} is ambiguous: it starts {len(matches)} ids ({shown}, ...)")

    def changed_on_disk(self) -> bool:
        """True when another process changed the store since this one last read it."""
        with self._thread_lock:
            papers = self._papers_db.storage
            state = self._state_db.storage
            assert isinstance(papers, AtomicJSONStorage) and isinstance(state, AtomicJSONStorage)
            return papers.changed_on_disk() or state.changed_on_disk()

    # -- user actions -------------------------------------------------------

    def update_states(
        self, paper_ids: Sequence[str], change: Callable[[ReadingState], ReadingState]
    ) -> list[Entry]:
        """Apply ``change`` to the latest state of each paper, in one atomic write."""
        with self.locked():
            papers = self._papers_raw()
            missing = [pid for pid in paper_ids if pid not in papers]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            states = self._states_raw()
            stamp = now_iso()
            new_states = {pid: _stamped(ReadingState.from_dict(states.get(pid, {})), change, stamp) for pid in paper_ids}
            self._write(self._state_db, _STATE, {pid: st.to_dict() for pid, st in new_states.items()})
            return [Entry(Paper.from_dict(pid, papers[pid]), state) for pid, state in new_states.items()]

    def _write(self, db: TinyDB, table_name: str, documents: dict[str, dict[str, Any]]) -> None:
        """One atomic write of ``documents`` into a table, stamping the schema on first use."""
        if db.storage.read() is None:
            kind = _PAPERS if db is self._papers_db else _STATE
            db.table(_META).put_many({"schema": {"version": SCHEMA_VERSION, "kind": kind}})  # type: ignore[attr-defined]
        db.table(table_name).put_many(documents)  # type: ignore[attr-defined]

    def set_state(self, paper_ids: Sequence[str], **changes: Any) -> list[Entry]:
        """Set fields of the reading state, keeping the read flag and status in step."""
        if "read" in changes and "status" not in changes:
            changes["status"] = "read" if changes["read"] else "to-read"
        elif "status" in changes and "read" not in changes:
            changes["read"] = changes["status"] == "read"
        return self.update_states(paper_ids, lambda state: state.with_changes(**changes))

    def toggle(self, paper_id: str, flag: str) -> Entry:
        """Flip ``read`` or ``starred`` on the latest state on disk."""
        def flip(state: ReadingState) -> ReadingState:
            value = not getattr(state, flag)
            if flag == "read":
                return state.with_changes(read=value, status="read" if value else "to-read")
            return state.with_changes(**{flag: value})

        return self.update_states([paper_id], flip)[0]

    def restore_states(self, states: dict[str, ReadingState]) -> None:
        """Write back earlier states as they were (undo), in one atomic write."""
        with self.locked():
            papers = self._papers_raw()
            present = {pid: state.to_dict() for pid, state in states.items() if pid in papers}
            if present:
                self._write(self._state_db, _STATE, present)

    # -- delete -------------------------------------------------------------

    def delete(self, paper_ids: Sequence[str]) -> list[RemovedPaper]:
        """Remove papers and their reading state; what was removed comes back for undo."""
        with self.locked():
            papers = self._papers_raw()
            missing = [pid for pid in paper_ids if pid not in papers]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            states = self._states_raw()
            removed = [RemovedPaper(pid, dict(papers[pid]), states.get(pid)) for pid in paper_ids]
            ids = list(paper_ids)
            with_state = [pid for pid in ids if pid in states]
            if with_state:
                self._state_db.table(_STATE).remove(doc_ids=with_state)  # type: ignore[arg-type]
            self._papers_db.table(_PAPERS).remove(doc_ids=ids)  # type: ignore[arg-type]
            return removed

    def restore_papers(self, removed: Sequence[RemovedPaper]) -> None:
        """Put deleted papers back, with their reading state (undo of a delete)."""
        with self.locked():
            self._write(self._papers_db, _PAPERS, {item.id: item.record for item in removed})
            states = {item.id: item.state for item in removed if item.state is not None}
            if states:
                self._write(self._state_db, _STATE, states)

    # -- import -------------------------------------------------------------

    def import_files(self, parsed: Iterable[ParsedFile], *, backup: bool = True) -> ImportPlan:
        """Merge parsed files into the store in one atomic write: all land or none."""
        batches = [(os.path.abspath(p.path), p.format, p.papers) for p in parsed]
        with self.locked():
            existing = self._papers_raw()
            plan = plan_import(existing, batches, now_iso())
            if not plan.records:
                return plan
            if backup and existing:
                self.backup()
            self._write(self._papers_db, _PAPERS, plan.records)
            return plan

    # -- backups ------------------------------------------------------------

    def backup(self) -> Path | None:
        """Copy the store aside before a bulk change; the last few copies are kept."""
        if not self.path.exists() and not self.state_path.exists():
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.backup_dir / stamp
        try:
            target.mkdir(parents=True, exist_ok=False)
            for source in (self.path, self.state_path):
                if source.exists():
                    shutil.copy2(source, target / source.name)
        except OSError as exc:
            raise StoreError(f"cannot write a backup before changing the store: {exc.strerror or exc}", path=target) from None
        for old in sorted(p for p in self.backup_dir.iterdir() if p.is_dir())[:-BACKUPS_KEPT]:
            shutil.rmtree(old, ignore_errors=True)
        return target

    def backups(self) -> list[Path]:
        if not self.backup_dir.is_dir():
            return []
        return sorted((p for p in self.backup_dir.iterdir() if p.is_dir()), reverse=True)

    def close(self) -> None:
        self._papers_db.close()
        self._state_db.close()

