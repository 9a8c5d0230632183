"""Paper lists saved from web APIs as JSON.

Hugging Face ``api/daily_papers`` (old schema with ``mediaUrl``; new schema
with ``githubRepo``, ``projectPage``, ``githubStars``, ``ai_keywords``), its
single-paper form, a Papers with Code ``papers/`` page
(``{count, next, previous, results}``), OpenAlex works and Semantic Scholar
papers (``scholarly_json``). Each item's shape is told by the keys only that
API writes; an item of no known shape is refused by name, never read as the
nearest one. A file whose items are strings holding Python reprs is refused
by name: it is never evaluated.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from reader.core.errors import InputError
from reader.core.importers import scholarly_json
from reader.core.importers._common import Progress, arxiv_id_in, as_int, as_str, build, dedupe, exact_arxiv_id
from reader.core.links import make_link
from reader.core.models import Link, ParsedPaper
from reader.core.text import all_squashed

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LOOKS_JSON = re.compile(r'\s*(?:\{\s*(?:"|\}|$)|\[\s*(?:[\[{"\]]|-?\d|true|false|null|$))')

_PROGRESS_EVERY = 1_000  # items between two reports of a long list


def sniff(text: str) -> bool:
    """Text that opens like a JSON document (a Markdown ``[link](url)`` does not)."""
    return bool(_LOOKS_JSON.match(text[:4096]))


HF = "hf-api"
PWC = "paperswithcode-api"
OPENALEX = "openalex-api"
S2 = "semantic-scholar-api"
SHAPES = (PWC, OPENALEX, S2, HF)
_NAMES = {HF: "a Hugging Face paper", PWC: "a Papers with Code paper", OPENALEX: "an OpenAlex work",
          S2: "a Semantic Scholar paper"}


def sniff_hf(text: str) -> bool:
    return sniff(text) and not (sniff_pwc(text) or sniff_openalex(text) or sniff_s2(text))


def sniff_pwc(text: str) -> bool:
    head = text[:8192]
    return sniff(text) and head.lstrip().startswith("{") and '"results"' in head and '"url_abs"' in head


def sniff_openalex(text: str) -> bool:
    head = text[:8192]
    return sniff(text) and (f'"{scholarly_json.OPENALEX_WORK}' in head or '"abstract_inverted_index"' in head)


def sniff_s2(text: str) -> bool:
    head = text[:8192]
    return sniff(text) and '"paperId"' in head


def load(text: str, path: Path) -> Any:
    """The JSON value, or an error naming the line where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise InputError("JSON ends early (the file looks truncated)", path=path, line=exc.lineno) from None
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", path=path) from None


def parse(text: str, path: Path, progress: Progress | None = None) -> list[ParsedPaper]:
    """The papers of a JSON paper list; ``progress(done, total)`` counts items read."""
    return parse_json(text, path, progress)[1]


def parse_json(text: str, path: Path, progress: Progress | None = None) -> tuple[str, list[ParsedPaper]]:
    """The shape of a JSON paper list (one of ``SHAPES``) and its papers.

    Every item must be of one known shape, the same for the whole file.
    """
    data = load(text, path)
    items = _items(data, text, path)
    papers = []
    shape: str | None = None
    if progress is not None:
        progress(0, len(items))
    for number, item in enumerate(items, start=1):
        if item is None:
            continue  # Semantic Scholar's batch answer: an id it does not know (``_items`` checked the shape)
        kind = _shape(item)
        if kind is None:
            keys = ", ".join(sorted(map(str, item))[:6]) or "none"
            raise InputError(
                f"item {number} is not a paper of a known shape (Hugging Face, Papers with Code, OpenAlex, "
                f"Semantic Scholar); its keys: {keys}",
                path=path,
            )
        if shape is None:
            shape = kind
        elif kind != shape:
            raise InputError(f"item {number} is {_NAMES[kind]} but item 1 is {_NAMES[shape]}: one shape a file",
                             path=path)
        papers.append(_READERS[kind](item, number, path))
        if progress is not None and not number % _PROGRESS_EVERY:
            progress(number, len(items))
    if progress is not None:
        progress(len(items), len(items))
    return shape or HF, dedupe(papers)


def _shape(item: dict[str, Any]) -> str | None:
    """Which API wrote ``item``, from keys only that API writes; None for an item of no known shape."""
    if isinstance(item.get("paper"), dict):
        return HF
    if "url_abs" in item or "arxiv_id" in item:
        return PWC
    if scholarly_json.is_semantic_scholar(item):
        return S2
    if scholarly_json.is_openalex(item):
        return OPENALEX
    if "summary" in item or exact_arxiv_id(as_str(item.get("id"))) or "upvotes" in item:
        return HF
    return None


def _items(data: Any, text: str, path: Path) -> list[Any]:
    if isinstance(data, dict):
        for name in ("results", "papers", "data", "recommendedPapers"):
            if isinstance(data.get(name), list):
                return _unwrapped(list(data[name]), text, path)
        if "paper" in data or "title" in data or "paperId" in data:
            return [data]
        raise InputError(
            "JSON object is not a paper list (no results, papers, data or paper)", path=path, line=1
        )
    if isinstance(data, list):
        return _unwrapped(data, text, path)
    raise InputError(f"JSON holds a single {type(data).__name__}, not a paper list", path=path, line=1)


