"""How commands print papers: a table for people, JSON for scripts."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from reader.core.facts import facts
from reader.core.filters import Filter
from reader.core.models import Entry
from reader.core.text import one_line, strip_control

__all__ = ["chosen_filter", "describe", "marks", "one_line", "print_json", "print_ranked", "print_table"]


def print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


MARKS_LEGEND = "flags: R read, r reading, * starred, C has a code link"


def marks(entry: Entry) -> str:
    """Three flags: read (``R``) or reading (``r``), starred, code link; ``-`` where not."""
    state = entry.state
    status = {"read": "R", "reading": "r"}.get(state.status, "-")
    return status + ("*" if state.starred else "-") + ("C" if entry.paper.code_link else "-")


def print_table(entries: Sequence[Entry]) -> None:
    if not entries:
        return
    width = max(len(e.id) for e in entries)
    for entry in entries:
        print(f"{marks(entry)}  {entry.id:<{width}}  {strip_control(entry.paper.title)}")


def print_ranked(
    entries: Sequence[Entry], scores: Sequence[float], *, as_json: bool, why: Sequence[list[str]] | None = None
) -> None:
    """Ranked papers: a table, or JSON records with their score; with ``why``, each paper's reasons under it."""
    if as_json:
        pairs = zip(entries, scores, strict=True)
        records = [{**entry.to_record(), "score": round(score, 3)} for entry, score in pairs]
        if why is not None:
            for record, lines in zip(records, why, strict=True):
                record["why"] = lines
        print_json(records)
    elif why is None:
        print_table(entries)
    else:
        for entry, lines in zip(entries, why, strict=True):
            print_table([entry])
            for line in lines:
                print(f"      {strip_control(line)}")


def describe(entry: Entry) -> str:
    paper, state = entry.paper, entry.state
    lines = [paper.title, "", *(f"{fact.label + ':':<11}{fact.value}" for fact in facts(entry) if fact.value)]
    if paper.abstract:
        lines += ["", paper.abstract]
    if state.note:
        lines += ["", "Note:", state.note]
    return strip_control("\n".join(lines))


def chosen_filter(args: argparse.Namespace) -> Filter:
    return Filter(unread=args.unread, read=args.read, starred=args.starred, tag=args.tag)
