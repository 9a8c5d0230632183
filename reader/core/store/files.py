"""The store's file format: a TinyDB storage that never leaves a torn file.

TinyDB's own JSONStorage rewrites the file in place, so a crash or a full
disk mid-write loses everything. Here every write goes to a temporary file in
the same directory, is flushed and fsynced, replaces the store in one
``os.replace`` and then the directory is fsynced: after a crash the file is
the old one or the new one, whole. Reads are cached and only redone when the
file on disk changed (another process wrote it), which keeps a small write
cheap however large the other file of the store is.

A write that fails (full disk, read-only file system) raises ``StoreError``
and forgets the cache: TinyDB mutates the cached dict before it calls
``write``, and that unsaved change must not be served by the next read.
"""

from __future__ import annotations

import bisect
import contextlib
import errno
import os
import stat
import tempfile
import weakref
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson
from tinydb.storages import Storage

from reader.core.errors import StoreError
from reader.core.heap import gc_paused
from reader.core.store.layout import temp_prefix

Tables = dict[str, Mapping[str, Any]]


def _signature(stat_result: os.stat_result) -> tuple[int, int, int, int]:
    return (stat_result.st_ino, stat_result.st_size, stat_result.st_mtime_ns, stat_result.st_ctime_ns)


def signature_of(path: Path) -> tuple[int, int, int, int]:
    """What tells one version of a file from another: its inode, size and times."""
    return _signature(path.stat())


def fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_target(path: Path) -> Path:
    """Where a write to ``path`` lands: through a symlink to its target, never over the link."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomically(path: Path, payload: bytes | Iterable[bytes]) -> None:
    """Replace ``path`` with ``payload`` so a crash leaves the old or the new file, whole."""
    path = write_target(path)
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # keep the permissions the user gave the file
            with contextlib.suppress(OSError):
                os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_directory(path.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading; OSError if it is not a regular file.

    A FIFO or a device in a store file's place would block the read or never
    end it: such files are refused before a byte is read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, f"{path.name} is not a regular file")
    return os.fdopen(fd, "rb")


def read_regular_file(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them; OSError for anything else."""
    with open_regular_file(path) as handle:
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise OSError(errno.EFBIG, f"{path.name} is larger than {limit} bytes")
    return raw


def load_tables(path: Path, raw: bytes, hint: str = "") -> Tables:
    """Parse a store file, refusing anything that is not the shape TinyDB wrote."""
    suffix = f"; {hint}" if hint else ""
    if not raw.strip():
        raise StoreError(f"damaged store: the file is empty{suffix}", path=path)
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreError(f"damaged store: not valid JSON ({exc.args[0]}){suffix}", path=path) from None
    if not isinstance(data, dict):
        raise StoreError(f"damaged store: not a table of records{suffix}", path=path)
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(rec, dict) for rec in table.values()):
            raise StoreError(f"damaged store: table {name!r} is not a set of records{suffix}", path=path)
    return data


def dump_tables(data: Tables) -> bytes:
    """The store as JSON with one record per line (see ``dump_lines``), as one piece."""
    return b"".join(dump_lines(data))


_LOOKUPS_BEFORE_A_MAP = 64


