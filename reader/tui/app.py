"""The reader app: a paper list, a detail pane, a search box and a status line.

Every user action is written to the store before the next key is handled
(the store's user-state file is small, so this costs milliseconds), and a
failed write is shown without pretending it was saved. Loading, indexing,
searching, copying and exporting run in workers so the screen never freezes.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import webbrowser
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from reader.core import config, export, feeds, heap, library, stats, subscriptions, triage
from reader.core.clipboard import copy_system
from reader.core.errors import ReaderError
from reader.core.filters import Filter
from reader.core.heap import gc_paused
from reader.core.keymap import IDS, KEYS
from reader.core.models import Entry, ReadingState
from reader.core.search import related
from reader.core.search.index import SearchIndex
from reader.core.session import Library, Session
from reader.core.steps import finish
from reader.core.store import Store
from reader.core.tags import normalise_tags
from reader.core.text import strip_control
from reader.core.watch import WatchList
from reader.tui import messages
from reader.tui.keys import bindings
from reader.tui.loading import Pacer
from reader.tui.providers import ReaderCommands
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.note import NoteScreen
from reader.tui.screens.related import RelatedScreen
from reader.tui.screens.stats import StatsScreen
from reader.tui.screens.tags import TagsScreen
from reader.tui.screens.triage import TriageScreen
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.footer import StableFooter
from reader.tui.widgets.paper_list import PaperList

FILTERS: tuple[tuple[str, Filter], ...] = (
    ("all", Filter()),
    ("unread", Filter(unread=True)),
    ("starred", Filter(starred=True)),
)
SORTS = ("added", "listed", "title", "upvotes", "stars", "status")
NARROW = 90
DISK_CHECK_SECONDS = 1.5
DETAIL_PAUSE = 0.1  # seconds the cursor rests before the detail pane follows a held key
LOAD_BATCH = 500  # papers the loading worker builds between two turns of the UI thread
EXPORT_NAME = "reader-notes.md"
_CONSOLE_BROWSERS = {"www-browser", "lynx", "links", "elinks", "w3m"}
# What the user is told when a worker of each group fails (``on_worker_state_changed``).
WORKER_FAILURES = {
    "load": "Could not read the store",
    "search": "Search failed",
    "clipboard": "Not copied",
    "browser": "Link not opened",
    "export": "Export failed",
    "related": "Related papers not found",
    "stats": "Statistics not computed",
    "rank": "The inbox could not be ranked",
    "fetch": "Subscriptions not fetched",
}


class ReaderApp(App[None]):
    """Work through a store of papers."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = App.COMMANDS | {ReaderCommands}

    BINDINGS: ClassVar[list[BindingType]] = bindings("app")

    def __init__(
        self,
        store: Store,
        *,
        export_dir: Path | None = None,
        demo: bool = False,
        settings: config.Settings | None = None,
        remember_theme: bool = False,
    ) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or config.Settings()
        self.remember_theme = remember_theme  # a theme picked in the palette is saved to the settings file
        self.export_dir = export_dir or self.settings.export.dir_path() or Path.cwd()
        self.demo = demo
        self._setting_problems = self._apply_settings()
        watching = self.settings.watch
        self.watch_list = WatchList(watching.authors, watching.keywords)
        self.session = Session(store, self.watch_list)  # the entries, counts and index; every change goes through it
        self.inbox_count = 0  # papers new since you last looked (the status line says how many)
        self._inbox_opened = False  # the app opens on the inbox once, when it has papers
        self.filter_name = "all"
        self.sort_key = "added"
        self.query_text = ""
        self.query_errors: list[str] = []
        self.is_loading = True
        self.exporting = 0  # exports running: the status line says so
        self._generation = 0
        self._detail_entry: Entry | None = None  # what the detail pane shows
        self._moved_at = 0.0  # when the cursor last moved
        self._detail_timer: Timer | None = None
        self._rows_query = ""  # the query the list shows; a new one puts the cursor on the best match
        self._gone_from_cursor: tuple[str | None, str | None] = (None, None)  # deleted id, where the cursor goes
        if demo:
            self.sub_title = "demo: a throwaway store"

    def _apply_settings(self) -> list[str]:
        """Theme and keymap from the settings file; what could not be applied, to say on mount."""
        problems: list[str] = []
        theme = self.settings.theme
        if theme in self.available_themes:
            self.theme = theme
        else:
            problems.append(f"unknown theme {theme!r}; available: {', '.join(sorted(self.available_themes))}")
        keymap = dict(self.settings.keymap)
        known = IDS
        unknown = sorted(set(keymap) - known)
        if unknown:
            problems.append(f"unknown key binding id(s) {', '.join(unknown)}; see the help screen (?)")
        self.set_keymap({key: keys for key, keys in keymap.items() if key in known})
        return problems

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Input(placeholder="/ search: words (typos ok), is:unread has:code tag:x \"phrase\" -word", id="search")
        with Horizontal(id="main"):
            yield PaperList(id="papers")
            yield DetailPane(id="detail")
        yield Static(id="status", markup=False)
        yield StableFooter(compact=True)  # every main key fits in 120 columns

    @property
    def entries(self) -> dict[str, Entry]:
        """The store's papers by id, in store order (the first screenful while it loads)."""
        return self.session.library.entries

    @property
    def index(self) -> SearchIndex | None:
        return self.session.index

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self._ui_loop = asyncio.get_running_loop()  # workers let it run first (see Pacer)
        for problem in self._setting_problems:
            self._say(problem, title="Settings", severity="warning")
        self.paper_list.focus()
        if not self.watch_list.empty:
            self.paper_list.is_watched = self.watch_list.watched
        self._start_load()
        self._fetch_if_due()
        self.set_interval(DISK_CHECK_SECONDS, self._check_disk)
        if self.remember_theme:
            self.theme_changed_signal.subscribe(self, self._save_theme)

    def _save_theme(self, theme: Theme) -> None:
        if theme.name == self.settings.theme:
            return
        try:
            self.settings = config.set_value("theme", theme.name)
        except ReaderError as exc:
            self._say(f"theme not remembered: {exc}", title="Settings", severity="warning")

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")
        self.set_class(self.size.height < 16, "-short")

    # -- loading ------------------------------------------------------------------

    def _start_load(self) -> None:
        """Read the store (again) in the background; the list shows what it has meanwhile."""
        generation = self.session.begin_read()
        self.is_loading = True
        self._show_status()
        self._load(generation, not self.entries)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self, generation: int, first: bool) -> None:
        """Entries, counts and search index, all built here: the UI thread only swaps them in.

        The core does the work in steps, and between them the UI thread goes
        first (``Pacer``): keys never wait for 100k papers.
        """
        pause = Pacer(self._ui_loop)

        def current() -> bool:
            return generation == self.session.generation

        with gc_paused(freeze=current):
            loaded = Library()
            for batch in self.session.batches(LOAD_BATCH):
                if first and not loaded.entries:  # the first screenful at once, the rest follows
                    self.post_message(messages.FirstBatch(generation, batch))
                loaded.add(batch)
                pause()
                if not current():
                    return  # a newer load took over
            self.post_message(messages.Loaded(generation, loaded))
            index = finish(SearchIndex.opening(list(loaded.entries.values()), self.store.path), pause)
            finish(index.preparing(), pause)
        self.post_message(messages.Indexed(generation, index))

    def on_first_batch(self, message: messages.FirstBatch) -> None:
        if not self.entries and self.session.take(message.generation, Library.of(message.batch)):
            self._refresh_rows()

    def on_loaded(self, message: messages.Loaded) -> None:
        if self.session.take(message.generation, message.library):
            self.is_loading = False
            self._count_inbox()
            self._refresh_rows()
            first, self._inbox_opened = not self._inbox_opened, True
            if self.inbox_count and first:  # opened on the inbox; later arrivals are announced, not pushed
                self.action_inbox()

    def _count_inbox(self) -> None:
        self.inbox_count = len(self.session.new_ids())

    def on_indexed(self, message: messages.Indexed) -> None:
        if self.session.take_index(message.generation, message.index):
            self._refresh_rows()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure reaches the user: what failed, and why."""
        worker = event.worker
        if worker.group == "export" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.exporting -= 1
            self._show_status()
        if event.state is not WorkerState.ERROR:
            return
        error = worker.error
        reason = str(error) if isinstance(error, ReaderError) else f"{type(error).__name__}: {error}"
        if worker.group == "load":
            self.is_loading = False
            self._show_status()
        self._say(reason, title=WORKER_FAILURES.get(worker.group, "Failed"), severity="error")

    def on_unmount(self) -> None:
        self.session.begin_read()  # a load still running counts no more
        heap.thaw()

    def _check_disk(self) -> None:
        if not self.is_loading and self.store.changed_on_disk():
            self._start_load()

    # -- what the list shows --------------------------------------------------------

    def _screen_gone(self) -> bool:
        """True while the app shuts down: a worker's late result has no screen to go to."""
        return self.query_one_optional(PaperList) is None

    def _refresh_rows(self) -> None:
        """Recompute the rows for the current query, filter and sort, off the UI thread."""
        if self._screen_gone():
            return
        self._generation += 1
        self._show_status()
        self._compute_rows(self._generation, self.query_text, self.filter_name, self.sort_key)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _compute_rows(self, generation: int, text: str, filter_name: str, sort_key: str) -> None:
        rows = self.session.rows(text, dict(FILTERS)[filter_name], sort_key)
        self.post_message(messages.RowsReady(generation, text, rows))

    def on_rows_ready(self, message: messages.RowsReady) -> None:
        generation, text, found = message.generation, message.text, message.rows
        if generation != self._generation or self._screen_gone():
            return  # a newer query is on its way: never show stale results
        self.query_errors = list(found.errors) if found.entries is not None else [*found.errors, "indexing…"]
        rows, terms = found.entries, set(found.terms)
        if rows is not None:
            # Same query (a reload, a filter, a state change): stay on the same paper.
            # A new query: start at its best match.
            current = self.paper_list.current
            keep = current.id if current and text == self._rows_query else None
            if keep is not None and keep == self._gone_from_cursor[0]:
                keep = self._gone_from_cursor[1]  # the paper under the cursor was deleted: the next one
            self._gone_from_cursor = (None, None)
            self._rows_query = text
            self.paper_list.show(rows, keep_id=keep, terms=terms)
            if self.paper_list.current is not self._detail_entry or self.detail.terms != self.paper_list.terms:
                self._show_detail(self.paper_list.current)
        self._show_status()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.query_text = event.value
            self._refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.paper_list.focus()

    def on_paper_list_highlighted(self, message: PaperList.Highlighted) -> None:
        """Follow the cursor: at once after a rest, else once it rests for DETAIL_PAUSE.

        Laying out a paper's abstract costs more than moving the cursor: redone for
        every row a held key passes, it made the keys queue up behind it.
        """
        now = time.monotonic()
        resting, self._moved_at = now - self._moved_at >= DETAIL_PAUSE, now
        if self._screen_gone() or self.paper_list.current is self._detail_entry:
            return
        if self._detail_timer is not None:
            self._detail_timer.reset()
        elif resting:
            self._show_detail(self.paper_list.current)
        else:
            self._detail_timer = self.set_timer(DETAIL_PAUSE, self._detail_catch_up)

    def _detail_catch_up(self) -> None:
        self._detail_timer = None
        if not self._screen_gone():
            self._show_detail(self.paper_list.current)

    def _show_detail(self, entry: Entry | None) -> None:
        """Show ``entry`` in the detail pane now (callers pass the current row: a message may be older)."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        self._detail_entry = entry
        self.detail.show(entry, self.paper_list.terms)

    def _show_status(self) -> None:
        status = self.query_one_optional("#status", Static)
        if status is None:
            return  # shutting down
        if self.is_loading and not self.entries:
            status.update(Text("loading the store…"), layout=False)
            return
        text = Text()
        text.append(f"{len(self.paper_list.rows)} shown / {len(self.entries)}", style="bold")
        counts = self.session.library
        text.append(f" · {counts.unread} unread · {counts.starred} starred · filter: {self.filter_name}")
        if self.sort_key != "added":
            text.append(f" · sort: {self.sort_key}")
        if self.inbox_count:
            text.append(f" · {self.inbox_count} new (i: inbox)", style="bold")
        if self.query_text.strip():
            text.append(" · search: ")
            text.append(strip_control(self.query_text.strip()), style="italic")
        if self.paper_list.selected:
            text.append(f" · {len(self.paper_list.selected)} selected", style="bold")
        if self.is_loading:
            text.append(" · loading…", style="dim")
        elif self.index is None:
            text.append(" · indexing…", style="dim")
        if self.exporting:
            text.append(" · exporting…", style="dim")
        for problem in self.query_errors:
            text.append(f" · {problem}", style="bold red")
        if text != status.content:
            status.update(text, layout=False)  # one line, sized by the stylesheet: no layout for a new text

    # -- helpers for actions ----------------------------------------------------------

    def _targets(self) -> list[Entry]:
        """The selected papers, else the one under the cursor."""
        selected = [self.entries[pid] for pid in self.paper_list.selected if pid in self.entries]
        if selected:
            return selected
        current = self.paper_list.current
        return [current] if current else []

    def _say(self, message: str, *, title: str = "", severity: str = "information") -> None:
        self.notify(strip_control(message), title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def _apply(
        self, description: str, targets: Sequence[Entry], change: Callable[[ReadingState], ReadingState]
    ) -> bool:
        """Write a state change for ``targets``; on failure the screen keeps the old state."""
        if not targets:
            self._say("No paper here.", severity="warning")
            return False
        try:
            updated = self.session.change(description, [e.id for e in targets], change)
        except ReaderError as exc:
            self._say(str(exc), title="Not saved", severity="error")
            return False
        self._took(updated)
        return True

    def _took(self, updated: Iterable[Entry]) -> None:
        """Show papers as the session now has them (the counts and index followed in the session)."""
        if self.inbox_count:
            self._count_inbox()
        for entry in updated:
            self.paper_list.replace(entry)
        current = self.paper_list.current
        if current is not None and self._detail_entry is not None and current.id == self._detail_entry.id:
            self._show_detail(current)  # its new state at once, not when the cursor next rests
        self._show_status()

    # -- actions ------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_back_to_list(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.paper_list.focus()
        elif self.paper_list.selected:
            self.paper_list.clear_selection()
            self._show_status()
        elif search.value:
            search.value = ""

    def action_toggle_read(self) -> None:
        targets = self._targets()
        make_read = not all(e.state.read for e in targets)
        status = "read" if make_read else "to-read"
        self._apply("read" if make_read else "unread", targets, lambda s: s.with_changes(status=status))

    def action_mark_reading(self) -> None:
        self._apply("reading", self._targets(), lambda s: s.with_changes(status="reading"))

    def action_toggle_star(self) -> None:
        targets = self._targets()
        star = not all(e.state.starred for e in targets)
        self._apply("star" if star else "unstar", targets, lambda s: s.with_changes(starred=star))

    def action_edit_note(self) -> None:
        entry = self.paper_list.current
        if entry is None:
            return

        def save(text: str) -> None:
            self._took(self.session.change("note", [entry.id], lambda state: state.with_changes(note=text)))

        self.push_screen(NoteScreen(entry.paper.title, self.entries[entry.id].state.note, save))

    def action_edit_tags(self) -> None:
        targets = self._targets()
        if not targets:
            return
        first = targets[0]
        shown = first.state.tags if len(targets) == 1 else ()
        title = first.paper.title if len(targets) == 1 else f"{len(targets)} selected papers (tags are added)"

        def done(tags: tuple[str, ...] | None) -> None:
            if tags is None:
                return
            if len(targets) == 1:
                self._apply("tags", targets, lambda s: s.with_changes(tags=tags))
            else:
                self._apply("tags", targets, lambda s: s.with_changes(tags=normalise_tags([*s.tags, *tags])))

        self.push_screen(TagsScreen(title, shown), done)

    def _link_to(self, verb: str) -> str | None:
        """The current paper's code link (else its first link), or None after saying so."""
        entry = self.paper_list.current
        if entry is None:
            self._say("No paper here.", severity="warning")
            return None
        link = entry.paper.best_link
        if link is None:
            self._say(f"This paper has no link to {verb}.", severity="warning")
            return None
        return link.url

    def action_copy_link(self) -> None:
        url = self._link_to("copy")
        if url is not None:
            self._copy(url)

    @work(thread=True, group="clipboard", exit_on_error=False)
    def _copy(self, url: str) -> None:
        self.post_message(messages.Copied(url, *copy_system(url)))

    def on_copied(self, message: messages.Copied) -> None:
        url, copied, detail = message.url, message.copied, message.detail
        if copied:
            self._say(url, title="Copied to the system clipboard")
            return
        self.copy_to_clipboard(url)
        self._say(
            f"{url}\n(no system clipboard: {detail}; sent to the terminal with OSC 52)",
            title="Copied to the terminal clipboard",
        )

    def action_open_link(self) -> None:
        url = self._link_to("open")
        if url is not None:
            self._open(url)

    @work(thread=True, group="browser", exit_on_error=False)
    def _open(self, url: str) -> None:
        try:
            browser = webbrowser.get()
            if isinstance(browser, webbrowser.GenericBrowser) and browser.name in _CONSOLE_BROWSERS:
                raise webbrowser.Error("only a text-mode browser")
            opened = browser.open(url)
        except webbrowser.Error as exc:
            self.post_message(messages.Notice(f"No browser to open it ({exc}). The link: {url}", "warning"))
            return
        self.post_message(messages.Notice(f"Opening {url}" if opened else f"The browser did not open. The link: {url}"))

    def on_notice(self, message: messages.Notice) -> None:
        self._say(message.text, severity=message.severity)

    def action_cycle_filter(self) -> None:
        names = [name for name, _ in FILTERS]
        self.filter_name = names[(names.index(self.filter_name) + 1) % len(names)]
        self._refresh_rows()

    def action_cycle_sort(self) -> None:
        self.sort_key = SORTS[(SORTS.index(self.sort_key) + 1) % len(SORTS)]
        self._refresh_rows()

    def action_select(self) -> None:
        self.paper_list.toggle_selected()
        self.paper_list.action_cursor_down()
        self._show_status()

    def action_export(self) -> None:
        chosen = self._targets() if self.paper_list.selected else list(self.paper_list.rows)
        self.exporting += 1
        self._show_status()
        self._export([entry.id for entry in chosen], self.export_dir / EXPORT_NAME)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, ids: list[str], target: Path) -> None:
        latest = {entry.id: entry for entry in self.store.entries()}  # another window may have written
        entries = [latest[pid] for pid in ids if pid in latest]
        template_path = self.settings.export.template_path()
        template = export.PaperTemplate.from_file(template_path) if template_path else None
        written = library.write_export(entries, "markdown", target, template=template)
        self.post_message(messages.Exported(len(entries), str(written.absolute())))

    def on_exported(self, message: messages.Exported) -> None:
        self._say(f"{message.count} papers written to {message.path}", title="Exported")

    def action_undo(self) -> None:
        try:
            action = self.session.undo()
        except ReaderError as exc:
            self._say(str(exc), title="Undo failed", severity="error")
            return
        if action is None:
            self._say("Nothing to undo.")
            return
        restored = [item.id for item in action.removed]  # back at the end of the store, and so of the list
        self._took(self.entries[pid] for pid in dict.fromkeys([*restored, *action.states]) if pid in self.entries)
        if restored:
            self._refresh_rows()
        self._say(f"Undid: {action.description}")

    def action_delete(self) -> None:
        targets = self._targets()
        if not targets:
            return
        what = strip_control(targets[0].paper.title) if len(targets) == 1 else f"{len(targets)} papers"

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            current = self.paper_list.current
            ids = [e.id for e in targets]
            if current is not None and current.id in ids:
                self._gone_from_cursor = (current.id, self._next_row_not_in(set(ids)))
            try:
                removed = self.session.delete(ids, f"delete {what}")
            except ReaderError as exc:
                self._gone_from_cursor = (None, None)
                self._say(str(exc), title="Not deleted", severity="error")
                return
            self.paper_list.selected.clear()
            self._refresh_rows()
            self._say(f"Deleted {what} ({len(removed)}). Press u to undo.")

        self.push_screen(ConfirmScreen(f"Delete {what} and its note and tags?"), answered)

    def _next_row_not_in(self, gone: set[str]) -> str | None:
        """The id of the first row from the cursor on (else before it) that is not in ``gone``."""
        rows, cursor = self.paper_list.rows, self.paper_list.cursor
        after = (row.id for row in itertools.islice(rows, cursor, None) if row.id not in gone)
        before = (row.id for row in reversed(rows[:cursor]) if row.id not in gone)
        return next(after, None) or next(before, None)

    def action_related(self) -> None:
        entry = self.paper_list.current
        if entry is None:
            return
        if self.index is None:
            self._say("The search index is still being built.")
            return
        self._find_related(entry)

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _find_related(self, entry: Entry) -> None:
        assert self.index is not None
        hits = related.related(entry, self.index, limit=10)
        similar = [self.entries[h.id] for h in hits if h.id in self.entries]
        self.post_message(messages.RelatedFound(entry, similar))

    def on_related_found(self, message: messages.RelatedFound) -> None:
        self.push_screen(RelatedScreen(message.entry, message.similar), self.go_to)

    def go_to(self, paper_id: str | None) -> None:
        """Put the cursor on a paper, clearing the search and filter if they hide it."""
        if paper_id is None or paper_id not in self.entries:
            return
        if all(row.id != paper_id for row in self.paper_list.rows):
            self.filter_name = "all"
            self.query_one("#search", Input).value = ""
            self.query_text = ""
            self._rows_query = ""
            self.paper_list.show(list(self.entries.values()), keep_id=paper_id)
            self._refresh_rows()
        else:
            self.paper_list.cursor = next(i for i, row in enumerate(self.paper_list.rows) if row.id == paper_id)
        self.paper_list.focus()

    def action_stats(self) -> None:
        self._compute_stats()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _compute_stats(self) -> None:
        """Off the UI thread: a pass over every paper."""
        self.post_message(messages.StatsReady(stats.compute(list(self.entries.values()))))

    def on_stats_ready(self, message: messages.StatsReady) -> None:
        self.push_screen(StatsScreen(message.figures))

    def _fetch_if_due(self) -> None:
        """Subscriptions run themselves: fetched in the background when older than ``fetch.every`` hours."""
        if self.demo:
            return
        listed = subscriptions.from_settings(self.settings.subscriptions)
        if feeds.due(self.store, listed, self.settings.fetch.every):
            self._fetch_feeds(listed)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_feeds(self, listed: list[subscriptions.Subscription]) -> None:
        outcomes = feeds.Run(self.store, self.settings.fetch).run(listed)
        failures = [f"{o.subscription.name}: {o.error}" for o in outcomes if o.error]
        self.post_message(messages.Fetched(sum(o.new for o in outcomes), failures))

    def on_fetched(self, message: messages.Fetched) -> None:
        for failure in message.failures:
            self._say(failure, title="Subscription not fetched", severity="warning")
        if message.new:
            self._say(f"{message.new} new papers arrived: press i for the inbox.", title="Fetched")
            self._start_load()  # the new papers into the list; the inbox count follows

    def action_inbox(self) -> None:
        """Rank the inbox in a worker, then show it one card at a time."""
        if self.is_loading:
            self._say("The store is still loading.")
            return
        new = self.session.new_ids()
        if not new:
            self._say("Nothing new since you last looked: the inbox is empty.")
            return
        self._say(f"{len(new)} new papers: ranking them…")
        self._rank_inbox([self.entries[pid] for pid in new])

    @work(thread=True, exclusive=True, group="rank", exit_on_error=False)
    def _rank_inbox(self, batch: list[Entry]) -> None:
        history = triage.history_of(self.store, {entry.id for entry in batch})
        self.post_message(messages.InboxRanked(triage.rank(batch, history, self.watch_list)))

    def on_inbox_ranked(self, message: messages.InboxRanked) -> None:
        if self._screen_gone() or not message.ranked:
            return
        self.push_screen(TriageScreen(message.ranked, self), self._inbox_closed)

    def _inbox_closed(self, _: None) -> None:
        self._count_inbox()
        self._show_status()

    def change_papers(
        self, description: str, paper_ids: Sequence[str], change: Callable[[ReadingState], ReadingState]
    ) -> list[Entry] | None:
        """A change from another screen (triage): saved through the session, shown in the list; None if not saved."""
        try:
            updated = self.session.change(description, paper_ids, change)
        except ReaderError as exc:
            self._say(str(exc), title="Not saved", severity="error")
            return None
        self._took(updated)
        return updated

    def undo_last(self) -> list[str] | None:
        """Undo the newest action; the ids it gave back their state, or None."""
        before = self.session.history.peek()
        self.action_undo()
        if before is None or self.session.history.peek() is before:
            return None
        self._count_inbox()
        return list(before.states)

    def action_help(self) -> None:
        # Show the keys in force: the settings' keymap replaces the defaults.
        keymap = self._keymap
        shown = [(keymap.get(key.id, key.keys), key) for key in KEYS]
        self.push_screen(HelpScreen(shown))

    # -- for tests and the command palette --------------------------------------------------

    def set_filter(self, name: str) -> None:
        self.filter_name = name
        self._refresh_rows()

    def run_search(self, text: str) -> None:
        self.query_one("#search", Input).value = text

    def shown_ids(self) -> list[str]:
        return [row.id for row in self.paper_list.rows]


def make_app(store: Store, *, demo: bool = False, **options: Any) -> ReaderApp:
    """The one way to build the app: the CLI, the tests and the benchmarks use it."""
    heap.freeze()  # the open store's records live as long as the app: no collection need walk them
    return ReaderApp(store, demo=demo, **options)
