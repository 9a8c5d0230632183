"""Fetch every subscription since its own last fetch: politely, resumably, into the inbox.

Each subscription is a list of requests (``Step``), made one at a time:

- Hugging Face: one request per day, from the day after the last complete
  one (at most ``fetch.days`` back) to today. Today's list is asked for
  again next time: it grows during the day; a past day, once imported, never.
- arXiv (a category or a query): the API's newest submissions in a window
  of submission dates, oldest first, a page at a time; the next window
  starts where this one ended.
- a feed URL: one conditional request (``If-None-Match`` /
  ``If-Modified-Since``); an unchanged feed answers 304 and costs nothing.

Requests to one host are spaced by ``fetch.pause`` (``fetch.arxiv_pause``
for arXiv, which asks for three seconds), and a 429 or 503's
``Retry-After`` is obeyed (``fetch.download``). Each answer is imported by
``library.import_parsed`` (the path of ``reader import``) and only then is
the subscription's progress written, in the state file's ``feeds`` table:
a fetch killed at any point is resumed by the next run from the last
request that landed, and an answer imported twice changes nothing (the
merge finds every paper already there). The papers new to the store are
noted in the inbox (``inbox.arrive``) before they are written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reader.core import fetch, library
from reader.core.config import FetchSettings
from reader.core.errors import ReaderError
from reader.core.importers import ParsedFile, decode, parse_text
from reader.core.store import Store
from reader.core.store.records import now_iso
from reader.core.subscriptions import Subscription

FEEDS = "feeds"
ARXIV_PAGE = 100  # results per arXiv request
_MINUTE = "%Y%m%d%H%M"
_TOTAL = re.compile(r"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")

Record = dict[str, Any]
# (requests made, requests known so far, what is being fetched)
StepNote = Callable[[int, int, str], None]


@dataclass
class Outcome:
    """What one subscription's fetch did."""

    subscription: Subscription
    requests: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    created: list[str] = field(default_factory=list)

    def line(self) -> str:
        asked = f"{self.requests} request{'s' if self.requests != 1 else ''}"
        text = f"{self.subscription.name}: {asked}, {self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f"; stopped: {self.error}" if self.error else "")


@dataclass(frozen=True, slots=True)
class Step:
    """One request, and the progress record to keep once its answer is in the store."""

    request: fetch.Request
    label: str
    after: Record
    conditional: bool = False  # a feed: a 304 and the validators matter
    paged: bool = False  # an arXiv page: the answer says whether another follows


class Pacer:
    """One request at a time per host, ``pause`` seconds from the end of one (its retries too) to the next."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._last: dict[str, float] = {}
        self._sleep = sleep

    def wait(self, host: str, pause: float) -> None:
        last = self._last.get(host)
        if last is not None:
            left = last + pause - time.monotonic()
            if left > 0:
                self._sleep(left)

    def finished(self, host: str) -> None:
        self._last[host] = time.monotonic()


def progress_of(store: Store) -> dict[str, Record]:
    """Each subscription's progress, by its spec."""
    return store.side_table(FEEDS)


def due(store: Store, subscriptions: list[Subscription], hours: float) -> bool:
    """Whether a subscription was never fetched, or not within ``hours`` (0: never due)."""
    if hours <= 0 or not subscriptions:
        return False
    progress = progress_of(store)
    limit = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).replace(microsecond=0).isoformat()
    return any(str(progress.get(sub.spec, {}).get("fetched_at", "")) < limit for sub in subscriptions)