class Places:
    """Where each record of a stored table sits in the file: what ``StoredTable`` reads by."""

    def __init__(self, start: int = 0) -> None:
        self.start = start  # the table's first record line
        self.end = start  # its closing line
        self.names: list[str] = []  # the keys, in file order
        self._keys: dict[str, int] | None = {}  # key -> position; built when first needed
        self._lookups = 0
        self.offsets: array[int] = array("q")
        self.lengths: array[int] = array("q")
        self.order: array[int] = array("i")  # positions in the keys' sorted order (from a places file)

    @property
    def keys(self) -> dict[str, int]:
        """Each key's position. Read back from a places file, built on first use: a command that
        marks one paper of 100k looks up one key, and building the map is most of reading the file."""
        if self._keys is None:
            keys = dict(zip(self.names, range(len(self.names)), strict=True))
            if len(keys) != len(self.names):
                raise StoreError("damaged store: its places file names a record twice; run 'reader doctor'")
            self._keys = keys
        return self._keys

    def position(self, key: str) -> int | None:
        """Where ``key``'s record is in the lists, or None.

        The first lookups bisect the keys' sorted order kept in the places
        file; a caller that goes on looking (a rewrite, a whole list), or a key
        not found so, gets the map built once: a wrong order costs time, never
        a wrong answer.
        """
        if self._keys is None and self._lookups < _LOOKUPS_BEFORE_A_MAP and len(self.order) == len(self.names):
            self._lookups += 1
            names, order = self.names, self.order
            with contextlib.suppress(IndexError):  # an order that points past the keys: use the map
                at = bisect.bisect_left(order, key, key=names.__getitem__)
                if at < len(order) and names[order[at]] == key:
                    return order[at]
        return self.keys.get(key)

    def sorted_order(self) -> array[int]:
        """The positions of the keys in sorted order (kept in the places file for ``position``)."""
        return array("i", sorted(range(len(self.names)), key=self.names.__getitem__))

    def add(self, key: str, offset: int, length: int) -> bool:
        """Note a record; False if the table already had that key."""
        if self.keys.setdefault(key, len(self.offsets)) != len(self.offsets):
            return False
        self.names.append(key)
        self.offsets.append(offset)
        self.lengths.append(length)
        return True


_PLACES_MAGIC = b"reader places 3\n"


def pack_places(places: Mapping[str, Places], signature: tuple[int, int, int, int]) -> bytes:
    """The places of a file's stored tables, to keep beside it.

    A JSON header line (the file's signature; per table its start, end,
    record count and the size of its keys), then per table the keys joined by
    newlines and the raw bytes of the offsets, the lengths and the keys'
    sorted order: read back with a few slices.
    """
    tables: dict[str, dict[str, int]] = {}
    blobs: list[bytes] = []
    for name, table in places.items():
        keys = "\n".join(table.names).encode()
        tables[name] = {"start": table.start, "end": table.end, "count": len(table.names), "keys": len(keys)}
        order = table.order if len(table.order) == len(table.names) else table.sorted_order()
        blobs += [keys, table.offsets.tobytes(), table.lengths.tobytes(), order.tobytes()]
    return _PLACES_MAGIC + orjson.dumps({"signature": signature, "tables": tables}) + b"\n" + b"".join(blobs)


