"""How a store lies in its sync repository: one record a line, in files small enough that a change stays small.

Git keeps every version of a file whole (a pack sent to a remote is
delta-compressed, but completed with the whole base when it lands), so a
repository holding ``library.json`` itself would grow by the whole store at
every sync, and by megabytes for one note of a large library. Instead each
table of the store (``papers``, ``abstracts``, ``state``) is cut into
``SHARDS`` files by a hash of the paper id, ``papers/1f/2a.jsonl``: a note
changes one small file, and a sync commits, sends and stores about that.

Each line is one record as the store writes it, wrapped to be a JSON object
of its own (``{"2401.00001":{"title":...}}``), and lines are sorted by id, so
git shows a change as the lines of the papers it touched. Every paper's
records (its paper, abstract and reading state) sit at the same shard
number in each table, which lets a merge see a paper whole.

``order/<added_at>.txt`` lists, once per import, its papers in the order the
store holds them: a machine that receives them lists them the same way.
``reader.json`` says what the repository holds, for a reader to refuse a
newer layout rather than misread it.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

SHARDS = 4096
TABLES = ("papers", "abstracts", "state")
ORDER = "order"
INFO = "reader.json"
LAYOUT = 1  # the version of this layout

Record = dict[str, Any]


def shard_of(paper_id: str) -> int:
    """Where a paper's records sit in every table: a stable hash of its id (the same on every machine)."""
    return zlib.crc32(paper_id.encode("utf-8", "surrogateescape")) % SHARDS


def path_of(table: str, shard: int) -> str:
    return f"{table}/{shard >> 6:02x}/{shard & 63:02x}.jsonl"


_PATH = re.compile(r"^(papers|abstracts|state)/([0-9a-f]{2})/([0-9a-f]{2})\.jsonl$")


def parse_path(path: str) -> tuple[str, int] | None:
    """The table and shard a repository path holds, or None for another file."""
    match = _PATH.match(path)
    if match is None:
        return None
    high, low = int(match.group(2), 16), int(match.group(3), 16)
    if high >= SHARDS >> 6 or low >= 64:
        return None
    return match.group(1), high << 6 | low


def encode(records: Mapping[str, Record]) -> bytes:
    """A shard's text: its records sorted by id, one a line."""
    return b"".join(orjson.dumps({pid: records[pid]}) + b"\n" for pid in sorted(records))


def lines(blob: bytes, where: str) -> dict[str, bytes]:
    """A shard's records by id, each still the JSON text it has in its line: compared as text, parsed when needed.

    ``ValueError`` naming ``where`` for a line that is not one record.
    """
    found: dict[str, bytes] = {}
    for number, line in enumerate(blob.splitlines(), start=1):
        end = line.find(b'":', 2)
        key = line[2:end]
        if line.startswith(b'{"') and line.endswith(b"}") and end > 0 and b"\\" not in key and b'"' not in key:
            found[key.decode("utf-8", "surrogateescape")] = line[end + 2 : -1]
            continue
        try:  # an id with escapes in it: the slow way
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            item = None
        if not isinstance(item, dict) or len(item) != 1:
            raise ValueError(f"{where}: line {number} is not one record")
        ((pid, record),) = item.items()
        found[pid] = orjson.dumps(record)
    return found


def parse(text: bytes, where: str) -> Record:
    """One record of a shard (its text from ``lines``)."""
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError:
        record = None
    if not isinstance(record, dict):
        raise ValueError(f"{where}: a line is not one record")
    return record


def order_path(added_at: str) -> str:
    """The order file of the papers added at ``added_at`` (characters a file name cannot hold are replaced)."""
    return f"{ORDER}/{re.sub(r'[^0-9A-Za-z.-]', '_', added_at or 'unknown')}.txt"


def encode_order(ids: Iterable[str]) -> bytes:
    return b"".join(pid.encode("utf-8", "surrogateescape") + b"\n" for pid in ids)


def decode_order(blob: bytes) -> list[str]:
    return [line.decode("utf-8", "surrogateescape") for line in blob.splitlines() if line]


def info(schema: int) -> bytes:
    return orjson.dumps({"reader": "library", "layout": LAYOUT, "schema": schema}, option=orjson.OPT_INDENT_2) + b"\n"