class Run:
    """One ``reader fetch`` of the subscriptions into ``store``."""

    def __init__(
        self,
        store: Store,
        settings: FetchSettings,
        *,
        today: dt.date | None = None,
        since: dt.date | None = None,
        on_step: StepNote | None = None,
        on_retry: fetch.RetryNote | None = None,
        on_bytes: fetch.Progress | None = None,
        arxiv_page: int = ARXIV_PAGE,
    ) -> None:
        self.store = store
        self.arxiv_page = arxiv_page
        self.settings = settings
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.since = since
        self.on_step = on_step
        self.on_retry = on_retry
        self.on_bytes = on_bytes
        self.pacer = Pacer()
        self.done = 0
        self.known = 0
        self._backed_up = False

    def run(self, subscriptions: list[Subscription]) -> list[Outcome]:
        """Fetch each subscription in turn; one that fails stops there and the others go on."""
        progress = progress_of(self.store)
        self.known = sum(self._estimate(sub, progress.get(sub.spec, {})) for sub in subscriptions)
        return [self._one(sub, dict(progress.get(sub.spec, {}))) for sub in subscriptions]

    # -- planning ------------------------------------------------------------------

    def _estimate(self, sub: Subscription, record: Record) -> int:
        if sub.kind == "huggingface":
            return len(self._days(record))
        return 1

    def _days(self, record: Record) -> list[dt.date]:
        first = self.today - dt.timedelta(days=self.settings.days - 1)
        if self.since is not None:
            first = self.since
        elif isinstance(record.get("through"), str):
            with contextlib.suppress(ValueError):  # a record edited by hand: start afresh
                first = max(first, dt.date.fromisoformat(record["through"]) + dt.timedelta(days=1))
        return [first + dt.timedelta(days=n) for n in range((self.today - first).days + 1)]

    def _steps(self, sub: Subscription, record: Record) -> Iterator[Step]:
        if sub.kind == "huggingface":
            base = fetch.base_url(self.settings, "huggingface")
            for day in self._days(record):
                after = {"through": day.isoformat()} if day < self.today else {"through": record.get("through")}
                yield Step(fetch.daily_papers(day, base), day.isoformat(), _drop_none(after))
        elif sub.kind == "feed":
            yield self._feed_step(sub, record)
        else:
            yield from self._arxiv_steps(sub, record)

    def _feed_step(self, sub: Subscription, record: Record) -> Step:
        headers = {}
        if isinstance(record.get("etag"), str):
            headers["If-None-Match"] = record["etag"]
        if isinstance(record.get("modified"), str):
            headers["If-Modified-Since"] = record["modified"]
        parts = urlsplit(sub.target)
        name = _slug(f"{parts.hostname or ''}{parts.path}")
        request = fetch.Request(
            url=sub.target, file_name=f"feed_{name}_{self.today.isoformat()}.xml", headers=headers,
            nothing=f"no papers in the feed {sub.target}",
        )
        return Step(request, parts.hostname or sub.target, {}, conditional=True)

    def _arxiv_steps(self, sub: Subscription, record: Record) -> Iterator[Step]:
        """Pages of one window of submission dates, oldest first; a killed run resumes its window."""
        now = dt.datetime.combine(self.today, dt.time(23, 59), tzinfo=dt.UTC)
        since = _minute(record.get("since"))
        if self.since is not None:
            since = dt.datetime.combine(self.since, dt.time(0, 0), tzinfo=dt.UTC)
        elif since is None:
            since = now - dt.timedelta(days=self.settings.days) + dt.timedelta(minutes=1)
        until = _minute(record.get("until")) if self.since is None else None
        start = record.get("start") if until is not None else 0
        if until is None or not isinstance(start, int) or start < 0:
            until, start = now, 0
        query = f"cat:{sub.target}" if sub.kind == "arxiv-category" else sub.target
        window = f"submittedDate:[{since.strftime(_MINUTE)} TO {until.strftime(_MINUTE)}]"
        base = fetch.base_url(self.settings, "arxiv")
        while True:
            request = fetch.arxiv_query(f"({query}) AND {window}", base, max_results=self.arxiv_page, start=start)
            request = fetch.Request(
                url=request.url,
                params={**request.params, "sortBy": "submittedDate", "sortOrder": "ascending"},
                file_name=f"arxiv_{_slug(sub.target)}_{since.strftime(_MINUTE)}-{until.strftime(_MINUTE)}_{start}.xml",
                nothing=request.nothing,
            )
            more = {"since": _text(since), "until": _text(until), "start": start + self.arxiv_page}
            yield Step(request, f"{since.date()}..{until.date()} from {start + 1}", more, paged=True)
            start += self.arxiv_page

    # -- fetching ------------------------------------------------------------------

    def _one(self, sub: Subscription, record: Record) -> Outcome:
        outcome = Outcome(sub)
        for step in self._steps(sub, record):
            self._note(f"{sub.name} {step.label}")
            try:
                finished = self._take(sub, step, record, outcome)
            except ReaderError as exc:
                outcome.error = str(exc)
                break
            finally:
                self.done += 1
            if finished:
                break
            if step.paged:
                self.known += 1  # another page to ask for
        return outcome

    def _note(self, label: str) -> None:
        if self.on_step:
            self.on_step(self.done, max(self.known, self.done + 1), label)

    def _take(self, sub: Subscription, step: Step, record: Record, outcome: Outcome) -> bool:
        """Ask, import, then keep the progress; True when a paged search has no page left to ask for."""
        request = step.request
        pause = self.settings.arxiv_pause if sub.kind.startswith("arxiv") else self.settings.pause
        self.pacer.wait(request.host, pause)
        outcome.requests += 1
        try:
            answer = fetch.download_answer(request, self.settings, self.on_bytes, self.on_retry)
        finally:
            self.pacer.finished(request.host)
        after = dict(step.after)
        finished = False
        if answer.body is None:  # 304: the feed has not changed
            after = {key: record[key] for key in ("etag", "modified") if key in record}
        else:
            parsed, total = self._parse(answer.body, request)
            if parsed is not None:
                self._import(sub, parsed, outcome)
            if step.conditional:
                after = _drop_none({"etag": answer.etag, "modified": answer.modified})
            if step.paged and (total is None or after["start"] >= total or parsed is None):
                after = {"since": after["until"]}  # the window is done: the next run starts where it ended
                finished = True
        after["fetched_at"] = now_iso()
        self.store.put_side(FEEDS, {sub.spec: after})
        record.clear()
        record.update(after)
        return finished

    def _parse(self, body: bytes, request: fetch.Request) -> tuple[ParsedFile | None, int | None]:
        path = fetch.keep_copy(body, request, self.settings)
        text = decode(body, path)
        match = _TOTAL.search(text[:4000])
        total = int(match.group(1)) if match else None
        if fetch.is_empty(text):
            return None, total
        return parse_text(text, path), total

    def _import(self, sub: Subscription, parsed: ParsedFile, outcome: Outcome) -> None:
        if not self._backed_up:
            if self.store.count():
                self.store.backup()  # once a run, before its first change
            self._backed_up = True
        plan = library.import_parsed(self.store, [parsed], backup=False, arrived_via=sub.name)
        total = plan.total
        outcome.new += total.new
        outcome.updated += total.updated
        outcome.unchanged += total.unchanged
        outcome.created.extend(plan.created)


def _drop_none(record: Mapping[str, Any]) -> Record:
    return {key: value for key, value in record.items() if value is not None}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")[:60] or "feed"


def _text(moment: dt.datetime) -> str:
    return moment.strftime(_MINUTE)


def _minute(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, _MINUTE).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
