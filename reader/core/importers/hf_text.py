"""The Hugging Face papers page saved as plain text.

Header lines, then title / blank / abstract / blank, a paper at a time.
Abstracts may be hard-wrapped by a text browser: lines inside a block join.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.errors import InputError
from reader.core.links import find_links
from reader.core.models import ParsedPaper
from reader.core.text import readable_latex, squash

_FURNITURE = {
    "new",
    "subscribe",
    "get trending papers in your email inbox!",
    "byak and the research community",
    "trending papers",
    "daily papers",
    "papers",
}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = re.compile(rf"^(?:{_MONTHS})[a-z]*\.? \d{{1,2}}(?:, \d{{4}})?$|^\d{{4}}-\d{{2}}-\d{{2}}$", re.IGNORECASE)
_MAX_TITLE = 300
_MIN_ABSTRACT_WORDS = 25


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs with the line they start on; wrapped lines joined with a space."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append((start, " ".join(current)))
            current = []
    if current:
        blocks.append((start, " ".join(current)))
    return blocks


def _is_furniture(block: str) -> bool:
    return block.strip().lower() in _FURNITURE


def _looks_like_abstract(block: str) -> bool:
    return len(block.split()) >= _MIN_ABSTRACT_WORDS


def _looks_like_title(block: str) -> bool:
    return len(block) <= _MAX_TITLE and not _looks_like_abstract(block)


def sniff(text: str) -> bool:
    """Plain text with at least one title followed by an abstract-sized paragraph."""
    head = text.lstrip()[:1]
    if head in {"{", "[", "<", "@"}:
        return False
    blocks = [b for _, b in _blocks(text[:200_000])]
    return any(
        _looks_like_title(a) and _looks_like_abstract(b) for a, b in zip(blocks, blocks[1:], strict=False)
    )


def parse(text: str, path: Path) -> list[ParsedPaper]:
    listing_date: str | None = None
    papers: list[ParsedPaper] = []
    blocks = _blocks(text)
    index = 0
    while index < len(blocks):
        line, block = blocks[index]
        index += 1
        if _is_furniture(block):
            continue
        if _DATE.match(block.strip()):
            listing_date = block.strip()
            continue
        if not _looks_like_title(block):
            raise InputError("abstract without a title before it", path=path, line=line)
        abstract_raw = ""
        if index < len(blocks) and _looks_like_abstract(blocks[index][1]):
            abstract_raw = blocks[index][1]
            index += 1
        papers.append(_paper(block, abstract_raw, listing_date))
    return papers


def _paper(title: str, abstract_raw: str, listing_date: str | None) -> ParsedPaper:
    abstract_raw = squash(abstract_raw)
    return ParsedPaper(
        title=squash(readable_latex(title)),
        abstract=squash(readable_latex(abstract_raw)),
        abstract_raw=abstract_raw,
        links=find_links(abstract_raw),
        listing_date=listing_date,
    )
