"""Read paper lists: detect the shape from the content, then parse it.

Every importer turns text into ``ParsedPaper`` records or raises
``InputError`` naming the file and the problem; none touches the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import InputError
from reader.core.importers import arxiv_atom, bibtex, hf_text, id_list, json_api, markdown_list, rss
from reader.core.importers._common import Progress
from reader.core.inputs import megabytes, read_limited
from reader.core.models import ParsedPaper

MAX_BYTES = 200 * 1024 * 1024  # one file
MAX_TOTAL_BYTES = 2 * MAX_BYTES  # every file of one import together

Parser = Callable[[str, Path], list[ParsedPaper]]

# Tried in order; the first whose ``sniff`` says yes parses the file. The
# structured shapes go first: they are recognised by their opening bytes.
_FORMATS: list[tuple[str, Callable[[str], bool], Parser]] = [
    ("paperswithcode-api", json_api.sniff_pwc, json_api.parse),
    ("openalex-api", json_api.sniff_openalex, json_api.parse),
    ("semantic-scholar-api", json_api.sniff_s2, json_api.parse),
    ("hf-api", json_api.sniff_hf, json_api.parse),
    ("arxiv-atom", arxiv_atom.sniff, arxiv_atom.parse),
    ("rss", rss.sniff, rss.parse),
    ("bibtex", bibtex.sniff, bibtex.parse),
    ("arxiv-ids", id_list.sniff, id_list.parse),
    ("markdown-list", markdown_list.sniff, markdown_list.parse),
    ("hf-page", hf_text.sniff, hf_text.parse),
]
_HTML = re.compile(r"\s*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_LONG_LINE = 1_000_000
_JSON = set(json_api.SHAPES)  # one reader tells these apart item by item, and counts the items it reads
_ONE_LINE_OK = {*_JSON, "arxiv-atom", "rss"}  # minified JSON and XML are one line


@dataclass(frozen=True, slots=True)
class ParsedFile:
    path: Path
    format: str
    papers: list[ParsedPaper]


def decode(raw: bytes, path: Path) -> str:
    """Text from bytes: UTF-8 (with or without BOM), refusing binary files."""
    if not raw.strip():
        raise InputError("empty file: no papers in it", path=path)
    if b"\x00" in raw[:65536]:
        raise InputError("binary file, not a text paper list", path=path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"not valid UTF-8 (byte {exc.start})", path=path, line=line) from None
    if "\r" not in text:  # one fast scan; replacing "\r\n" scans a big file slowly even when there is none
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect(text: str) -> str | None:
    """The name of the shape ``text`` is in, or None."""
    for name, sniff, _ in _FORMATS:
        if sniff(text):
            return name
    return None


def parse_text(text: str, path: Path, progress: Progress | None = None) -> ParsedFile:
    """Detect the shape and parse; any failure is an ``InputError`` naming ``path``.

    ``progress(done, total)`` counts the items read, for the JSON shapes.
    """
    if _HTML.match(text[:4096]):
        raise InputError(
            "an HTML page, not a paper list: copy the page as text, or save the daily-papers API JSON",
            path=path,
            line=1,
        )
    for name, sniff, parse in _FORMATS:
        if sniff(text):
            if name not in _ONE_LINE_OK:
                _refuse_long_lines(text, path)
            try:
                if name in _JSON:
                    name, papers = json_api.parse_json(text, path, progress)
                else:
                    papers = parse(text, path)
            except RecursionError:
                raise InputError(f"nested too deeply to read as {name}", path=path) from None
            if not papers:
                raise InputError(f"no papers found in this {name} file", path=path)
            return ParsedFile(path=path, format=name, papers=papers)
    raise InputError(_not_a_list(text), path=path)


def _refuse_long_lines(text: str, path: Path) -> None:
    """Text shapes never hold a megabyte on one line; refuse before parsing one."""
    if len(text) <= _LONG_LINE:
        return
    longest, number = max((len(line), number) for number, line in enumerate(text.split("\n"), start=1))
    if longest > _LONG_LINE:
        raise InputError(f"a line of {longest:,} characters: not a paper list", path=path, line=number)


def _not_a_list(text: str) -> str:
    """Say why nothing matched, with what the file looks like when that helps."""
    message = (
        "not a paper list: expected a Hugging Face papers page (text or Markdown), daily-papers or "
        "Papers with Code JSON, an arXiv Atom feed, an RSS feed, BibTeX, or a list of arXiv ids"
    )
    longest = max((len(line) for line in text.split("\n", 1000)[:1000]), default=0)
    if longest > _LONG_LINE:
        message += f" (it has a line of {longest:,} characters)"
    return message


def read_file(path: Path, progress: Progress | None = None) -> ParsedFile:
    """Parse one file, or raise ``InputError`` naming it; ``progress`` as for ``parse_text``."""
    raw = read_limited(path, MAX_BYTES)
    text = decode(raw, path)
    del raw  # a big file is held once, not twice, while it is parsed
    return parse_text(text, path, progress)


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named, plus the files inside directories named (sorted, hidden ones skipped).

    What is not a regular file inside a directory (a FIFO, a socket) is
    skipped; named on its own, ``read_file`` refuses it. All the files
    together may hold at most ``MAX_TOTAL_BYTES``: their papers are held in
    memory until the one write.
    """
    files: list[Path] = []
    total = 0
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not inside:
                raise InputError("directory holds no files", path=path)
            files.extend(inside)
            total += sum(_size(p) for p in inside)
        else:
            files.append(path)
            total += _size(path)
    if total > MAX_TOTAL_BYTES:
        where = paths[0] if len(paths) == 1 else None
        raise InputError(
            f"{len(files)} files of {megabytes(total)} in all: more than the {megabytes(MAX_TOTAL_BYTES)} "
            "one import reads; import them in parts",
            path=where,
        )
    return files


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0  # read_file says what is wrong with it
