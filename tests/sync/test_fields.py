"""The merge driver's rules one field at a time, the repository's line format, and what a sync adds to a repository."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from reader.core import sync
from reader.core.merge import merge_copies
from reader.core.store import Store
from reader.core.store.schema import SCHEMA_VERSION
from reader.core.sync.git import Git
from reader.core.sync.merging import merge_states, merge_tags
from reader.core.sync.shards import SHARDS, encode, lines, parse, parse_path, path_of, shard_of
from tests.sync.conftest import Machine, import_into, made_up


@pytest.fixture
def texts(tmp_path: Path) -> Callable[[str, str, str], tuple[str, bool]]:
    git = Git(tmp_path)
    return lambda base, ours, theirs: git.merge_text(base, ours, theirs, ("laptop", "desktop"))


def test_notes_merge_by_lines_and_keep_both_where_both_changed_a_line(
    texts: Callable[[str, str, str], tuple[str, bool]],
) -> None:
    assert texts("a\nb\nc", "A\nb\nc", "a\nb\nC") == ("A\nb\nC", False)
    merged, conflicted = texts("a\nb", "here\nb", "there\nb")
    assert conflicted
    assert merged.splitlines() == ["<<<<<<< laptop", "here", "=======", "there", ">>>>>>> desktop", "b"]
    merged, conflicted = texts("", "only here [bold]x[/]", "only there")  # two new notes: both kept, verbatim
    assert conflicted and "only here [bold]x[/]" in merged and "only there" in merged


def test_tags_are_sets() -> None:
    assert merge_tags(("a", "b", "c"), ("a", "c", "x"), ("a", "b", "y")) == ("a", "x", "y")
    assert merge_tags((), ("x",), ("x",)) == ("x",)
    assert merge_tags(("gone",), (), ()) == ()


def test_reading_states_merge_field_by_field(texts: Callable[[str, str, str], tuple[str, bool]]) -> None:
    base = {"status": "to-read", "note": "n", "tags": ["t"], "status_at": "2026-01-01T00:00:00+00:00"}
    ours = {**base, "status": "read", "status_at": "2026-01-02T00:00:00+00:00", "note": "n, more"}
    theirs = {**base, "status": "reading", "status_at": "2026-01-03T00:00:00+00:00", "tags": ["t", "u"],
              "starred": True, "starred_at": "2026-01-03T00:00:00+00:00"}
    merged, conflicted = merge_states("p", base, ours, theirs, texts)
    assert not conflicted
    assert (merged["status"], merged["note"], merged["tags"], merged["starred"]) == ("reading", "n, more", ["t", "u"],
                                                                                      True)
    assert merged["status_at"] == "2026-01-03T00:00:00+00:00"
    # A skip is merged like the star: the later change, even one back to the old value.
    skipped = {**base, "skipped": True, "skipped_at": "2026-01-02T00:00:00+00:00"}
    unskipped = {**base, "skipped": False, "skipped_at": "2026-01-04T00:00:00+00:00"}
    assert merge_states("p", base, skipped, unskipped, texts)[0]["skipped"] is False
    assert merge_states("p", base, skipped, base, texts)[0]["skipped"] is True
    # A time without a zone is UTC; an unknown time is older than any.
    naive = {**theirs, "status_at": "2026-01-02T12:00:00"}
    assert merge_states("p", base, ours, naive, texts)[0]["status"] == "reading"
    assert merge_states("p", base, ours, {**theirs, "status_at": None}, texts)[0]["status"] == "read"
    # Two states new on both sides (no base): a note on each is a conflict, flagged.
    fresh, conflicted = merge_states("p", None, {"note": "mine"}, {"note": "theirs"}, texts)
    assert conflicted and fresh["conflict"] and "mine" in fresh["note"] and "theirs" in fresh["note"]


def test_two_copies_of_a_paper_merge_as_an_import_does() -> None:
    base = {"title": "T", "links": [{"url": "https://a.example", "kind": "other"}], "upvotes": 3,
            "sources": ["here.bib"], "added_at": "2026-01-02T00:00:00+00:00"}
    ours = {**base, "upvotes": 5, "abstract": "Ours.", "authors": ["A One"], "sources": ["here.bib", "mine.txt"]}
    theirs = {**base, "upvotes": 9, "links": [*base["links"], {"url": "https://github.com/o/r", "kind": "code"}],
              "abstract": "Theirs.", "abstract_raw": "Theirs, raw.", "sources": ["here.bib", "there.json"],
              "added_at": "2026-01-01T00:00:00+00:00"}
    merged = merge_copies(base, ours, theirs)
    assert merged["upvotes"] == 9 and merged["abstract"] == "Ours." and "abstract_raw" not in merged
    assert [link["url"] for link in merged["links"]] == ["https://a.example", "https://github.com/o/r"]
    assert merged["sources"] == ["here.bib", "mine.txt", "there.json"]
    assert merged["authors"] == ["A One"] and merged["added_at"] == "2026-01-01T00:00:00+00:00"
    stub = merge_copies(None, {"title": "2401.00001", "stub": True}, {"title": "A real title"})
    assert stub == {"title": "A real title"}


def test_shards_hold_one_record_a_line_sorted_by_id() -> None:
    records = {"b-2": {"title": "B"}, "a\"odd\\id": {"title": "A"}, "2401.00001": {"note": "x\ny"}}
    blob = encode(records)
    assert blob.count(b"\n") == 3 and all(isinstance(orjson.loads(line), dict) for line in blob.splitlines())
    found = lines(blob, "test")
    assert list(found) == sorted(records)
    assert {pid: parse(text, "test") for pid, text in found.items()} == records
    assert {parse_path(path_of("state", shard)) for shard in (0, 63, 64, SHARDS - 1)} == {
        ("state", 0), ("state", 63), ("state", 64), ("state", SHARDS - 1)}
    assert parse_path("reader.json") is None and parse_path("state/40/00.jsonl") is None
    assert shard_of("2401.00001") == shard_of("2401.00001") < SHARDS
    with pytest.raises(ValueError, match="line 2"):
        lines(b'{"a":{}}\nnot json\n', "state/00/01.jsonl")


def test_an_older_state_file_gets_each_fields_time_from_its_last_change(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    Store(db).close()
    meta = {"schema": {"version": 2, "kind": "state"}}
    old = {"p": {"status": "read", "starred": True, "note": "n", "tags": [], "changed_at": "2025-05-05T00:00:00+00:00",
                 "status_at": "2025-01-01T00:00:00+00:00"}}
    db.with_name("library.state.json").write_bytes(orjson.dumps({"state": old, "_meta": meta}))
    db.write_bytes(orjson.dumps({"papers": {"p": {"title": "P"}}, "_meta": {"schema": {"version": 2,
                                                                                         "kind": "papers"}}}))
    store = Store(db)
    state = store.entry("p").state
    assert state.status_at == "2025-01-01T00:00:00+00:00"  # kept
    assert state.starred_at == state.note_at == "2025-05-05T00:00:00+00:00" and state.tags_at is None
    assert orjson.loads(db.with_name("library.state.json").read_bytes())["_meta"]["schema"]["version"] == SCHEMA_VERSION
    assert store.backups()  # upgraded after a backup
    store.close()


def repository_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_a_note_adds_about_its_own_size_to_the_repositories(
    machine: Callable[[str], Machine], remote: Path
) -> None:
    a, b = machine("a"), machine("b")
    import_into(a.store, made_up(3000))
    a.store.set_state(a.store.ids(), note="a first note on every paper", tags=("all",))
    sync.init(a.store, str(remote))
    sync.init(b.store, str(remote))
    store_size = a.store.path.stat().st_size + a.store.layout.state.stat().st_size
    before = [repository_bytes(folder) for folder in (remote, a.store.layout.sync, b.store.layout.sync)]
    a.set("2602.01234", note="the second experiment does not support the claim")
    a.sync()
    b.sync()
    grown = [repository_bytes(folder) - old
             for folder, old in zip((remote, a.store.layout.sync, b.store.layout.sync), before, strict=True)]
    assert all(0 < size < 12_000 for size in grown), (grown, store_size)  # a store of about 2 MB
    assert b.entries()["2602.01234"].state.note.startswith("the second experiment")
    log = subprocess.run(["git", "--git-dir", str(remote), "log", "--format=%s", "-2"], capture_output=True,
                         text=True, check=True).stdout
    assert log.startswith("changes on ")
