"""The notes file that lives on outside the app.

Markdown that any viewer shows as written: titles and tags are escaped so a
title like ``[bold]x[/]`` or ``# not a heading`` stays text, and notes sit in
block quotes so a heading inside a note cannot break the file's structure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import orjson

from reader.core.models import Entry

FORMATS = ("markdown", "json")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def escape_md(text: str) -> str:
    """Backslash-escape what Markdown would otherwise read as structure."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _status(entry: Entry) -> str:
    parts = [entry.state.status]
    if entry.state.starred:
        parts.append("starred")
    return ", ".join(parts)


def _link_line(url: str, kind: str) -> str:
    safe = url.replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"- {kind}: <{safe}>"


def markdown_section(entry: Entry) -> str:
    paper, state = entry.paper, entry.state
    lines = [f"## {escape_md(paper.title)}", ""]
    lines.append(f"- id: `{paper.id}`")
    if paper.arxiv_id:
        lines.append(f"- arXiv: <https://arxiv.org/abs/{paper.arxiv_id}>")
    if paper.authors:
        lines.append(f"- authors: {escape_md(', '.join(paper.authors))}")
    lines.append(f"- status: {_status(entry)}")
    if state.tags:
        lines.append("- tags: " + ", ".join(escape_md(tag) for tag in state.tags))
    lines.extend(_link_line(link.url, link.kind) for link in paper.links)
    if state.note.strip():
        lines.append("")
        lines.extend(f"> {line}".rstrip() for line in state.note.strip().splitlines())
    return "\n".join(lines)


def to_markdown(entries: Sequence[Entry], heading: str = "Reading notes") -> str:
    intro = f"# {escape_md(heading)}\n\n{len(entries)} paper{'s' if len(entries) != 1 else ''}.\n"
    sections = [markdown_section(entry) for entry in entries]
    return "\n\n".join([intro.rstrip("\n"), *sections]) + "\n"


def to_json(entries: Sequence[Entry]) -> str:
    return orjson.dumps([entry.to_record() for entry in entries], option=orjson.OPT_INDENT_2).decode() + "\n"


def render(entries: Sequence[Entry], fmt: str) -> str:
    if fmt == "json":
        return to_json(entries)
    return to_markdown(entries)
