"""Download today's paper lists: Hugging Face daily papers or an arXiv query.

``daily_papers(date)`` and ``arxiv_query(text)`` describe a request;
``fetch(request, settings)`` downloads it with httpx (a timeout per read, an
overall ``deadline`` that a slow drip of bytes cannot outlast, ``tries``
attempts with a doubling pause between them, HTTP 429 and 5xx retried, other
4xx, a redirect loop or an answer that cannot be decoded not), arXiv and
Hugging Face always over https, keeps a copy of the answer in ``fetch.dir`` (so the
papers' ``sources`` name a real file that ``reader import`` can read again),
and parses it with the same importers as ``reader import``. Nothing here
touches the store: the caller imports the returned ``ParsedFile`` in one
write, so a failed download or a bad answer leaves the store as it was.

Base URLs come from ``$READER_HF_URL`` / ``$READER_ARXIV_URL``, else the
settings' ``fetch.huggingface_url`` / ``fetch.arxiv_url``; tests point them at
a local server.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from reader import __version__
from reader.core.config import FetchSettings
from reader.core.errors import InputError, ReaderError
from reader.core.importers import MAX_BYTES, ParsedFile, decode, parse_text

HF_ENV = "READER_HF_URL"
ARXIV_ENV = "READER_ARXIV_URL"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0

# (bytes received so far, bytes expected or None)
Progress = Callable[[int, int | None], None]
# (the try that failed, why, seconds until the next)
RetryNote = Callable[[int, str, float], None]


class FetchError(ReaderError):
    """A download that failed: the message names the host and why."""


@dataclass(frozen=True, slots=True)
class Request:
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    file_name: str = "fetched.txt"  # the kept copy's name in fetch.dir
    nothing: str = "no papers in the answer"  # what an empty answer means
    headers: Mapping[str, str] = field(default_factory=dict)  # If-None-Match and the like

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or self.url

    def full_url(self) -> str:
        return str(httpx.URL(self.url, params=dict(self.params)))


_SECURE_HOSTS = ("arxiv.org", "huggingface.co")  # and their subdomains: never fetched over plain http


def base_url(settings: FetchSettings, which: str) -> str:
    """``huggingface`` or ``arxiv``: the environment wins over the settings; their own hosts over https."""
    if which == "huggingface":
        url = os.environ.get(HF_ENV) or settings.huggingface_url
    else:
        url = os.environ.get(ARXIV_ENV) or settings.arxiv_url
    return _secure(url.rstrip("/"))


def _secure(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() == "http" and any(host == h or host.endswith("." + h) for h in _SECURE_HOSTS):
        return "https" + url[len(parts.scheme):]
    return url


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def daily_papers(date: dt.date, base: str) -> Request:
    """The Hugging Face daily papers of ``date`` (the site's JSON API)."""
    day = date.isoformat()
    return Request(
        url=f"{base}/api/daily_papers",
        params={"date": day},
        file_name=f"hf-daily-papers_{day}.json",
        nothing=f"no papers listed for {day}",
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60] or "query"


def arxiv_query(query: str, base: str, max_results: int = 50, start: int = 0) -> Request:
    """An arXiv API search (``search_query`` syntax: ``all:diffusion``, ``au:smith AND ti:graph``)."""
    if not query.strip():
        raise InputError("the arXiv query is empty")
    return Request(
        url=f"{base}/api/query",
        params={"search_query": query, "start": str(start), "max_results": str(max_results)},
        file_name=f"arxiv_{_slug(query)}_{start}-{start + max_results}.xml",
        nothing=f"no arXiv papers match {query!r}",
    )


def _plural(count: int) -> str:
    return f"{count} {'try' if count == 1 else 'tries'}"


def _reason(exc: httpx.TransportError, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s"
    return " ".join(str(exc).split()) or type(exc).__name__


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return min(float(response.headers.get("retry-after", "")), MAX_RETRY_AFTER)
    except ValueError:
        return None


def _read_body(response: httpx.Response, progress: Progress | None, until: float, deadline: float) -> bytes:
    try:
        total: int | None = int(response.headers["content-length"])
    except (KeyError, ValueError):
        total = None
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BYTES:
            raise FetchError(f"{response.url.host} sent more than {MAX_BYTES // (1024 * 1024)} MB; stopped")
        if time.monotonic() > until:
            raise FetchError(
                f"{response.url.netloc.decode()} sent {size:,} bytes but not the whole answer within {deadline:g} s"
            )
        if progress:
            progress(response.num_bytes_downloaded, total)
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class Answer:
    """What a server sent: the body (None for 304 Not Modified) and the validators for next time."""

    body: bytes | None
    etag: str | None = None
    modified: str | None = None


def download(
    request: Request,
    settings: FetchSettings,
    progress: Progress | None = None,
    on_retry: RetryNote | None = None,
) -> bytes:
    """The answer's bytes, after up to ``settings.tries`` attempts; ``FetchError`` otherwise."""
    body = download_answer(request, settings, progress, on_retry).body
    if body is None:
        raise FetchError(f"{request.host} answered 304 Not Modified to a request that did not ask for it")
    return body


def download_answer(
    request: Request,
    settings: FetchSettings,
    progress: Progress | None = None,
    on_retry: RetryNote | None = None,
) -> Answer:
    """``download``, keeping what a conditional request needs: a 304 and the answer's validators."""
    tries = settings.tries
    reason = "no attempt made"
    headers = {"User-Agent": f"reader/{__version__} (paper reading list)", **request.headers}
    until = time.monotonic() + settings.deadline
    with httpx.Client(timeout=settings.timeout, follow_redirects=True, headers=headers) as client:
        for attempt in range(1, tries + 1):
            pause = settings.retry_delay * 2 ** (attempt - 1)
            left = until - time.monotonic()
            try:
                with client.stream(
                    "GET", request.url, params=dict(request.params), timeout=max(0.01, min(settings.timeout, left))
                ) as response:
                    _check_scheme(request, response)
                    if response.status_code == 304 and request.headers:
                        return Answer(None, request.headers.get("If-None-Match"),
                                      request.headers.get("If-Modified-Since"))
                    if response.status_code in RETRY_STATUSES:
                        reason = f"HTTP {response.status_code} {response.reason_phrase}".rstrip()
                        pause = max(pause, _retry_after(response) or 0.0)
                    elif response.status_code >= 400:
                        raise FetchError(
                            f"{request.host} answered HTTP {response.status_code} {response.reason_phrase}".rstrip()
                            + f" for {request.full_url()}"
                        )
                    else:
                        body = _read_body(response, progress, until, settings.deadline)
                        return Answer(body, response.headers.get("etag"), response.headers.get("last-modified"))
            except httpx.TooManyRedirects:
                raise FetchError(
                    f"{request.host} redirected too many times (a loop?) for {request.full_url()}"
                ) from None
            except httpx.DecodingError as exc:
                raise FetchError(f"{request.host} sent an answer that cannot be decoded: {_said(exc)}") from None
            except httpx.TransportError as exc:
                reason = _reason(exc, settings.timeout)
            except httpx.HTTPError as exc:  # anything else httpx raises: one line, not a traceback
                raise FetchError(f"could not download from {request.host}: {_said(exc)}") from None
            if attempt < tries:
                if time.monotonic() + pause > until:
                    reason += f"; no time left for another try within {settings.deadline:g} s"
                    tries = attempt
                    break
                if on_retry:
                    on_retry(attempt, reason, pause)
                time.sleep(pause)
    raise FetchError(f"could not reach {request.host}: {reason} (after {_plural(tries)})")


def _said(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _check_scheme(request: Request, response: httpx.Response) -> None:
    """An https request is never finished over plain http, whatever a redirect says."""
    if request.url.lower().startswith("https://") and response.url.scheme != "https":
        raise FetchError(f"{request.host} redirected to plain http ({response.url}); not followed")


def keep_copy(payload: bytes, request: Request, settings: FetchSettings) -> Path:
    """Save the answer where its papers' ``sources`` will point."""
    from reader.core.store.files import write_atomically

    folder = settings.dir_path()
    target = folder / request.file_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(target, payload)
    except OSError as exc:
        raise FetchError(f"cannot keep the downloaded list: {exc.strerror or exc}", path=target) from None
    return target


def is_empty(text: str) -> bool:
    """An answer that lists nothing: ``[]`` from the JSON API, a feed without entries."""
    stripped = text.strip()
    if stripped == "[]":
        return True
    if not stripped.startswith("<"):
        return False
    head = stripped[:2000]
    return ("<feed" in head and "<entry" not in stripped) or ("<rss" in head and "<item" not in stripped)


def fetch(
    request: Request,
    settings: FetchSettings,
    progress: Progress | None = None,
    on_retry: RetryNote | None = None,
) -> ParsedFile:
    """Download, keep a copy, parse: the papers ready for ``library.import_parsed``."""
    payload = download(request, settings, progress, on_retry)
    path = keep_copy(payload, request, settings)
    text = decode(payload, path)
    if is_empty(text):
        raise InputError(request.nothing, path=path)
    return parse_text(text, path)
