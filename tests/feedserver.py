"""A local stand-in for the Hugging Face daily-papers API, the arXiv API and an RSS feed, on 127.0.0.1.

It serves saved answers (our own fixtures, and the real files of ../shared when present), and answers
the way the real services do where ``reader fetch`` depends on it: the daily papers by ``date``, the
arXiv API filtered by ``submittedDate:[A TO B]``, sorted and paged by ``start`` and ``max_results``
with ``opensearch:totalResults``, a feed with an ETag that answers 304 to ``If-None-Match``. It can
also hold an answer until told (a kill mid-fetch), refuse with 429 and ``Retry-After``, or fail.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.realfiles import FIXTURES, IMPORTERS, real

_ENTRY = re.compile(rb"<entry>.*?</entry>", re.DOTALL)
_PUBLISHED = re.compile(rb"<published>(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")
_WINDOW = re.compile(r"submittedDate:\[(\d{12}) TO (\d{12})\]")
_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
         b'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
         b"<title>arXiv Query</title>\n<opensearch:totalResults>%d</opensearch:totalResults>\n")


@dataclass
class Served:
    """What the fake services hold."""

    days: dict[str, bytes]  # date -> daily-papers JSON
    entries: list[tuple[str, bytes]]  # (YYYYMMDDHHMM, Atom entry), for the arXiv API
    feed: bytes  # the RSS feed


def served(real_files: bool) -> Served:
    """Our fixtures, or the real saved answers (when ``real_files``)."""
    if real_files:
        days = {"2024-05-29": real("hf-daily-papers-api_2024-05-29.json").read_bytes(),
                "2024-05-30": real("hf-daily-papers-api_2026-08-21.json").read_bytes()}
        atoms = [real("arxiv-api-atom_2026_q_testing_s0_m10.xml"), real("arxiv-api-atom_2016_search_del_maestro.xml")]
    else:
        days = {"2024-05-29": (IMPORTERS / "hf_daily_old.json").read_bytes(),
                "2024-05-30": (IMPORTERS / "hf_daily_new.json").read_bytes()}
        atoms = [IMPORTERS / "arxiv_atom_new.xml", IMPORTERS / "arxiv_atom_old.xml"]
    entries = []
    for atom in atoms:
        for entry in _ENTRY.findall(atom.read_bytes()):
            found = _PUBLISHED.search(entry)
            assert found is not None
            entries.append((b"".join(found.groups()).decode(), entry))
    return Served(days, entries, (FIXTURES / "feeds" / "arxiv_listing.rss").read_bytes())


REAL_FILES = [real("hf-daily-papers-api_2024-05-29.json"), real("hf-daily-papers-api_2026-08-21.json"),
              real("arxiv-api-atom_2026_q_testing_s0_m10.xml"), real("arxiv-api-atom_2016_search_del_maestro.xml")]


@dataclass
class FeedServer:
    """The state of the fake services: what was asked, and when."""

    data: Served
    url: str = ""
    asked: list[tuple[float, str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    hold: str | None = None  # a date whose answer waits for ``release``
    held: threading.Event = field(default_factory=threading.Event)  # set once the held request came
    release: threading.Event = field(default_factory=threading.Event)
    busy: dict[str, int] = field(default_factory=dict)  # date -> how many 429s to answer first
    failing: bool = False
    closing: threading.Event = field(default_factory=threading.Event)

    def dates(self) -> list[str]:
        return [query["date"][0] for _, path, query, _ in self.asked if path == "/api/daily_papers"]

    def arxiv_starts(self) -> list[int]:
        return [int(query["start"][0]) for _, path, query, _ in self.asked if path == "/api/query"]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        self.asked.append((time.monotonic(), parts.path, query, dict(handler.headers.items())))
        if self.failing:
            return self.send(handler, 500, b"internal error")
        if parts.path == "/api/daily_papers":
            day = query.get("date", [""])[0]
            self.hits[day] += 1
            if self.busy.get(day, 0) > 0:
                self.busy[day] -= 1
                return self.send(handler, 429, b"slow down", {"Retry-After": "1"})
            if day == self.hold:
                self.held.set()
                self.release.wait(20)
                if self.closing.is_set():
                    return None
            return self.send(handler, 200, self.data.days.get(day, b"[]"))
        if parts.path == "/api/query":
            return self.send(handler, 200, self.arxiv(query))
        if parts.path == "/feed.xml":
            if handler.headers.get("If-None-Match") == '"v1"':
                return self.send(handler, 304, b"")
            return self.send(handler, 200, self.data.feed, {"ETag": '"v1"'})
        return self.send(handler, 404, b"not found")

    def arxiv(self, query: dict[str, list[str]]) -> bytes:
        search = query.get("search_query", [""])[0]
        window = _WINDOW.search(search)
        assert window is not None, search
        low, high = window.groups()
        chosen = sorted((item for item in self.data.entries if low <= item[0] <= high), key=lambda item: item[0])
        start, count = int(query["start"][0]), int(query["max_results"][0])
        page = chosen[start:start + count]
        return _HEAD % len(chosen) + b"\n".join(entry for _, entry in page) + b"\n</feed>\n"

    @staticmethod
    def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        try:
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextmanager
def serving(
    answer: Callable[[BaseHTTPRequestHandler], object], *, join: bool = True, closing: threading.Event | None = None
) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that hands every GET to ``answer``; yields its base URL.

    ``closing`` is set first when the test ends (an answer that waits stops waiting); with
    ``join``, closing then waits for every answer still being written: none outlives its test.
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = not join
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        if closing is not None:
            closing.set()
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def running(data: Served) -> Iterator[FeedServer]:
    state = FeedServer(data)
    try:
        with serving(state.answer, join=False, closing=state.closing) as url:
            state.url = url
            yield state
    finally:
        state.release.set()
