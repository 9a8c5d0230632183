"""Works from the open scholarly APIs people script against: OpenAlex and Semantic Scholar.

An OpenAlex work (``api.openalex.org/works``) keeps its authors in
``authorships[].author.display_name``, its abstract as an inverted index
(``abstract_inverted_index``: each word and the positions it stands at) and
its arXiv id in the URLs of its ``locations`` or in an arXiv DOI. A Semantic
Scholar paper (``api.semanticscholar.org/graph/v1``) has ``paperId``,
``externalIds.ArXiv``, ``authors[].name`` and a plain ``abstract``.

Each field is read where the API puts it, or the file is refused naming the
item and the field: a field of the wrong type is never skipped over quietly.
``json_api`` recognises the shapes and hands each item here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reader.core.errors import InputError
from reader.core.importers._common import arxiv_id_in, arxiv_id_in_url, as_int, build, exact_arxiv_id
from reader.core.links import make_link
from reader.core.models import Link, ParsedPaper

OPENALEX_WORK = "https://openalex.org/W"
_MAX_ABSTRACT_WORDS = 100_000  # an abstract's positions: more is not an abstract


def _fail(number: int, path: Path, what: str) -> InputError:
    return InputError(f"item {number}: {what}", path=path)


def _text(item: dict[str, Any], name: str, number: int, path: Path) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(number, path, f"{name} is a {type(value).__name__}, not text")
    return value.strip()


def _objects(item: dict[str, Any], name: str, number: int, path: Path) -> list[dict[str, Any]]:
    """A list of objects, or refused; nulls in it are skipped (the APIs write them for unknown entries)."""
    value = item.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) or v is None for v in value):
        raise _fail(number, path, f"{name} is not a list of objects")
    return [v for v in value if v is not None]


def _object(item: dict[str, Any], name: str, number: int, path: Path) -> dict[str, Any]:
    value = item.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(number, path, f"{name} is not an object")
    return value


def _title(item: dict[str, Any], number: int, path: Path, *names: str) -> str:
    for name in names:
        title = _text(item, name, number, path)
        if title:
            return title
    raise InputError(f"item {number} has no title", path=path)


def _date(item: dict[str, Any], day: str, year: str, number: int, path: Path) -> str | None:
    text = _text(item, day, number, path)
    if text:
        return text[:10]
    value = item.get(year)
    if value is None:
        return None
    if as_int(value) is None:
        raise _fail(number, path, f"{year} is not a year")
    return str(value)


def _doi_link(doi: str) -> list[Link]:
    """A DOI as a link, unless it is arXiv's own (the id says that already)."""
    if not doi or "10.48550/" in doi.lower():
        return []
    url = doi if doi.lower().startswith(("http://", "https://")) else f"https://doi.org/{doi}"
    return [make_link(url)]


# -- OpenAlex ---------------------------------------------------------------------


def is_openalex(item: dict[str, Any]) -> bool:
    identifier = item.get("id")
    if isinstance(identifier, str) and identifier.startswith(OPENALEX_WORK):
        return True
    return "abstract_inverted_index" in item or "authorships" in item


def inverted_abstract(index: object, number: int, path: Path) -> str:
    """The abstract from ``{word: [positions]}``: each word put back where it stood."""
    if index is None:
        return ""
    if not isinstance(index, dict):
        raise _fail(number, path, "abstract_inverted_index is not an object of words and positions")
    placed: list[tuple[int, str]] = []
    for word, positions in index.items():
        if not isinstance(positions, list) or not all(as_int(p) is not None and p >= 0 for p in positions):
            shown = f"{word[:40]!r}"
            raise _fail(number, path, f"abstract_inverted_index: the positions of {shown} are not a list of numbers")
        placed.extend((position, word) for position in positions)
        if len(placed) > _MAX_ABSTRACT_WORDS:
            raise _fail(number, path, f"abstract_inverted_index holds more than {_MAX_ABSTRACT_WORDS:,} words")
    placed.sort()
    return " ".join(word for _, word in placed)


def openalex_work(item: dict[str, Any], number: int, path: Path) -> ParsedPaper:
    title = _title(item, number, path, "title", "display_name")
    authors = []
    for authorship in _objects(item, "authorships", number, path):
        author = _object(authorship, "author", number, path)
        name = _text(author, "display_name", number, path) or _text(authorship, "raw_author_name", number, path)
        if name:
            authors.append(name)
    locations = _objects(item, "locations", number, path)
    for single in ("primary_location", "best_oa_location"):
        locations.append(_object(item, single, number, path))
    urls = [
        _text(location, name, number, path) for location in locations for name in ("landing_page_url", "pdf_url")
    ]
    doi = _text(item, "doi", number, path)
    arxiv_id = next((found for url in urls if url and (found := arxiv_id_in_url(url))), None)
    arxiv_id = arxiv_id or (arxiv_id_in(doi) if doi else None)
    keywords = [_text(keyword, "display_name", number, path) for keyword in _objects(item, "keywords", number, path)]
    return build(
        title,
        inverted_abstract(item.get("abstract_inverted_index"), number, path),
        links=_doi_link(doi),
        arxiv_id=arxiv_id,
        authors=authors,
        published=_date(item, "publication_date", "publication_year", number, path),
        keywords=tuple(k for k in keywords if k),
    )


# -- Semantic Scholar ----------------------------------------------------------------


def is_semantic_scholar(item: dict[str, Any]) -> bool:
    return "paperId" in item or "externalIds" in item


def semantic_scholar_paper(item: dict[str, Any], number: int, path: Path) -> ParsedPaper:
    title = _title(item, number, path, "title")
    ids = _object(item, "externalIds", number, path)
    arxiv = ids.get("ArXiv")
    if arxiv is not None and not isinstance(arxiv, str):
        raise _fail(number, path, "externalIds.ArXiv is not text")
    doi = ids.get("DOI")
    doi = doi.strip() if isinstance(doi, str) else ""
    arxiv_id = exact_arxiv_id(arxiv) if arxiv else None
    if arxiv and arxiv_id is None:
        raise _fail(number, path, f"externalIds.ArXiv {arxiv[:40]!r} is not an arXiv id")
    arxiv_id = arxiv_id or (arxiv_id_in(doi) if doi else None)
    authors = [_text(author, "name", number, path) for author in _objects(item, "authors", number, path)]
    page = _text(item, "url", number, path)
    links = [*_doi_link(doi), *([make_link(page)] if page.startswith(("http://", "https://")) else [])]
    return build(
        title,
        _text(item, "abstract", number, path),
        links=links,
        arxiv_id=arxiv_id,
        authors=[name for name in authors if name],
        published=_date(item, "publicationDate", "year", number, path),
    )


# Wrappers Semantic Scholar puts around each paper in some answers (citations, references).
S2_WRAPPERS = ("citingPaper", "citedPaper")
