"""A plain list of arXiv ids or arXiv / Hugging Face paper URLs, one a line.

A ``#`` starts a comment: a whole line (``# to read``) or the end of one
(``2406.13131  # parts > sums``; a URL's own ``#fragment`` has no space
before it). Each id becomes a stub: only the id is known until a later import of a page,
feed or API file fills in the title, abstract and the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers._common import exact_arxiv_id, paper_url_id
from reader.core.models import Link, ParsedPaper

_SNIFF_LINES = 200
_MAX_LINE = 200  # an id or paper URL is short; longer lines are something else
_COMMENT = re.compile(r"\s#.*$")


def _entry(line: str) -> str:
    """A line without its comment and list bullet; empty for a blank or comment line."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return ""
    return _COMMENT.sub("", stripped).lstrip("-*• ").strip()


def _lines(text: str) -> list[tuple[int, str]]:
    """Lines that hold an entry, with their numbers."""
    return [(number, entry) for number, line in enumerate(text.split("\n"), start=1) if (entry := _entry(line))]


def line_id(line: str) -> str | None:
    if len(line) > _MAX_LINE:
        return None
    return exact_arxiv_id(line) or paper_url_id(line)


def sniff(text: str) -> bool:
    """Most of the first lines (and the first one) are ids or paper URLs."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text[:65536].split("\n"), start=1):
        if len(line) > 10 * _MAX_LINE:
            return False
        entry = _entry(line)
        if entry:
            lines.append((number, entry))
        if len(lines) >= _SNIFF_LINES:
            break
    if not lines or line_id(lines[0][1]) is None:
        return False
    good = sum(1 for _, line in lines if line_id(line))
    return good * 5 >= len(lines) * 4


def parse(text: str, path: Path) -> list[ParsedPaper]:
    papers: list[ParsedPaper] = []
    seen: set[str] = set()
    for number, line in _lines(text):
        arxiv_id = line_id(line)
        if arxiv_id is None:
            shown = line if len(line) <= 60 else line[:60] + "..."
            raise InputError(f"not an arXiv id or paper URL: {shown!r}", path=path, line=number)
        if arxiv_id in seen:
            continue
        seen.add(arxiv_id)
        papers.append(
            ParsedPaper(
                title=f"arXiv:{arxiv_id}",
                arxiv_id=arxiv_id,
                links=(Link(url=f"https://arxiv.org/abs/{arxiv_id}"),),
                stub=True,
            )
        )
    return papers
