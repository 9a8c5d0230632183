"""The store's own safety parts: the storage cache, backups, stale temp files, doctor."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tinydb.table import Document

from reader.core import doctor, library
from reader.core.errors import StoreError
from reader.core.importers import ParsedFile
from reader.core.models import ParsedPaper
from reader.core.store import Store, storage
from reader.core.store.backups import BACKUPS_KEPT
from reader.core.store.layout import temp_prefix
from reader.core.store.records import KeyedTable, KeyedTinyDB
from reader.core.store.schema import SCHEMA_VERSION


def papers(*titles: str) -> list[ParsedFile]:
    return [ParsedFile(Path("made-up.txt"), "test", [ParsedPaper(title=t) for t in titles])]


def test_a_failed_write_through_tinydb_does_not_stay_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TinyDB's _update_table mutates the cached dict before write(): the storage must forget it."""
    path = tmp_path / "t.json"
    db = KeyedTinyDB(path, storage=storage.AtomicJSONStorage)
    table = db.table("papers")
    assert isinstance(table, KeyedTable)
    table.upsert(Document({"title": "saved"}, doc_id="a"))

    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", no_space)
    with pytest.raises(StoreError, match="change not saved: No space left on device"):
        table.upsert(Document({"title": "never saved"}, doc_id="b"))
    monkeypatch.undo()
    assert db.storage.read() == {"papers": {"a": {"title": "saved"}}}
    assert [p.name for p in tmp_path.iterdir()] == ["t.json"]  # the temp file was removed


