"""arXiv API Atom feeds, old style (http ids, ``arxiv:doi``) and new (https, doi as a link).

Parsed with the standard library's expat-based ElementTree, which does not
fetch external entities; the feed is data, nothing in it is followed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers._common import arxiv_id_in_url, build, dedupe
from reader.core.links import make_link
from reader.core.models import Link, ParsedPaper

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


def sniff(text: str) -> bool:
    head = text[:4096].lstrip()
    return head.startswith("<") and "http://www.w3.org/2005/Atom" in head


def parse(text: str, path: Path) -> list[ParsedPaper]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputError(f"broken XML: {_reason(exc)}", path=path, line=line) from None
    if root.tag != f"{_ATOM}feed":
        raise InputError("XML is not an Atom feed", path=path, line=1)
    papers = [_entry(entry, number, path) for number, entry in enumerate(root.iter(f"{_ATOM}entry"), start=1)]
    return dedupe(papers)


def _reason(exc: ET.ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(exc))


def _text(entry: ET.Element, tag: str) -> str:
    found = entry.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _entry(entry: ET.Element, number: int, path: Path) -> ParsedPaper:
    title = _text(entry, f"{_ATOM}title")
    if not title:
        raise InputError(f"entry {number} has no title", path=path)
    entry_id = _text(entry, f"{_ATOM}id")
    arxiv_id = arxiv_id_in_url(entry_id)
    links = _links(entry, entry_id)
    authors = tuple(
        " ".join(name.split())
        for author in entry.findall(f"{_ATOM}author")
        if (name := _text(author, f"{_ATOM}name"))
    )
    categories = tuple(
        term for cat in entry.findall(f"{_ATOM}category") if (term := (cat.get("term") or "").strip())
    )
    published = _text(entry, f"{_ATOM}published")[:10] or None
    return build(
        title,
        _text(entry, f"{_ATOM}summary"),
        links=links,
        link_text=_text(entry, f"{_ARXIV}comment"),
        arxiv_id=arxiv_id,
        authors=authors,
        published=published,
        keywords=categories,
    )


def _links(entry: ET.Element, entry_id: str) -> list[Link]:
    """The abstract page first, then the PDF, then the DOI."""
    abstract, pdf, doi = "", "", ""
    for link in entry.findall(f"{_ATOM}link"):
        href = (link.get("href") or "").strip()
        if not href:
            continue
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf = pdf or href
        elif link.get("title") == "doi":
            doi = doi or href
        elif link.get("rel") == "alternate":
            abstract = abstract or href
    abstract = abstract or (entry_id if entry_id.startswith("http") else "")
    doi_text = _text(entry, f"{_ARXIV}doi")
    if not doi and doi_text:
        doi = f"https://doi.org/{doi_text.split()[0]}"
    return [make_link(url) for url in (abstract, pdf, doi) if url]
