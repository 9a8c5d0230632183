"""The watch list: authors and keywords from the settings that mark a paper and lift it in the ranking.

An author matches when a paper's author name holds the watched name as whole
words, accents and case aside (``hinton`` matches "Geoffrey E. Hinton", not
"Hintonson"); a keyword matches when the title or abstract holds it as whole
words (``gaussian splatting``, hyphens as spaces). The abstract is read only
for keywords: a watch list of authors alone never reads one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reader.core.models import Entry
from reader.core.text import fold


def _pattern(phrase: str) -> re.Pattern[str] | None:
    words = re.findall(r"[0-9a-z]+", fold(phrase))
    if not words:
        return None
    return re.compile(r"(?<![0-9a-z])" + r"[\s\-_]+".join(map(re.escape, words)) + r"(?![0-9a-z])")


class WatchList:
    """Compiled once per settings; ``matches`` says what of the list a paper matches."""

    def __init__(self, authors: Sequence[str] = (), keywords: Sequence[str] = ()) -> None:
        self.authors = tuple(authors)
        self.keywords = tuple(keywords)
        self._authors = [(a, p) for a in self.authors if (p := _pattern(a))]
        self._keywords = [(k, p) for k in self.keywords if (p := _pattern(k))]

    @property
    def empty(self) -> bool:
        return not (self._authors or self._keywords)

    def matches(self, entry: Entry) -> list[str]:
        """``author X`` / ``keyword Y`` for each watched name or phrase the paper holds."""
        found: list[str] = []
        if self._authors and entry.paper.authors:
            names = fold(" | ".join(entry.paper.authors))
            found += [f"author {name}" for name, pattern in self._authors if pattern.search(names)]
        if self._keywords:
            paper = entry.paper
            text = fold(f"{paper.title} \n {paper.abstract}")
            found += [f"keyword {word}" for word, pattern in self._keywords if pattern.search(text)]
        return found

    def watched(self, entry: Entry) -> bool:
        return bool(self.matches(entry))
