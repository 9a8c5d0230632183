"""Find, clean and classify the links that sit inside abstracts.

Abstracts carry links with sentence punctuation glued on
(``https://github.com/o/r.``), LaTeX doubles (``URL{URL}``, ``\\url{URL}``)
and bare ``www.`` forms. One link a URL, in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from reader.core.models import Link, LinkKind
from reader.core.text import ascii_view
from reader.core.urls import canonical, safe_url

__all__ = ["canonical", "classify", "find_links", "host_and_path", "make_link", "safe_url"]

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*\\"
_LATEX_ESCAPE = re.compile(r"\\([_%&#~$])")  # BibTeX abstracts escape these inside URLs too
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_TRIMMED = frozenset(_TRAILING) | frozenset(_CLOSERS)
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "codeberg.org"}
_NOT_CODE_PREFIXES = ("/papers", "/blog", "/docs", "/login", "/join")
_PROJECT_HOST_SUFFIXES = (".github.io", ".gitlab.io", ".notion.site", ".netlify.app", ".vercel.app", ".pages.dev")
_PROJECT_HOSTS = {"sites.google.com"}
# scheme://host/path with nothing urlsplit would treat specially: no user, port, brackets, query,
# fragment, or the tab and line breaks it deletes.
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(/[^?#\t\n\r]*)?\Z")
_PROJECT_CUE = re.compile(r"(project|home)\s*page|homepage|website|demo|webpage", re.IGNORECASE)


def _trim(url: str) -> str:
    """Drop punctuation that belongs to the sentence, keeping balanced brackets."""
    if url[-1:] not in _TRIMMED:  # most links end in a letter, a digit or a slash
        return url
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])):
            url = url[:-1]
        else:
            break
    return url


def _undouble(url: str) -> str:
    """``X{X}`` (a LaTeX ``\\href`` flattened by a copy) is one link."""
    brace = url.find("{")
    if brace > 0:
        return url[:brace]
    return url


def host_and_path(url: str) -> tuple[str, str]:
    """The host (lower case, no ``www.``) and the path of a URL, as ``urlsplit`` reads them.

    Most links are plain ``https://host/path``: for those a regex gives the
    same two parts several times faster. Raises ValueError where urlsplit does.
    """
    plain = _PLAIN_URL.match(url) if url.isascii() else None
    if plain:
        return plain.group(1).lower().removeprefix("www."), plain.group(2) or ""
    parts = urlsplit(url)
    return (parts.hostname or "").lower().removeprefix("www."), parts.path


def classify(url: str, context: str = "") -> tuple[LinkKind, str | None]:
    """Say what a link is; for code hosts also the ``owner/repo`` root."""
    return _classify(canonical(url), context)


def _classify(url: str, context: str) -> tuple[LinkKind, str | None]:
    """``classify`` of a URL already in its canonical form."""
    try:
        host, path = host_and_path(url)
    except ValueError:  # a bracketed host that is no IPv6 address: text, not a link to a site
        return "other", None
    segments = [s for s in path.split("/") if s]
    if host in _CODE_HOSTS and segments and not path.startswith(_NOT_CODE_PREFIXES):
        if host == "huggingface.co" and segments[0] in {"spaces", "datasets"}:
            repo = "/".join(segments[:3]) if len(segments) >= 3 else None
            return "code", repo
        repo = "/".join(segments[:2]) if len(segments) >= 2 else None
        if repo and repo.endswith(".git"):
            repo = repo[:-4]
        return "code", repo
    if host in _PROJECT_HOSTS or host.endswith(_PROJECT_HOST_SUFFIXES) or _PROJECT_CUE.search(context):
        return "project", None
    return "other", None


def find_links(text: str, view: bytes | None = None) -> tuple[Link, ...]:
    """Every distinct link in ``text``, cleaned and classified, in order.

    ``view`` is ``ascii_view(text)`` when the caller has it already.
    """
    if view is None and text.isascii():
        view = ascii_view(text)
    if view is None:
        if "://" not in text and "www." not in text.lower():  # what _URL needs: most abstracts have no link
            return ()
        return _links(text, _URL.finditer(text))
    if b"://" not in view and b"www." not in view:
        return ()
    return _links(text, _url_matches(text, view))


def _url_matches(text: str, view: bytes) -> Iterator[re.Match[str]]:
    """``_URL.finditer(text)`` for ASCII text, several times faster.

    Every match starts at ``http`` or ``www.`` in any case, so ``find`` on
    the lower-case ``view`` jumps from one such place to the next, and the
    regex runs only there. (Outside ASCII, case-insensitive matching and
    lower() can change lengths and letters: ``_URL.finditer`` does that text.)
    """
    http, www = view.find(b"http"), view.find(b"www.")
    while http >= 0 or www >= 0:
        start = http if www < 0 or 0 <= http < www else www
        match = _URL.match(text, start)
        position = match.end() if match else start + 1
        if match:
            yield match
        if 0 <= http < position:
            http = view.find(b"http", position)
        if 0 <= www < position:
            www = view.find(b"www.", position)


def _links(text: str, matches: Iterable[re.Match[str]]) -> tuple[Link, ...]:
    links: list[Link] = []
    seen: set[str] = set()
    for match in matches:
        url = match.group(0)
        if "\\" in url:
            url = _LATEX_ESCAPE.sub(r"\1", url)
        url = _trim(_undouble(_trim(url)))
        if len(url) < 8 or "." not in url.split("//", 1)[-1]:
            continue
        url = canonical(url)
        key = url.rstrip("/").lower()
        if key in seen:
            continue
        seen.add(key)
        context = text[max(0, match.start() - 40) : match.start()]
        kind, repo = _classify(url, context)
        links.append(Link(url=url, kind=kind, repo=repo))
    return tuple(links)


def make_link(url: str, kind: LinkKind | None = None) -> Link:
    """A link given by a structured source (an API field), cleaned the same way."""
    url = canonical(_trim(url.strip()))
    found_kind, repo = classify(url)
    return Link(url=url, kind=kind or found_kind, repo=repo if (kind or found_kind) == "code" else None)
