"""The local store: the only module that talks to TinyDB.

Two TinyDB files side by side. ``<name>.json`` holds the imported papers,
which are bulky and change only on import; ``<name>.state.json`` holds what
the user did (read, starred, notes, tags), which is small and changes on
every key press. Marking a paper read therefore rewrites a small file, not
the whole library.

In the papers file the abstracts sit in a table of their own
(``abstracts``, after ``papers``). They are most of its bytes, and only ever
shown one at a time, so opening the store leaves them in the file
(``storage.StoredTable``) and a paper reads its abstract when asked
(``models.StoredAbstract``).

What is promised (``docs/your-data.md``), and how:
- every change is one atomic replace of one file (``storage.py``), saved
  before the call returns, so an acknowledged change survives a crash;
- every change takes a lock file, re-reads the file from disk and applies
  the change to that, so two windows never undo each other's work;
- a file that does not parse, has a foreign or newer schema is refused with
  a hint and never written; an older schema is migrated after a backup;
- bulk changes (import, migration, restore) keep a backup first, rotated.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
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
from reader.core.models import Abstract, Entry, Paper, ParsedPaper, ReadingState, StoredAbstract
from reader.core.paths import (
    backup_dir_for,
    lock_path_for,
    resolve_store_location,
    state_path_for,
)
from reader.core.storage import (
    AtomicJSONStorage,
    Kept,
    StoredTable,
    Tables,
    fsync_directory,
    gc_paused,
    places_path_for,
    temp_prefix,
)
from reader.core.text import strip_control

SCHEMA_VERSION = 2
BACKUPS_KEPT = 5
LOCK_TIMEOUT = 15.0

_PAPERS = "papers"
_ABSTRACTS = "abstracts"
_ABSTRACT_FIELDS = ("abstract", "abstract_raw")
_STATE = "state"
_META = "_meta"
_PARTIAL = ".partial"

__all__ = [
    "BACKUPS_KEPT",
    "SCHEMA_VERSION",
    "ImportProgress",
    "KeyedTable",
    "RemovedPaper",
    "Store",
    "check_location",
    "damage_hint",
    "list_backups",
    "make_backup",
    "schema_version",
    "stale_temp_files",
    "state_path_for",
]


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


def _with_stamp(old: ReadingState, change: Callable[[ReadingState], ReadingState], stamp: str) -> ReadingState:
    new = _clean_state(change(old)).with_changes(changed_at=stamp)
    if new.status != old.status:
        new = new.with_changes(status_at=stamp)
    return new


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_location(path: Path) -> None:
    """Refuse paths that cannot hold a store, before anything is created."""
    resolve_store_location(path)


def damage_hint(path: Path) -> str:
    """What a user can do about a store that cannot be opened: ends every such error."""
    return f"run 'reader doctor', or restore a backup from {backup_dir_for(path)}"


# -- schema -------------------------------------------------------------------

def split_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A whole paper record as the papers file keeps it: the record, and its abstract apart (or None)."""
    main = {key: value for key, value in record.items() if key not in _ABSTRACT_FIELDS}
    abstract = {key: record[key] for key in _ABSTRACT_FIELDS if record.get(key)}
    return main, abstract or None


def _abstracts_apart(data: Tables) -> Tables:
    """Schema 2: abstracts move out of the paper records into a table of their own."""
    papers: dict[str, dict[str, Any]] = {}
    abstracts: dict[str, dict[str, Any]] = {}
    for pid, record in data.get(_PAPERS, {}).items():
        papers[pid], abstract = split_record(record)
        if abstract:
            abstracts[pid] = abstract
    return {**data, _PAPERS: papers, _ABSTRACTS: abstracts}


# Steps that bring a file from version N to N + 1, per kind of file. Version 0
# is a file written before the schema record existed: the tables already had
# version 1's shape, so the step only has to add the stamp (done by the caller).
Migration = Callable[[Tables], Tables]
MIGRATIONS: dict[str, dict[int, Migration]] = {
    _PAPERS: {0: lambda data: data, 1: _abstracts_apart},
    _STATE: {0: lambda data: data, 1: lambda data: data},
}


