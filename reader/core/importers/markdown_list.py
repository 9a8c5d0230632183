"""A Markdown list of papers: an awesome-list README and the like.

Headings name sections, never papers. Each arXiv or Hugging Face paper link
in a list item, a table row or a heading is one paper:

- its title is the link's text when that is words (``[Mini-R: ...](url)``),
  else the row's Title (or Name, or Paper) column, else the item's bold or
  italic text, else the item's text outside its links;
- an item or row with one paper gives it the item's other links (code,
  project page);
- a paper whose title cannot be told (``[arXiv:2505.15799](url)`` alone, a
  bare URL, several papers on one line) is kept as a stub, its title filled
  in by a later import of a page, feed or API file that has it;
- badges (``[![arXiv](badge.svg)](url)``) and links inside running prose say
  nothing about a paper's title: badges are skipped, prose links are stubs.

Detection leaves the Hugging Face web-clipper capture (cards under headings
with "N authors" and upvotes) to ``hf_text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.importers._common import MD_LINK, build, dedupe, paper_url_id
from reader.core.links import make_link
from reader.core.models import Link, LinkKind, ParsedPaper

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BARE_URL = re.compile(r"<?(https?://\S+?)>?(?=[\s,;)]|$)", re.IGNORECASE)
_PAPER_HOST = re.compile(r"(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/", re.IGNORECASE)
# Card facts of a Hugging Face papers page: such a file is a web-clipper capture, not a list.
_CARD_FACT = re.compile(r"^\s*(?:[-*+]\s+)?(?:\d{1,4} authors?|\d[\d,]* upvotes?|upvotes?:?\s*\d+)\s*$", re.I | re.M)
# Link text that names no paper: an id, a URL, "paper", "[pdf]", "arXiv 2401.01234v2", "HF page"...
_GENERIC_WORD = (
    r"arxiv|paper|pdf|abs|abstract|link|hf|hugging\s*face|huggingface|html|project|code|page|preprint|url|here"
    r"|website|openreview|v\d+|\d{4}\.\d{4,5}(?:v\d+)?|[a-z][a-z-]*(?:\.[a-z]{2})?/\d{7}(?:v\d+)?"
)
_GENERIC = re.compile(rf"^[\W_]*(?:(?:{_GENERIC_WORD})[\W_]*)*$", re.IGNORECASE)
_EMPHASIS = re.compile(r"(?<!\\)(\*\*|__)(.+?)(?<!\\)\1|(?<![\w*\\])([*_])(?!\s)(.+?)(?<![\s\\])\3(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_TITLE_HEADERS = ("title", "name", "paper", "papers", "work")
_MAX_TITLE = 300
_SNIFF_CHARS = 200_000


@dataclass(slots=True)
class _Found:
    """The papers one item, row or heading links to, and the other links it holds."""

    ids: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # id -> link text that is a title
    links: list[Link] = field(default_factory=list)


def _clean(text: str) -> str:
    """Markdown inline marks off: emphasis, code ticks, escapes; one line of single spaces."""
    previous = None
    while previous != text:
        previous = text
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(4), text)
    text = text.replace("`", "")
    text = _MD_ESCAPE.sub(r"\1", text)
    return " ".join(text.split())


def _is_badge(label: str) -> bool:
    return label.lstrip().startswith("![")


def _scan(text: str) -> tuple[_Found, str]:
    """The paper links and other links in ``text``, and the text left when every link is taken out."""
    found = _Found()
    rest: list[str] = []
    position = 0
    for match in MD_LINK.finditer(text):
        rest.append(text[position : match.start()])
        position = match.end()
        label, url = match.group(1).strip(), match.group(2).strip()
        if match.group(0).startswith("!") or _is_badge(label) or not url:
            continue
        _take(found, label, url)
    rest.append(text[position:])
    outside = " ".join(rest)
    for bare in _BARE_URL.finditer(outside):
        _take(found, "", bare.group(1))
    return found, _BARE_URL.sub(" ", outside)


def _take(found: _Found, label: str, url: str) -> None:
    paper_id = paper_url_id(url)
    if paper_id:
        if paper_id not in found.ids:
            found.ids.append(paper_id)
        title = _clean(label)
        if title and not _GENERIC.match(title) and len(title) <= _MAX_TITLE and paper_id not in found.labels:
            found.labels[paper_id] = title
        return
    if not url.lower().startswith(("http://", "https://")):
        return  # an anchor in the page (#scope), a relative path, mailto:
    kind: LinkKind | None = "project" if re.search(r"project|website|home\s*page|demo", label, re.IGNORECASE) else None
    found.links.append(make_link(url, kind))


def _item_title(outside: str) -> str | None:
    """The title an item gives in its own words: its bold or italic part, else its text outside links."""
    emphasised = _EMPHASIS.search(outside)
    candidate = (emphasised.group(2) or emphasised.group(4)) if emphasised else outside
    title = _clean(candidate).strip(" -–—:|,;.([")
    letters = sum(ch.isalpha() for ch in title)
    return title if letters >= 3 and len(title) <= _MAX_TITLE else None


def _papers(found: _Found, fallback: str | None, *, trusted: bool) -> Iterator[ParsedPaper]:
    """One paper per linked id: titled from its link text, else ``fallback`` when it is the only one."""
    only = len(found.ids) == 1
    for paper_id in found.ids:
        title = found.labels.get(paper_id) if trusted else None
        if title is None and trusted and only:
            title = fallback
        links = (Link(url=f"https://arxiv.org/abs/{paper_id}"), *(found.links if only else ()))
        if title is None:
            yield ParsedPaper(title=f"arXiv:{paper_id}", arxiv_id=paper_id, links=links, stub=True)
        else:
            yield build(title, links=links, arxiv_id=paper_id)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip() for cell in _CELL_SPLIT.split(inner)]


def _title_column(header: list[str]) -> int | None:
    names = [_clean(cell).lower() for cell in header]
    for wanted in _TITLE_HEADERS:
        if wanted in names:
            return names.index(wanted)
    return None


def _row_papers(cells: list[str], title_column: int | None) -> Iterator[ParsedPaper]:
    found, _ = _scan(" | ".join(cells))
    fallback = None
    if title_column is not None and title_column < len(cells):
        title_cell = cells[title_column]
        cell_found, outside = _scan(title_cell)
        if not cell_found.ids:
            fallback = _clean(outside).strip(" -–—:|,;.") or None
        elif len(cell_found.ids) == 1 and cell_found.ids[0] in cell_found.labels:
            fallback = cell_found.labels[cell_found.ids[0]]
    if fallback is not None and (sum(ch.isalpha() for ch in fallback) < 3 or len(fallback) > _MAX_TITLE):
        fallback = None
    yield from _papers(found, fallback, trusted=True)


def _lines(text: str) -> Iterator[tuple[str, str]]:
    """(kind, line) for each line outside code blocks: heading, item, header, row, or text."""
    lines = text.split("\n")
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or not line.strip():
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if "|" in line and _TABLE_RULE.match(following) and not _TABLE_RULE.match(line):
            yield "header", line
        elif _TABLE_RULE.match(line):
            continue
        elif line.lstrip().startswith("|"):
            yield "row", line
        elif _HEADING.match(line):
            yield "heading", line
        elif _ITEM.match(line):
            yield "item", line
        else:
            yield "text", line


def sniff(text: str) -> bool:
    """List items, table rows or headings that link papers, and none of a papers page's card facts."""
    head = text[:_SNIFF_CHARS]
    if "](" not in head and "://" not in head:
        return False
    if _CARD_FACT.search(head) or not _PAPER_HOST.search(head):
        return False
    structured = False
    for kind, line in _lines(head):
        if kind == "heading":
            heading = _HEADING.match(line)
            assert heading is not None
            whole = MD_LINK.fullmatch(heading.group(1).strip().strip("*_"))
            if whole is not None and paper_url_id(whole.group(2)) and not _is_badge(whole.group(1)):
                return False  # a heading that is a paper's link: a card page, read by ``hf_text``
            continue
        if kind in ("item", "row") and _scan(line)[0].ids:
            structured = True
    return structured


def parse(text: str, path: Path) -> list[ParsedPaper]:
    del path  # every line is read; nothing here can be wrong enough to refuse but an empty list
    papers: list[ParsedPaper] = []
    title_column: int | None = None  # of the table being read
    for kind, line in _lines(text):
        if kind == "header":
            title_column = _title_column(_cells(line))
            continue
        if kind == "row":
            papers.extend(_row_papers(_cells(line), title_column))
            continue
        title_column = None
        if kind == "heading":
            heading = _HEADING.match(line)
            assert heading is not None
            papers.extend(_papers(_scan(heading.group(1))[0], None, trusted=True))
        elif kind == "item":
            found, outside = _scan(_ITEM.sub("", line, count=1))
            if found.ids:
                papers.extend(_papers(found, _item_title(outside), trusted=True))
        else:
            papers.extend(_papers(_scan(line)[0], None, trusted=False))
    return dedupe(papers)