def test_a_zero_byte_store_is_damaged_not_empty(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    db.touch()
    with pytest.raises(StoreError, match="damaged store: the file is empty; run 'reader doctor'"):
        Store(db)
    assert db.read_bytes() == b""


def test_imports_keep_rotated_complete_backups(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers("First made-up paper"))
    assert store.backups() == []  # nothing to back up before the first import
    contents = []
    for number in range(BACKUPS_KEPT + 2):
        contents.append(db.read_bytes())
        library.import_parsed(store, papers(f"Made-up paper number {number}"))
    backups = store.backups()
    assert len(backups) == BACKUPS_KEPT
    assert [(b / "library.json").read_bytes() for b in backups] == contents[::-1][:BACKUPS_KEPT]
    (store.layout.backups / "20990101T000000000000Z.partial").mkdir()  # a backup cut short
    assert store.backups() == backups
    store.close()


def test_stale_temp_files_are_reported_then_removed_on_open(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    library.import_parsed(Store(db), papers("A made-up paper"))
    stale = tmp_path / (temp_prefix(db) + "abc123")
    stale.write_bytes(b'{"half": ')
    other = tmp_path / ".reader-tmp-notes.md-xyz"  # another file's temp: not ours to remove
    other.write_text("x")
    report = doctor.diagnose(db)
    assert [f.level for f in report.findings] == ["ok", "ok", "warning"]
    assert "1 temp files from an interrupted write" in report.findings[2].message
    assert stale.exists()  # doctor writes nothing
    Store(db).close()
    assert not stale.exists() and other.exists()


def test_doctor_reports_orphan_states_and_lists_backups(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers("Kept made-up paper", "Deleted made-up paper"))
    ids = {e.paper.title: e.id for e in store.entries()}
    store.set_state(list(ids.values()), note="n")
    library.import_parsed(store, papers("Third made-up paper"))  # keeps a backup
    # A delete cut between its two writes: the paper is gone, its state is not.
    data = orjson.loads(db.read_bytes())
    del data["papers"][ids["Deleted made-up paper"]]
    storage.write_atomically(db, orjson.dumps(data))
    store.close()
    report = doctor.diagnose(db)
    assert report.problems == []
    [orphan] = [f for f in report.findings if f.level == "warning"]
    assert orphan.message.startswith(f"1 reading states name papers not in the store ({ids['Deleted made-up paper']})")
    assert [(b.papers, b.states) for b in report.backups] == [(2, 2)]
    text = doctor.render(report)
    assert f"restore {report.backups[0].path.name}" in text
    assert text.endswith("no problems found.")


def test_a_write_keeps_the_permissions_the_user_gave_the_file(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers("A made-up paper"))
    db.chmod(0o640)
    library.import_parsed(store, papers("Another made-up paper"))
    assert db.stat().st_mode & 0o777 == 0o640
    store.close()


def test_delete_removes_papers_before_states(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the two writes must leave an orphan state, never a paper without its note."""
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers("Doomed made-up paper"))
    [pid] = [e.id for e in store.entries()]
    store.set_state([pid], note="n")
    written: list[str] = []
    real = storage.write_atomically
    monkeypatch.setattr(storage, "write_atomically", lambda p, b: (written.append(p.name), real(p, b)))
    store.delete([pid])
    store_files = [name for name in written if not name.startswith(".")]  # not the hidden derived data
    assert store_files == ["library.json", "library.state.json"]
    assert store.entries() == []
    store.close()


def test_the_store_records_its_schema(tmp_path: Path) -> None:
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers("A made-up paper"))
    store.set_state([store.entries()[0].id], starred=True)
    store.close()
    assert orjson.loads(db.read_bytes())["_meta"] == {"schema": {"version": SCHEMA_VERSION, "kind": "papers"}}
    assert orjson.loads((tmp_path / "library.state.json").read_bytes())["_meta"] == {
        "schema": {"version": SCHEMA_VERSION, "kind": "state"}
    }


def test_a_batch_of_tinydb_changes_lands_as_one_write_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "t.state.json"
    db = KeyedTinyDB(path, storage=storage.AtomicJSONStorage)
    table = db.table("state", cache_size=0)
    assert isinstance(table, KeyedTable)
    backing = db.storage
    assert isinstance(backing, storage.AtomicJSONStorage)
    writes: list[object] = []
    real = storage.write_atomically
    monkeypatch.setattr(storage, "write_atomically", lambda *args: (writes.append(args[0]), real(*args)))
    with backing.batch(lambda data: {**data, "_meta": {"schema": {"stamped": True}}}):
        table.replace({"a": {"note": "one"}})
        table.replace({"b": {"note": "two"}})
        table.replace({}, removed=["a"])
        assert not path.exists()  # nothing on disk until the batch ends
    assert writes == [path]
    assert orjson.loads(path.read_bytes()) == {"state": {"b": {"note": "two"}}, "_meta": {"schema": {"stamped": True}}}
    with pytest.raises(RuntimeError), backing.batch(lambda data: data):
        table.replace({"c": {"note": "never"}})
        raise RuntimeError("stopped half way")
    assert writes == [path]
    assert table.record("c") is None and table.record("b") == {"note": "two"}


def test_papers_found_by_their_state_come_in_store_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.json")
    library.import_parsed(store, papers("First made-up paper", "Second made-up paper", "Third made-up paper"))
    ids = [entry.id for entry in store.entries()]
    store.set_state([ids[2], ids[0]], starred=True)
    store.set_state([ids[1]], status="read")
    assert store.ids_where(lambda state: state.starred) == [ids[0], ids[2]]
    assert store.ids_where(lambda state: state.read) == [ids[1]]
    assert [e.id for e in store.entries_of(store.ids_where(lambda state: state.starred))] == [ids[0], ids[2]]


def test_a_bulk_change_of_thousands_lands_whole_and_replaces_each_record(tmp_path: Path) -> None:
    """Every paper of a large selection changes in one write; each record is replaced, not merged into."""
    db = tmp_path / "library.json"
    store = Store(db)
    library.import_parsed(store, papers(*(f"Made-up bulk paper {n}" for n in range(3000))), backup=False)
    ids = [entry.id for entry in store.entries()]
    store.set_state(ids[:10], note="kept", tags=("keep",))
    store.set_state(ids, status="read")
    store.set_state(ids[:10], note="")
    reread = {entry.id: entry.state for entry in Store(db).entries()}
    assert all(state.read for state in reread.values())
    assert [reread[pid].note for pid in ids[:10]] == [""] * 10  # the new record, not the old one's note
    assert all(reread[pid].tags == ("keep",) for pid in ids[:10])
    store.close()