def schema_version(data: Tables, kind: str, path: Path, hint: str) -> int:
    """The schema version of a parsed file, or ``StoreError`` if it is not ours to read."""
    info = data.get(_META, {}).get("schema")
    if info is None:
        foreign = sorted(name for name in data if name not in (_META, kind, _ABSTRACTS))
        if foreign:
            shown = ", ".join(repr(name) for name in foreign[:3])
            raise StoreError(f"not a reader {kind} file (tables {shown}, no schema record); {hint}", path=path)
        return 0
    version = info.get("version")
    if info.get("kind") != kind or not isinstance(version, int) or isinstance(version, bool) or version < 0:
        found = f"kind {info.get('kind')!r}, version {version!r}"
        raise StoreError(f"wrong schema: expected a reader {kind} file, found {found}; {hint}", path=path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"written by a newer reader (schema {version}; this one reads up to {SCHEMA_VERSION}): "
            f"upgrade reader; the file is left as it is; {hint}",
            path=path,
        )
    return version


def migrate(data: Tables, kind: str, version: int) -> Tables:
    """Bring a file's tables up to ``SCHEMA_VERSION`` and stamp it."""
    for step in range(version, SCHEMA_VERSION):
        data = MIGRATIONS[kind][step](data)
    return _stamped(data, kind)


def _stamped(data: Tables, kind: str) -> Tables:
    meta = dict(data.get(_META, {}))
    meta["schema"] = {"version": SCHEMA_VERSION, "kind": kind}
    return {**data, _META: meta}


# -- backups ------------------------------------------------------------------


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


def stale_temp_files(path: Path) -> list[Path]:
    """Temp files of a store's files, left by a write killed before its replace."""
    prefixes = tuple(temp_prefix(target) for target in (path, state_path_for(path), places_path_for(path)))
    try:
        return sorted(p for p in path.parent.iterdir() if p.name.startswith(prefixes))
    except OSError:
        return []


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


# -- text from outside ----------------------------------------------------------


def _clean(value: Any) -> Any:
    """Strip control characters from every string in an imported record."""
    if isinstance(value, str):  # printable text has nothing to strip: skip the regexes
        return value if value.isprintable() else strip_control(value)
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def _clean_state(state: ReadingState) -> ReadingState:
    """Notes and tags are shown in a terminal: no escape sequences, whoever typed them."""
    note = strip_control(state.note)
    tags = tuple(t for t in (strip_control(tag).strip() for tag in state.tags) if t)
    if note == state.note and tags == state.tags:
        return state
    return state.with_changes(note=note, tags=tags)


ImportProgress = Callable[[int, int], None]


