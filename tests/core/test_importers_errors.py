"""Bad input: one clear line naming the file (and the line where known), never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reader.core.errors import InputError
from reader.core.importers import expand_paths, read_file
from tests.realfiles import IMPORTERS, if_present, real

FIXTURES = IMPORTERS
# JSON lists saved with str() instead of json.dump: ours, and a real one
REPR_FILES = [
    pytest.param(FIXTURES / "hf_daily_repr_strings.json", id="ours"),
    *if_present(pytest.param(real("hf-daily-papers-api_2024-12-11_python-repr-strings.json"), id="real")),
]
HF_JSON = [
    pytest.param(FIXTURES / "hf_daily_new.json", id="ours"),
    *if_present(pytest.param(real("hf-daily-papers-api_2026-08-21.json"), id="real")),
]
ATOM = [
    pytest.param(FIXTURES / "arxiv_atom_new.xml", id="ours"),
    *if_present(pytest.param(real("arxiv-api-atom_2026_q_testing_s0_m10.xml"), id="real")),
]


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_empty_and_blank_files(tmp_path: Path) -> None:
    for name, data in [("empty.txt", b""), ("blank.txt", b"  \n\n\t\n")]:
        path = write(tmp_path, name, data)
        assert refused(path) == f"{path}: empty file: no papers in it"


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "picture.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert refused(path) == f"{path}: binary file, not a text paper list"


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.txt", b"Title\n\nabstract line\n" + b"caf\xe9 au lait\n")
    assert refused(path) == f"{path}: line 4: not valid UTF-8 (byte 24)"


def test_text_that_is_not_a_paper_list(tmp_path: Path) -> None:
    path = write(tmp_path, "shopping.txt", "eggs\nmilk\nbread\n")
    assert refused(path).startswith(f"{path}: not a paper list: expected a Hugging Face papers page")
    csv = write(tmp_path, "table.csv", "id,title\n1,hello\n2,world\n")
    assert "not a paper list" in refused(csv)


def test_html_page_is_refused_with_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "page.html", "<!DOCTYPE html>\n<html><body><h3>Title</h3></body></html>\n")
    assert refused(path) == (
        f"{path}: line 1: an HTML page, not a paper list: copy the page as text, or save the daily-papers API JSON"
    )


@pytest.mark.parametrize("source", HF_JSON)
def test_truncated_json_names_the_line(tmp_path: Path, source: Path) -> None:
    text = source.read_text()
    cut = text[: len(text) // 2]
    path = write(tmp_path, "cut.json", cut)
    line = cut.count("\n") + 1
    assert refused(path) == f"{path}: line {line}: JSON ends early (the file looks truncated)"


def test_json_that_is_not_a_paper_list(tmp_path: Path) -> None:
    cases = {
        '{"settings": {"theme": "dark"}}': (
            "line 1: JSON object is not a paper list (no results, papers, data or paper)"
        ),
        "[1, 2, 3]": "item 1 is a int, not a paper object",
        '[{"paper": {"id": "2501.00001", "title": "Fine"}}, {"paper": {"id": "2501.00002"}}]': "item 2 has no title",
        '{"a": [1, 2,, 3]}': "line 1: invalid JSON: Expecting value (column 13)",
    }
    for number, (data, expected) in enumerate(cases.items()):
        path = write(tmp_path, f"case{number}.json", data)
        assert refused(path) == f"{path}: {expected}"


@pytest.mark.parametrize("broken", REPR_FILES)
def test_file_of_python_reprs_is_refused_not_evaluated(broken: Path) -> None:
    assert refused(broken) == (
        f"{broken}: line 2: item 1 is a string holding a Python dict repr, not a JSON object "
        "(the file was saved with str() instead of json.dump)"
    )


@pytest.mark.parametrize("source", ATOM)
def test_broken_atom_names_the_line(tmp_path: Path, source: Path) -> None:
    text = source.read_text()
    cut = text[: text.index("<entry>", 2000) + 200]
    path = write(tmp_path, "cut.xml", cut)
    message = refused(path)
    assert message.startswith(f"{path}: line {cut.count(chr(10)) + 1}: broken XML: ")


def test_broken_bibtex_entry_names_its_line(tmp_path: Path) -> None:
    good = (FIXTURES / "handkept.bib").read_text()
    path = write(tmp_path, "broken.bib", good + "\n@misc{broken,\n  title = {Unclosed\n\n@misc{next, title={Fine}}\n")
    line = good.count("\n") + 2
    assert refused(path) == f"{path}: line {line}: broken BibTeX entry: @misc{{broken,"


def test_id_list_with_a_stray_line(tmp_path: Path) -> None:
    lines = ["2501.00001", "2501.00002", "2501.00003", "2501.00004", "see also my notes", "2501.00005"]
    path = write(tmp_path, "ids.txt", "\n".join(lines) + "\n")
    assert refused(path) == f"{path}: line 5: not an arXiv id or paper URL: 'see also my notes'"


def test_page_abstract_without_title(tmp_path: Path) -> None:
    words = " ".join(["word"] * 30)
    path = write(tmp_path, "page.txt", f"A Title\n\n{words}\n\n[-] 3\n\n{words}\n")
    assert refused(path) == f"{path}: line 7: abstract without a title before it"


def test_fifty_megabyte_single_line_is_refused_quickly(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.txt", b"A Title\n\n" + b"word " * 10_000_000)
    started = time.perf_counter()
    message = refused(path)
    elapsed = time.perf_counter() - started
    assert message.endswith("(it has a line of 50,000,000 characters)")
    assert elapsed < 5, f"took {elapsed:.1f} s"  # guards against a quadratic blow-up, not a benchmark


def test_megabyte_line_inside_a_page_is_refused(tmp_path: Path) -> None:
    words = " ".join(["word"] * 30)
    path = write(tmp_path, "page.txt", f"A Title\n\n{words}\n\nOther Title\n\n" + "x" * 1_500_000 + "\n")
    assert refused(path) == f"{path}: line 7: a line of 1,500,000 characters: not a paper list"


def test_directories(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r": directory holds no files$"):
        expand_paths([empty])
    assert refused(tmp_path) == f"{tmp_path}: is a directory"
    missing = tmp_path / "missing.txt"
    assert refused(missing) == f"{missing}: no such file"
