"""The reader app: a search line, a paper list, a detail pane, a status line and the keys.

Every user action is written to the store before the next key is handled
(the store's user-state file is small, so this costs milliseconds), and a
failed write is shown without pretending it was saved. Loading, indexing,
searching, copying and exporting run in workers so the screen never freezes.
The actions on papers live in ``actions.py``, links and exports in
``opening.py``; this module lays the screen out and keeps it in step.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.theme import Theme
from textual.timer import Timer
from textual.widgets import HelpPanel, Input, Static
from textual.worker import Worker, WorkerState

from reader.core import config, heap, sync
from reader.core.errors import ReaderError
from reader.core.filters import Filter
from reader.core.heap import gc_paused
from reader.core.keymap import IDS
from reader.core.models import Entry
from reader.core.search.index import SearchIndex
from reader.core.session import Library, Session
from reader.core.steps import finish
from reader.core.store import Store
from reader.core.text import strip_control
from reader.core.watch import WatchList
from reader.tui import messages
from reader.tui.actions import PaperActions
from reader.tui.inbox import InboxParts
from reader.tui.keys import bindings
from reader.tui.loading import Pacer
from reader.tui.opening import Opening
from reader.tui.others import OtherScreens
from reader.tui.providers import ReaderCommands
from reader.tui.syncing import Syncing
from reader.tui.widgets.detail import DetailPane
from reader.tui.widgets.footer import KeyFooter
from reader.tui.widgets.paper_list import PaperList
from reader.tui.widgets.search import SearchBox

FILTERS: tuple[tuple[str, Filter], ...] = (
    ("all", Filter()),
    ("unread", Filter(unread=True)),
    ("starred", Filter(starred=True)),
)
SORTS = ("added", "listed", "title", "upvotes", "stars", "status")
NARROW = 90  # columns: below this the detail pane goes under the list
SHORT = 16  # rows: below this the panes lose their borders
DISK_CHECK_SECONDS = 1.5
DETAIL_PAUSE = 0.1  # seconds the cursor rests before the detail pane follows a held key
LOAD_BATCH = 500  # papers the loading worker builds between two turns of the UI thread
EMPTY_STORE = "The store is empty. Import papers with: reader import FILE (or try: reader demo)"
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
    "sync": "Not synced",
}


class ReaderApp(PaperActions, Opening, OtherScreens, InboxParts, Syncing):
    """Work through a store of papers."""

    CSS_PATH = "app.tcss"
    TITLE = "reader"
    COMMANDS = PaperActions.COMMANDS | {ReaderCommands}

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
        self._touched: set[str] = set()
        self._detail_entry: Entry | None = None  # what the detail pane shows
        self._moved_at = 0.0  # when the cursor last moved
        self._detail_timer: Timer | None = None
        self._rows_query = ""  # the query the list shows; a new one puts the cursor on the best match
        self._gone_from_cursor: tuple[str | None, str | None] = (None, None)  # deleted id, where the cursor goes
        self._quit_refused = False  # a quit stopped once because a note could not be saved
        self.synced_at = sync.last_synced(store)  # when the store last synced, shown in the status line
        self.syncing = False
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
        unknown = sorted(set(keymap) - IDS)
        if unknown:
            problems.append(f"unknown key binding id(s) {', '.join(unknown)}; see the help screen (?)")
        self.set_keymap({key: keys for key, keys in keymap.items() if key in IDS})
        return problems

    # -- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SearchBox(placeholder="/ search: words (typos ok), is:unread has:code tag:x \"phrase\" -word",
                        id="search", compact=True)
        with Horizontal(id="main"):
            yield PaperList(id="papers")
            yield DetailPane(id="detail")
        yield Static(id="status", markup=False)
        yield KeyFooter(id="footer")

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

    def on_resize(self, event: events.Resize) -> None:
        """Lay out for the new size: ``self.size`` still holds the old one while this runs."""
        self.set_class(event.size.width < NARROW, "-narrow")
        self.set_class(event.size.height < SHORT, "-short")
        self.call_after_refresh(self._keep_cursor_in_view)

    def _keep_cursor_in_view(self) -> None:
        papers = self.query_one_optional(PaperList)
        if papers is not None:
            papers.scroll_cursor_into_view()

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

    def _reload(self) -> None:
        self._start_load()

    def run_action_undo(self) -> None:
        self.action_undo()

    def on_indexed(self, message: messages.Indexed) -> None:
        if self.session.take_index(message.generation, message.index):
            self._refresh_rows()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a worker's failure reaches the user: what failed, and why."""
        worker = event.worker
        if worker.group == "export" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.exporting -= 1
            self._show_status()
        if worker.group == "sync" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.syncing = False
            self._show_status()
        if worker.group == "sync" and event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            self.syncing = False
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
        self._touched = set()  # changes from now on may be missing from the rows computed
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
            self.paper_list.empty_text = self._why_empty(text)
            self.paper_list.show(rows, keep_id=keep, terms=terms)
            for paper_id in self._touched:  # changed here while the rows were computed: show it as it is now
                if paper_id in self.entries:
                    self.paper_list.replace(self.entries[paper_id])
            current = self.paper_list.current
            if current is None or current is not self._detail_entry or self.detail.terms != self.paper_list.terms:
                self._show_detail(current)
        self._show_status()

    def _why_empty(self, text: str) -> str:
        """What the list says when it shows nothing."""
        if not self.entries:
            return "loading the store…" if self.is_loading else EMPTY_STORE
        if text.strip():
            limited = f"; only {self.filter_name} papers are shown (f changes it)" if self.filter_name != "all" else ""
            return f"No paper matches this search{limited}. escape twice clears it."
        return f"No {self.filter_name} papers. f changes the filter."

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
        self.detail.show(entry, self.paper_list.terms, empty=self.paper_list.empty_text)

    def _show_status(self) -> None:
        status = self.query_one_optional("#status", Static)
        if status is None:
            return  # shutting down
        if self.is_loading and not self.entries:
            status.update(Text("loading the store…"), layout=False)
            return
        text = Text()
        for problem in self.query_errors:  # first: a long status line is cut at its end
            text.append(f"{problem} · ", style="bold red")
        text.append(f"{len(self.paper_list.rows)} shown / {len(self.entries)}", style="bold")
        counts = self.session.library
        text.append(f" · {counts.unread} unread · {counts.starred} starred · filter: {self.filter_name}")
        if self.query_text.strip() and self.sort_key == "added":
            text.append(" · sort: best match")
        elif self.sort_key != "added":
            text.append(f" · sort: {self.sort_key}")
        if self.inbox_count:
            text.append(f" · {self.inbox_count} new (i: inbox)", style="bold")
        if self.paper_list.selected:
            text.append(f" · {len(self.paper_list.selected)} selected", style="bold")
        if self.is_loading:
            text.append(" · loading…", style="dim")
        elif self.index is None:
            text.append(" · indexing…", style="dim")
        if self.exporting:
            text.append(" · exporting…", style="dim")
        if self.syncing:
            text.append(" · syncing…", style="dim")
        elif self.synced_at:
            text.append(f" · synced {sync.when(self.synced_at)}", style="dim")
        if self.query_text.strip():
            text.append(" · search: ")
            text.append(strip_control(self.query_text.strip()), style="italic")
        if text != status.content:
            status.update(text, layout=False)  # one line, sized by the stylesheet: no layout for a new text

    # -- moving around ------------------------------------------------------------------

    def action_focus_search(self) -> None:
        # At once, not after the queued messages: letters typed right after "/" belong to the search.
        self.screen.set_focus(self.query_one("#search", Input))

    def action_back_to_list(self) -> None:
        """Escape: close the keys panel, leave the search box or the detail pane; then the selection, the search."""
        search = self.query_one("#search", Input)
        if self.screen.query(HelpPanel):
            self.action_hide_help_panel()
        elif search.has_focus or self.detail.has_focus_within or self.detail.has_focus:
            self.paper_list.focus()
        elif self.paper_list.selected:
            self.paper_list.clear_selection()
            self._show_status()
        elif search.value:
            search.value = ""

    def action_toggle_detail(self) -> None:
        """Tab: the detail pane takes the keys (to scroll a long abstract), and back."""
        if self.detail.has_focus:
            self.paper_list.focus()
        else:
            self.detail.focus()

    def action_cycle_filter(self) -> None:
        names = [name for name, _ in FILTERS]
        self.filter_name = names[(names.index(self.filter_name) + 1) % len(names)]
        self._refresh_rows()

    def action_cycle_sort(self) -> None:
        self.sort_key = SORTS[(SORTS.index(self.sort_key) + 1) % len(SORTS)]
        self._refresh_rows()

    # -- quitting -------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, saving an open note first; if the store refuses it, say so and quit on the second try."""
        errors = self.save_open_notes()
        if errors and not self._quit_refused:
            self._quit_refused = True
            self._say(f"{errors[0]}\\nPress ctrl+q again to quit without saving it (copy your text first).",
                      title="Note not saved", severity="error")
            return
        self.exit()

    def hang_up(self) -> None:
        """The terminal closed (SIGHUP) or the app was told to stop: save an open note, then end.

        Called from a signal handler: the work runs on the app's own loop, not in the handler.
        """
        loop = getattr(self, "_ui_loop", None)
        if loop is None or loop.is_closed():
            self.exit()
            return
        loop.call_soon_threadsafe(self._hung_up)

    def _hung_up(self) -> None:
        self.save_open_notes()  # nobody is there to read an error: save what can be saved
        self.exit()

    # -- for tests and the command palette --------------------------------------------------

    def set_theme(self, name: str) -> None:
        self.theme = name

    def set_filter(self, name: str) -> None:
        self.filter_name = name
        self._refresh_rows()

    def shown_ids(self) -> list[str]:
        return [row.id for row in self.paper_list.rows]


def make_app(store: Store, *, demo: bool = False, **options: Any) -> ReaderApp:
    """The one way to build the app: the CLI, the tests and the benchmarks use it."""
    heap.freeze()  # the open store's records live as long as the app: no collection need walk them
    return ReaderApp(store, demo=demo, **options)
