"""The store's line format: JSON with one record a line, written and read a line at a time.

Still plain JSON that any tool (and TinyDB) reads, but it can also be read a
few thousand records per parse (``parse_lines``), and a table can be left in
the file with each record read when asked for (``StoredTable``): a 100k-paper
file never sits in memory as bytes and as a parse tree beside the records.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Collection, Iterator, Mapping
from typing import Any, BinaryIO

import orjson

from reader.core.errors import StoreError
from reader.core.store.files import Tables
from reader.core.store.places import Places


def dump_tables(data: Tables) -> bytes:
    """The store as JSON with one record per line (see ``dump_lines``), as one piece."""
    return b"".join(dump_lines(data))


def dump_lines(data: Tables, places: dict[str, Places] | None = None) -> Iterator[bytes]:
    """The store as JSON with one record per line, a line at a time.

    Still plain JSON that any tool (and TinyDB) reads, but it can also be read
    one record at a time (``parse_lines``): a 100k-paper file then never sits
    in memory as bytes and as a parse tree beside the records. Written a line
    at a time, it never sits in memory whole on the way out either.
    """
    position = 0

    def emit(line: bytes) -> bytes:
        nonlocal position
        position += len(line)
        return line

    yield emit(b"{\n")
    for number, (name, table) in enumerate(data.items()):
        yield emit(orjson.dumps(name) + b":{\n")
        log = None
        if places is not None and name in places:  # the caller asked where this table's records go
            log = places[name] = Places(position)
        pairs = table.kept() if isinstance(table, StoredTable) else table.items()
        previous = b""
        for key, record in pairs:
            if previous:
                yield emit(previous + b",\n")
            body = record.raw() if isinstance(record, Kept) else orjson.dumps(record)
            head = orjson.dumps(key) + b":"
            if log is not None:
                log.add(key, position + len(head), len(body))
            previous = head + body
        if previous:
            yield emit(previous + b"\n")
        if log is not None:
            log.end = position
        yield emit(b"},\n" if number < len(data) - 1 else b"}\n")
    yield emit(b"}\n")


class StoredTable(Mapping[str, dict[str, Any]]):
    """A table left in its file: where each record's line is, read when a record is asked for.

    The papers file keeps both its tables so. The abstracts are most of its
    bytes but are only ever shown one at a time; the papers are read whole
    only by what lists them all (``items``, in one read), while a command that
    marks or shows one paper reads that one. The table holds its own handle on
    the file it was read from: a later atomic replace of the store makes a new
    file, and this one keeps reading the snapshot it was made from.
    """

    def __init__(self, fd: int, places: Places) -> None:
        self._fd = fd
        self._places = places
        self._scanned = False  # the places were found in this very file, not taken from the places file
        self._size = os.fstat(fd).st_size
        weakref.finalize(self, os.close, fd)

    def _pread(self, size: int, offset: int) -> bytes:
        try:
            return os.pread(self._fd, size, offset)
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror or exc}") from None

    def _rescan(self) -> bool:
        """Find the records' places again in the file itself; False if they were found there already.

        The places file is trusted only as far as each read agrees with it: one
        that does not (edited, crafted, from a write that kept size and times)
        costs a scan, never a wrong record.
        """
        if self._scanned:
            return False
        with os.fdopen(os.dup(self._fd), "rb") as handle:
            handle.seek(self._places.start)
            try:
                self._places = _scan_stored(handle, self._places.start)
            except _NotLines:
                raise StoreError("damaged store: a record line is not one record; run 'reader doctor'") from None
        self._scanned = True
        return True

    def items(self) -> list[tuple[str, dict[str, Any]]]:  # type: ignore[override]
        """Every record, from one read of the table's lines parsed a few thousand at a time."""
        while True:
            found = self._parse_all()
            if found is not None:
                return found
            if not self._rescan():
                raise StoreError("damaged store: a record line is not valid JSON; run 'reader doctor'")

    def _parse_all(self) -> list[tuple[str, dict[str, Any]]] | None:
        """Every record, or None when the lines are not the records the places name."""
        places = self._places
        keys = places.names
        if not keys:
            return []
        start = places.offsets[0]
        end = places.offsets[-1] + places.lengths[-1]
        lines = self._pread(end - start, start).split(b"\n")
        found: list[tuple[str, dict[str, Any]]] = []
        lines[0] = orjson.dumps(keys[0]) + b":" + lines[0]  # the first line starts inside its record
        for begin in range(0, len(lines), _CHUNK):
            chunk = lines[begin : begin + _CHUNK]
            if chunk[-1].endswith(b","):
                chunk[-1] = chunk[-1][:-1]
            try:
                parsed = orjson.loads(b"{" + b"\n".join(chunk) + b"}")
            except orjson.JSONDecodeError:
                return None
            if not isinstance(parsed, dict) or list(parsed) != keys[begin : begin + len(chunk)]:
                return None
            found.extend(parsed.items())
        return found

    def raw(self, key: str) -> bytes:
        """A record's JSON text as it is in the file: exactly the rest of the line that starts with its key."""
        while True:
            position = self._places.position(key)
            if position is None:
                if self._rescan():
                    continue
                raise KeyError(key)
            record = self._line_of(key, position)
            if record is not None:
                return record
            if not self._rescan():
                raise StoreError(f"damaged store: the record {key!r} is not where it should be; run 'reader doctor'")

    def _line_of(self, key: str, position: int) -> bytes | None:
        """The record at ``position`` if it is ``key``'s whole line (a newline, its key, the record, then
        a comma or the line's end); None when the places are wrong."""
        head = b"\n" + orjson.dumps(key) + b":"
        offset, length = self._places.offsets[position], self._places.lengths[position]
        if offset < len(head) or length < 0 or offset + length > self._size:
            return None
        found = self._pread(len(head) + length + 2, offset - len(head))
        body, tail = found[len(head) : len(head) + length], found[len(head) + length :]
        if not found.startswith(head) or not (tail == b",\n" or tail[:1] == b"\n"):
            return None
        return body

    def __getitem__(self, key: str) -> dict[str, Any]:
        try:
            record = orjson.loads(self.raw(key))
        except orjson.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            raise StoreError(f"damaged store: the record {key!r} is not valid JSON; run 'reader doctor'")
        return record

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._places.position(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._places.names)

    def __len__(self) -> int:
        return len(self._places.names)

    def kept(self) -> Iterator[tuple[str, Kept]]:
        """Every record, to be written again as it is."""
        return ((key, Kept(self, key)) for key in self._places.names)


