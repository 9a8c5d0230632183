"""The Hugging Face papers page saved as text, however it was captured.

- the plain copy: header lines, then title / abstract pairs;
- a browser select-all copy: navigation and login lines with their URLs,
  upvote counts (``[-] 12``), the paper's own URL (which gives the arXiv id),
  ``N authors``, ``·`` and dates, each on its own line;
- a web-clipper Markdown capture: ``### Title`` headings, ``- N authors``
  bullets, ``[LINK: GitHub 1.2k](url)`` lines, every card repeated twice;
- abstracts hard-wrapped by a text browser (lines inside a paragraph join).

The text is cut into blocks, each block is typed (title or abstract text,
a fact about a card, or page furniture), and cards are put together from
the typed blocks. Furniture never becomes a paper, a title or abstract text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers._common import MD_LINK, build, count, dedupe, paper_url_id
from reader.core.links import make_link
from reader.core.models import Link, LinkKind, ParsedPaper

_FURNITURE = {
    "new", "subscribe", "get trending papers in your email inbox!", "byak and the research community",
    "by ak and the research community", "trending papers", "daily papers", "papers", "hugging face",
    "hugging face's logo", "models", "datasets", "spaces", "community", "docs", "enterprise", "pricing",
    "posts", "solutions", "log in", "login", "sign up", "signup", "upvote", "upvoted", "search", "previous",
    "next", "collections", "view all", "see all", "daily", "weekly", "monthly", "trending", "website",
    "github", "arxiv", "arxiv page", "pdf", "project page", "paper page", "submit", "submit a paper",
    "get this paper in your agent:", "follow", "more", "•", "·", "-", "|", "…", "...", "ak",
    "system theme", "tos", "privacy", "about", "jobs", "company", "blog", "status", "careers", "contact",
}
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE_TEXT = rf"(?:(?:{_MONTHS})[a-z]*\.? \d{{1,2}}(?:, \d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})"
_DATE = re.compile(rf"^{_DATE_TEXT}$", re.IGNORECASE)
_PUBLISHED = re.compile(rf"^published(?: on)?:? ({_DATE_TEXT})$", re.IGNORECASE)
_AUTHORS = re.compile(r"^(\d{1,4}) authors?$", re.IGNORECASE)
_UPVOTES = re.compile(
    r"^(?:\[-\]\s*(\d[\d,]*)|(\d[\d,]*)|upvotes?:?\s*(\d[\d,]*)|(\d[\d,]*)\s*upvotes?)$", re.IGNORECASE
)
_STARS = re.compile(r"^(?:github|code|stars?)\s*:?\s*(\d[\d.,]*\s*[kKmM]?)(?:\s*stars?)?$", re.IGNORECASE)
_SUBMITTED = re.compile(r"^(?:submitted by|posted by|by)\b.{0,80}$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BULLET = re.compile(r"^(?:[-*+]|\d+\.)\s+")
_LINK_LABEL = re.compile(r"^link:\s*(.*)$", re.IGNORECASE)
_URL_ONLY = re.compile(r"^<?(?:https?://|www\.)\S+>?$", re.IGNORECASE)
_BREAKS_PARAGRAPH = re.compile(r"^(?:[-*+]\s|\[link:|!\[)", re.IGNORECASE)
_MD_ESCAPE = re.compile(r"\\([\\`*_\[\]#+!|])")
_FRONT_MATTER = re.compile(r"\A---\n(?:.*\n){0,40}?---\n")
_MAX_TITLE = 300
_MIN_ABSTRACT_WORDS = 25
_META_KINDS = {"id", "upvotes", "authors", "published", "link", "stars"}
_EVIDENCE = {"id", "upvotes", "authors"}


@dataclass(slots=True)
class _Token:
    kind: str  # text | heading | date | byline | junk | one of _META_KINDS
    value: str = ""
    line: int = 0
    number: int | None = None
    link: Link | None = None


@dataclass(slots=True)
class _Card:
    title: str
    line: int
    abstract: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    upvotes: int | None = None
    stars: int | None = None
    published: str | None = None
    listing_date: str | None = None
    links: list[Link] = field(default_factory=list)
    evidence: bool = False  # a fact only a paper card has (id, authors, upvotes)

    def take(self, token: _Token) -> None:
        if token.kind == "id" and not self.arxiv_id:
            self.arxiv_id = token.value
        elif token.kind == "upvotes" and self.upvotes is None:
            self.upvotes = token.number
        elif token.kind == "stars" and self.stars is None:
            self.stars = token.number
        elif token.kind == "published" and not self.published:
            self.published = token.value
        if token.link is not None:
            self.links.append(token.link)
        self.evidence = self.evidence or token.kind in _EVIDENCE

    def paper(self) -> ParsedPaper:
        return build(
            self.title,
            " ".join(self.abstract),
            links=self.links,
            arxiv_id=self.arxiv_id,
            upvotes=self.upvotes,
            stars=self.stars,
            published=self.published,
            listing_date=self.listing_date,
        )


# -- blocks and tokens ----------------------------------------------------------


def _is_abstract(text: str) -> bool:
    return len(text.split()) >= _MIN_ABSTRACT_WORDS


def _plain(text: str, markdown: bool = True) -> str:
    """Markdown inline links as readable text: ``[x](u)`` -> ``x (u)``, ``[u](u)`` -> ``u``.

    Backslash escapes (``\\[``) are Markdown's only in a Markdown capture: in
    a plain copy a title's ``\\[y\\]`` is what the authors wrote.
    """

    def replace(match: re.Match[str]) -> str:
        label, url = match.group(1).strip(), match.group(2)
        if match.group(0).startswith("!") or label.startswith("!["):
            return ""  # an image, or a badge (an image that links somewhere)
        if not url or label.rstrip("/") == url.rstrip("/"):
            return label or url
        return f"{label} ({url})" if label else url

    if "](" in text:
        text = MD_LINK.sub(replace, text)
    if markdown and "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    return text


def _link_tokens(line: str, number: int) -> list[_Token] | None:
    """A line made only of Markdown links (and separators): what those links tell."""
    if "](" not in line:
        return None
    rest = MD_LINK.sub("", line)
    if rest.strip(" \t|·•-,") or rest == line:
        return None
    tokens: list[_Token] = []
    for match in MD_LINK.finditer(line):
        label, url = match.group(1).strip(), match.group(2).strip()
        tokens.extend(_labelled_link(label, url, number, image=match.group(0).startswith("!")))
    return tokens


def _labelled_link(label: str, url: str, number: int, *, image: bool = False) -> list[_Token]:
    if image or not url or label.startswith("!["):  # a badge's link says nothing about a card
        return [_Token("junk", line=number)]
    paper_id = paper_url_id(url)
    if paper_id:
        heading_like = label and not _LINK_LABEL.match(label) and not _meta(label, number)
        if heading_like and label.lower() not in _FURNITURE and not _URL_ONLY.match(label):
            return [_Token("text", label, number), _Token("id", paper_id, number)]
        return [_Token("id", paper_id, number)]
    cue = _LINK_LABEL.match(label)
    if cue is None:
        return [_Token("junk", line=number)]
    what = cue.group(1).strip()
    tokens: list[_Token] = []
    stars = _STARS.match(what)
    if stars:
        tokens.append(_Token("stars", line=number, number=count(stars.group(1).replace(" ", ""))))
    kind: LinkKind | None = "project" if re.search(r"project|website|home ?page|demo", what, re.IGNORECASE) else None
    link = make_link(url, kind)
    if link.kind == "code" and link.repo is None and kind is None:
        return tokens or [_Token("junk", line=number)]
    tokens.append(_Token("link", url, number, link=link))
    return tokens


def _url_tokens(line: str, number: int) -> list[_Token]:
    url = line.strip("<>")
    paper_id = paper_url_id(url)
    if paper_id:
        return [_Token("id", paper_id, number)]
    link = make_link(url)
    if link.kind == "code" and link.repo:
        return [_Token("link", url, number, link=link)]
    return [_Token("junk", line=number)]  # navigation, login, footer


def _meta(line: str, number: int) -> list[_Token] | None:
    """Tokens for a line that is wholly card facts or furniture; None for text."""
    text = _BULLET.sub("", line.strip()).strip()
    lowered = text.lower().rstrip(":")
    if lowered in _FURNITURE or not text.strip("·•|-—– "):
        return [_Token("junk", line=number)]
    if _URL_ONLY.match(text):
        return _url_tokens(text, number)
    links = _link_tokens(text, number)
    if links is not None:
        return links
    if (found := _AUTHORS.match(text)) is not None:
        return [_Token("authors", line=number, number=int(found.group(1)))]
    if (found := _UPVOTES.match(text)) is not None:
        value = next(g for g in found.groups() if g)
        return [_Token("upvotes", line=number, number=int(value.replace(",", "")))]
    if (found := _STARS.match(text)) is not None:
        return [_Token("stars", line=number, number=count(found.group(1).replace(" ", "")))]
    if (found := _PUBLISHED.match(text)) is not None:
        return [_Token("published", found.group(1), number)]
    if _DATE.match(text):
        return [_Token("date", text, number)]
    if _SUBMITTED.match(text) and len(text.split()) <= 8:
        if text[:3].lower() == "by ":  # "by someone", or a title such as "By Design: ...": see _title_index
            return [_Token("byline", text, number)]
        return [_Token("junk", line=number)]
    if "·" in text or "•" in text:
        parts = [p.strip() for p in re.split(r"[·•]", text) if p.strip()]
        found_tokens = [_meta(part, number) for part in parts]
        if parts and all(t is not None for t in found_tokens):
            return [token for tokens in found_tokens if tokens for token in tokens]
    return None


def _heading(line: str, number: int) -> list[_Token] | None:
    found = _HEADING.match(line.strip())
    if not found:
        return None
    text = found.group(2).strip().strip("*_").strip()
    meta = _meta(text, number)
    if meta is not None and [token.kind for token in meta] != ["byline"]:  # "### By Design: ..." is a heading
        return meta
    links = list(MD_LINK.finditer(text))
    tokens: list[_Token] = []
    if len(links) == 1 and links[0].group(0) == text:
        paper_id = paper_url_id(links[0].group(2))
        text = links[0].group(1).strip().strip("*_").strip()
        if paper_id:
            tokens.append(_Token("id", paper_id, number))
    text = _plain(text)
    if not text or len(text) > _MAX_TITLE:
        return [_Token("junk", line=number)]
    return [_Token("heading", text, number), *tokens]


_MARKDOWN = re.compile(r"^#{1,6}\s|\]\(", re.MULTILINE)


def _tokens(text: str) -> list[_Token]:
    """The page cut into typed blocks; wrapped lines of a paragraph are joined."""
    markdown = _MARKDOWN.search(text) is not None  # headings or links: a Markdown capture
    tokens: list[_Token] = []
    paragraph: list[str] = []
    start = 0

    def flush() -> None:
        if paragraph:
            tokens.append(_Token("text", _plain(" ".join(paragraph), markdown), start))
            paragraph.clear()

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        standalone = _heading(stripped, number)
        if standalone is None and (not paragraph or _BREAKS_PARAGRAPH.match(stripped)):
            # Inside a wrapped paragraph a short line (a URL, a number) is the paragraph's text.
            standalone = _meta(stripped, number)
        if standalone is not None:
            flush()
            tokens.extend(standalone)
            continue
        if not paragraph:
            start = number
        paragraph.append(stripped)
    flush()
    return tokens


def _without_front_matter(text: str) -> str:
    """Drop a clipper's ``---`` metadata header, keeping line numbers."""
    found = _FRONT_MATTER.match(text)
    if not found:
        return text
    return "\n" * found.group(0).count("\n") + text[found.end() :]


# -- detection ------------------------------------------------------------------


def sniff(text: str) -> bool:
    """Cards with facts under headings (Markdown), or a title followed by an abstract."""
    head = text[:200_000]
    if len(head) == 200_000:
        head = head[: head.rfind("\n") + 1] or head[:0]
    tokens = _tokens(_without_front_matter(head))
    if _is_markdown(tokens):
        return True
    title_waiting = False  # card facts and furniture may sit between a title and its abstract
    for token in tokens:
        if token.kind == "heading":
            title_waiting = False
        if token.kind == "byline":
            title_waiting = title_waiting or _is_title(token.value)
        if token.kind != "text":
            continue
        if _is_abstract(token.value) and title_waiting:
            return True
        title_waiting = _is_title(token.value)
    return False


def _is_markdown(tokens: list[_Token]) -> bool:
    """Headings plus the facts only paper cards carry; a README's headings are not enough."""
    return any(t.kind == "heading" for t in tokens) and any(t.kind in _EVIDENCE for t in tokens)


def _is_title(text: str) -> bool:
    return len(text) <= _MAX_TITLE and not _is_abstract(text) and not _URL_ONLY.match(text)


# -- cards ------------------------------------------------------------------------


def parse(text: str, path: Path) -> list[ParsedPaper]:
    tokens = _tokens(_without_front_matter(text))
    cards = _markdown_cards(tokens) if _is_markdown(tokens) else _plain_cards(tokens, path)
    return dedupe(card.paper() for card in cards)


def _markdown_cards(tokens: list[_Token]) -> list[_Card]:
    """Clipper Markdown: every heading opens a card; the facts under it belong to it."""
    cards: list[_Card] = []
    card: _Card | None = None
    listing_date: str | None = None
    for token in tokens:
        if token.kind == "heading":
            card = _Card(title=token.value, line=token.line, listing_date=listing_date)
            cards.append(card)
        elif token.kind == "date":
            listing_date = token.value
        elif card is None:
            continue
        elif token.kind == "text":
            if _is_abstract(token.value) or card.abstract:
                card.abstract.append(token.value)
        else:
            card.take(token)
    return [c for c in cards if c.abstract or c.evidence]


def _plain_cards(tokens: list[_Token], path: Path) -> list[_Card]:
    """Plain and browser copies: each abstract closes a card; its title is the text just before."""
    groups = _abstract_groups(tokens)
    if not groups:
        return []
    titles = [_title_index(tokens, previous_end, first, path) for previous_end, first, _ in groups]
    meta_after = _meta_follows_abstract(tokens, groups)
    cards: list[_Card] = []
    listing_date: str | None = None
    cursor = 0
    for number, (previous_end, first, last) in enumerate(groups):
        title = titles[number]
        for token in tokens[cursor:title]:
            if token.kind == "date":
                listing_date = token.value
        cursor = title
        card = _Card(title=tokens[title].value, line=tokens[title].line, listing_date=listing_date)
        card.abstract = [tokens[i].value for i in range(first, last + 1)]
        if meta_after:
            end = titles[number + 1] if number + 1 < len(groups) else len(tokens)
            zone = [*range(title + 1, first), *range(last + 1, end)]
        else:
            zone = [i for i in range(previous_end + 1, first) if i != title]
        for index in zone:
            card.take(tokens[index])
        end = titles[number + 1] if number + 1 < len(groups) else len(tokens)
        card.arxiv_id = _own_id(tokens, previous_end, title, (first, last), end) or card.arxiv_id
        cards.append(card)
    return cards


def _own_id(tokens: list[_Token], previous_end: int, title: int, abstract: tuple[int, int], end: int) -> str | None:
    """The arXiv id a card's own paper URLs agree on, when they say it on both sides of its abstract.

    Some copies give a card's URL before its title, between title and
    abstract, and again after the abstract: the URLs before a title may then
    be the last card's. The id found both before the abstract (after the
    last card's abstract) and after it, up to the next title, is this card's.
    """
    first, last = abstract

    def ids(start: int, stop: int) -> list[str]:
        return [tokens[i].value for i in range(start, stop) if tokens[i].kind == "id"]

    after = ids(last + 1, end)
    if not after:
        return None
    for candidate in (*ids(title + 1, first), *ids(previous_end + 1, title)):
        if candidate in after:
            return candidate
    return None


def _abstract_groups(tokens: list[_Token]) -> list[tuple[int, int, int]]:
    """(end of the previous card's abstract, first, last abstract paragraph) for each card.

    Paragraphs that follow each other with nothing between are one abstract.
    """
    groups: list[tuple[int, int, int]] = []
    previous_end = -1
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "text" and _is_abstract(token.value):
            first = index
            while index + 1 < len(tokens) and _is_abstract_token(tokens[index + 1]):
                index += 1
            groups.append((previous_end, first, index))
            previous_end = index
        index += 1
    return groups


def _is_abstract_token(token: _Token) -> bool:
    return token.kind == "text" and _is_abstract(token.value)


def _title_index(tokens: list[_Token], previous_end: int, first: int, path: Path) -> int:
    """The title before an abstract: the nearest text, else a short line that starts with "By".

    "by fernleaf" under a title is a byline, but with no other text before
    the abstract a line such as "By Design: Divide and Conquer" is the title.
    """
    for kinds in (("text",), ("byline",)):
        for index in range(first - 1, previous_end, -1):
            if tokens[index].kind in kinds and _is_title(tokens[index].value):
                return index
    raise InputError("abstract without a title before it", path=path, line=tokens[first].line)


def _meta_follows_abstract(tokens: list[_Token], groups: list[tuple[int, int, int]]) -> bool:
    """Whether card facts sit after each abstract (else before it, or between title and abstract)."""
    before_first = any(t.kind in _META_KINDS for t in tokens[: groups[0][1]])
    after_last = any(t.kind in _META_KINDS for t in tokens[groups[-1][2] + 1 :])
    return after_last and not before_first

