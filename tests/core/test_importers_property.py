"""Random text at the detector and every parser: nothing escapes but our own error."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.errors import InputError
from reader.core.importers import _FORMATS, decode, detect, parse_text
from reader.core.links import find_links
from reader.core.text import readable_latex, title_key

PATH = Path("random.txt")

# Pieces of every shape, so random text reaches deep into each parser.
FRAGMENTS = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ",",
    ":",
    "\n",
    "\n\n",
    "\r\n",
    " ",
    "·",
    "[-] 12",
    "7 authors",
    "Published on Mar 1",
    "Mar 3",
    "### ",
    "## ",
    "- ",
    "[LINK: GitHub 1.2k](https://github.com/o/r)",
    "![](x.png)",
    "https://huggingface.co/papers/2501.00001",
    "https://arxiv.org/abs/hep-th/9901001v2",
    "http://github.com/a/b.",
    "www.github.com/c/d/tree/main/x",
    "url{https://x.io}",
    "\\url{",
    "\\emph{",
    '\\"o',
    "{\\v s}",
    "\\%",
    "~",
    "@misc{key,",
    "title = {",
    "author = {A and B}",
    "eprint = {2501.00002}",
    "doi = {10.48550/arXiv.2501.00003}",
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">',
    "<entry>",
    "<title>",
    "</title>",
    "</entry>",
    "</feed>",
    '{"paper": {"id": "2501.00004", "title": ',
    '"summary": ',
    '"results": [',
    '"url_abs": ',
    "null",
    "123",
    "2501.00005",
    "arXiv:2501.00006",
    "---\n",
    "Ã©",
    "\x1b[31m",
    "\x00",
    " ".join(["word"] * 26),
    "A Short Title",
]

pieces = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only_our_error(text: str) -> None:
    try:
        parsed = parse_text(text, PATH)
    except InputError as exc:
        assert str(exc).startswith(f"{PATH}: ")
        assert "\n" not in str(exc)
    else:
        assert parsed.papers
        for paper in parsed.papers:
            assert paper.title and "\n" not in paper.title and "\n" not in paper.abstract


@fast
@given(st.text(max_size=400))
def test_random_text(text: str) -> None:
    detect(text)
    only_our_error(text)


@fast
@given(pieces)
def test_random_shaped_text(text: str) -> None:
    detect(text)
    only_our_error(text)


@fast
@given(pieces)
def test_every_parser_on_anything(text: str) -> None:
    """Even a parser handed text its sniffer would refuse raises only InputError."""
    for _name, _sniff, parse in _FORMATS:
        with contextlib.suppress(InputError):
            parse(text, PATH)


@fast
@given(st.binary(max_size=300))
def test_random_bytes(raw: bytes) -> None:
    try:
        text = decode(raw, PATH)
    except InputError:
        return
    only_our_error(text)


@fast
@given(pieces)
def test_links_and_latex_never_fail(text: str) -> None:
    for link in find_links(text):
        assert link.url.startswith(("http://", "https://"))
        assert not link.url.endswith((".", ",", ";"))
        assert link.url.count(")") <= link.url.count("(") or not link.url.endswith(")")
        assert link.kind in {"code", "project", "other"}
    readable_latex(text)
    title_key(text)
