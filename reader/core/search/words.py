"""The words of a text as search sees them: folded, split, hyphenated compounds both ways."""

from __future__ import annotations

import re

from reader.core.text import fold

STOP = frozenset(
    "a an and are as at be by for from has have in into is it its of on or our that the this to we with".split()
)
_WORD = re.compile(r"[0-9a-z]+(?:[-'][0-9a-z]+)*")
_JOINERS = re.compile(r"[-']")
# Every ASCII character that cannot be part of a word becomes a space.
_SEPARATORS = str.maketrans({chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) in "-'")})


def folded(text: str) -> str:
    """Lower case without accents (``fold``), skipping the Unicode walk for ASCII text."""
    return text.lower() if text.isascii() else fold(text)


def words_of(text: str) -> list[str]:
    """The searchable words of ``text`` in order: ``state-of-the-art`` gives its parts and ``stateoftheart``.

    Building the index at 100k papers is dominated by this function, so ASCII
    text is split by one translate-and-split pass (C speed); only tokens
    holding a hyphen or an apostrophe, and non-ASCII text, go through the regex.
    """
    text = folded(text)
    if text.isascii():
        tokens = text.translate(_SEPARATORS).split()
        if "-" not in text and "'" not in text:  # every other separator became a space: all tokens are words
            return tokens
    else:
        tokens = [text]
    found: list[str] = []
    for token in tokens:
        if token.isascii() and token.isalnum():
            found.append(token)
            continue
        for word in _WORD.findall(token):
            if "-" in word or "'" in word:
                parts = _JOINERS.split(word)
                found.extend(parts)
                found.append("".join(parts))
            else:
                found.append(word)
    return found


def query_words(query: str) -> list[str]:
    """The words of a query worth matching: stop words only count when nothing else is left."""
    words = list(dict.fromkeys(words_of(query)))
    meaningful = [w for w in words if w not in STOP]
    return meaningful or words
