"""The app's sync key: ``reader sync`` in a worker, what it did said, and what it brought in shown at once."""

from __future__ import annotations

from textual import work

from reader.core import sync
from reader.core.store import Store
from reader.tui import messages
from reader.tui.base import AppBase


class Syncing(AppBase):
    """Sync (``y``): fetch, merge, write and push off the UI thread; key presses meanwhile are saved as ever."""

    store: Store
    synced_at: str | None
    syncing: bool

    def _start_load(self) -> None:
        """Read the store again (``ReaderApp``)."""

    def action_sync(self) -> None:
        if not sync.is_set_up(self.store):
            self._say("This store does not sync yet: run 'reader sync init REMOTE' once.", severity="warning")
            return
        self.syncing = True
        self._show_status()
        self._sync()

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def _sync(self) -> None:
        report = sync.sync(self.store)
        self.post_message(messages.Synced(report.lines(), report.synced_at, report.received.total > 0))

    def on_synced(self, message: messages.Synced) -> None:
        self.synced_at = message.synced_at
        self._say("\n".join(message.lines), title="Synced")
        if message.received:
            self._start_load()  # what the other machines changed, shown now
        self._show_status()
