"""One big file parsed on two cores gives the papers, and the errors, of one core."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.importers import _parallel, json_api, read_file
from reader.core.importers._common import dedupe
from reader.core.importers._parallel import ParseItem
from reader.core.models import ParsedPaper

PATH = Path("papers.json")


def by_process(item: int, number: int, path: Path) -> ParsedPaper:
    """A paper that says which process parsed it."""
    return ParsedPaper(title=f"{number}:{item}", abstract=str(os.getpid()), abstract_raw=path.name)


def after_the_child(marker: Path, parse: ParseItem[int] = by_process) -> ParseItem[int]:
    """``parse``, but this process waits on item 1 until the child has parsed an item: both surely work."""
    parent = os.getpid()

    def parse_item(item: int, number: int, path: Path) -> ParsedPaper:
        if os.getpid() != parent:
            marker.touch()
        elif number == 1:
            deadline = time.monotonic() + 20
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.001)
        return parse(item, number, path)

    return parse_item


def test_both_processes_parse_and_the_papers_come_back_in_order(tmp_path: Path) -> None:
    items = list(range(100, 130))
    papers = _parallel.parse_items(after_the_child(tmp_path / "m"), items, PATH, min_items=2, chunk=3, second_core=True)
    assert [p.title for p in papers] == [f"{n}:{n + 99}" for n in range(1, 31)]
    assert {p.abstract_raw for p in papers} == {"papers.json"}
    pids = {p.abstract for p in papers}
    assert str(os.getpid()) in pids
    assert len(pids) == 2  # the child's papers came back too


def test_short_lists_a_busy_machine_and_other_threads_keep_to_this_process() -> None:
    here = {str(os.getpid())}
    assert {p.abstract for p in _parallel.parse_items(by_process, [1, 2, 3], PATH, min_items=4)} == here
    busy = _parallel.parse_items(by_process, list(range(10)), PATH, min_items=2, chunk=1, second_core=False)
    assert {p.abstract for p in busy} == here
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        papers = _parallel.parse_items(by_process, list(range(10)), PATH, min_items=2, chunk=1, second_core=True)
    finally:
        release.set()
        other.join()
    assert {p.abstract for p in papers} == {str(os.getpid())}


def broken_at(*bad: int) -> ParseItem[int]:
    def strict(item: int, number: int, path: Path) -> ParsedPaper:
        if item in bad:
            raise InputError(f"item {number} is broken", path=path)
        return by_process(item, number, path)

    return strict


@pytest.mark.parametrize("bad", [(2,), (5, 17), (18, 25), (29,)])
def test_the_first_error_is_the_one_a_plain_loop_raises(tmp_path: Path, bad: tuple[int, ...]) -> None:
    """Whichever process meets a broken item, and in whichever order, the first in the file is named."""
    parse = after_the_child(tmp_path / "m", broken_at(*bad))
    with pytest.raises(InputError) as caught:
        _parallel.parse_items(parse, list(range(30)), PATH, min_items=2, chunk=2, second_core=True)
    assert str(caught.value) == f"papers.json: item {bad[0] + 1} is broken"


def test_a_child_that_dies_is_replaced_by_this_process(tmp_path: Path) -> None:
    parent = os.getpid()

    def fragile(item: int, number: int, path: Path) -> ParsedPaper:
        if os.getpid() != parent:
            os._exit(3)  # the child vanishes as it starts its first chunk, as if killed
        return by_process(item, number, path)

    parse = after_the_child(tmp_path / "m", fragile)
    papers = _parallel.parse_items(parse, list(range(20)), PATH, min_items=2, chunk=2, second_core=True)
    assert [p.title for p in papers] == [f"{n}:{n - 1}" for n in range(1, 21)]
    assert {p.abstract for p in papers} == {str(parent)}


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
    parsed = read_file(source)  # on two cores or one, as the machine's load has it
    one_core = [json_api._item(item, n, source) for n, item in enumerate(items, start=1)]
    assert parsed.papers == dedupe(one_core)
    assert len(parsed.papers) == _parallel.MIN_ITEMS + 5
    assert parsed.papers[-1].authors == ("Ann Bee", f"Cy Dee{(_parallel.MIN_ITEMS + 4) % 5}")
    assert parsed.papers[1].links[0].repo == "o/r1"
    two_cores = _parallel.parse_items(json_api._item, items, source, second_core=True)  # real papers, pickled
    assert two_cores == one_core


def test_a_bad_item_near_the_end_of_a_big_file_is_named(tmp_path: Path) -> None:
    items = daily_papers(_parallel.MIN_ITEMS + 5)
    items[-3]["paper"] = {"title": "   "}  # type: ignore[index]
    source = tmp_path / "daily.json"
    source.write_text(json.dumps(items))
    with pytest.raises(InputError) as caught:
        read_file(source)
    assert str(caught.value) == f"{source}: item {len(items) - 2} has no title"


def test_no_temporary_file_means_one_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))  # where the child's papers would go
    papers = _parallel.parse_items(by_process, list(range(10)), PATH, min_items=2, chunk=2, second_core=True)
    assert [p.title for p in papers] == [f"{n}:{n - 1}" for n in range(1, 11)]
    assert {p.abstract for p in papers} == {str(os.getpid())}
