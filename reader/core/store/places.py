"""Where each record of a stored table sits in its file, and the places file that keeps them between opens.

A stored table (``lines.StoredTable``) reads a record by its offset and
length. The places are noted at each write and kept beside the store in a
small binary file, keyed by the store file's signature: the next open need
not scan the table to find them. They are trusted only as far as each read
agrees (``StoredTable`` checks every record it reads and scans again if not).
"""

from __future__ import annotations

import bisect
import contextlib
from array import array
from collections.abc import Mapping

import orjson

from reader.core.errors import StoreError

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