class Kept:
    """A record of a stored table that a rewrite copies as it is: read while writing, never parsed."""

    __slots__ = ("key", "table")

    def __init__(self, table: StoredTable, key: str) -> None:  # a plain class: made 100k times a rewrite
        self.table = table
        self.key = key

    def raw(self) -> bytes:
        return self.table.raw(self.key)


class _NotLines(Exception):
    """The file is not in the one-record-per-line layout: parse it whole instead."""


def _table_name(line: bytes) -> str:
    if not line.endswith(b":{"):
        raise _NotLines
    name = orjson.loads(line[:-2])
    if not isinstance(name, str):
        raise _NotLines
    return name


_CHUNK = 2000  # record lines parsed in one orjson call: few calls, a small parse tree
_CLOSE = (b"}", b"},")
_CLOSE_LINES = (b"}\n", b"},")


def _records(lines: list[bytes]) -> dict[str, Any]:
    """Record lines of one table, parsed together; the last has no comma (checked by the caller)."""
    parsed: dict[str, Any] = orjson.loads(b"{" + b"\n".join(lines) + b"}")
    if not all(isinstance(record, dict) for record in parsed.values()):
        raise _NotLines
    return parsed


def parse_lines(
    handle: BinaryIO, stored: Collection[str] = (), known: dict[str, Places] | None = None
) -> Tables | None:
    """Read a file ``dump_tables`` wrote, a few thousand lines at a time; None for any other layout.

    Every piece goes through orjson and the layout is checked strictly
    (brackets, commas, nothing after the end), so a damaged file is never
    half-read here: it returns None and the whole-file parse reports it.
    Tables named in ``stored`` are not parsed: they come back as
    ``StoredTable``s, their lines checked to be one record each, or, when
    ``known`` has where the last write put them, not read at all.
    """
    try:
        return _parse_lines(handle, stored, known or {})
    except (_NotLines, orjson.JSONDecodeError):
        return None


