"""RSS 2.0 and RSS 1.0 (RDF) feeds: arXiv's listing feeds, journals' and blogs' feeds.

An item's link or guid names the paper (an arXiv id in it is kept); arXiv's
listing feeds put ``arXiv:ID Announce Type: new Abstract: ...`` before the
abstract, which is taken off. Authors come from ``dc:creator`` (one
comma-separated line in arXiv's feeds) or ``author``. Parsed with the
standard library's expat-based ElementTree, which fetches no external
entity: the feed is data.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers._common import arxiv_id_in_url, build, dedupe
from reader.core.links import make_link
from reader.core.models import ParsedPaper

_DC = "{http://purl.org/dc/elements/1.1/}"
_RSS1 = "{http://purl.org/rss/1.0/}"
_RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_ARXIV_PREAMBLE = re.compile(r"^\s*arXiv:\S+\s+Announce Type:\s*\S+\s+Abstract:\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,500}>")
_POSITION = re.compile(r":\s*line \d+, column \d+$")


def sniff(text: str) -> bool:
    head = text[:4096].lstrip().lstrip("\ufeff")
    return head.startswith("<") and ("<rss" in head or ("<rdf:RDF" in head and "purl.org/rss/1.0" in head))


def parse(text: str, path: Path) -> list[ParsedPaper]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        reason = _POSITION.sub("", str(exc))
        raise InputError(f"broken XML: {reason}", path=path, line=line) from None
    if root.tag == "rss":
        items = root.iter("item")
        ns = ""
    elif root.tag == f"{_RDF}RDF":
        items = root.iter(f"{_RSS1}item")
        ns = _RSS1
    else:
        raise InputError("XML is not an RSS feed", path=path, line=1)
    return dedupe(_item(item, number, ns, path) for number, item in enumerate(items, start=1))


def _text(item: ET.Element, tag: str) -> str:
    found = item.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _plain(markup: str) -> str:
    """A description's text: feeds put HTML in it, escaped or not."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def _item(item: ET.Element, number: int, ns: str, path: Path) -> ParsedPaper:
    title = _plain(_text(item, f"{ns}title"))
    if not title:
        raise InputError(f"item {number} has no title", path=path)
    link = _text(item, f"{ns}link") or item.get(f"{_RDF}about", "")
    guid = _text(item, "guid")
    arxiv_id = arxiv_id_in_url(link) or arxiv_id_in_url(guid) or _arxiv_guid(guid)
    abstract = _ARXIV_PREAMBLE.sub("", _plain(_text(item, f"{ns}description")))
    creators = [_plain(found.text or "") for found in item.findall(f"{_DC}creator")]
    if len(creators) == 1 and "," in creators[0]:
        creators = [name.strip() for name in creators[0].split(",")]
    authors = [name for name in creators if name] or [a for a in [_plain(_text(item, "author"))] if a]
    categories = tuple(term for cat in item.findall("category") if (term := (cat.text or "").strip()))
    return build(
        title,
        abstract,
        links=[make_link(url) for url in (link,) if url.startswith(("http://", "https://"))],
        arxiv_id=arxiv_id,
        authors=authors,
        published=_date(_text(item, "pubDate") or _text(item, f"{_DC}date")),
        keywords=categories,
    )


def _arxiv_guid(guid: str) -> str | None:
    """arXiv's listing feeds: ``oai:arXiv.org:2501.01234v1``."""
    match = re.match(r"^oai:arXiv\.org:(\d{4}\.\d{4,5})(?:v\d+)?$", guid)
    return match.group(1) if match else None


def _date(text: str) -> str | None:
    if not text:
        return None
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
