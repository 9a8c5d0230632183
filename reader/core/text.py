"""Text clean-up shared by importers, search and display.

Imported text is data from strangers: control characters and escape
sequences are removed before anything reaches a terminal, and LaTeX left in
abstracts is made readable for display and search while the original is kept.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

# C0 and C1 control characters except tab and newline; DEL too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")

_LATEX_COMMAND_ARG = re.compile(
    r"\\(?:emph|textbf|textit|texttt|textrm|textsc|textsf|mathrm|mathbf|mathit|mathcal|text|underline|url|bf|it)"
    r"\s*\{([^{}]*)\}"
)
# \"o, \"{o}, {\"o}, \v{s}, \c c: an accent command and the letter it sits on.
_LATEX_ACCENT = re.compile(
    r"\{?\\(?:([`'^\"~=.])|([uvHckrdb])(?![A-Za-z]))(?:\{\s*([A-Za-z]|\\[ij])\s*\}|(?(1)\s*|\s+)([A-Za-z]))\}?"
)
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304", ".": "\u0307",
    "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323",
    "b": "\u0331",
}
_LATEX_LETTER = re.compile(r"\{?\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])\s*\}?")
_LETTERS = {"ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "o": "ø", "O": "Ø",
            "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
_BRACES = re.compile(r"(?<!\\)[{}]")
_LATEX_ESCAPED = re.compile(r"\\([%&$#_{}])")
_LATEX_TILDE = re.compile(r"(?<!\\)~")
_LATEX_DASHES = (("---", "\u2014"), ("--", "\u2013"))


def strip_control(text: str) -> str:
    """Drop escape sequences and control characters (tab and newline survive)."""
    if text.isprintable():  # no escape or control character: nothing to drop (most text)
        return text
    text = _ANSI.sub("", text)
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Text for one line of a terminal: each control character (a file name's newline, an escape) and each
    byte that was not UTF-8 shown as its backslash escape, so the line stays one and says what is there."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode() for ch in text)


def is_text(text: str) -> bool:
    """Whether ``text`` is valid Unicode: an argument made of bytes that are not UTF-8 holds surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def squash(text: str, view: bytes | None = None) -> str:
    """One line, single spaces: how titles and abstracts are shown.

    ``view`` is ``ascii_view(text)`` when the caller has it already.
    """
    if view is None and text.isascii():  # a flag, not a scan
        view = ascii_view(text)
    printable = b"\x00" not in view if view is not None else text.isprintable()
    if printable:  # then its only whitespace is the space (a test checks every code point)
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return " ".join(text.split())
        return text  # already one line with single spaces: most titles and abstracts
    return " ".join(strip_control(text).split())  # split() and \s agree on what whitespace is


# ASCII as bytes: control characters to NUL, upper-case letters to lower case, the rest kept.
_ASCII_VIEW = bytes(0 if c < 32 or c == 127 else c + 32 if 0x41 <= c <= 0x5A else c for c in range(256))


def ascii_view(text: str) -> bytes | None:
    """ASCII text as bytes in lower case, each control character made NUL; None for other text.

    One C pass (encode is a copy) that answers what an import asks of every
    abstract: is it printable (no NUL), where do ``http`` or ``www.`` start in
    any case (at the same offsets as in ``text``). About three times faster
    than ``isprintable()`` plus ``lower()``.
    """
    return text.encode("ascii").translate(_ASCII_VIEW) if text.isascii() else None


def all_squashed(texts: Sequence[str]) -> bool:
    """True when ``squash`` leaves each of ``texts`` as it is, none is empty and none is mojibake.

    One check for a paper's whole author list (printable ASCII, single
    spaces, trimmed) instead of a squash per name. False only means "squash
    each": the texts may still be fine.
    """
    if not texts:
        return True
    joined = "\n".join(texts)  # no text holds a newline, or it fails the control check below
    if not joined.isascii() or not all(texts):
        return False
    if joined.encode("ascii").translate(_ASCII_VIEW).count(0) != len(texts) - 1:
        return False  # a control character besides the newlines put between the texts
    return "  " not in joined and " \n" not in joined and "\n " not in joined and joined[0] != " " != joined[-1]


