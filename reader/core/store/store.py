"""The local store: papers and reading state on disk, safe to share between processes.

Two TinyDB files side by side (``layout.Layout`` names them). ``library.json``
holds the imported papers, which are bulky and change only on import;
``library.state.json`` holds what the user did (status, star, notes, tags),
which is small and changes on every key press. Marking a paper read
therefore rewrites a small file, not the whole library.

In the papers file the abstracts sit in a table of their own (``abstracts``,
after ``papers``). They are most of its bytes and only ever shown one at a
time, so opening the store leaves them in the file (``files.StoredTable``)
and a paper reads its abstract when asked (``models.StoredAbstract``).

What is promised (``docs/your-data.md``), and how:
- every change is one atomic replace of one file (``files.py``), saved
  before the call returns, so an acknowledged change survives a crash;
- every change takes a lock file, re-reads the file from disk and applies
  the change to that, so two windows never undo each other's work;
- a file that does not parse, has a foreign or newer schema is refused with
  a hint and never written; an older schema is migrated after a backup.

This module knows nothing of importers or merging: ``library`` plans an
import and hands the records to ``write_papers`` under ``locked``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from reader.core.errors import NotFoundError, StoreError
from reader.core.heap import gc_paused
from reader.core.models import Entry, Paper, ReadingState
from reader.core.store.backups import list_backups, make_backup
from reader.core.store.files import Tables
from reader.core.store.layout import Layout, resolve_store_location
from reader.core.store.lines import Kept, StoredTable, dump_lines
from reader.core.store.lock import FileLock, LockTimeout
from reader.core.store.places import Places
from reader.core.store.records import (
    STATE_DAMAGE,
    KeyedTable,
    KeyedTinyDB,
    RemovedPaper,
    WholeRecords,
    now_iso,
    stamp_state,
    state_of,
    stored_abstract,
)
from reader.core.store.schema import (
    ABSTRACTS,
    META,
    PAPERS,
    SCHEMA_VERSION,
    STATE,
    migrate,
    schema_version,
    split_record,
    stamped,
)
from reader.core.store.staged import is_ready, roll_forward
from reader.core.store.storage import AtomicJSONStorage

LOCK_TIMEOUT = 15.0




















class Store:
    """Papers and reading state on disk.

    ``read_only`` holds the reason when the store can be read but not
    written (a read-only file system, no permission to create the lock);
    every change then fails with a ``StoreError`` saying it was not saved.
    """

    def __init__(self, path: Path) -> None:
        self.path = resolve_store_location(Path(path))
        self.layout = Layout(self.path)
        self.hint = self.layout.damage_hint()
        self._papers_db = KeyedTinyDB(
            self.path, storage=AtomicJSONStorage, hint=self.hint, stored=(PAPERS, ABSTRACTS), places=self.layout.places
        )
        self._state_db = KeyedTinyDB(self.layout.state, storage=AtomicJSONStorage, hint=self.hint)
        # Tables without TinyDB's query cache: another process may change the files at any time.
        self._paper_table = self._table_of(self._papers_db, PAPERS)
        self._state_table = self._table_of(self._state_db, STATE)
        self._lock = FileLock(self.layout.lock)  # taken at the first change: reading needs no lock
        self._thread_lock = threading.RLock()
        self.read_only: str | None = None
        self._missed_outside_change = False  # see ``changed_on_disk``
        self._seen: tuple[tuple[int, int, int, int] | None, ...] = ()  # the files at the last whole read
        self.last_backup: Path | None = None  # the newest backup this store made
        if not os.access(self.path.parent, os.W_OK):
            self.read_only = f"the folder {self.path.parent} cannot be written"
        self._open()
        self._seen, self._missed_outside_change = self._signatures(), False

    @staticmethod
    def _table_of(db: TinyDB, name: str) -> KeyedTable:
        table = db.table(name, cache_size=0)
        assert isinstance(table, KeyedTable)
        return table

    # -- locking, schema and migration ---------------------------------------

    @contextmanager
    def locked(self, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the store for one read-modify-write, across threads and processes.

        Raises ``StoreError`` when another process holds it for ``timeout`` seconds.
        """
        with self._thread_lock:
            try:
                self._lock.acquire(timeout)
            except LockTimeout:
                raise StoreError(
                    f"the store is busy: another reader process held {self.layout.lock.name} for "
                    f"{timeout:g} s; change not saved",
                    path=self.path,
                ) from None
            except OSError as exc:
                raise StoreError(
                    f"change not saved: cannot create the lock file {self.layout.lock.name}: "
                    f"{exc.strerror or exc}; the store on disk is unchanged",
                    path=self.path,
                ) from None
            if self._signatures() != self._seen:
                self._missed_outside_change = True  # see ``changed_on_disk``
            try:
                self._finish_sync()
                yield
            finally:
                self._seen = self._signatures()
                self._lock.release()

    def _finish_sync(self) -> None:
        """A sync killed while it moved its files in is finished before anything reads or writes (``staged``)."""
        try:
            moved = roll_forward(self.layout)
        except OSError as exc:
            raise StoreError(
                f"change not saved: cannot finish the last sync ({exc.strerror or exc}); "
                "the store on disk is unchanged",
                path=self.path,
            ) from None
        if moved:
            self._papers.forget()
            self._states.forget()

    def _open(self) -> None:
        """Check both files before anything is written; migrate old ones (after a backup).

        Reading needs no lock (files are only ever replaced whole), so a store
        that is merely read creates nothing on disk, not even the lock file,
        and never waits for a writer. Temp files left by a killed write are
        removed only when the lock is free at once: while a writer holds it
        they may be its own.
        """
        pending = self._outdated()
        if not pending and not self.layout.stale_temp_files() and is_ready(self.layout) is None:
            return
        try:
            with self.locked(timeout=LOCK_TIMEOUT if pending else 0):
                for path in self.layout.stale_temp_files():
                    with contextlib.suppress(OSError):
                        path.unlink()
                self._papers.forget()
                self._states.forget()
                pending = self._outdated()  # after a sync's files were moved in
                if pending:
                    self.backup()
                    for storage, data, kind, version in pending:
                        storage.write(migrate(data, kind, version))
        except StoreError as exc:
            if not pending:
                return  # temp files that cannot be removed now harm nobody
            raise StoreError(
                f"needs upgrading to schema {SCHEMA_VERSION} but cannot be written ({exc.detail}); "
                "the file is left as it is",
                path=self.path,
            ) from None

    def _outdated(self) -> list[tuple[AtomicJSONStorage, Tables, str, int]]:
        """Files with an older schema; raises on damaged, foreign or newer ones."""
        pending = []
        for storage, kind in ((self._papers, PAPERS), (self._states, STATE)):
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

    # -- reading ------------------------------------------------------------

    def _table(self, storage: AtomicJSONStorage, name: str) -> Mapping[str, dict[str, Any]]:
        data = storage.read() or {}
        return data.get(name, {})

    def _papers_raw(self) -> Mapping[str, dict[str, Any]]:
        return self._table(self._papers, PAPERS)

    def _abstracts_raw(self) -> Mapping[str, dict[str, Any]]:
        return self._table(self._papers, ABSTRACTS)

    def _states_raw(self) -> Mapping[str, dict[str, Any]]:
        return self._table(self._states, STATE)

    def entries(self) -> list[Entry]:
        """Every paper with its reading state, in the order they were added."""
        return [entry for batch in self.iter_entries(batch=len(self._papers_raw()) or 1) for entry in batch]

    def iter_entries(self, batch: int = 2000) -> Iterator[list[Entry]]:
        """``entries()`` in batches, all from one reading of the store.

        At 100k papers building every entry takes about a second: a caller
        (the app's loading worker) can show the first batch at once and let
        other work run between batches.
        """
        with self._thread_lock:
            self._seen = self._signatures()  # before reading: a change made meanwhile is read again later
            self._missed_outside_change = False
            papers = self._papers_raw()  # replaced, never mutated, by a write: a stable snapshot
            abstracts = self._abstracts_raw()
            states = self._states_raw()
        items = iter(list(papers.items()))
        while chunk := list(itertools.islice(items, batch)):
            with gc_paused(), self._naming_files():
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
                Paper.from_dict(pid, rec, stored_abstract(abstracts, pid)),
                state_of(pid, st) if (st := states.get(pid)) else unread,
            )
            for pid, rec in papers
        ]

    @contextmanager
    def _naming_files(self) -> Iterator[None]:
        """A damaged record found while reading is reported with the file it is in."""
        try:
            yield
        except StoreError as exc:
            if exc.path is not None:
                raise
            in_state = exc.detail.startswith(STATE_DAMAGE)
            raise StoreError(exc.detail, path=self.layout.state if in_state else self.path) from None

    def ids(self) -> list[str]:
        """Every paper's id, in store order, without reading a record."""
        with self._thread_lock:
            return list(self._papers_raw())

    def has(self, paper_id: str) -> bool:
        with self._thread_lock:
            return paper_id in self._papers_raw()

    def count(self) -> int:
        with self._thread_lock:
            return len(self._papers_raw())

    def entry(self, paper_id: str) -> Entry:
        with self._thread_lock:
            return Entry(self._paper(paper_id), self._state(paper_id))

    def _paper(self, paper_id: str) -> Paper:
        record = self._paper_table.record(paper_id)
        if record is None:
            raise NotFoundError(f"no paper with id {paper_id!r}")
        with self._naming_files():
            return Paper.from_dict(paper_id, record, stored_abstract(self._abstracts_raw(), paper_id))

    def _state(self, paper_id: str) -> ReadingState:
        with self._naming_files():
            return state_of(paper_id, self._state_table.record(paper_id) or {})

    def ids_where(self, test: Callable[[ReadingState], bool]) -> list[str]:
        """The ids of the papers whose reading state passes ``test``, in store order.

        Only papers the user did something with have a state: a test that an
        untouched paper passes (``is unread``) has to look at every paper instead.
        """
        with self._thread_lock:
            with self._naming_files():
                try:
                    found = self._state_table.search(lambda record: test(ReadingState.from_dict(record)))
                except StoreError:  # TinyDB hands the test a record without its id: find the damaged one by id
                    for pid, record in self._states_raw().items():
                        state_of(pid, record)
                    raise
            papers = self._papers_raw()
            wanted = {str(doc.doc_id) for doc in found}
            return list(filter(wanted.__contains__, papers))  # store order, tested in C

    def entries_of(self, paper_ids: Sequence[str]) -> list[Entry]:
        """The entries of these papers, from one reading of each table (for some of a large store)."""
        with self._thread_lock:
            papers = self._papers_raw()
            abstracts = self._abstracts_raw()
            states = self._states_raw()
        missing = next((pid for pid in paper_ids if pid not in papers), None)
        if missing is not None:
            raise NotFoundError(f"no paper with id {missing!r}")
        with gc_paused(), self._naming_files():
            return self._build([(pid, papers[pid]) for pid in paper_ids], abstracts, states)

    def states_of(self, paper_ids: Iterable[str]) -> dict[str, ReadingState]:
        """The reading states of these papers (untouched ones have the default), from one reading of the file."""
        with self._thread_lock:
            states = self._states_raw()
        unread = ReadingState()
        with self._naming_files():
            return {pid: state_of(pid, record) if (record := states.get(pid)) else unread for pid in paper_ids}

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
        """True when another process changed the store since this one last read all of it (``iter_entries``).

        A write of our own re-reads the files and replaces them, after which they
        no longer look changed; so a write that finds the files changed by someone
        else keeps saying so here, until the next whole read shows that change
        (stars set by a command, papers imported while the app deleted one).
        """
        with self._thread_lock:
            return self._missed_outside_change or self._signatures() != self._seen

    def _signatures(self) -> tuple[tuple[int, int, int, int] | None, ...]:
        """The two files as they are on disk now: inode, size and times (None for a missing file)."""
        found: list[tuple[int, int, int, int] | None] = []
        for path in (self.path, self.layout.state):
            try:
                st = path.stat()
            except OSError:
                found.append(None)
                continue
            found.append((st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
        return tuple(found)

    def records(self) -> WholeRecords:
        """The papers' whole records as on disk now (abstracts read when a record is asked for).

        For planning an import under ``locked``: the file is re-read first,
        so the plan starts from what another process may just have written.
        """
        self._papers.forget()
        return WholeRecords(self._papers_raw(), self._abstracts_raw())

    def states(self) -> Mapping[str, dict[str, Any]]:
        """Every reading state's record as on disk now (read again only if the file changed)."""
        return self._states_raw()

    def papers_file_with(
        self,
        records: Mapping[str, dict[str, Any]],
        removed: Collection[str] = (),
        places: dict[str, Places] | None = None,
    ) -> Iterator[bytes]:
        """The papers file as ``write_papers`` would write it, as lines for a caller to write elsewhere first.

        A sync stages both files of the store before it moves them in
        (``staged``); new records are added in the order of ``records``.
        ``places`` notes where the records go: ``keep_places`` once the file is in.
        """
        return dump_lines(stamped(self._rewritten(records, removed), PAPERS), places)

    def keep_places(self, places: dict[str, Places]) -> None:
        """Where the records of the papers file just moved in sit, so the next open need not look for them."""
        self._papers.keep_places(places)

    def state_file_with(
        self, records: Mapping[str, dict[str, Any]], removed: Collection[str] = ()
    ) -> Iterator[bytes]:
        """The state file with these records put and ``removed`` dropped, as lines (see ``papers_file_with``)."""
        data = self._states.read() or {}
        gone = set(removed)
        states = {pid: record for pid, record in data.get(STATE, {}).items() if pid not in gone}
        states.update(records)
        return dump_lines(stamped({**data, STATE: states}, STATE))

    # -- reading state ------------------------------------------------------

    def update_states(
        self, paper_ids: Sequence[str], change: Callable[[ReadingState], ReadingState]
    ) -> list[Entry]:
        """Apply ``change`` to the latest state of each paper, in one atomic write.

        The change is saved on disk before this returns; on failure it raises
        ``StoreError`` and neither the file nor what this store reads changed.
        """
        return [entry for _, entry in self.change_states(paper_ids, lambda _pid, state: change(state))]

    def change_states(
        self, paper_ids: Sequence[str], change: Callable[[str, ReadingState], ReadingState], *,
        own_status_at: bool = False,
    ) -> list[tuple[ReadingState, Entry]]:
        """``update_states`` with the paper's id given to ``change``: each paper's state before, and its entry after.

        ``own_status_at``: the change sets ``status_at`` itself (an undo puts the old one back).
        """
        with self.locked():
            missing = [pid for pid in paper_ids if not self._paper_table.has(pid)]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            # Re-read from disk: an identical (inode, size, mtime) after another
            # process's write is rare but would make us apply the change to a stale copy.
            self._states.forget()
            papers = {pid: self._paper(pid) for pid in paper_ids}  # a damaged record stops it before the write
            stamp = now_iso()
            before = {pid: self._state(pid) for pid in paper_ids}
            new_states = {
                pid: stamp_state(old, change(pid, old), stamp, own_status_at=own_status_at)
                for pid, old in before.items()
            }
            self._put_states({pid: state.to_dict() for pid, state in new_states.items()})
            return [(before[pid], Entry(papers[pid], state)) for pid, state in new_states.items()]

    def update_states_each(
        self, paper_ids: Sequence[str], change: Callable[[str, ReadingState], ReadingState]
    ) -> list[Entry]:
        """Undo's write: ``change`` sees each paper's latest state under the lock and sets ``status_at`` itself."""
        return [entry for _, entry in self.change_states(paper_ids, change, own_status_at=True)]

    def set_state(self, paper_ids: Sequence[str], **changes: Any) -> list[Entry]:
        """Set fields of the reading state of each paper (``status``, ``starred``, ``note``, ``tags``)."""
        return self.update_states(paper_ids, lambda state: state.with_changes(**changes))

    def _put_states(self, records: Mapping[str, dict[str, Any]], removed: Collection[str] = ()) -> None:
        """Upsert and remove state records through TinyDB's table, landing as one atomic write with the stamp."""
        with self._states.batch(lambda data: stamped(data, STATE)):
            self._state_table.replace(records, removed)

    # -- tables kept beside the reading states ------------------------------

    def side_table(self, name: str) -> dict[str, dict[str, Any]]:
        """A table of the state file other than the reading states (the inbox, the feeds' progress), as on disk.

        Kept in the state file so that backups, restores and the lock cover it
        like the reading states: what the user acknowledged is never in a file apart.
        """
        with self._thread_lock:
            return dict(self._table(self._states, name))

    def put_side(self, name: str, records: Mapping[str, dict[str, Any]], removed: Collection[str] = ()) -> None:
        """Upsert and remove records of a side table, in one atomic write under the lock."""
        if name in (STATE, META):
            raise ValueError(f"{name!r} is not a side table")
        with self.locked():
            self._states.forget()
            table = self._table_of(self._state_db, name)
            with self._states.batch(lambda data: stamped(data, STATE)):
                table.replace(records, removed)

    # -- papers -------------------------------------------------------------

    def write_papers(self, records: Mapping[str, dict[str, Any]], removed: Collection[str] = ()) -> None:
        """Add or replace whole paper records and drop ``removed``, in one atomic write (under ``locked``).

        The abstracts that did not change are copied from the old file as
        they are, without being parsed or held in memory.
        """
        with gc_paused():
            self._papers.write(stamped(self._rewritten(records, removed), PAPERS))

    def _rewritten(self, records: Mapping[str, dict[str, Any]], removed: Collection[str]) -> Tables:
        data = self._papers.read() or {}
        gone = set(removed)
        stored = data.get(PAPERS, {})
        if isinstance(stored, StoredTable):  # unchanged records are copied as they are, unparsed
            papers: dict[str, Any] = {pid: Kept(stored, pid) for pid in stored if pid not in gone}
        else:
            papers = {pid: record for pid, record in stored.items() if pid not in gone}
        changed: dict[str, dict[str, Any] | None] = {}
        for pid, record in records.items():
            papers[pid], changed[pid] = split_record(record)
        old = data.get(ABSTRACTS, {})
        abstracts: dict[str, Any] = {}
        for pid in papers:
            if pid in changed:
                if (new := changed[pid]) is not None:
                    abstracts[pid] = new
            elif pid in old:
                abstracts[pid] = Kept(old, pid) if isinstance(old, StoredTable) else old[pid]
        return {**data, PAPERS: papers, ABSTRACTS: abstracts}

    def delete(self, paper_ids: Sequence[str]) -> list[RemovedPaper]:
        """Remove papers and their reading state; what was removed comes back for undo.

        The store is backed up first (``last_backup``), whoever asks: a
        delete is the one change that takes text away. The papers go first: a
        crash between the two writes leaves reading states without a paper
        (kept, reported by ``reader doctor``), never a paper that lost its notes.
        """
        with self.locked():
            # The papers file is re-read only if it changed: its signature is its inode, size and
            # times to the nanosecond, and the inode cannot be reused while a StoredTable holds it.
            self._states.forget()
            papers = self._papers_raw()
            missing = [pid for pid in paper_ids if pid not in papers]
            if missing:
                raise NotFoundError(f"no paper with id {missing[0]!r}")
            self.backup()
            states = self._states_raw()
            records = WholeRecords(papers, self._abstracts_raw())
            removed = [RemovedPaper(pid, dict(records[pid]), states.get(pid)) for pid in paper_ids]
            self.write_papers({}, removed=paper_ids)
            with_state = [pid for pid in paper_ids if pid in states]
            if with_state:
                self._put_states({}, removed=with_state)
            return removed

    def restore_papers(self, removed: Sequence[RemovedPaper]) -> list[str]:
        """Put deleted papers back, with their reading state (undo of a delete).

        A paper that is in the store again (imported by another process since)
        is left as it is now; its id is returned.
        """
        with self.locked():
            self._states.forget()
            papers = self._papers_raw()
            back = [item for item in removed if item.id not in papers]
            if back:
                self.write_papers({item.id: item.record for item in back})
            states = {item.id: item.state for item in back if item.state is not None}
            if states:
                self._put_states(states)
            return [item.id for item in removed if item not in back]

    # -- backups ------------------------------------------------------------

    def backup(self) -> Path | None:
        """Copy the store aside before a bulk change; the last few copies are kept (``last_backup`` says where)."""
        self.last_backup = make_backup(self.layout.kept, self.layout.backups)
        return self.last_backup

    def backups(self) -> list[Path]:
        """Complete backups, newest first."""
        return list_backups(self.layout.backups)

    def close(self) -> None:
        self._papers_db.close()
        self._state_db.close()




__all__ = ["LOCK_TIMEOUT", "META", "Store"]
