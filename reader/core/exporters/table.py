"""CSV for spreadsheets and scripts: RFC 4180 through the csv module.

One header row, then one row per paper; CRLF line ends, fields with commas,
quotes or line breaks quoted, so a note with newlines and quotes survives a
round trip. Lists (authors, tags, links) are joined with ``"; "``. A cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
leading ``'``: a spreadsheet would take it for a formula (``=HYPERLINK(...)``
in a title runs when the file is opened), and the quote keeps it text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from reader.core.models import Entry

COLUMNS = (
    "id", "title", "arxiv_id", "authors", "published", "listing_date", "status", "read", "starred",
    "tags", "note", "code_url", "links", "upvotes", "stars", "added_at", "changed_at",
)


def _row(entry: Entry) -> list[str]:
    paper, state = entry.paper, entry.state
    code = paper.code_link
    values: dict[str, object] = {
        "id": paper.id,
        "title": paper.title,
        "arxiv_id": paper.arxiv_id or "",
        "authors": "; ".join(paper.authors),
        "published": paper.published or "",
        "listing_date": paper.listing_date or "",
        "status": state.status,
        "read": "true" if state.read else "false",
        "starred": "true" if state.starred else "false",
        "tags": "; ".join(state.tags),
        "note": state.note,
        "code_url": code.url if code else "",
        "links": "; ".join(link.url for link in paper.links),
        "upvotes": "" if paper.upvotes is None else paper.upvotes,
        "stars": "" if paper.stars is None else paper.stars,
        "added_at": paper.added_at,
        "changed_at": state.changed_at or "",
    }
    return [_cell(str(values[column])) for column in COLUMNS]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(entries: Sequence[Entry]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(_row(entry) for entry in entries)
    return buffer.getvalue()
