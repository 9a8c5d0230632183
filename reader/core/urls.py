"""What a link may be: the one rule for every place that keeps, opens, copies or exports one.

Kept apart from ``links`` (which finds and classifies links in text) so the
models can ask it without importing the importers' machinery.
"""

from __future__ import annotations

import re

_WEB_URL = re.compile(r"https?://[^\s/?#@:]+(?:[:/?#]|\Z)", re.IGNORECASE)  # a scheme we open, then a host


def canonical(url: str) -> str:
    """The form used to tell two links apart."""
    if url[:4].lower() == "www.":  # as url.lower().startswith("www."): only w, W and . lower to w and .
        url = "https://" + url
    return url


def safe_url(url: str) -> str | None:
    """``url`` if it is a web address to keep, open or copy (http, https, or ``www.`` made https), else None.

    Nothing a browser or a command line would read another way gets
    through: no other scheme (``javascript:``, ``file:``, ``data:``), no
    option (a value starting with ``-``), no space or control character.
    """
    url = canonical(url.strip())
    if not _WEB_URL.match(url) or not url.isprintable() or " " in url:
        return None
    return url
