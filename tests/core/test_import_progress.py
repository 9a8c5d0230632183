"""A long JSON list says how far its reading has got."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core import library


def test_parse_inputs_reports_the_papers_of_each_json_file(tmp_path: Path) -> None:
    source = tmp_path / "daily.json"
    source.write_text(json.dumps([{"paper": {"title": f"Paper {n}"}} for n in range(2500)]))
    other = tmp_path / "ids.txt"
    other.write_text("2501.00001\n")
    files: list[tuple[int, int, str]] = []
    reading: list[tuple[int, int, str]] = []
    parsed = library.parse_inputs(
        [source, other],
        lambda done, total, path: files.append((done, total, path.name)),
        lambda done, total, path: reading.append((done, total, path.name)),
    )
    assert [len(p.papers) for p in parsed] == [2500, 1]
    assert files == [(0, 2, "daily.json"), (1, 2, "ids.txt"), (2, 2, "ids.txt")]
    assert reading == [(0, 2500, "daily.json"), (1000, 2500, "daily.json"), (2000, 2500, "daily.json"),
                       (2500, 2500, "daily.json")]  # the list of ids says nothing: it is never long


def test_read_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli.progress import read_progress

    read_progress(40_000, 100_000, tmp_path / "daily\x1b[31m.json")
    read_progress(10, 100, tmp_path / "short.json")  # a short list: no bar
    assert capsys.readouterr().err == "\r[#########...............] 40000/100000 papers read  daily.json\x1b[K"