def _unwrapped(items: list[Any], text: str, path: Path) -> list[Any]:
    """The items as paper objects: Semantic Scholar's ``{"citingPaper": {...}}`` opened, bad items refused.

    A null item is kept (and skipped later) only in a list of Semantic Scholar papers.
    """
    semantic = False
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and len(item) <= 2:
            inner = next((item[k] for k in scholarly_json.S2_WRAPPERS if isinstance(item.get(k), dict)), None)
            if inner is not None:
                items[number - 1] = item = inner
        if isinstance(item, dict):
            semantic = semantic or scholarly_json.is_semantic_scholar(item)
            continue
        if isinstance(item, str):
            raise InputError(_string_item(item, number), path=path, line=_first_item_line(text))
        if item is not None:
            raise InputError(f"item {number} is a {type(item).__name__}, not a paper object", path=path)
    if not semantic and any(item is None for item in items):
        number = next(n for n, item in enumerate(items, start=1) if item is None)
        raise InputError(f"item {number} is a NoneType, not a paper object", path=path)
    return items


def _string_item(item: str, number: int) -> str:
    if item.lstrip().startswith(("{'", '{"', "{")):
        return (
            f"item {number} is a string holding a Python dict repr, not a JSON object "
            "(the file was saved with str() instead of json.dump)"
        )
    return f"item {number} is a string, not a paper object"


def _first_item_line(text: str) -> int:
    start = text.find("[")
    rest = text[start + 1 :]
    offset = len(rest) - len(rest.lstrip())
    return text[: start + 1 + offset].count("\n") + 1


def _title(value: object, number: int, path: Path) -> str:
    title = as_str(value).strip()
    if not title:
        raise InputError(f"item {number} has no title", path=path)
    return title


def _hf(item: dict[str, Any], number: int, path: Path) -> ParsedPaper:
    paper = item["paper"] if isinstance(item.get("paper"), dict) else item
    title = _title(paper.get("title") or item.get("title"), number, path)
    summary = as_str(paper.get("summary")) or as_str(item.get("summary"))
    arxiv_id = exact_arxiv_id(as_str(paper.get("id")))
    links: list[Link] = []
    repo = as_str(paper.get("githubRepo")).strip()
    if repo:
        links.append(make_link(repo, "code"))
    project = as_str(paper.get("projectPage")).strip()
    if project and not (arxiv_id and arxiv_id_in(project) == arxiv_id):
        links.append(make_link(project, "project"))
    listed = as_str(paper.get("submittedOnDailyAt")) or as_str(item.get("publishedAt"))
    return build(
        title,
        summary,
        links=links,
        arxiv_id=arxiv_id,
        authors=_names(paper.get("authors")),
        published=_date(paper.get("publishedAt")),
        listing_date=_date(listed),
        upvotes=as_int(paper.get("upvotes")),
        stars=as_int(paper.get("githubStars")),
        keywords=_keywords(paper.get("ai_keywords")),
    )


def _pwc(item: dict[str, Any], number: int, path: Path) -> ParsedPaper:
    title = _title(item.get("title"), number, path)
    url_abs, url_pdf = as_str(item.get("url_abs")).strip(), as_str(item.get("url_pdf")).strip()
    arxiv_id = exact_arxiv_id(as_str(item.get("arxiv_id"))) or (arxiv_id_in(url_abs) if url_abs else None)
    links: list[Link] = []
    repository = item.get("repository")
    stars = None
    if isinstance(repository, dict) and as_str(repository.get("url")):
        links.append(make_link(as_str(repository.get("url")), "code"))
        stars = as_int(repository.get("stars"))
    links += [make_link(url) for url in (url_abs, url_pdf) if url]
    return build(
        title,
        as_str(item.get("abstract")),
        links=links,
        arxiv_id=arxiv_id,
        authors=tuple(a.strip() for a in _list(item.get("authors")) if isinstance(a, str) and a.strip()),
        published=_date(item.get("published")),
        stars=stars,
    )


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _keywords(value: object) -> tuple[str, ...]:
    if not value:  # most papers: no keywords, no generator
        return ()
    return tuple(k.strip() for k in _list(value) if isinstance(k, str) and k.strip())


def _names(value: object) -> tuple[str, ...]:
    given: list[Any] = [author.get("name") if isinstance(author, dict) else author for author in _list(value)]
    try:
        if all_squashed(given):  # plain names, the usual case: nothing to clean one by one
            return tuple(given)
    except TypeError:  # a name that is no string: cleaned below
        pass
    names: list[str] = []
    for author in _list(value):
        name = " ".join((as_str(author.get("name")) if isinstance(author, dict) else as_str(author)).split())
        if name:
            names.append(name)
    return tuple(names)


def _date(value: object) -> str | None:
    """The day of an ISO timestamp (``2024-05-28T17:47:19.000Z`` -> ``2024-05-28``)."""
    return _day(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> str | None:
    """``_date`` of a string; a daily list repeats a few timestamps in every item, so they are remembered."""
    text = text.strip()
    match = _DAY.match(text)
    return match.group(0) if match else (text or None)


_READERS = {
    HF: _hf,
    PWC: _pwc,
    OPENALEX: scholarly_json.openalex_work,
    S2: scholarly_json.semantic_scholar_paper,
}
