"""The versions of a store's files, and the steps that bring an old one up to date.

Each file carries ``_meta.schema = {"version": N, "kind": "papers"|"state"}``.
A file without it was written before the record existed (version 0); a
foreign, damaged or newer one is refused, never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from reader.core.errors import StoreError
from reader.core.models import CHANGE_TIMES
from reader.core.store.files import Tables

SCHEMA_VERSION = 3

PAPERS = "papers"
ABSTRACTS = "abstracts"
STATE = "state"
META = "_meta"
ABSTRACT_FIELDS = ("abstract", "abstract_raw")


def split_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A whole paper record as the papers file keeps it: the record, and its abstract apart (or None)."""
    main = {key: value for key, value in record.items() if key not in ABSTRACT_FIELDS}
    abstract = {key: record[key] for key in ABSTRACT_FIELDS if record.get(key)}
    return main, abstract or None


def _abstracts_apart(data: Tables) -> Tables:
    """Schema 2: abstracts move out of the paper records into a table of their own."""
    papers: dict[str, dict[str, Any]] = {}
    abstracts: dict[str, dict[str, Any]] = {}
    for pid, record in data.get(PAPERS, {}).items():
        papers[pid], abstract = split_record(record)
        if abstract:
            abstracts[pid] = abstract
    return {**data, PAPERS: papers, ABSTRACTS: abstracts}


def _field_times(data: Tables) -> Tables:
    """Schema 3: each field the user sets carries when it changed (a sync merges by them).

    Before, only the status had its time: the others take the record's last
    change, the best known, where they are set; unset ones have no time.
    """
    states: dict[str, dict[str, Any]] = {}
    for pid, record in data.get(STATE, {}).items():
        states[pid] = state = dict(record)
        known = record.get("changed_at")
        for name, at in CHANGE_TIMES.items():
            if known is not None and state.get(at) is None and state.get(name) not in (None, False, "", [], "to-read"):
                state[at] = known
    return {**data, STATE: states}


def _unchanged(data: Tables) -> Tables:
    return data


# Steps that bring a file from version N to N + 1, per kind of file. Version 0
# is a file written before the schema record existed: the tables already had
# version 1's shape, so the step only has to add the stamp (done by ``migrate``).
Migration = Callable[[Tables], Tables]
MIGRATIONS: dict[str, dict[int, Migration]] = {
    PAPERS: {0: _unchanged, 1: _abstracts_apart, 2: _unchanged},
    STATE: {0: _unchanged, 1: _unchanged, 2: _field_times},
}


def schema_version(data: Tables, kind: str, path: Path, hint: str) -> int:
    """The schema version of a parsed file, or ``StoreError`` if it is not ours to read."""
    info = data.get(META, {}).get("schema")
    if info is None:
        foreign = sorted(name for name in data if name not in (META, kind, ABSTRACTS))
        if foreign:
            shown = ", ".join(repr(name) for name in foreign[:3])
            raise StoreError(f"not a reader {kind} file (tables {shown}, no schema record); {hint}", path=path)
        return 0
    version = info.get("version")
    if info.get("kind") != kind or not isinstance(version, int) or isinstance(version, bool) or version < 0:
        found = f"kind {info.get('kind')!r}, version {version!r}"
        raise StoreError(f"wrong schema: expected a reader {kind} file, found {found}; {hint}", path=path)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"written by a newer reader (schema {version}; this one reads up to {SCHEMA_VERSION}): "
            f"upgrade reader; the file is left as it is; {hint}",
            path=path,
        )
    return version


def migrate(data: Tables, kind: str, version: int) -> Tables:
    """Bring a file's tables up to ``SCHEMA_VERSION`` and stamp it."""
    for step in range(version, SCHEMA_VERSION):
        data = MIGRATIONS[kind][step](data)
    return stamped(data, kind)


def stamped(data: Tables, kind: str) -> Tables:
    """The tables with this version's schema record: every write carries it."""
    meta = dict(data.get(META, {}))
    meta["schema"] = {"version": SCHEMA_VERSION, "kind": kind}
    return {**data, META: meta}
