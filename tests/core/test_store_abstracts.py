"""Abstracts kept in a table of their own, left in the file and read when asked for.

What must hold: every abstract reads back exactly; a rewrite keeps the ones
it did not change byte for byte; a paper read from an older snapshot keeps
reading that snapshot; the hidden ``.places`` file is only ever a shortcut
(missing, stale, damaged or lying, the store reads the same); damage is
reported, never half-read; schema 1 files are split after a backup.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import orjson
import pytest

from reader.core import library
from reader.core.doctor import diagnose
from reader.core.importers import ParsedFile
from reader.core.models import Entry, ParsedPaper
from reader.core.search.query import parse as parse_query
from reader.core.store import Store, files, lines, places
from reader.core.store.layout import Layout
from reader.core.store.schema import SCHEMA_VERSION

PAPERS = [
    ParsedPaper(title="Quokka Gradients", abstract="Quokkas descend gradients, \"quoted\", {braced}.\nTwo lines."),
    ParsedPaper(title="Wombat Kernels", abstract="Kernels for wombats: 50% faster.",
                abstract_raw="Kernels for wombats: 50\\% faster."),
    ParsedPaper(title="Numbat Without Words"),
    ParsedPaper(title="Bilby Transformers", abstract="Bilbies attend to everything. Ünïcödé → ok."),
]


def import_papers(store: Store, papers: list[ParsedPaper]) -> None:
    library.import_parsed(store, [ParsedFile(Path("made-up.txt"), "test", papers)])


def texts(entries: list[Entry]) -> dict[str, tuple[str, str, bool]]:
    return {e.paper.title: (e.paper.abstract, e.paper.abstract_raw, e.paper.has_abstract) for e in entries}


EXPECTED = {
    "Quokka Gradients": (PAPERS[0].abstract, PAPERS[0].abstract, True),
    "Wombat Kernels": ("Kernels for wombats: 50% faster.", "Kernels for wombats: 50\\% faster.", True),
    "Numbat Without Words": ("", "", False),
    "Bilby Transformers": (PAPERS[3].abstract, PAPERS[3].abstract, True),
}


def abstract_lines(path: Path) -> dict[str, bytes]:
    """The abstracts table's record lines as they are on disk, by paper id."""
    lines = path.read_bytes().split(b"\n")
    first = lines.index(b'"abstracts":{') + 1
    last = next(number for number in range(first, len(lines)) if lines[number].startswith(b"}"))
    return {orjson.loads(line.split(b":", 1)[0]): line.rstrip(b",") for line in lines[first:last]}


def test_abstracts_sit_apart_and_read_back_exactly(store: Store, store_path: Path) -> None:
    import_papers(store, PAPERS)
    tables = orjson.loads(store_path.read_bytes())
    assert all("abstract" not in record for record in tables["papers"].values())
    with_text = sorted(e.id for e in store.entries() if e.paper.title != "Numbat Without Words")
    assert sorted(tables["abstracts"]) == with_text
    for reopened in (store, Store(store_path)):
        assert texts(reopened.entries()) == EXPECTED
        pid = next(e.id for e in reopened.entries() if e.paper.title == "Wombat Kernels")
        assert reopened.entry(pid).paper.abstract_raw == "Kernels for wombats: 50\\% faster."
    query = parse_query("has:abstract")
    assert sorted(e.paper.title for e in store.entries() if query.accepts(e)) == [
        "Bilby Transformers", "Quokka Gradients", "Wombat Kernels"
    ]
    phrase = parse_query('"attend to everything"')
    assert [e.paper.title for e in store.entries() if phrase.accepts(e)] == ["Bilby Transformers"]


def test_a_rewrite_keeps_unchanged_abstracts_byte_for_byte(store: Store, store_path: Path) -> None:
    import_papers(store, PAPERS)
    before = abstract_lines(store_path)
    import_papers(store, [ParsedPaper(title="Platypus Pooling", abstract="Pooling, but for platypuses.")])
    after = abstract_lines(store_path)
    assert {pid: line for pid, line in after.items() if pid in before} == before
    assert len(after) == len(before) + 1
    [quokka] = [e for e in store.entries() if e.paper.title == "Quokka Gradients"]
    removed = store.delete([quokka.id])
    assert quokka.id not in abstract_lines(store_path)
    store.restore_papers(removed)  # undo brings the abstract back with the paper
    assert abstract_lines(store_path)[quokka.id] == before[quokka.id]
    assert texts(Store(store_path).entries())["Quokka Gradients"] == EXPECTED["Quokka Gradients"]


