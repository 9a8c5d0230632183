"""One big file parsed on two cores gives the papers, and the errors, of one core."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.importers import _parallel, json_api, read_file
from reader.core.importers._common import dedupe
from reader.core.models import ParsedPaper

PATH = Path("papers.json")


def by_process(item: int, number: int, path: Path) -> ParsedPaper:
    """A paper that says which process parsed it."""
    return ParsedPaper(title=f"{number}:{item}", abstract=str(os.getpid()), abstract_raw=path.name)


def test_the_tail_is_parsed_by_a_child_and_comes_back_in_order() -> None:
    papers = _parallel.parse_items(by_process, list(range(100, 110)), PATH, min_items=2)
    assert [p.title for p in papers] == [f"{n}:{n + 99}" for n in range(1, 11)]
    assert {p.abstract_raw for p in papers} == {"papers.json"}
    pids = [p.abstract for p in papers]
    split = int(10 * _parallel.HEAD_SHARE)
    assert set(pids[:split]) == {str(os.getpid())}
    (child,) = set(pids[split:])
    assert child != str(os.getpid())


def test_short_lists_and_other_threads_keep_to_this_process() -> None:
    assert {p.abstract for p in _parallel.parse_items(by_process, [1, 2, 3], PATH, min_items=4)} == {str(os.getpid())}
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        papers = _parallel.parse_items(by_process, list(range(10)), PATH, min_items=2)
    finally:
        release.set()
        other.join()
    assert {p.abstract for p in papers} == {str(os.getpid())}


def test_an_error_in_the_tail_is_the_one_a_plain_loop_raises() -> None:
    def strict(item: int, number: int, path: Path) -> ParsedPaper:
        if item in (8, 9):
            raise InputError(f"item {number} is broken", path=path)
        return by_process(item, number, path)

    with pytest.raises(InputError) as caught:
        _parallel.parse_items(strict, list(range(10)), PATH, min_items=2)
    assert str(caught.value) == "papers.json: item 9 is broken"


def test_an_error_in_the_head_stops_the_child() -> None:
    def strict(item: int, number: int, path: Path) -> ParsedPaper:
        if item == 1:
            raise InputError(f"item {number} is broken", path=path)
        return by_process(item, number, path)

    with pytest.raises(InputError, match="item 2 is broken"):
        _parallel.parse_items(strict, list(range(10)), PATH, min_items=2)


def test_a_child_that_dies_is_replaced_by_this_process() -> None:
    parent = os.getpid()

    def fragile(item: int, number: int, path: Path) -> ParsedPaper:
        if os.getpid() != parent and item == 8:
            os._exit(3)  # the child vanishes mid-way, as if killed
        return by_process(item, number, path)

    papers = _parallel.parse_items(fragile, list(range(10)), PATH, min_items=2)
    assert [p.title for p in papers] == [f"{n}:{n - 1}" for n in range(1, 11)]
    assert {p.abstract for p in papers[int(10 * _parallel.HEAD_SHARE) :]} == {str(parent)}


def daily_papers(count: int) -> list[dict[str, object]]:
    """A made-up daily-papers list, long enough to be split."""
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


def test_a_big_file_reads_the_same_as_on_one_core(tmp_path: Path) -> None:
    items = daily_papers(_parallel.MIN_ITEMS + 5)
    items.append(items[3])  # a repeat, for dedupe after the two halves are joined
    source = tmp_path / "daily.json"
    source.write_text(json.dumps(items))
    parsed = read_file(source)
    expected = dedupe(json_api._item(item, n, source) for n, item in enumerate(items, start=1))
    assert parsed.papers == expected
    assert len(parsed.papers) == _parallel.MIN_ITEMS + 5
    assert parsed.papers[-1].authors == ("Ann Bee", f"Cy Dee{(_parallel.MIN_ITEMS + 4) % 5}")


def test_a_bad_item_near_the_end_of_a_big_file_is_named(tmp_path: Path) -> None:
    items = daily_papers(_parallel.MIN_ITEMS + 5)
    items[-3]["paper"] = {"title": "   "}  # type: ignore[index]
    source = tmp_path / "daily.json"
    source.write_text(json.dumps(items))
    with pytest.raises(InputError) as caught:
        read_file(source)
    assert str(caught.value) == f"{source}: item {len(items) - 2} has no title"
