"""Text clean-up shared by importers, search and display.

Imported text is data from strangers: control characters and escape
sequences are removed before anything reaches a terminal, and LaTeX left in
abstracts is made readable for display and search while the original is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# C0 and C1 control characters except tab and newline; DEL too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_SPACES = re.compile(r"\s+")

_LATEX_COMMAND_ARG = re.compile(r"\\(?:emph|textbf|textit|texttt|textrm|textsc|mathrm|mathbf|mathit|text|underline|bf|it)\s*\{([^{}]*)\}")
_LATEX_ESCAPED = re.compile(r"\\([%&$#_{}])")
_LATEX_TILDE = re.compile(r"(?<!\\)~")
_LATEX_DASHES = (("---", "\u2014"), ("--", "\u2013"))


def strip_control(text: str) -> str:
    """Drop escape sequences and control characters (tab and newline survive)."""
    text = _ANSI.sub("", text)
    return _CONTROL.sub("", text)


def squash(text: str) -> str:
    """One line, single spaces: how titles and abstracts are shown."""
    return _SPACES.sub(" ", strip_control(text)).strip()


def readable_latex(text: str) -> str:
    """Make LaTeX fragments readable: ``\\emph{x}`` -> x, ``\\%`` -> %, ``~`` -> space."""
    previous = None
    while previous != text:  # nested commands unwrap from the inside out
        previous = text
        text = _LATEX_COMMAND_ARG.sub(r"\1", text)
    text = _LATEX_ESCAPED.sub(r"\1", text)
    text = _LATEX_TILDE.sub(" ", text)
    if "--" in text:
        for dashes, char in _LATEX_DASHES:
            text = re.sub(rf"(?<=\w){dashes}(?=\w)", char, text)
    return text


def fold(text: str) -> str:
    """Lower case without accents: the form used to compare titles and words."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_NON_WORD = re.compile(r"[^0-9a-z]+")


def title_key(title: str) -> str:
    """The normalised title that identifies a paper across sources."""
    return _NON_WORD.sub(" ", fold(readable_latex(title))).strip()


_STOP = frozenset("a an and the of for in on to with via by from at is are as its into".split())


def short_id(title: str) -> str:
    """A stable, typeable id for a paper without an arXiv id: a slug plus a hash."""
    key = title_key(title)
    words = [w for w in key.split() if w not in _STOP] or key.split() or ["paper"]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 24 and slug:
            break
        slug = candidate[:24]
    digest = hashlib.sha1(key.encode()).hexdigest()[:4]
    return f"{slug}-{digest}"