def _scan_stored(handle: BinaryIO, position: int) -> Places:
    """Note where each record line of a stored table is, up to its closing bracket.

    Each line is checked to be one ``"key":{...}`` record with its comma;
    the records themselves are not parsed.
    """
    places = Places(position)
    comma = False
    for raw in handle:
        size = len(raw)
        if raw[0] != 0x22:  # not a record (they start with their key's quote): the closing bracket
            if comma:
                raise _NotLines  # a comma before the closing bracket
            places.end = position
            return places
        if places.keys and not comma:
            raise _NotLines  # two records without a comma between them
        end = raw.find(b'":{', 1)
        key = raw[1:end]
        if end < 0 or b'"' in key or b"\\" in key:
            raise _NotLines  # an escaped key: rare enough to leave to the whole-file parse
        if raw.endswith(b"},\n"):
            comma, length = True, size - end - 4
        elif raw.endswith(b"}\n"):
            comma, length = False, size - end - 3
        else:
            raise _NotLines
        if not places.add(key.decode(), position + end + 2, length):
            raise _NotLines  # the same key twice
        position += size
    raise _NotLines  # the file ended inside the table


def _known_places(handle: BinaryIO, known: Places | None, position: int) -> Places | None:
    """The places the last write noted, if they fit this file; else None and the table is scanned."""
    if known is None or known.start != position:
        return None
    handle.seek(known.end)
    if handle.read(2) not in _CLOSE_LINES:
        return None
    if known.offsets:
        handle.seek(known.offsets[-1] + known.lengths[-1] - 1)
        if handle.read(2) != b"}\n":
            return None
    return known


def _parse_lines(handle: BinaryIO, stored: Collection[str], known: dict[str, Places]) -> Tables:
    if handle.readline() != b"{\n":
        raise _NotLines
    data: Tables = {}
    table: dict[str, Any] | None = None
    more_tables = True
    pending: list[bytes] = []
    comma = False  # the records parsed so far in this table ended with a comma
    for raw in handle:
        line = raw[:-1] if raw.endswith(b"\n") else raw
        if table is None:
            if line == b"}" and not more_tables and not handle.read(1):
                return data
            if not more_tables:
                raise _NotLines
            name = _table_name(line)
            if name in data:
                raise _NotLines
            if name in stored:
                start = handle.tell()
                places = _known_places(handle, known.get(name), start) or _scan_stored(handle, start)
                data[name] = StoredTable(os.dup(handle.fileno()), places)
                handle.seek(places.end)
                closing = handle.readline()
                more_tables = closing == b"},\n"
                if closing not in (b"}\n", b"},\n"):
                    raise _NotLines
                continue
            table = {}
            data[name] = table
            comma = False
        elif line in _CLOSE:
            if comma and not pending:
                raise _NotLines  # a comma before the closing bracket
            if pending:
                if pending[-1].endswith(b","):
                    raise _NotLines  # a comma before the closing bracket
                table.update(_records(pending))
                pending = []
            more_tables = line == b"},"
            table = None
        else:
            if len(pending) >= _CHUNK:  # more records follow: parse these, minus their last comma
                if not pending[-1].endswith(b","):
                    raise _NotLines
                pending[-1] = pending[-1][:-1]
                table.update(_records(pending))
                pending = []
                comma = True
            pending.append(line)
    raise _NotLines  # the file ended before its last bracket

