"""One Markdown file per paper with YAML front matter, for Obsidian-style vaults.

The front matter holds what a vault queries (id, title, arxiv, authors,
status, starred, tags, links, added). Every string is written as a YAML
double-quoted scalar with JSON-style escapes, so titles holding ``: ``,
``#``, quotes or a leading ``[`` stay strings and never become YAML structure.

File names come from the title, keep only letters, digits and a few safe
marks, stay under 150 bytes, and are unique without regard to case. A file
already in the folder is replaced only when its front matter names the same
paper id: a re-export refreshes our files but never overwrites a note the
user wrote or another paper's file (that paper gets ``Title (id).md``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from reader.core.errors import StoreError
from reader.core.exporters.markdown import PaperTemplate, escape_md, md_url, quote_block
from reader.core.models import Entry
from reader.core.store.files import fsync_directory, write_target
from reader.core.store.layout import temp_prefix

MAX_NAME_BYTES = 150
_UNSAFE_NAME = re.compile(r"[^\w\s\-(),']+")
_SPACES = re.compile(r"[\s_]+")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# Characters PyYAML (YAML 1.1) refuses raw in a stream: escape them as \uXXXX.
_YAML_UNPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ID_LINE = re.compile(r'^id: "((?:[^"\\]|\\.)*)"\s*$', re.MULTILINE)


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``text``."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _yaml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(yaml_string(item) for item in items) + "]"


def front_matter(entry: Entry) -> str:
    paper, state = entry.paper, entry.state
    lines = [
        "---",
        f"id: {yaml_string(paper.id)}",
        f"title: {yaml_string(' '.join(paper.title.split()))}",
        f"arxiv: {yaml_string(paper.arxiv_id) if paper.arxiv_id else 'null'}",
        f"authors: {_yaml_list(paper.authors)}",
        f"status: {yaml_string(state.status)}",
        f"starred: {'true' if state.starred else 'false'}",
        f"tags: {_yaml_list(state.tags)}",
        f"links: {_yaml_list([link.url for link in paper.links])}",
        f"added: {yaml_string(paper.added_at)}",
        "---",
    ]
    return "\n".join(lines)


def body(entry: Entry, template: PaperTemplate | None = None) -> str:
    """The note under the front matter: the template's, else a heading, links, abstract and note."""
    if template is not None:
        return template.render(entry)
    paper = entry.paper
    blocks = [f"# {escape_md(paper.title)}"]
    links = [f"- {link.kind}: {md_url(link.url)}" for link in paper.links]
    if paper.arxiv_id:
        links.insert(0, f"- arXiv: {md_url('https://arxiv.org/abs/' + paper.arxiv_id)}")
    if links:
        blocks.append("\n".join(links))
    if paper.abstract.strip():
        blocks += ["## Abstract", escape_md(paper.abstract)]
    if entry.state.note.strip():
        blocks += ["## Note", quote_block(entry.state.note)]
    return "\n\n".join(blocks)


def paper_file(entry: Entry, template: PaperTemplate | None = None) -> str:
    return f"{front_matter(entry)}\n\n{body(entry, template)}\n"


def _clip(text: str, limit: int) -> str:
    encoded = text.encode()[:limit]
    return encoded.decode(errors="ignore").strip(" -")


def safe_stem(text: str) -> str:
    """A file name stem from a title or id: no separators, dots, or Obsidian link marks."""
    cleaned = _SPACES.sub(" ", _UNSAFE_NAME.sub(" ", text)).strip(" -")
    return _clip(cleaned, MAX_NAME_BYTES)


def _owner(path: Path) -> str | None:
    """The paper id in an existing file's front matter, or None if it is not one of ours."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return None
    if not head.startswith("---\n"):
        return None
    match = _ID_LINE.search(head.split("\n---", 1)[0])
    if not match:
        return None
    try:
        owner = json.loads(f'"{match.group(1)}"')
    except ValueError:
        return None
    return owner if isinstance(owner, str) else None


def _candidates(entry: Entry) -> Iterator[str]:
    """``Title``, then ``Title (id)``, then ``Title (id) 2``... (lazily: most papers take the first)."""
    stem = safe_stem(entry.paper.title) or safe_stem(entry.id) or "paper"
    yield stem
    with_id = f"{_clip(stem, MAX_NAME_BYTES - 40)} ({safe_stem(entry.id)})"
    yield with_id
    for number in range(2, 1000):
        yield f"{with_id} {number}"


def file_names(entries: Sequence[Entry], directory: Path) -> dict[str, Path]:
    """Paper id -> file path: from the title, with ``(id)`` added when the name is taken."""
    taken: set[str] = set()
    names: dict[str, Path] = {}
    for entry in entries:
        for candidate in _candidates(entry):
            path = directory / f"{candidate}.md"
            if candidate.casefold() in taken or candidate.casefold() in _RESERVED:
                continue
            if path.exists() and _owner(path) != entry.id:
                continue
            taken.add(candidate.casefold())
            names[entry.id] = path
            break
        else:  # pragma: no cover - a thousand foreign files with one paper's name
            raise StoreError(f"no free file name for {entry.id}", path=directory)
    return names


def write_vault(entries: Sequence[Entry], directory: Path, template: PaperTemplate | None = None) -> list[Path]:
    """Write one file per paper into ``directory`` (created if its parent exists), each atomically."""
    directory = directory.expanduser()
    if directory.exists() and not directory.is_dir():
        raise StoreError("is not a directory; --per-paper takes a folder", path=directory)
    try:
        directory.mkdir(exist_ok=True)
    except FileNotFoundError:
        raise StoreError(f"directory {directory.parent} does not exist", path=directory) from None
    except OSError as exc:
        raise StoreError(f"cannot create the folder: {exc.strerror or exc}", path=directory) from None
    by_id = {entry.id: entry for entry in entries}
    written: list[Path] = []
    for entry_id, path in file_names(entries, directory).items():
        try:
            _replace(path.absolute(), paper_file(by_id[entry_id], template).encode())
        except OSError as exc:
            raise StoreError(f"cannot write: {exc.strerror or exc}", path=path) from None
        written.append(path)
    try:
        fsync_directory(directory)
    except OSError as exc:
        raise StoreError(f"cannot sync the folder: {exc.strerror or exc}", path=directory) from None
    return written


def _replace(path: Path, payload: bytes) -> None:
    """Temp file + rename, without an fsync per file: a reader never sees half a file, and an
    export can be redone, so an fsync per file is not worth its time; the folder is
    synced once at the end."""
    target = write_target(path)
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