def _accent(match: re.Match[str]) -> str:
    letter = match.group(3) or match.group(4)
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter)
    return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(1) or match.group(2)])


def latex_accents(text: str) -> str:
    """``S{\\"o}ren`` -> Sören, ``\\ss`` -> ß: names and titles as people read them."""
    if "\\" not in text:
        return text
    text = _LATEX_ACCENT.sub(_accent, text)
    return _LATEX_LETTER.sub(lambda m: _LETTERS[m.group(1)], text)


# What a BibTeX writer (Zotero, or our own export) puts for a character it must escape.
_BIBTEX_ESCAPE = re.compile(
    r"\\text(backslash|asciitilde|asciicircum|braceleft|braceright)(?:\{\}|\s+|(?![A-Za-z]))|\\([{}$&%#_])"
)
_ESCAPED_AS = {"backslash": "\\", "asciitilde": "~", "asciicircum": "^", "braceleft": "{", "braceright": "}"}
_HELD = re.compile("\ue000(\\d+)\ue001")


def bibtex_source(text: str) -> str:
    """BibTeX whose special characters were escaped, back to the text that was escaped.

    Zotero writes a title's ``$\\mathcal{V}$`` as ``{\\$}{\\textbackslash}mathcal\\{{V}\\}{\\$}``
    (and ``\\textbackslash mathcal``): this gives ``$\\mathcal{V}$`` again, as
    another source would give it. Only text with such escapes is changed;
    the braces that protect capitals go, the escaped ones stay.
    """
    if ("\\text" not in text and "\\{" not in text and "\\}" not in text) or "\ue000" in text:
        return text
    held: list[str] = []

    def hold(match: re.Match[str]) -> str:
        held.append(_ESCAPED_AS[match.group(1)] if match.group(1) else match.group(2))
        return f"\ue000{len(held) - 1}\ue001"

    marked = _BRACES.sub("", _BIBTEX_ESCAPE.sub(hold, text))
    return _HELD.sub(lambda match: held[int(match.group(1))], marked)


def bibtex_text(text: str) -> str:
    """A BibTeX title or name for display: escapes decoded (``bibtex_source``), accents read, protecting
    braces dropped."""
    source = bibtex_source(text)
    if source is not text:
        return squash(readable_latex(source))
    return squash(_BRACES.sub("", readable_latex(text)))


def readable_latex(text: str) -> str:
    """Make LaTeX fragments readable: ``\\emph{x}`` -> x, ``\\%`` -> %, ``~`` -> space."""
    if "\\" not in text and "~" not in text and "--" not in text:
        return text
    text = latex_accents(text)
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
    if text.isascii():  # nothing to decompose: the common case
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_NON_WORD = re.compile(r"[^0-9a-z]+")


# Bytes: upper-case letters to lower case, digits and lower-case letters kept, anything else a space.
_ASCII_KEY = bytes(
    c + 32 if 0x41 <= c <= 0x5A else c if 0x30 <= c <= 0x39 or 0x61 <= c <= 0x7A else 0x20 for c in range(256)
)


def title_key(title: str) -> str:
    """The normalised title that identifies a paper across sources."""
    if title.isascii() and "\\" not in title and "~" not in title and "--" not in title:
        # No LaTeX to read and ASCII folds by lower case: the usual title, as bytes, in three C
        # passes instead of a regex (an import takes two keys per paper).
        return _ascii_key(title)
    folded = fold(readable_latex(title))
    if folded.isascii():
        return _ascii_key(folded)
    return _NON_WORD.sub(" ", folded).strip()


def _ascii_key(text: str) -> str:
    return b" ".join(text.encode("ascii").translate(_ASCII_KEY).split()).decode("ascii")


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


# UTF-8 read as Latin-1 / cp1252 ("RamÃ­rez"): a lead byte shown as a letter, then a continuation byte.
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Latin-1 or cp1252 somewhere upstream, when it surely was."""
    if text.isascii() or not _MOJIBAKE.search(text):  # isascii() is a flag lookup; mojibake is never ASCII
        return text
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return text
