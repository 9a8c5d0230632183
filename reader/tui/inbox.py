"""The app's part of the morning feed: the inbox count, ranking it, the triage screen, fetching by itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import cast

from textual import work

from reader.core import feeds, subscriptions, triage
from reader.core.config import Settings
from reader.core.errors import ReaderError
from reader.core.models import Entry, ReadingState
from reader.core.store import Store
from reader.core.watch import WatchList
from reader.tui import messages
from reader.tui.base import AppBase
from reader.tui.screens.triage import TriageHost, TriageScreen


class InboxParts(AppBase):
    """``i`` (the inbox), the count in the status line, the subscriptions fetched in a worker."""

    store: Store
    settings: Settings
    demo: bool
    is_loading: bool
    watch_list: WatchList
    inbox_count: int

    def _card(self) -> Entry | None:
        """The paper of the triage card on screen, if the triage screen is on top."""
        screen = self.screen
        if isinstance(screen, TriageScreen):
            item = screen.current
            return self.entries.get(item.entry.id, item.entry) if item is not None else None
        return None

    def _current_or_say(self) -> Entry | None:
        """On the triage screen the app's keys (copy, open, the arXiv page, tags) take the card's paper."""
        card = self._card()
        return card if card is not None else super()._current_or_say()

    def _targets(self) -> list[Entry]:
        card = self._card()
        return [card] if card is not None else super()._targets()

    def _count_inbox(self) -> None:
        self.inbox_count = len(self.session.new_ids())

    def _took(self, updated: Iterable[Entry]) -> None:
        super()._took(updated)
        if self.inbox_count:
            self._count_inbox()
            self._show_status()

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
        if self.query_one_optional("#status") is None or not message.ranked:
            return
        host = cast(TriageHost, self)  # the whole app: ``go_to`` is ``OtherScreens``'
        self.push_screen(TriageScreen(message.ranked, host), self._inbox_closed)

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
        """Undo the newest action (``PaperActions.action_undo``); the ids it gave back, or None."""
        before = self.session.history.peek()
        self.run_action_undo()
        if before is None or self.session.history.peek() is before:
            return None
        self._count_inbox()
        return list(before.changes)

    def run_action_undo(self) -> None:
        """The app's undo (``PaperActions``)."""

    # -- subscriptions that run themselves -------------------------------------------------

    def _fetch_if_due(self) -> None:
        """Fetched in the background when older than ``fetch.every`` hours (never in the demo)."""
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
            self._reload()

    def _reload(self) -> None:
        """Read the store again (``ReaderApp._start_load``): the new papers into the list, the count after."""
