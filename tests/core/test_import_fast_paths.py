"""The import's shortcuts give exactly what the general code gives, for any text.

Parsing 100k papers spends most of its time on text that needs nothing done
(printable ASCII, single spaces, no LaTeX, no link), so each step answers that
case with a cheap check first. Every shortcut is compared here with the
general path it skips, on random text built from the pieces that matter:
whitespace of every kind, control and escape characters, URLs in any case,
LaTeX, mojibake and letters whose case folding changes their length.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.importers import json_api
from reader.core.importers._common import build, dedupe, merge_links
from reader.core.links import _URL, _links, canonical, find_links, host_and_path, make_link
from reader.core.merge import conflict, fold_repeat, new_record
from reader.core.models import Link, ParsedPaper, compact_record
from reader.core.text import (
    _MOJIBAKE,
    all_squashed,
    ascii_view,
    fold,
    readable_latex,
    repair_mojibake,
    squash,
    strip_control,
    title_key,
)


# The plain ways of saying what each shortcut promises: the oracles the shortcuts are held to.
def squash_any(text: str) -> str:
    return " ".join(strip_control(text).split())


def title_key_any(title: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", fold(readable_latex(title))).strip()


def find_links_any(text: str) -> tuple[Link, ...]:
    return _links(text, _URL.finditer(text))


def host_and_path_any(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower().removeprefix("www."), parts.path


def full_record(paper: ParsedPaper, source: str, now: str) -> dict[str, object]:
    return {
        "title": paper.title,
        "abstract": paper.abstract,
        "abstract_raw": paper.abstract_raw or paper.abstract,
        "links": [link.to_dict() for link in paper.links],
        "arxiv_id": paper.arxiv_id,
        "authors": list(paper.authors),
        "published": paper.published,
        "listing_date": paper.listing_date,
        "upvotes": paper.upvotes,
        "stars": paper.stars,
        "keywords": list(paper.keywords),
        "stub": paper.stub,
        "sources": [source],
        "added_at": now,
    }

PIECES = [
    " ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000", "\u200b",
    "\x00", "\x07", "\x7f", "\x9b", "\x1b[31m", "\x1b]0;title\x07",
    "word", "Word", "W", "-", "--", "---", ".", ",", ")", "(", "]", "}", "{", ">", "'", '"', "*", "/", ":",
    "http", "HTTP", "hTTps", "://", "https://github.com/o/r", "http://Example.org/a_(b)", "www.", "WWW.", "wWw.",
    "www.github.com/c/d", "huggingface.co/spaces/o/app", "x.github.io", "project page: ", "Homepage ",
    "\\url{", "\\_", "\\%", "\\emph{", '\\"o', "{\\v s}", "\\ss", "~",
    "é", "Ã©", "â€™", "ſ", "K", "İ", "ß", "ﬁ", "ø", "中文", "1", "2501.00001",
]
mixed = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=30).map("".join)
ascii_text = st.text(alphabet=st.characters(max_codepoint=127), max_size=80)
texts = st.one_of(mixed, ascii_text, st.text(max_size=60))
many = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_printable_text_holds_no_whitespace_but_the_space() -> None:
    """What lets ``squash`` return printable text with single spaces as it is."""
    both = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c.isprintable()]
    assert both == [" "]


def test_ascii_view_of_every_ascii_character() -> None:
    for code in range(128):
        text = f"aB{chr(code)}c"
        view = ascii_view(text)
        assert view is not None
        assert (b"\x00" not in view) is text.isprintable(), hex(code)
        assert view == text.lower().encode() if text.isprintable() else view == b"ab\x00c", hex(code)


@many
@given(texts)
def test_ascii_view(text: str) -> None:
    view = ascii_view(text)
    if not text.isascii():
        assert view is None
        return
    assert view is not None
    assert (b"\x00" not in view) is text.isprintable()
    assert view == bytes(0 if not c.isprintable() else ord(c.lower()) for c in text)


@many
@given(texts)
def test_squash(text: str) -> None:
    assert squash(text) == squash_any(text)
    assert squash(squash(text)) == squash(text)  # what lets build() skip squashing an abstract twice


@many
@given(texts)
def test_title_key(text: str) -> None:
    assert title_key(text) == title_key_any(text)


@many
@given(texts)
def test_find_links(text: str) -> None:
    assert find_links(text) == find_links_any(text)


def test_find_links_scan_in_every_case() -> None:
    text = "see HTTP://A.example.org/x, hTTps://b.example.org/y. and WwW.c.example.org/z; httpx http://d.example.org"
    assert find_links(text) == find_links_any(text)
    assert [link.url for link in find_links(text)] == [
        "HTTP://A.example.org/x",
        "hTTps://b.example.org/y",
        "https://WwW.c.example.org/z",
        "http://d.example.org",
    ]


@many
@given(ascii_text)
def test_mojibake_is_never_ascii(text: str) -> None:
    assert _MOJIBAKE.search(text) is None
    assert repair_mojibake(text) is text


def reference_build(
    title: str, abstract: str, links: Iterable[Link], link_text: str, authors: Iterable[str]
) -> ParsedPaper:
    """``build`` as it was before its shortcuts: every step on every string."""
    raw = squash_any(repair_mojibake(abstract))
    found = find_links_any(raw + (" " + link_text if link_text else ""))
    names = (squash_any(repair_mojibake(name)) for name in authors)
    return ParsedPaper(
        title=squash_any(readable_latex(repair_mojibake(title))),
        abstract=squash_any(readable_latex(raw)),
        abstract_raw=raw,
        links=merge_links(links, found),
        authors=tuple(name for name in names if name),
    )


given_links = st.lists(
    st.sampled_from(["https://github.com/o/r", "https://github.com/o/r/", "http://x.github.io", "www.a.org/b "]),
    max_size=3,
).map(lambda urls: tuple(make_link(url) for url in urls))


@many
@given(texts, texts, given_links, st.sampled_from(["", "Code: https://github.com/o/r", "www.a.org/b"]),
       st.lists(texts, max_size=4))
def test_build(title: str, abstract: str, links: tuple[Link, ...], link_text: str, authors: list[str]) -> None:
    made = build(title, abstract, links=links, link_text=link_text, authors=authors)
    assert made == reference_build(title, abstract, links, link_text, authors)


def reference_dedupe(papers: Iterable[ParsedPaper]) -> list[ParsedPaper]:
    """``dedupe`` the slow way: for each paper, look through every kept one."""
    kept: list[ParsedPaper] = []
    ids: list[tuple[str, int]] = []  # (arXiv id, kept paper) in the order first seen
    titles: list[tuple[str, int]] = []  # (title key, kept paper) in the order first seen
    for paper in papers:
        title = title_key_any(paper.title)
        index = next((i for arxiv_id, i in ids if paper.arxiv_id and arxiv_id == paper.arxiv_id), None)
        if index is None:
            index = next((i for key, i in titles if key == title and conflict(kept[i], paper) is None), None)
        if index is None:
            kept.append(paper)
            index = len(kept) - 1
        else:
            kept[index] = fold_repeat(kept[index], paper)
        for arxiv_id in (kept[index].arxiv_id, paper.arxiv_id):
            if arxiv_id and all(arxiv_id != known for known, _ in ids):
                ids.append((arxiv_id, index))
        if (title, index) not in titles:
            titles.append((title, index))
    return kept


papers = st.builds(
    ParsedPaper,
    title=st.sampled_from(["A Title", "a title!", "Other", "Ångström", "", "2501.00001"]),
    abstract=st.sampled_from(["", "Words.", "More words."]),
    arxiv_id=st.sampled_from([None, "", "2501.00001", "2501.00002"]),
    authors=st.sampled_from([(), ("Ann Bee",), ("Cy Dee",)]),
    published=st.sampled_from([None, "2015", "2016-05"]),
    upvotes=st.sampled_from([None, 0, 5]),
    stub=st.booleans(),
)


@many
@given(st.lists(papers, max_size=8))
def test_dedupe(found: list[ParsedPaper]) -> None:
    assert dedupe(found) == reference_dedupe(found)


records = st.builds(
    ParsedPaper,
    title=st.sampled_from(["A Title", ""]),
    abstract=st.sampled_from(["", "Words.", "Wörds."]),
    abstract_raw=st.sampled_from(["", "Words.", "W\\\"ords."]),
    links=st.sampled_from([(), (Link("https://github.com/o/r", "code", "o/r"), Link("https://x.org"))]),
    arxiv_id=st.sampled_from([None, "", "2501.00001"]),
    authors=st.sampled_from([(), ("Ann Bee", "Cy Dee")]),
    published=st.sampled_from([None, "", "2024-01-02"]),
    listing_date=st.sampled_from([None, "2024-01-03"]),
    upvotes=st.sampled_from([None, 0, 7]),
    stars=st.sampled_from([None, 0, 12]),
    keywords=st.sampled_from([(), ("gaussian splatting",)]),
    stub=st.booleans(),
)


@many
@given(records, st.sampled_from(["/a/b.json", ""]), st.sampled_from(["2025-03-04T10:00:00+00:00", ""]))
def test_new_record_is_the_compacted_full_record(paper: ParsedPaper, source: str, now: str) -> None:
    made = new_record(paper, source, now)
    assert made == compact_record(full_record(paper, source, now))


SCHEMES = ["http://", "https://", "HTTPS://", "hTtP://", "https:/", "ftp://", "www.", ""]
HOSTS = ["github.com", "GitHub.COM", "www.x.org", "x.github.io", "a-b.org", "huggingface.co", "1.2.3.4"]
ODD_HOST = ["user@", ":8080", ":", "[::1]", "[x]", "]", "[", "%", "é", "\t", "\n", " ", "\x01", "_"]
PATH_PIECES = ["/", "/o/r", "/spaces/o/app", ".git", "?q=1", "?", "#top", "#", ":", "@", "%20", "\t", "\n",
               "\r", " ", "\x01", "é", "[", "]", "-", "."]
paths = st.one_of(
    st.text(alphabet="ab/._-~%:@[] \t\n\r\x01é", max_size=12).map(lambda text: "/" + text),
    st.lists(st.sampled_from(PATH_PIECES), max_size=5).map("".join),
)
plain_host = st.tuples(st.sampled_from(SCHEMES[:4]), st.sampled_from(HOSTS), paths).map("".join)
odd_host = st.tuples(
    st.sampled_from(SCHEMES), st.sampled_from(HOSTS), st.sampled_from(ODD_HOST), st.sampled_from(HOSTS), paths
).map("".join)
urls = st.one_of(plain_host, odd_host)


def split_or_error(split: Callable[[str], tuple[str, str]], url: str) -> tuple[str, str] | str:
    try:
        return split(url)
    except ValueError:
        return "ValueError"


@many
@given(st.one_of(urls, texts))
def test_host_and_path(url: str) -> None:
    assert split_or_error(host_and_path, url) == split_or_error(host_and_path_any, url)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/o/r?tab=readme",
        "https://github.com/o/r#readme",
        "https://github.com/o\tr",
        "https://github.com:443/o/r",
        "https://user@github.com/o/r",
        "https://[::1]/o/r",
        "https://[x]/o/r",
        "HTTPS://WWW.GitHub.com/o/r/",
        "https://x.github.io",
    ],
)
def test_host_and_path_where_urlsplit_is_particular(url: str) -> None:
    assert split_or_error(host_and_path, url) == split_or_error(host_and_path_any, url)


PLAIN_NAMES = ["Ann Bee", "Cy Dee", "Ed"]
ODD_NAMES = [" Ann", "Ann ", "A  B", "", "Zoë", "Bo\x01b", "Al\tX", "Ã©mile", "Di\nE", "\x7f"]
NAMES = PLAIN_NAMES + ODD_NAMES
plain_names = st.lists(st.sampled_from(PLAIN_NAMES), max_size=3)
one_odd_name = st.tuples(plain_names, st.sampled_from(ODD_NAMES).map(lambda name: [name]), plain_names).map(
    lambda parts: parts[0] + parts[1] + parts[2]
)


@many
@given(st.one_of(plain_names, one_odd_name, st.lists(st.sampled_from(NAMES), max_size=5), st.lists(texts, max_size=5)))
def test_all_squashed(names: list[str]) -> None:
    if all_squashed(names):
        assert all(squash_any(repair_mojibake(name)) == name != "" for name in names)
    if all(name.isascii() and squash_any(name) == name != "" for name in names):
        assert all_squashed(names)  # no plain ASCII list is sent the long way


@many
@given(st.lists(st.one_of(texts, st.sampled_from(NAMES), st.none(), st.integers()), max_size=4))
def test_author_names(names: list[object]) -> None:
    """The HF names as they were cleaned one by one before the shortcut."""
    expected = tuple(
        clean for clean in (" ".join((name if isinstance(name, str) else "").split()) for name in names) if clean
    )
    assert json_api._names([{"name": name} for name in names]) == expected
    assert json_api._names(names) == expected


@many
@given(st.one_of(texts, st.sampled_from(["2024-05-28T17:47:19.000Z", " 2024-05-28", "2024-5-28", "٢٠٢٤-٠٥-٢٨x"])))
def test_dates_remembered_are_dates_read(text: str) -> None:
    day = re.match(r"\d{4}-\d{2}-\d{2}", text.strip())
    assert json_api._date(text) == (day.group(0) if day else (text.strip() or None))
    assert json_api._date(text) == json_api._date(text)  # the second answer comes from the cache


@many
@given(st.one_of(urls, texts, st.sampled_from(["WwW.x", "www", "İwww.x", "wwwİ.x", "KwW.x", "ｗww.x"])))
def test_canonical(url: str) -> None:
    assert canonical(url) == ("https://" + url if url.lower().startswith("www.") else url)
    assert canonical(canonical(url)) == canonical(url)  # what lets find_links classify without it
