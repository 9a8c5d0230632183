"""A long daily-papers list: every item read in order, repeats folded, progress told, errors named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.importers import read_file

COUNT = 20_005


def daily_papers(count: int) -> list[dict[str, object]]:
    """A made-up daily-papers list."""
    return [
        {
            "paper": {
                "id": f"2501.{n:05d}",
                "title": f"Made-Up Paper Number {n}",
                "summary": f"We study  thing {n}.\nCode: https://github.com/o/r{n % 7}." if n % 3 else "",
                "authors": [{"name": "Ann  Bee"}, {"name": f"Cy Dee{n % 5}"}],
                "upvotes": n % 11,
            },
            "publishedAt": "2025-01-02T00:00:00.000Z",
        }
        for n in range(count)
    ]


def test_a_big_file_reads_every_paper_in_order(tmp_path: Path) -> None:
    items = daily_papers(COUNT)
    items.append(items[3])  # a repeat: one paper
    source = tmp_path / "daily.json"
    source.write_text(json.dumps(items))
    told: list[tuple[int, int]] = []
    parsed = read_file(source, lambda done, total: told.append((done, total)))
    assert len(parsed.papers) == COUNT
    assert [p.arxiv_id for p in parsed.papers[:3]] == ["2501.00000", "2501.00001", "2501.00002"]
    assert parsed.papers[-1].title == f"Made-Up Paper Number {COUNT - 1}"
    assert parsed.papers[-1].authors == ("Ann Bee", f"Cy Dee{(COUNT - 1) % 5}")  # squashed
    assert parsed.papers[1].links[0].repo == "o/r1"
    assert parsed.papers[1].abstract == "We study thing 1. Code: https://github.com/o/r1."
    assert told[-1] == (len(items), len(items))
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    assert len(told) >= 20  # a bar that moves, not one jump at the end


def test_a_bad_item_near_the_end_of_a_big_file_is_named(tmp_path: Path) -> None:
    items = daily_papers(COUNT)
    items[-3]["paper"] = {"title": "   "}
    source = tmp_path / "daily.json"
    source.write_text(json.dumps(items))
    with pytest.raises(InputError) as caught:
        read_file(source)
    assert str(caught.value) == f"{source}: item {len(items) - 2} has no title"
