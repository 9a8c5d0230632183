"""BibTeX, as Zotero exports it and as people keep it by hand.

bibtexparser (v2) splits the file into entries; the arXiv id comes from
``eprint``, a ``10.48550/arXiv.*`` DOI, ``url``, or wherever it hides
(``journal = {https://arxiv.org/abs/...}``, ``number = {arXiv:...}``).
Braces and LaTeX accents are removed from what is shown.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library

from reader.core.errors import InputError
from reader.core.importers._common import arxiv_id_in, build, dedupe, exact_arxiv_id
from reader.core.links import make_link
from reader.core.models import Link, ParsedPaper
from reader.core.text import bibtex_source, bibtex_text

_ENTRY_START = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_URL_FIELD = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_SKIPPED_TYPES = {"comment", "string", "preamble"}

# bibtexparser logs each block it gives up on to the root logger, which prints it before our one-line
# error: what it says comes back in that error (``failed_blocks``) instead.
_PARSER_LOG = logging.getLogger("bibtexparser")
_PARSER_LOG.addHandler(logging.NullHandler())
_PARSER_LOG.propagate = False


def sniff(text: str) -> bool:
    """The first line that is not blank or a ``%`` comment opens an entry."""
    for line in text[:65536].split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("%"):
            return bool(_ENTRY_START.match(stripped))
    return False


def parse(text: str, path: Path) -> list[ParsedPaper]:
    try:
        library = parse_string(text)
    except Exception as exc:  # the parser's own errors are not part of its API
        raise InputError(f"BibTeX cannot be read: {exc}", path=path) from None
    for block in library.failed_blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock):
            continue  # hand-kept files repeat keys; the entry itself is fine
        line = (block.start_line or 0) + 1
        raise InputError(f"broken BibTeX entry: {_first_line(block.raw or '')}", path=path, line=line)
    papers: list[ParsedPaper] = []
    for entry in _entries(library):
        paper = _entry(entry, path)
        if paper is not None:
            papers.append(paper)
    return dedupe(papers)


def _entries(library: Library) -> list[model.Entry]:
    entries = list(library.entries)
    for block in library.failed_blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, model.Entry):
            entries.append(block.ignore_error_block)
    return sorted(entries, key=lambda e: e.start_line or 0)


def _first_line(raw: str) -> str:
    line = raw.strip().split("\n", 1)[0]
    return line[:60] + ("..." if len(line) > 60 else "")


def _field(entry: model.Entry, name: str) -> str:
    field = entry.fields_dict.get(name) or next(
        (f for key, f in entry.fields_dict.items() if key.lower() == name), None
    )
    value = field.value if field is not None else ""
    return value.strip() if isinstance(value, str) else ""


def _entry(entry: model.Entry, path: Path) -> ParsedPaper | None:
    if entry.entry_type.lower() in _SKIPPED_TYPES:
        return None
    raw_title = _field(entry, "title")
    title = bibtex_text(raw_title)
    if not title:
        line = (entry.start_line or 0) + 1
        raise InputError(f"entry {entry.key} has no title", path=path, line=line)
    return build(
        title,
        bibtex_source(_field(entry, "abstract")),
        links=_links(entry),
        arxiv_id=_arxiv_id(entry),
        authors=_authors(_field(entry, "author")),
        published=_date(entry),
        keywords=tuple(k.strip() for k in re.split(r"[,;]", _field(entry, "keywords")) if k.strip()),
    )


def _arxiv_id(entry: model.Entry) -> str | None:
    eprint = _field(entry, "eprint")
    prefix = _field(entry, "archiveprefix").lower() or _field(entry, "eprinttype").lower()
    if eprint and (prefix in {"", "arxiv"}) and (found := exact_arxiv_id(eprint)):
        return found
    for name in ("doi", "url", "journal", "number", "note", "howpublished", "volume", "eprint"):
        value = _field(entry, name)
        if value and (found := arxiv_id_in(value)):
            return found
    return None


def _links(entry: model.Entry) -> list[Link]:
    """``url``, URLs kept in other fields (a GitHub page as the journal), and a non-arXiv DOI."""
    urls: list[str] = []
    for name in ("url", "journal", "howpublished", "note", "booktitle"):
        value = _field(entry, name).strip("{} ")
        value = re.sub(r"^\\url\{(.*)\}$", r"\1", value)
        if _URL_FIELD.match(value):
            urls.append(value)
    doi = _field(entry, "doi")
    if doi and not doi.lower().startswith("10.48550/"):
        urls.append(f"https://doi.org/{doi}")
    return [make_link(url) for url in urls]


def _authors(value: str) -> tuple[str, ...]:
    """``Last, First and First Last`` as ``First Last`` names."""
    names: list[str] = []
    for part in re.split(r"\s+and\s+", value.strip()):
        text = bibtex_text(part)
        if text.lower() in {"", "others"}:
            continue
        if text.count(",") == 1:
            last, first = (p.strip() for p in text.split(","))
            text = f"{first} {last}".strip()
        names.append(text)
    return tuple(names)


_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def _date(entry: model.Entry) -> str | None:
    year = _field(entry, "year").strip("{} ")
    if not re.fullmatch(r"\d{4}", year):
        date = _field(entry, "date")
        return date[:10] if re.match(r"\d{4}", date) else None
    month = _field(entry, "month").strip("{} ").lower()[:3]
    number = _MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    return f"{year}-{number:02d}" if number else year
