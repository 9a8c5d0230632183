"""The Markdown notes file, with or without a user template.

Markdown that any viewer shows as written: titles and tags are escaped so a
title like ``[bold]x[/]`` or ``# not a heading`` stays text, and notes sit in
block quotes so a heading inside a note cannot break the file's structure.

A template (``--template FILE``) is applied once per paper with
``string.Template`` syntax: ``$title`` or ``${title}``, ``$$`` for a dollar
sign. Every value is already made safe for Markdown (escaped text, ``<url>``
links, block-quoted notes), so a template cannot be broken by a paper's text.
The fields are listed in ``TEMPLATE_FIELDS``; an unknown field is an error
naming the template's line, raised before anything is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from string import Template

from reader.core.errors import InputError
from reader.core.inputs import read_limited
from reader.core.models import Entry
from reader.core.urls import safe_url

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&$])")
DEFAULT_HEADING = "Reading notes"
TEMPLATE_LIMIT = 1024 * 1024  # a template is a page of Markdown


def escape_md(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as structure."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_url(url: str) -> str:
    """An autolink that cannot be closed early by the URL itself; a link that is not http(s) is only text."""
    if safe_url(url) is None:
        return escape_md(url)  # a ``javascript:`` or ``file:`` value is never made clickable
    safe = url.replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{safe}>"


def quote_block(text: str) -> str:
    """A note as a block quote: whatever Markdown it holds stays inside the quote."""
    return "\n".join(f"> {line}".rstrip() for line in text.strip().splitlines())


def status_text(entry: Entry) -> str:
    parts = [entry.state.status]
    if entry.state.starred:
        parts.append("starred")
    return ", ".join(parts)


def arxiv_url(entry: Entry) -> str:
    return f"https://arxiv.org/abs/{entry.paper.arxiv_id}" if entry.paper.arxiv_id else ""


def markdown_section(entry: Entry) -> str:
    """The default section for one paper."""
    paper, state = entry.paper, entry.state
    lines = [f"## {escape_md(paper.title)}", ""]
    lines.append(f"- id: `{paper.id}`")
    if paper.arxiv_id:
        lines.append(f"- arXiv: {md_url(arxiv_url(entry))}")
    if paper.authors:
        lines.append(f"- authors: {escape_md(', '.join(paper.authors))}")
    lines.append(f"- status: {status_text(entry)}")
    if state.tags:
        lines.append("- tags: " + ", ".join(escape_md(tag) for tag in state.tags))
    lines.extend(f"- {link.kind}: {md_url(link.url)}" for link in paper.links)
    if state.note.strip():
        lines += ["", quote_block(state.note)]
    return "\n".join(lines)


def _link(entry: Entry) -> str:
    best = entry.paper.best_link
    return md_url(best.url) if best else ""


def _code(entry: Entry) -> str:
    code = entry.paper.code_link
    return md_url(code.url) if code else ""


# name -> (what it holds, how to get it). Documented in docs/workflow.md too.
TEMPLATE_FIELDS: dict[str, tuple[str, Callable[[Entry], str]]] = {
    "id": ("the paper's id in the store", lambda e: e.paper.id),
    "title": ("the title, escaped", lambda e: escape_md(e.paper.title)),
    "arxiv": ("the arXiv id, or empty", lambda e: e.paper.arxiv_id or ""),
    "arxiv_url": ("<https://arxiv.org/abs/ID>, or empty", lambda e: md_url(arxiv_url(e)) if e.paper.arxiv_id else ""),
    "authors": ("authors, comma-separated, escaped", lambda e: escape_md(", ".join(e.paper.authors))),
    "published": ("publication date as imported, or empty", lambda e: e.paper.published or ""),
    "listed": ("the daily-list date, or empty", lambda e: e.paper.listing_date or ""),
    "added": ("when the paper was added to the store", lambda e: e.paper.added_at),
    "status": ("to-read, reading or read", lambda e: e.state.status),
    "starred": ("'starred' or empty", lambda e: "starred" if e.state.starred else ""),
    "tags": ("tags, comma-separated, escaped", lambda e: ", ".join(escape_md(t) for t in e.state.tags)),
    "code": ("<code link>, or empty", _code),
    "link": ("<the code link, else the first link>, or empty", _link),
    "links": ("one '- kind: <url>' line per link", lambda e: "\n".join(
        f"- {link.kind}: {md_url(link.url)}" for link in e.paper.links)),
    "abstract": ("the abstract, escaped, one paragraph", lambda e: escape_md(e.paper.abstract)),
    "note": ("the note as a block quote ('> ' lines), or empty", lambda e: quote_block(e.state.note)),
}


class PaperTemplate:
    """A checked template: every field it names exists."""

    def __init__(self, text: str, source: Path | str = "template") -> None:
        self.source = str(source)
        self._template = Template(text)
        self._check(text)

    def _check(self, text: str) -> None:
        for match in Template.pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            if match.group("invalid") is not None:
                raise InputError("a '$' that starts no field; write $$ for a dollar sign", path=self.source, line=line)
            name = match.group("named") or match.group("braced")
            if name is not None and name not in TEMPLATE_FIELDS:
                known = ", ".join(TEMPLATE_FIELDS)
                raise InputError(f"unknown field ${name}; known fields: {known}", path=self.source, line=line)

    @classmethod
    def from_file(cls, path: Path) -> PaperTemplate:
        """A template read from a regular file of at most ``TEMPLATE_LIMIT`` bytes."""
        if not path.expanduser().exists() and not path.expanduser().is_symlink():
            raise InputError("no such template file", path=path)
        raw = read_limited(path.expanduser(), TEMPLATE_LIMIT)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("the template is not UTF-8 text", path=path) from None
        return cls(text, path)

    def fields(self, entry: Entry) -> Mapping[str, str]:
        return {name: getter(entry) for name, (_, getter) in TEMPLATE_FIELDS.items()}

    def render(self, entry: Entry) -> str:
        return self._template.substitute(self.fields(entry)).strip("\n")


def to_markdown(
    entries: Sequence[Entry], heading: str = DEFAULT_HEADING, template: PaperTemplate | None = None
) -> str:
    """The whole notes file: a heading, a count, then one section per paper."""
    count = len(entries)
    intro = f"# {escape_md(heading)}\n\n{count} paper{'s' if count != 1 else ''}."
    section = template.render if template else markdown_section
    return "\n\n".join([intro, *(section(entry) for entry in entries)]) + "\n"