class _Counted:
    """Counts papers as the import planning takes them, for a progress bar."""

    def __init__(self, total: int, progress: ImportProgress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress
        self.step = max(1, total // 100)

    def each(self, papers: Sequence[ParsedPaper]) -> Iterator[ParsedPaper]:
        if self.progress is None:
            yield from papers
            return
        for paper in papers:
            yield paper
            self.done += 1
            if self.done % self.step == 0 and self.done < self.total:
                self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _abstract(abstracts: Mapping[str, dict[str, Any]], paper_id: str) -> Abstract | None:
    """Where a paper's abstract is read from; None when it has none (or it sits in its record)."""
    return StoredAbstract(abstracts, paper_id) if paper_id in abstracts else None


class _WholeRecords(Mapping[str, dict[str, Any]]):
    """Paper records joined with their abstracts, each read from the file when asked for."""

    def __init__(self, papers: Mapping[str, dict[str, Any]], abstracts: Mapping[str, dict[str, Any]]) -> None:
        self.papers = papers
        self.abstracts = abstracts

    def __getitem__(self, paper_id: str) -> dict[str, Any]:
        record = self.papers[paper_id]
        if paper_id in self.abstracts:
            return {**record, **self.abstracts[paper_id]}
        return record

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self.papers

    def __iter__(self) -> Iterator[str]:
        return iter(self.papers)

    def __len__(self) -> int:
        return len(self.papers)


class Store:
    """Papers and reading state on disk; safe to share between processes.

    ``read_only`` holds the reason when the store can be read but not
    written (a read-only file system, no permission to create the lock);
    every change then fails with a ``StoreError`` saying it was not saved.
    """

    def __init__(self, path: Path) -> None:
        self.path = resolve_store_location(Path(path))
        self.state_path = state_path_for(self.path)
        self.lock_path = lock_path_for(self.path)
        self.backup_dir = backup_dir_for(self.path)
        self.hint = damage_hint(self.path)
        self._papers_db = _KeyedTinyDB(self.path, storage=AtomicJSONStorage, hint=self.hint, stored=(_ABSTRACTS,))
        self._state_db = _KeyedTinyDB(self.state_path, storage=AtomicJSONStorage, hint=self.hint)
        self._lock = filelock.FileLock(self.lock_path, timeout=LOCK_TIMEOUT)
        self._thread_lock = threading.RLock()
        self.read_only: str | None = None
        if not os.access(self.path.parent, os.W_OK):
            self.read_only = f"the folder {self.path.parent} cannot be written"
        self._open()

    # -- locking, schema and migration ---------------------------------------

    def _busy(self) -> StoreError:
        return StoreError(
            f"the store is busy: another reader process held {self.lock_path.name} for "
            f"{LOCK_TIMEOUT:.0f} s; change not saved",
            path=self.path,
        )

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store for one read-modify-write, across threads and processes."""
        with self._thread_lock:
            try:
                self._lock.acquire()
            except filelock.Timeout:
                raise self._busy() from None
            except OSError as exc:
                raise StoreError(
                    f"change not saved: cannot create the lock file {self.lock_path.name}: "
                    f"{exc.strerror or exc}; the store on disk is unchanged",
                    path=self.path,
                ) from None
            try:
                yield
            finally:
                self._lock.release()

    def _open(self) -> None:
        """Check both files before anything is written; migrate old ones (after a backup).

        Reading needs no lock (files are only ever replaced whole), so a store
        that is merely read creates nothing on disk, not even the lock file.
        """
        pending = self._outdated()
        stale = self._stale_temp_files()
        if not pending and not stale:
            return
        try:
            with self.locked():
                for path in self._stale_temp_files():
                    with contextlib.suppress(OSError):
                        path.unlink()
                self._papers.forget()
                self._states.forget()
                pending = self._outdated()
                if pending:
                    make_backup([self.path, self.state_path], self.backup_dir)
                    for storage, data, kind, version in pending:
                        storage.write(migrate(data, kind, version))
        except StoreError as exc:
            if not pending:
                return  # stale temp files that cannot be removed harm nobody
            raise StoreError(
                f"needs upgrading to schema {SCHEMA_VERSION} but cannot be written ({exc.detail}); "
                "the file is left as it is",
                path=self.path,
            ) from None

    def _outdated(self) -> list[tuple[AtomicJSONStorage, Tables, str, int]]:
        """Files with an older schema; raises on damaged, foreign or newer ones."""
        pending = []
        for storage, kind in ((self._papers, _PAPERS), (self._states, _STATE)):
            data = storage.read()
            if data is None:
                continue
            version = schema_version(data, kind, storage.path, self.hint)
            if version < SCHEMA_VERSION:
                pending.append((storage, data, kind, version))
        return pending

    @property
    def _papers(self) -> AtomicJSONStorage:
        storage = self._papers_db.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    @property
    def _states(self) -> AtomicJSONStorage:
        storage = self._state_db.storage
        assert isinstance(storage, AtomicJSONStorage)
        return storage

    def _stale_temp_files(self) -> list[Path]:
        """Temp files left by a write that was killed before its replace."""
        return stale_temp_files(self.path)

    # -- reading ------------------------------------------------------------

    def _papers_raw(self) -> Mapping[str, dict[str, Any]]:
        data = self._papers.read() or {}
        return data.get(_PAPERS, {})

    def _abstracts_raw(self) -> Mapping[str, dict[str, Any]]:
        data = self._papers.read() or {}
        return data.get(_ABSTRACTS, {})

    def _states_raw(self) -> Mapping[str, dict[str, Any]]:
        data = self._states.read() or {}
        return data.get(_STATE, {})

    def _records(self) -> _WholeRecords:
        """The papers' whole records, abstracts read from the file only for those asked for."""
        return _WholeRecords(self._papers_raw(), self._abstracts_raw())

    def entries(self) -> list[Entry]:
        """Every paper with its reading state, in the order they were added."""
        with self._thread_lock, gc_paused():
            papers = self._papers_raw()
            return self._build(papers.items(), self._abstracts_raw(), self._states_raw())

    def iter_entries(self, batch: int = 2000) -> Iterator[list[Entry]]:
        """``entries()`` in batches, all from one reading of the store.

        At 100k papers building every entry takes about a second: an app can
        show the first batch at once and let its own thread run between
        batches, so keys never wait for the whole store.
        """
        with self._thread_lock:
            papers = self._papers_raw()  # replaced, never mutated, by a write: a stable snapshot
            abstracts = self._abstracts_raw()
            states = self._states_raw()
        items = iter(list(papers.items()))
        while chunk := list(itertools.islice(items, batch)):
            with gc_paused():
                built = self._build(chunk, abstracts, states)
            yield built

    @staticmethod
    def _build(
        papers: Iterable[tuple[str, dict[str, Any]]],
        abstracts: Mapping[str, dict[str, Any]],
        states: Mapping[str, dict[str, Any]],
    ) -> list[Entry]:
        unread = ReadingState()  # most papers have no state yet: they share one (it is immutable)
        return [
            Entry(
                Paper.from_dict(pid, rec, _abstract(abstracts, pid)),
                ReadingState.from_dict(st) if (st := states.get(pid)) else unread,
            )
            for pid, rec in papers
        ]

    def count(self) -> int:
        with self._thread_lock:
            return len(self._papers_raw())

    def entry(self, paper_id: str) -> Entry:
        with self._thread_lock:
            record = self._papers_raw().get(paper_id)
            if record is None:
                raise NotFoundError(f"no paper with id {paper_id!r}")
            state = ReadingState.from_dict(self._states_raw().get(paper_id, {}))
            return Entry(Paper.from_dict(paper_id, record, _abstract(self._abstracts_raw(), paper_id)), state)

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
            return self._papers.changed_on_disk() or self._states.changed_on_disk()

    # -- user actions -------------------------------------------------------

    def update_states(
        self, paper_ids: Sequence[str], change: Callable[[ReadingState], ReadingState]
    ) -> list[Entry]:
        """Apply ``change`` to the latest state of each paper, in one atomic write.

        The change is saved on disk before this returns; on failure it raises
        ``StoreError`` and neither the file nor what this store reads changed.
        """
        with self.locked():
            papers = self._papers_raw()
            missing = [pid for pid in paper_ids if pid not in papers]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            # Re-read from disk: an identical (inode, size, mtime) after another
            # process's write is rare but would make us apply the change to a stale copy.
            self._states.forget()
            states = self._states_raw()
            stamp = now_iso()
            new_states = {
                pid: _with_stamp(ReadingState.from_dict(states.get(pid, {})), change, stamp)
                for pid in paper_ids
            }
            self._write(self._states, _STATE, {pid: st.to_dict() for pid, st in new_states.items()})
            abstracts = self._abstracts_raw()
            return [
                Entry(Paper.from_dict(pid, papers[pid], _abstract(abstracts, pid)), state)
                for pid, state in new_states.items()
            ]

    def _write(self, storage: AtomicJSONStorage, table: str, documents: dict[str, dict[str, Any]]) -> None:
        """One atomic write: the updated table and the schema stamp land together.

        The cached tables are copied, not mutated, so a failed write leaves
        this store reading exactly what is on disk.
        """
        data = storage.read() or {}
        updated = {**data, table: {**data.get(table, {}), **documents}}
        storage.write(_stamped(updated, table))

    def _write_papers(self, records: Mapping[str, dict[str, Any]], removed: Collection[str] = ()) -> None:
        """Add or replace whole paper records and drop ``removed``, in one atomic write.

        The abstracts that did not change are copied from the old file as
        they are, without being parsed or held in memory.
        """
        with gc_paused():
            self._papers.write(_stamped(self._rewritten(records, removed), _PAPERS))

    def _rewritten(self, records: Mapping[str, dict[str, Any]], removed: Collection[str]) -> Tables:
        data = self._papers.read() or {}
        gone = set(removed)
        papers = {pid: record for pid, record in data.get(_PAPERS, {}).items() if pid not in gone}
        changed: dict[str, dict[str, Any] | None] = {}
        for pid, record in records.items():
            papers[pid], changed[pid] = split_record(record)
        old = data.get(_ABSTRACTS, {})
        abstracts: dict[str, Any] = {}
        for pid in papers:
            if pid in changed:
                if (new := changed[pid]) is not None:
                    abstracts[pid] = new
            elif pid in old:
                abstracts[pid] = Kept(old, pid) if isinstance(old, StoredTable) else old[pid]
        return {**data, _PAPERS: papers, _ABSTRACTS: abstracts}

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
            self._states.forget()
            present = {pid: _clean_state(state).to_dict() for pid, state in states.items() if pid in papers}
            if present:
                self._write(self._states, _STATE, present)

    # -- delete -------------------------------------------------------------

    def delete(self, paper_ids: Sequence[str]) -> list[RemovedPaper]:
        """Remove papers and their reading state; what was removed comes back for undo.

        The papers go first: a crash between the two writes leaves reading
        states without a paper (kept, reported by ``reader doctor``), never a
        paper that lost its notes.
        """
        with self.locked():
            # The papers file is re-read only if it changed: its signature is its inode, size and
            # times to the nanosecond, and the inode cannot be reused while a StoredTable holds it.
            self._states.forget()
            papers = self._papers_raw()
            missing = [pid for pid in paper_ids if pid not in papers]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            states = self._states_raw()
            records = self._records()
            removed = [RemovedPaper(pid, dict(records[pid]), states.get(pid)) for pid in paper_ids]
            self._write_papers({}, removed=paper_ids)
            with_state = [pid for pid in paper_ids if pid in states]
            if with_state:
                self._remove(self._states, _STATE, with_state)
            return removed

    def _remove(self, storage: AtomicJSONStorage, table: str, ids: Sequence[str]) -> None:
        data = storage.read() or {}
        gone = set(ids)
        kept = {pid: rec for pid, rec in data.get(table, {}).items() if pid not in gone}
        storage.write(_stamped({**data, table: kept}, table))

    def restore_papers(self, removed: Sequence[RemovedPaper]) -> None:
        """Put deleted papers back, with their reading state (undo of a delete)."""
        with self.locked():
            self._states.forget()
            self._write_papers({item.id: item.record for item in removed})
            states = {item.id: item.state for item in removed if item.state is not None}
            if states:
                self._write(self._states, _STATE, states)

    # -- import -------------------------------------------------------------

    def import_files(
        self, parsed: Iterable[ParsedFile], *, backup: bool = True, progress: ImportProgress | None = None
    ) -> ImportPlan:
        """Merge parsed files into the store in one atomic write: all land or none.

        ``progress(done, total)`` is told how many papers are merged so far,
        increasing, about a hundred times in all; ``done == total`` once the
        store is written.
        """
        files = list(parsed)
        total = sum(len(p.papers) for p in files)
        counted = _Counted(total, progress)
        batches = [(os.path.abspath(p.path), p.format, counted.each(p.papers)) for p in files]
        with self.locked(), gc_paused():
            self._papers.forget()
            existing = self._records()
            plan = plan_import(existing, batches, now_iso(), findable=existing.papers)
            if plan.records:
                if backup and existing:
                    self.backup()
                records = {pid: _clean(record) for pid, record in plan.records.items()}
                self._write_papers(records)
            counted.finish()
            return plan

    # -- backups ------------------------------------------------------------

    def backup(self) -> Path | None:
        """Copy the store aside before a bulk change; the last few copies are kept."""
        return make_backup([self.path, self.state_path], self.backup_dir)

    def backups(self) -> list[Path]:
        """Complete backups, newest first."""
        return list_backups(self.backup_dir)

    def close(self) -> None:
        self._papers_db.close()
        self._state_db.close()
