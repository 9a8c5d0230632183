"""A plain list of arXiv ids or arXiv / Hugging Face paper URLs, one a line.

Each becomes a stub: only the id is known until a later import of a page,
feed or API file fills in the title, abstract and the rest.
"""

from __future__ import annotations

from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers._common import exact_arxiv_id, paper_url_id
from reader.core.models import Link, ParsedPaper

_SNIFF_LINES = 200
_MAX_LINE = 200  # an id or paper URL is short; longer lines are something else


def _lines(text: str) -> list[tuple[int, str]]:
    """Non-blank lines that are not ``#`` comments, with their numbers; list bullets dropped."""
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            found.append((number, stripped.lstrip("-*• ").strip()))
    return found


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
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.append((number, stripped.lstrip("-*• ").strip()))
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
