"""Exports: what a user takes out of the store, in the shape another tool reads.

``render(entries, fmt, template=None)`` gives the text of one export file:
``markdown`` (the notes file; ``template`` is a ``PaperTemplate`` applied per
paper), ``json`` (the ``--json`` records), ``bibtex`` and ``csv``.
``write_per_paper(entries, folder, template=None)`` writes an Obsidian-style
folder of Markdown files with YAML front matter. ``library.write_export``
writes ``render``'s text atomically; the details of each shape live in
``reader.core.exporters``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import orjson

from reader.core.config import EXPORT_FORMATS
from reader.core.errors import InputError
from reader.core.exporters.bibtex import to_bibtex
from reader.core.exporters.clean import printable_all
from reader.core.exporters.markdown import (
    TEMPLATE_FIELDS,
    PaperTemplate,
    escape_md,
    markdown_section,
    to_markdown,
)
from reader.core.exporters.table import to_csv
from reader.core.exporters.vault import write_vault
from reader.core.models import Entry

FORMATS = EXPORT_FORMATS  # declared once, with the settings that name them
SUFFIXES = {"markdown": ".md", "json": ".json", "bibtex": ".bib", "csv": ".csv"}


def to_json(entries: Sequence[Entry]) -> str:
    return orjson.dumps([entry.to_record() for entry in entries], option=orjson.OPT_INDENT_2).decode() + "\n"


def render(entries: Sequence[Entry], fmt: str, template: PaperTemplate | None = None) -> str:
    """The export as text; a template only shapes Markdown. No control character is written."""
    if template is not None and fmt != "markdown":
        raise InputError(f"a template shapes Markdown only, not {fmt}", path=template.source)
    entries = printable_all(entries)
    if fmt == "markdown":
        return to_markdown(entries, template=template)
    if fmt == "json":
        return to_json(entries)
    if fmt == "bibtex":
        return to_bibtex(entries)
    if fmt == "csv":
        return to_csv(entries)
    raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_per_paper(entries: Sequence[Entry], folder: Path, template: PaperTemplate | None = None) -> list[Path]:
    """One Markdown file per paper with YAML front matter; see ``exporters.vault``."""
    return write_vault(printable_all(entries), folder, template)


__all__ = [
    "FORMATS",
    "SUFFIXES",
    "TEMPLATE_FIELDS",
    "PaperTemplate",
    "escape_md",
    "markdown_section",
    "render",
    "to_json",
    "to_markdown",
    "write_per_paper",
]
