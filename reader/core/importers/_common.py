"""Pieces every importer shares: arXiv ids, counts, building and de-duplicating papers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from reader.core.links import find_links, safe_url
from reader.core.merge import conflict, fold_repeat
from reader.core.merge import union_links as merge_links
from reader.core.models import Link, ParsedPaper
from reader.core.text import all_squashed, ascii_view, readable_latex, repair_mojibake, squash, title_key

# New-style (2007-) ids and old-style archive/number ids, with an optional version.
_NEW_ID = r"\d{4}\.\d{4,5}"
_OLD_ID = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
ARXIV_ID = re.compile(rf"(?<![\w./-])(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?(?![\w-])")
_ARXIV_EXACT = re.compile(rf"^(?:arxiv:)?\s*(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?$", re.IGNORECASE)
# arxiv.org/abs|pdf/ID and huggingface.co/papers/ID
_PAPER_URL = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/"
    rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?:v\d+)?(?:\.pdf)?/?",
    re.IGNORECASE,
)
_CITED = re.compile(rf"arxiv[:\s]*(?:preprint\s+)?(?:arxiv:)?\s*((?:{_NEW_ID}|{_OLD_ID})(?:v\d+)?)", re.IGNORECASE)
# [label](url "title") and ![alt](url); one level of brackets in the label, of parentheses in the URL.
MD_LINK = re.compile(
    r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
Progress = Callable[[int, int], None]  # items read so far, items in all

_COUNT = re.compile(r"^(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>[kKmM]?)$")


def exact_arxiv_id(text: str) -> str | None:
    """``text`` is exactly an arXiv id (``arXiv:`` prefix and version allowed): the bare id."""
    match = _ARXIV_EXACT.match(text.strip())
    return match.group("id") if match else None


def arxiv_id_in_url(text: str) -> str | None:
    """The arXiv id an arXiv or Hugging Face paper URL names."""
    match = _PAPER_URL.search(text)
    return match.group("id") if match else None


def paper_url_id(text: str) -> str | None:
    """``text`` is exactly an arXiv or Hugging Face paper URL: its arXiv id."""
    url = text.strip().rstrip(".,;")
    url = url.split("#", 1)[0].split("?", 1)[0] if "#" in url or "?" in url else url  # a fragment or query
    match = _PAPER_URL.fullmatch(url)
    return match.group("id") if match else None


def arxiv_id_in(text: str) -> str | None:
    """An arXiv id anywhere in a short field (``arXiv:2401.01234``, a URL, a DOI)."""
    found = arxiv_id_in_url(text)
    if found:
        return found
    doi = re.search(r"10\.48550/arxiv\.(\S+)", text, re.IGNORECASE)
    if doi:
        return exact_arxiv_id(doi.group(1).rstrip(".,;}"))
    cited = _CITED.search(text)
    if cited:
        return exact_arxiv_id(cited.group(1))
    return None


def count(text: str) -> int | None:
    """``12``, ``1,234``, ``1.2k`` as a number; None when it is not one."""
    match = _COUNT.match(text.strip())
    if not match:
        return None
    number, unit = match.group("num"), match.group("unit").lower()
    if unit:
        scale = 1000 if unit == "k" else 1_000_000
        return round(float(number.replace(",", ".")) * scale)
    return int(number.replace(",", "").replace(".", ""))


def as_int(value: object) -> int | None:
    """An integer field from JSON, or None for anything else (bools are not counts)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def as_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def build(
    title: str,
    abstract: str = "",
    *,
    links: Iterable[Link] = (),
    link_text: str = "",
    authors: Iterable[str] = (),
    **fields: object,
) -> ParsedPaper:
    """A paper with the shown text made readable and the raw abstract kept.

    Links given by the source come first, then every link found in the
    abstract (and ``link_text``, such as an arXiv comment). Only web links
    (http, https, ``www.``) are kept: a source's ``javascript:`` or
    ``file:`` value is no link.
    """
    if links:
        links = [link for link in links if safe_url(link.url)]
    text = repair_mojibake(abstract)
    view = ascii_view(text)  # one pass that squash and find_links both read
    raw = squash(text, view)
    found = find_links(f"{raw} {link_text}") if link_text else find_links(raw, view if raw is text else None)
    shown = readable_latex(raw)
    names = tuple(authors)
    if not all_squashed(names):  # most author lists: plain ASCII names, nothing to do
        names = tuple(name for name in (squash(repair_mojibake(name)) for name in names) if name)
    return ParsedPaper(
        title=squash(readable_latex(repair_mojibake(title))),
        abstract=raw if shown is raw else squash(shown),  # squash(raw) is raw: no second pass over it
        abstract_raw=raw,
        links=merge_links(links, found) if links else found,  # find_links gives one link a URL already
        authors=names,
        **fields,  # type: ignore[arg-type]
    )


def dedupe(papers: Iterable[ParsedPaper]) -> list[ParsedPaper]:
    """One paper per arXiv id, or per normalised title where nothing conflicts, within a file.

    A repeat is folded into the first entry (``merge.fold_repeat``); two
    entries that share a title but whose arXiv ids, authors or years differ
    (``merge.conflict``) stay two papers.
    """
    kept: list[ParsedPaper] = []
    by_id: dict[str, int] = {}
    by_title: dict[str, int] = {}
    more_by_title: dict[str, list[int]] = {}  # other papers with a title already taken: rare
    for paper in papers:
        index = by_id.get(paper.arxiv_id) if paper.arxiv_id else None  # the id decides first, then the title
        title = title_key(paper.title)
        if index is None and title in by_title:
            same = (by_title[title], *more_by_title.get(title, ()))
            index = next((i for i in same if conflict(kept[i], paper) is None), None)
        if index is None:
            index = len(kept)
            kept.append(paper)
        else:
            kept[index] = fold_repeat(kept[index], paper)
        for arxiv_id in (kept[index].arxiv_id, paper.arxiv_id):
            if arxiv_id:
                by_id.setdefault(arxiv_id, index)
        first = by_title.setdefault(title, index)
        if first != index and index not in more_by_title.setdefault(title, []):
            more_by_title[title].append(index)
    return kept