def test_an_import_fills_a_missing_abstract(store: Store, store_path: Path) -> None:
    import_papers(store, PAPERS)
    import_papers(store, [ParsedPaper(title="Numbat Without Words", abstract="Now it has words.")])
    filled = texts(Store(store_path).entries())["Numbat Without Words"]
    assert filled == ("Now it has words.", "Now it has words.", True)


def test_papers_read_the_snapshot_they_came_from(store: Store, store_path: Path) -> None:
    import_papers(store, PAPERS)
    old_entries = store.entries()
    other = Store(store_path)  # another window deletes a paper and imports one
    other.delete([e.id for e in old_entries if e.paper.title == "Quokka Gradients"])
    import_papers(other, [ParsedPaper(title="Echidna Embeddings", abstract="Spiky embeddings.")])
    assert texts(old_entries) == EXPECTED  # read from the file as it was, not the new one
    assert texts(store.entries())["Echidna Embeddings"] == ("Spiky embeddings.", "Spiky embeddings.", True)


def saved_places(path: Path) -> dict[str, places.Places]:
    """The places kept beside ``path``, read as the store reads them."""
    found = places.unpack_places(Layout(path).places.read_bytes(), files.signature_of(path))
    assert found is not None
    return found


def keep_places(path: Path, kept: dict[str, places.Places]) -> None:
    """Write ``kept`` beside ``path`` as if the last write had put them there (the signature fits)."""
    Layout(path).places.write_bytes(places.pack_places(kept, files.signature_of(path)))


@pytest.mark.parametrize(
    "damage",
    ["missing", "garbage", "stale", "wrong start", "wrong offsets", "wrong lengths", "swapped", "wrong order", "fifo"],
)
def test_the_places_file_is_only_a_shortcut(store: Store, store_path: Path, damage: str) -> None:
    import_papers(store, PAPERS)
    places_file = Layout(store_path).places
    assert places_file.exists()
    saved = saved_places(store_path)
    abstracts = saved["abstracts"]
    if damage == "missing":
        places_file.unlink()
    elif damage == "garbage":
        places_file.write_bytes(b"\x00not json")
    elif damage == "fifo":  # a FIFO would block a plain read for ever
        places_file.unlink()
        os.mkfifo(places_file)
    elif damage == "stale":  # from an older write of the file
        shutil.copy(places_file, places_file.with_suffix(".old"))
        import_papers(store, [ParsedPaper(title="Platypus Pooling", abstract="Pooling, but for platypuses.")])
        shutil.copy(places_file.with_suffix(".old"), places_file)
    else:  # the signature fits but the places do not (an edit that kept size and times, or a crafted file)
        if damage == "wrong start":
            abstracts.start += 1
        elif damage == "wrong offsets":
            abstracts.offsets[0] += 1
        elif damage == "wrong lengths":
            abstracts.lengths[-1] += 40
        elif damage == "wrong order":  # the keys' sorted order, which lookups bisect
            abstracts.order = abstracts.sorted_order()
            abstracts.order.reverse()
            abstracts.order[0] = 1 << 30  # and one position past the keys
        else:  # two records' places exchanged: each is a whole record line, of the other paper
            for numbers in (abstracts.offsets, abstracts.lengths):
                numbers[0], numbers[1] = numbers[1], numbers[0]
        keep_places(store_path, saved)
    reopened = Store(store_path)
    expected = dict(EXPECTED)
    if damage == "stale":
        expected["Platypus Pooling"] = ("Pooling, but for platypuses.", "Pooling, but for platypuses.", True)
    assert texts(reopened.entries()) == expected
    # A rewrite through places that lie copies each abstract to its own paper, and the file stays valid JSON.
    import_papers(reopened, [ParsedPaper(title="Echidna Embeddings", abstract="Spiky embeddings.")])
    expected["Echidna Embeddings"] = ("Spiky embeddings.", "Spiky embeddings.", True)
    orjson.loads(store_path.read_bytes())
    assert texts(Store(store_path).entries()) == expected
    Layout(store_path).places.unlink()
    assert texts(Store(store_path).entries()) == expected  # the same without any places file


def test_a_damaged_abstract_is_reported_not_half_read(store: Store, store_path: Path) -> None:
    import_papers(store, PAPERS)
    Layout(store_path).places.unlink()
    pid = next(e.id for e in store.entries() if e.paper.title == "Wombat Kernels")
    raw = store_path.read_bytes()
    line = abstract_lines(store_path)[pid]
    broken = line.replace(b'"abstract":', b'"abstract" ')  # still one record a line, no longer JSON
    store_path.write_bytes(raw.replace(line, broken))
    entries = texts(Store(store_path).entries())
    assert entries["Wombat Kernels"][0].startswith("(abstract unreadable: damaged store")
    assert entries["Quokka Gradients"] == EXPECTED["Quokka Gradients"]  # the others are fine
    report = diagnose(store_path)
    assert [f.path for f in report.problems] == [store_path]
    assert "not valid JSON" in report.problems[0].message