def unpack_places(raw: bytes, signature: tuple[int, int, int, int]) -> dict[str, Places] | None:
    """The places ``pack_places`` wrote, if they were written for the file with this signature.

    None for another file's places; ValueError (or another lookup error) for
    anything that does not fit the layout.
    """
    if not raw.startswith(_PLACES_MAGIC):
        raise ValueError("not a places file")
    end = raw.index(b"\n", len(_PLACES_MAGIC))
    header = orjson.loads(raw[len(_PLACES_MAGIC) : end])
    if header["signature"] != list(signature):
        return None
    view, position, found = memoryview(raw), end + 1, {}
    for name, table in header["tables"].items():
        count, size = int(table["count"]), int(table["keys"])
        places = Places(int(table["start"]))
        places.end = int(table["end"])
        keys = bytes(view[position : position + size]).decode()
        places.names = keys.split("\n") if count else []
        position += size
        for numbers in (places.offsets, places.lengths, places.order):
            numbers.frombytes(view[position : position + numbers.itemsize * count])
            position += numbers.itemsize * count
        places._keys = None
        if not count == len(places.names) == len(places.offsets) == len(places.lengths) == len(places.order):
            raise ValueError("places of unequal lengths")
        found[name] = places
    if position != len(raw):
        raise ValueError("bytes after the last table")
    return found


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


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, atomic replace, read cache keyed by the file's identity."""

    def __init__(
        self, path: str | Path, hint: str = "", stored: Collection[str] = (), places: Path | None = None, **_: Any
    ) -> None:
        self.path = Path(path)
        self.hint = hint
        self.stored = stored  # tables left in the file until a record is asked for (see StoredTable)
        self.places = places  # where the stored tables' record places are kept between opens
        self._cache: Tables | None = None
        self._signature: tuple[int, int, int, int] | None = None
        self._held = False  # inside ``batch``
        self._pending: Tables | None = None

    # A stored table is a read-only Mapping, not the dict TinyDB's Table API
    # would mutate: only ``Store`` reads and writes these files.
    def read(self) -> Tables | None:  # type: ignore[override]
        if self._pending is not None:
            return self._pending  # a batch's writes so far
        try:
            stat_result = self.path.stat()
        except FileNotFoundError:
            self._cache, self._signature = None, None
            return None
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror or exc}", path=self.path) from None
        signature = _signature(stat_result)
        if self._cache is None or signature != self._signature:
            self._cache = None  # a damaged file must not leave an older copy being served
            self._cache = self._load()
            self._signature = signature
        return self._cache

    def _load(self) -> Tables:
        """The file's tables: a record at a time when it has that layout, else whole."""
        try:
            with open_regular_file(self.path) as handle, gc_paused():
                known = self._known_places(os.fstat(handle.fileno())) if self.stored else None
                data = parse_lines(handle, self.stored, known)
                if data is None:
                    handle.seek(0)
                    return load_tables(self.path, handle.read(), self.hint)
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror or exc}", path=self.path) from None
        return data

    def _known_places(self, stat_result: os.stat_result) -> dict[str, Places] | None:
        """Where the last write put the stored tables' records, if it wrote the file that is there now."""
        if self.places is None:
            return None
        try:
            # Its records' places take 8 bytes each and their keys less than the records: never larger than the file.
            raw = read_regular_file(self.places, limit=stat_result.st_size + 4096)
            return unpack_places(raw, _signature(stat_result))
        except (OSError, orjson.JSONDecodeError, LookupError, TypeError, ValueError, OverflowError):
            return None  # missing, stale or damaged: the tables are scanned instead

    def _save_places(self, places: dict[str, Places], signature: tuple[int, int, int, int]) -> None:
        """Keep where the stored tables' records went, so the next open need not look for them."""
        if self.places is None:
            return
        with contextlib.suppress(OSError):  # without it the next open scans: slower, never wrong
            write_atomically(self.places, pack_places(places, signature))

    @contextlib.contextmanager
    def batch(self, finish: Callable[[Tables], Tables]) -> Iterator[None]:
        """Writes made inside (by TinyDB's table methods) are held, and land as one atomic write at the end.

        ``finish`` shapes the tables before that write (the schema stamp). If
        anything inside raises, nothing is written and the cache is dropped.
        """
        self._held, self._pending = True, None
        try:
            yield
            pending = self._held_tables()
        except BaseException:
            self.forget()
            raise
        finally:
            self._held, self._pending = False, None
        if pending is not None:
            self.write(finish(pending))

    def _held_tables(self) -> Tables | None:
        return self._pending

    def write(self, data: Tables) -> None:  # type: ignore[override]
        if self._held:  # inside ``batch``: kept until it ends
            self._pending = data
            return
        try:
            if self.path.exists() and not os.access(self.path, os.W_OK):
                raise PermissionError(13, "the store file is read-only")
            places = {name: Places() for name in self.stored}
            write_atomically(self.path, dump_lines(data, places))
            if places:
                cache, signature = self._reopened(data, places)
                self._save_places(places, signature)
            else:
                cache, signature = data, _signature(self.path.stat())
        except BaseException as exc:
            # TinyDB mutated the cached dict before calling us: forget it so
            # the next read sees what is really on disk.
            self.forget()
            if isinstance(exc, OSError):
                reason = exc.strerror or str(exc)
                raise StoreError(
                    f"change not saved: {reason}; the store on disk is unchanged", path=self.path
                ) from None
            raise
        self._cache = cache
        self._signature = signature

    def _reopened(self, data: Tables, places: dict[str, Places]) -> tuple[Tables, tuple[int, int, int, int]]:
        """The tables just written, their stored ones read from the new file (the lock keeps it ours)."""
        with self.path.open("rb") as handle:
            tables = {
                name: StoredTable(os.dup(handle.fileno()), places[name]) if name in self.stored else table
                for name, table in data.items()
            }
            return tables, _signature(os.fstat(handle.fileno()))

    def changed_on_disk(self) -> bool:
        """True when another process replaced the file since we last read it."""
        try:
            return _signature(self.path.stat()) != self._signature
        except OSError:
            return self._signature is not None

    def forget(self) -> None:
        """Drop the cache: the next read comes from disk (done under the lock before a change)."""
        self._cache, self._signature = None, None

    def close(self) -> None:
        self.forget()
