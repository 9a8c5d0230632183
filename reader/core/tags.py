"""Tags as people type them."""

from __future__ import annotations

from collections.abc import Iterable


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as typed, trimmed, without repeats (first spelling wins, case-insensitively)."""
    seen: dict[str, str] = {}
    for raw in tags:
        for tag in raw.replace(",", " ").split():
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


def split_tag_line(line: str) -> list[str]:
    """The tags of a typed line: separated by commas or spaces; ``"deep learning"`` is one tag.

    An unclosed quote runs to the end of the line (nothing typed is dropped).
    """
    found: list[str] = []
    current: list[str] = []
    quote: str | None = None
    quoted = False  # the current tag had quotes: keep it even if empty-looking spaces sit inside
    for char in line:
        if quote:
            if char == quote:
                quote = None
            else:
                current.append(char)
        elif char == '"' and (not current or current == ["-"]):
            quote, quoted = char, True
        elif char == "," or char.isspace():
            if current or quoted:
                found.append("".join(current))
            current, quoted = [], False
        else:
            current.append(char)
    if current or quoted:
        found.append("".join(current))
    return [" ".join(tag.split()) for tag in found if tag.strip()]


def parse_tag_line(line: str) -> tuple[str, ...]:
    """A paper's whole tag list from a typed line (see ``split_tag_line``), without repeats."""
    seen: dict[str, str] = {}
    for tag in split_tag_line(line):
        seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


def parse_tag_changes(line: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Tags to add and to remove from a typed line: ``rl -draft "deep learning"`` adds two, removes one."""
    add: dict[str, str] = {}
    remove: dict[str, str] = {}
    for tag in split_tag_line(line):
        if tag.startswith("-") and len(tag) > 1:
            name = tag[1:].strip()
            remove.setdefault(name.casefold(), name)
            add.pop(name.casefold(), None)
        else:
            add.setdefault(tag.casefold(), tag)
            remove.pop(tag.casefold(), None)
    return tuple(add.values()), tuple(remove.values())


def apply_tag_changes(tags: Iterable[str], add: Iterable[str], remove: Iterable[str]) -> tuple[str, ...]:
    """``tags`` with ``add`` appended (no repeats) and ``remove`` taken out, case-insensitively."""
    gone = {tag.casefold() for tag in remove}
    kept = [tag for tag in tags if tag.casefold() not in gone]
    return normalise_words([*kept, *add])


def normalise_words(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags without repeats (first spelling wins, case-insensitively); a tag may hold spaces."""
    seen: dict[str, str] = {}
    for tag in tags:
        tag = " ".join(tag.split())
        if tag:
            seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


def format_tags(tags: Iterable[str]) -> str:
    """Tags as the tag line reads them back: a tag with a space or a comma in quotes."""
    return ", ".join(f'"{tag}"' if any(c.isspace() or c == "," for c in tag) and '"' not in tag else tag
                     for tag in tags)