@pytest.mark.parametrize(
    "variant",
    [
        b'{\n"abstracts":{\n"a":{"abstract":"x"}\n"b":{"abstract":"y"}\n}\n}\n',  # no comma between records
        b'{\n"abstracts":{\n"a":{"abstract":"x"},\n}\n}\n',  # a comma before the bracket
        b'{\n"abstracts":{\n"a":{"abstract":"x"},\n"a":{"abstract":"y"}\n}\n}\n',  # the same key twice
        b'{\n"abstracts":{\n"a\\"b":{"abstract":"x"}\n}\n}\n',  # an escaped key
        b'{\n"abstracts":{\n"a":{"abstract":"x"},\n',  # the file ends inside the table
        b'{\n"abstracts":{\n"a":"not a record"\n}\n}\n',
    ],
)
def test_an_odd_stored_table_goes_to_the_whole_file_parse(variant: bytes) -> None:
    assert lines.parse_lines(io.BytesIO(variant), ("abstracts",)) is None


def test_a_stored_table_reads_what_was_dumped(tmp_path: Path) -> None:
    data: files.Tables = {
        "_meta": {"schema": {"version": 2}},
        "papers": {"a": {"title": "A"}, "b": {"title": "B"}},
        "abstracts": {"a": {"abstract": "x, \"y\"\n}"}, "b": {"abstract": "Ünïcödé", "abstract_raw": "U"}},
        "after": {},
    }
    file = tmp_path / "tables.json"
    file.write_bytes(lines.dump_tables(data))
    with file.open("rb") as handle:
        parsed = lines.parse_lines(handle, ("abstracts",))
    assert parsed is not None
    table = parsed["abstracts"]
    assert isinstance(table, lines.StoredTable)
    assert dict(table.items()) == data["abstracts"]
    assert {**parsed, "abstracts": dict(table.items())} == data
    assert lines.dump_tables(parsed) == file.read_bytes()  # written again as it was, unparsed


def test_a_schema_1_store_is_split_after_a_backup(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    records = {
        "quokka-1a2b": {"title": "Quokka Gradients", "abstract": "Quokkas.", "added_at": "2026-01-01T00:00:00+00:00"},
        "wombat-3c4d": {"title": "Wombat Kernels", "abstract": "50% faster.", "abstract_raw": "50\\% faster."},
        "numbat-5e6f": {"title": "Numbat Without Words"},
    }
    old = orjson.dumps({"_meta": {"schema": {"version": 1, "kind": "papers"}}, "papers": records})
    db.write_bytes(old)
    store = Store(db)
    assert {e.id: (e.paper.abstract, e.paper.abstract_raw) for e in store.entries()} == {
        "quokka-1a2b": ("Quokkas.", "Quokkas."),
        "wombat-3c4d": ("50% faster.", "50\\% faster."),
        "numbat-5e6f": ("", ""),
    }
    upgraded = orjson.loads(db.read_bytes())
    assert upgraded["_meta"]["schema"] == {"version": SCHEMA_VERSION, "kind": "papers"}
    assert upgraded["abstracts"] == {
        "quokka-1a2b": {"abstract": "Quokkas."},
        "wombat-3c4d": {"abstract": "50% faster.", "abstract_raw": "50\\% faster."},
    }
    assert upgraded["papers"]["quokka-1a2b"] == {"title": "Quokka Gradients", "added_at": "2026-01-01T00:00:00+00:00"}
    [backup] = store.backups()
    assert (backup / "library.json").read_bytes() == old


def test_doctor_names_an_abstract_without_its_paper(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    meta = {"schema": {"version": SCHEMA_VERSION, "kind": "papers"}}
    db.write_bytes(orjson.dumps({
        "_meta": meta,
        "papers": {"kept-1a2b": {"title": "Kept"}},
        "abstracts": {"kept-1a2b": {"abstract": "Here."}, "gone-3c4d": {"abstract": "Left behind."}},
    }))
    report = diagnose(db)
    assert report.problems == []
    [warning] = [f for f in report.findings if f.level == "warning"]
    assert warning.message.startswith("1 abstracts belong to no paper (gone-3c4d)")
    assert [e.paper.abstract for e in Store(db).entries()] == ["Here."]
