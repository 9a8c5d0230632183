"""One store's papers held in memory: entries, counts, search index; the rows a view shows.

The command line and the app both work through a ``Session``. It reads the
store once (``read``; the app does it in steps in a worker and swaps the
result in with ``take``), answers ``rows(query, filter, sort)`` from memory,
and writes every change through the store first, then updates its entries,
counts and index for those papers only (never a re-read of 100k papers).

Changes made while a newer read is still running are kept in a journal and
replayed onto that read's result, which is older than they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, not_
from typing import TYPE_CHECKING

from reader.core import inbox, sorting
from reader.core.errors import ReaderError
from reader.core.filters import Filter
from reader.core.history import History, Undone
from reader.core.models import Entry, ReadingState
from reader.core.search import query
from reader.core.store import RemovedPaper, Store
from reader.core.watch import WatchList

if TYPE_CHECKING:  # the index needs numpy: loaded only by a session that searches
    from reader.core.search.index import SearchIndex

ALL = Filter()
COUNT_BEYOND_LIMIT = 1000  # papers checked past a limit to say how many more match

_ids = attrgetter("paper.id")  # C-level attribute access: no Python frame per paper
_read = attrgetter("state.read")
_starred = attrgetter("state.starred")


@dataclass
class Library:
    """Entries by id in store order, with their unread and starred counts.

    A paper added or removed gives a new dict (copy on write), so a worker
    reading ``entries`` meanwhile never sees it change size.
    """

    entries: dict[str, Entry] = field(default_factory=dict)
    unread: int = 0
    starred: int = 0

    @classmethod
    def of(cls, entries: list[Entry]) -> Library:
        """A library of these entries, added in one batch."""
        library = cls()
        library.add(entries)
        return library

    def add(self, batch: list[Entry]) -> None:
        """Add papers the library does not hold yet (a load's batch)."""
        self.entries.update(zip(map(_ids, batch), batch, strict=True))
        self.unread += sum(map(not_, map(_read, batch)))
        self.starred += sum(map(_starred, batch))

    def put(self, paper_id: str, entry: Entry | None) -> None:
        """Replace (or add, or with None remove) one paper, keeping the counts right."""
        old = self.entries.get(paper_id)
        if old is not None:
            self.unread -= not old.state.read
            self.starred -= old.state.starred
        if entry is None:
            if old is not None:
                self.entries = {pid: e for pid, e in self.entries.items() if pid != paper_id}
            return
        if old is None:
            self.entries = {**self.entries, paper_id: entry}
        else:
            self.entries[paper_id] = entry  # an existing key keeps its place in the order
        self.unread += not entry.state.read
        self.starred += entry.state.starred


@dataclass(frozen=True, slots=True)
class Rows:
    """What a view shows for one query: the papers (None while the index is built), why, and what went wrong."""

    entries: list[Entry] | None
    scores: list[float] | None = None  # for a ranked query, one per entry
    terms: frozenset[str] = frozenset()  # the vocabulary words matched, for highlighting
    errors: tuple[str, ...] = ()
    total: int | None = None  # with a limit: how many papers match in all (at least this many if ``capped``)
    capped: bool = False


class _StoreEntries(Mapping[str, Entry]):
    """A store's entries, each read and built when first asked for (a command showing 20 of 100k builds 20)."""

    def __init__(self, store: Store, ids: list[str]) -> None:
        self._store = store
        self._ids = ids
        self._known = set(ids)
        self._built: dict[str, Entry] = {}

    def __getitem__(self, paper_id: str) -> Entry:
        entry = self._built.get(paper_id)
        if entry is None:
            if paper_id not in self._known:
                raise KeyError(paper_id)
            entry = self._built[paper_id] = self._store.entry(paper_id)
        return entry

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class _Facts:
    """``is:new`` and ``is:watched`` for one query: the inbox read once, the watch list from the settings."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._arrivals: dict[str, str] | None = None

    def is_new(self, entry: Entry) -> bool:
        if self._arrivals is None:
            self._arrivals = {pid: str(record.get("arrived_at")) for pid, record in
                              inbox.arrivals(self._session.store).items()}
        arrived = self._arrivals.get(entry.id)
        return arrived is not None and inbox.is_new(entry.state, arrived)

    def watched(self, entry: Entry) -> bool:
        return self._session.watch_list().watched(entry)


class Session:
    """A store's papers in memory, kept in step with every change made through it."""

    def __init__(self, store: Store, watch: WatchList | None = None) -> None:
        self.store = store
        self.watch = watch  # the settings' watch list, read when a query first asks (``is:watched``)
        self.library = Library()
        self.index: SearchIndex | None = None
        self.history = History()
        self.generation = 0  # the newest read; an older one's result counts no more
        self._journal: dict[str, Entry | None] = {}  # changes since the newest read began
        self._read: _StoreEntries | None = None  # a command's entries read on demand

    @classmethod
    def open(cls, store: Store, *, index: bool = False, only: Sequence[str] | None = None) -> Session:
        """A session with the store read (and its index, if asked): for a command.

        ``only`` holds it to those papers: a command that lists the starred
        papers of 100k need not read the other 99,980. With ``index`` and a
        cached index that fits, no paper is read until a view asks for it.
        """
        session = cls(store)
        if not index:
            session.take(session.begin_read(), Library.of(store.entries() if only is None else store.entries_of(only)))
            return session
        from reader.core.search.index import SearchIndex

        if only is None:
            ids = store.ids()
            edited = store.entries_of(store.ids_where(lambda state: bool(state.note.strip() or state.tags)))
            cached = SearchIndex.cached(ids, edited, store.path)
            if cached is not None:
                session.index = cached
                session._read = _StoreEntries(store, ids)
                return session
        generation = session.begin_read()
        library = Library.of(store.entries() if only is None else store.entries_of(only))
        session.take(generation, library)
        session.take_index(generation, SearchIndex.load_or_build(list(library.entries.values()), store.path))
        return session

    def watch_list(self) -> WatchList:
        if self.watch is None:
            from reader.core import config

            watching = config.load().watch
            self.watch = WatchList(watching.authors, watching.keywords)
        return self.watch

    def new_ids(self) -> list[str]:
        """The inbox: papers that arrived by a fetch and were not touched since, as this session holds them."""
        facts = _Facts(self)
        entries = self.entries
        return [pid for pid in inbox.arrivals(self.store) if pid in entries and facts.is_new(entries[pid])]

    @property
    def entries(self) -> Mapping[str, Entry]:
        """The papers by id: held in memory, or (for a command) built as a view asks for them."""
        return self._read if self._read is not None else self.library.entries

    # -- reading the store -----------------------------------------------------------

    def begin_read(self) -> int:
        """Start a (re)read: changes from now on are replayed onto its result."""
        self.generation += 1
        self._journal = {}
        return self.generation

    def batches(self, size: int = 2000) -> Iterator[list[Entry]]:
        """The store's entries, a batch at a time, from one reading of it (safe in a worker)."""
        return self.store.iter_entries(batch=size)

    def take(self, generation: int, library: Library) -> bool:
        """Swap in what a read built, with the changes made meanwhile; False if a newer read began."""
        if generation != self.generation:
            return False
        for paper_id, entry in self._journal.items():
            library.put(paper_id, entry)
        self.library = library
        return True

    def take_index(self, generation: int, index: SearchIndex) -> bool:
        """Swap in the index built from a read, with the changes made meanwhile."""
        if generation != self.generation:
            return False
        for paper_id, entry in self._journal.items():
            if entry is None:
                index.remove(paper_id)
            else:
                index.update(entry)
        self.index = index
        return True

    # -- what a view shows -------------------------------------------------------------

    def rows(
        self, text: str = "", chosen: Filter = ALL, sort: str = "added", *, reverse: bool = False,
        limit: int | None = None,
    ) -> Rows:
        """The papers for a query, a filter and an order; ranked by the query's words when it has some.

        Reads only what is in memory (entries and index as they are now), so
        a worker can call it while the UI thread makes changes. ``limit``
        stops a ranked query after that many papers (``more`` says if it cut).
        """
        parsed = query.parse(text, _Facts(self))
        entries, index = self.entries, self.index
        errors = tuple(parsed.errors)
        if parsed.words and index is None:
            return Rows(None, errors=errors)
        terms = frozenset(query.highlight_terms(parsed, index)) if index is not None else frozenset()
        dropped = index.excluded(parsed.excluded) if index is not None and parsed.excluded else None
        if parsed.words:
            assert index is not None
            positions, found = index.rank(" ".join(parsed.words), min_share=query.WORD_SHARE, typing=parsed.typing)
            if dropped is not None:
                keep = ~dropped[positions]
                positions, found = positions[keep], found[keep]
            kept: list[tuple[Entry, float]] = []
            total, capped = 0, False
            every = chosen.is_all and not parsed.filters and not parsed.phrases  # each ranked paper is a row
            ids = index.ids
            for position, score in zip(positions.tolist(), found.tolist(), strict=True):
                pid = ids[position]
                if limit is not None and len(kept) == limit:
                    if every:
                        total = len(positions)
                        break
                    if total >= limit + COUNT_BEYOND_LIMIT:  # counting the rest would read every paper
                        capped = True
                        break
                if pid not in entries:
                    continue
                entry = entries[pid]
                if chosen.accepts(entry) and parsed.accepts(entry, exclusions=False):
                    total += 1
                    if limit is None or len(kept) < limit:
                        kept.append((entry, score))
            if sort != "added":  # "added" is the order of a store; for a search, the best match first
                order = {entry.id: i for i, entry in enumerate(sorting.sort_entries([e for e, _ in kept], sort))}
                kept.sort(key=lambda pair: order[pair[0].id])
            if reverse:
                kept.reverse()
            return Rows([e for e, _ in kept], [s for _, s in kept], terms, errors, max(total, len(kept)), capped)
        if chosen.is_all and parsed.is_empty:
            rows = list(entries.values())  # the whole store: a copy in C, not a check per paper
        elif dropped is not None:
            assert index is not None
            gone = set(index.ids_at(dropped.nonzero()[0]))
            rows = [e for e in entries.values() if e.id not in gone and chosen.accepts(e)
                    and parsed.accepts(e, exclusions=False)]
        else:
            rows = [e for e in entries.values() if chosen.accepts(e) and parsed.accepts(e)]
        if sort != "added" or reverse:
            rows = sorting.sort_entries(rows, sort, reverse=reverse)
        return Rows(rows, None, terms, errors)

    # -- changes -------------------------------------------------------------------------

    def change(
        self, description: str, paper_ids: Sequence[str], change: Callable[[ReadingState], ReadingState]
    ) -> list[Entry]:
        """Write a state change through the store, then show it here; undoable.

        Raises the store's ``ReaderError`` when it was not saved: nothing here changes then.
        """
        written = self.store.change_states(paper_ids, lambda _pid, state: change(state))
        self.history.record_states(description, {entry.id: (before, entry.state) for before, entry in written})
        updated = [entry for _, entry in written]
        self._took(updated)
        return updated

    def delete(self, paper_ids: Sequence[str], description: str) -> list[RemovedPaper]:
        removed = self.store.delete(paper_ids)
        self.history.record_delete(description, removed)
        for item in removed:
            self._put(item.id, None)
        return removed

    def undo(self) -> Undone | None:
        """Put back what the newest action changed (see ``history``); None when there is nothing to undo."""
        undone = self.history.undo(self.store)
        if undone is not None:
            action = undone.action
            touched = dict.fromkeys([*(item.id for item in action.removed), *action.changes])
            self._took(self.reread(touched))
        return undone

    def reread(self, paper_ids: Iterable[str]) -> list[Entry]:
        """The latest entries of these papers from the store (another process may have written)."""
        found = []
        for pid in paper_ids:
            try:
                found.append(self.store.entry(pid))
            except ReaderError:
                continue
        return found

    def _took(self, updated: Iterable[Entry]) -> None:
        for entry in updated:
            old = self.entries.get(entry.id)
            self._put(entry.id, entry)
            if self.index is not None and (
                old is None or (old.state.note, old.state.tags) != (entry.state.note, entry.state.tags)
            ):
                self.index.update(entry)

    def _put(self, paper_id: str, entry: Entry | None) -> None:
        self.library.put(paper_id, entry)
        self._journal.pop(paper_id, None)  # the newest change goes last
        self._journal[paper_id] = entry  # a read still running must not undo it
        if entry is None and self.index is not None:
            self.index.remove(paper_id)
