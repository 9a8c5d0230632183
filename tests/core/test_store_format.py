"""The papers file at scale: compact records, one record per line, import progress.

These check behaviour (what is on disk, what comes back), not speed: speed is
measured by ``bench/run.py``.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import orjson
import pytest
from tinydb.storages import JSONStorage

from reader.core import library
from reader.core.importers import ParsedFile
from reader.core.models import Abstract, Link, Paper, ParsedPaper, compact_record
from reader.core.store import Store, files, lines


def made_up(count: int, start: int = 0) -> list[ParsedPaper]:
    return [
        ParsedPaper(
            title=f"Made-up paper {n}: \"quoted\" words, commas, and {{braces}}",
            abstract=f"An abstract for paper {n}.\nIt has a newline, a comma, and a brace }}.",
            links=(Link(f"https://example.org/code/{n}", "code", f"someone/repo{n}"),) if n % 2 else (),
            upvotes=n % 3,  # 0 is a count, kept
            authors=(f"Author {n}",) if n % 5 else (),
        )
        for n in range(start, start + count)
    ]


def import_papers(store: Store, papers: list[ParsedPaper], **options: object) -> None:
    library.import_parsed(store, [ParsedFile(Path("made-up.txt"), "test", papers)], **options)  # type: ignore[arg-type]


def test_records_keep_only_what_is_set(store: Store, store_path: Path) -> None:
    import_papers(store, [
        ParsedPaper(title="Plain", abstract="Same text."),
        ParsedPaper(title="Cleaned", abstract="Cleaned text.", abstract_raw="Cleaned \\emph{text}."),
        ParsedPaper(title="Counted", upvotes=0, stars=0),
    ])
    tables = orjson.loads(store_path.read_bytes())
    ids = {record["title"]: pid for pid, record in tables["papers"].items()}
    plain, cleaned, counted = (tables["papers"][ids[title]] for title in ("Plain", "Cleaned", "Counted"))
    assert set(plain) == {"title", "sources", "added_at"}  # the abstract sits in its own table
    assert "abstract_raw" not in cleaned
    assert tables["abstracts"][ids["Plain"]] == {"abstract": "Same text."}
    assert tables["abstracts"][ids["Cleaned"]] == {
        "abstract": "Cleaned text.", "abstract_raw": "Cleaned \\emph{text}."
    }
    assert (counted["upvotes"], counted["stars"]) == (0, 0)
    assert ids["Counted"] not in tables["abstracts"]
    by_title = {e.paper.title: e.paper for e in store.entries()}
    assert by_title["Plain"].abstract_raw == "Same text."  # the default fills in the abstract
    assert by_title["Counted"].upvotes == 0
    assert by_title["Plain"].upvotes is None


def test_paper_to_dict_round_trips() -> None:
    paper = Paper(
        id="p1", title="T", text=Abstract("A", "A*"), links=(Link("https://x.org", "project"),),
        authors=("X",), upvotes=0, sources=("s",), added_at="2024-01-01T00:00:00+00:00", stub=True,
    )
    assert Paper.from_dict("p1", paper.to_dict()) == paper
    assert Paper.from_dict("p2", Paper(id="p2", title="Bare").to_dict()) == Paper(id="p2", title="Bare")
    assert compact_record({"title": "", "abstract": "", "stub": False}) == {"title": ""}


def test_old_records_with_every_field_still_load(store_path: Path) -> None:
    """A file written before records were compact: abstract_raw beside an equal abstract, empty fields."""
    source = str(Path("old.txt").absolute())
    old = {
        "title": "Old paper", "abstract": "Old abstract.", "abstract_raw": "Old abstract.", "links": [],
        "arxiv_id": None, "authors": [], "published": None, "listing_date": None, "upvotes": None,
        "stars": None, "keywords": [], "sources": [source], "added_at": "2024-01-01T00:00:00+00:00",
        "stub": False,
    }
    meta = {"schema": {"version": 1, "kind": "papers"}}
    store_path.write_bytes(orjson.dumps({"papers": {"old": old}, "_meta": meta}))
    store = Store(store_path)
    try:
        paper = store.entry("old").paper
        assert (paper.title, paper.abstract, paper.abstract_raw, paper.sources) == (
            "Old paper", "Old abstract.", "Old abstract.", (source,)
        )
        again = ParsedFile(Path("old.txt"), "test", [ParsedPaper(title="Old paper")])
        plan_again = library.import_parsed(store, [again])
        assert (plan_again.total.new, plan_again.total.updated, plan_again.total.unchanged) == (0, 0, 1)
    finally:
        store.close()


def test_a_compact_record_is_not_updated_by_the_same_paper_again(store: Store) -> None:
    papers = [ParsedPaper(title="Twice", abstract="Same.", abstract_raw="Same.")]
    import_papers(store, papers)
    plan = library.import_parsed(store, [ParsedFile(Path("made-up.txt"), "test", papers)])
    assert (plan.total.new, plan.total.updated, plan.total.unchanged) == (0, 0, 1)


def test_store_reopens_identically_and_the_file_is_plain_json(store: Store, store_path: Path) -> None:
    import_papers(store, made_up(250))
    store.set_state([store.entries()[3].id], note="a note, with a comma }\n{", tags=("x",))
    before = store.entries()
    raw = store_path.read_bytes()
    assert raw.count(b"\n") > 250  # one record per line
    whole = orjson.loads(raw)
    assert list(whole["papers"]) == [e.id for e in before]
    tinydb_storage = JSONStorage(str(store_path), access_mode="r")
    assert tinydb_storage.read() == whole  # TinyDB's own storage reads the file
    tinydb_storage.close()
    reopened = Store(store_path)
    try:
        assert reopened.entries() == before
    finally:
        reopened.close()
    assert lines.parse_lines(io.BytesIO(raw)) == whole


def test_line_reader_agrees_with_a_whole_file_parse_on_damaged_files() -> None:
    """Any cut or changed byte: the line reader returns what orjson reads, or hands over (None)."""
    rng = random.Random(7)
    records = {f"k{i}\n": {"a": "x\n},", "n": i} for i in range(5)}
    data: files.Tables = {"_meta": {"schema": {"version": 1}}, "papers": records}
    raw = lines.dump_tables(data)
    assert lines.parse_lines(io.BytesIO(raw)) == data
    variants = [raw[:cut] for cut in range(len(raw))]
    for _ in range(200):
        changed = bytearray(raw)
        changed[rng.randrange(len(changed))] = rng.choice(b'{},:"\n a1')
        variants.append(bytes(changed))
    handed_over = 0
    for variant in variants:
        got = lines.parse_lines(io.BytesIO(variant))
        try:
            want = orjson.loads(variant)
        except orjson.JSONDecodeError:
            want = None
        assert got is None or got == want, variant
        handed_over += got is None
    assert handed_over >= len(raw)  # every cut file was handed to the whole-file parse


def test_line_reader_parses_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    data: files.Tables = {"papers": {f"p{i}": {"n": i} for i in range(7)}, "_meta": {"schema": {"version": 1}}}
    for chunk in (1, 2, 3, 7, 100):
        monkeypatch.setattr(lines, "_CHUNK", chunk)
        raw = lines.dump_tables(data)
        assert lines.parse_lines(io.BytesIO(raw)) == data
        no_comma = raw.replace(b'"p2":{"n":2},', b'"p2":{"n":2}')
        assert lines.parse_lines(io.BytesIO(no_comma)) is None
        extra_comma = raw.replace(b'"p6":{"n":6}', b'"p6":{"n":6},')
        assert lines.parse_lines(io.BytesIO(extra_comma)) is None


def test_a_damaged_line_file_is_refused_with_the_usual_error(store: Store, store_path: Path) -> None:
    import_papers(store, made_up(20))
    store.close()
    raw = store_path.read_bytes()
    store_path.write_bytes(raw[: len(raw) // 2])
    from reader.core.errors import StoreError

    with pytest.raises(StoreError, match="damaged store: not valid JSON"):
        Store(store_path)
    assert store_path.read_bytes() == raw[: len(raw) // 2]


def test_import_progress_counts_up_to_the_total(store: Store) -> None:
    calls: list[tuple[int, int]] = []
    files = [
        ParsedFile(Path("a.txt"), "test", made_up(300)),
        ParsedFile(Path("b.txt"), "test", made_up(200, start=300)),
    ]
    plan = library.import_parsed(store, files, progress=lambda done, total: calls.append((done, total)))
    assert plan.total.new == 500
    assert {total for _, total in calls} == {500}
    done = [d for d, _ in calls]
    assert done == sorted(set(done))  # strictly increasing
    assert done[-1] == 500 and len(done) >= 50
    assert len(store.entries()) == 500


def test_entries_in_batches_are_the_entries(store: Store) -> None:
    import_papers(store, made_up(45))
    store.set_state([store.entries()[44].id], starred=True)
    batches = list(store.iter_entries(batch=10))
    assert [len(b) for b in batches] == [10, 10, 10, 10, 5]
    assert [e for b in batches for e in b] == store.entries()
    assert batches[-1][-1].state.starred


def test_batches_come_from_one_reading_of_the_store(store: Store, store_path: Path) -> None:
    import_papers(store, made_up(30))
    batches = store.iter_entries(batch=10)
    first = next(batches)
    other = Store(store_path)  # another window deletes a paper mid-load
    other.delete([first[0].id, store.entries()[25].id])
    other.close()
    rest = [e for b in batches for e in b]
    assert len(first) + len(rest) == 30  # the snapshot the load started from, whole
    assert len(store.entries()) == 28  # the next reading sees the delete
