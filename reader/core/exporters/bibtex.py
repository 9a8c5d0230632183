"""BibTeX that bibtex, biber and bibtexparser all read back.

One ``@misc`` entry per paper. The key is stable: ``arXiv:ID`` for arXiv
papers (old ids' ``/`` becomes ``_``), else ``reader:ID``; a clash after
cleaning gets ``-2``, ``-3``. Values are brace-delimited, so LaTeX's special
characters are escaped and braces are written as ``\\textbraceleft{}``: a
backslash-escaped brace still counts for BibTeX's brace matching. Titles are
wrapped in a second pair of braces so styles keep their capitals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.core.models import Entry

# Order matters only for the backslash, which must not re-escape what the others add.
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL = re.compile("|".join(re.escape(char) for char in _LATEX_ESCAPES))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]+")
_ARXIV_CLASS = re.compile(
    r"^(cs|math|physics|stat|q-bio|q-fin|eess|econ|astro-ph|cond-mat|gr-qc|hep-ex|hep-lat|hep-ph|hep-th"
    r"|math-ph|nlin|nucl-ex|nucl-th|quant-ph)(\.[A-Za-z-]+)?$"
)
_YEAR = re.compile(r"^(\d{4})")


def escape_latex(text: str) -> str:
    """Text as a BibTeX value: special characters escaped, whitespace on one line."""
    return _SPECIAL.sub(lambda m: _LATEX_ESCAPES[m.group()], " ".join(text.split()))


def base_key(entry: Entry) -> str:
    paper = entry.paper
    if paper.arxiv_id:
        return "arXiv:" + _KEY_UNSAFE.sub("_", paper.arxiv_id)
    return "reader:" + (_KEY_UNSAFE.sub("_", paper.id).strip("_") or "paper")


def citation_keys(entries: Sequence[Entry]) -> list[str]:
    """One unique key per entry, in order; the same store gives the same keys."""
    seen: set[str] = set()
    keys: list[str] = []
    for entry in entries:
        base = key = base_key(entry)
        number = 2
        while key.casefold() in seen:
            key = f"{base}-{number}"
            number += 1
        seen.add(key.casefold())
        keys.append(key)
    return keys


def _year(entry: Entry) -> str | None:
    for date in (entry.paper.published, entry.paper.listing_date):
        match = _YEAR.match(date or "")
        if match:
            return match.group(1)
    return None


def _primary_class(entry: Entry) -> str | None:
    return next((k for k in entry.paper.keywords if _ARXIV_CLASS.match(k)), None)


def _fields(entry: Entry) -> list[tuple[str, str]]:
    paper, state = entry.paper, entry.state
    fields = [("title", "{" + escape_latex(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(escape_latex(name) for name in paper.authors)))
    year = _year(entry)
    if year:
        fields.append(("year", year))
    if paper.arxiv_id:
        fields += [("eprint", escape_latex(paper.arxiv_id)), ("archivePrefix", "arXiv")]
        primary = _primary_class(entry)
        if primary:
            fields.append(("primaryClass", primary))
        fields.append(("url", f"https://arxiv.org/abs/{paper.arxiv_id}"))
    elif paper.best_link:
        fields.append(("url", paper.best_link.url))
    if paper.abstract.strip():
        fields.append(("abstract", escape_latex(paper.abstract)))
    if state.tags:
        fields.append(("keywords", escape_latex(", ".join(state.tags))))
    if state.note.strip():
        fields.append(("annote", escape_latex(state.note)))
    return fields


def _url_value(url: str) -> str:
    """URLs keep their characters (url fields are verbatim) but never unbalance the braces."""
    return url.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20").replace("\\", "%5C")


def bibtex_entry(entry: Entry, key: str) -> str:
    lines = [f"@misc{{{key},"]
    for name, value in _fields(entry):
        if name == "url":
            value = _url_value(value)
        lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def to_bibtex(entries: Sequence[Entry]) -> str:
    keys = citation_keys(entries)
    return "\n\n".join(bibtex_entry(entry, key) for entry, key in zip(entries, keys, strict=True)) + "\n"
