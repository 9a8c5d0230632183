"""What a subscription names: Hugging Face daily papers, an arXiv category or query, a feed URL.

A subscription is written as one line of text, the same in the settings file
(``[subscriptions]``, ``name = "spec"``) and on the command line
(``reader subscribe SPEC``):

- ``huggingface`` (or ``hf``): the Hugging Face daily papers, day by day;
- ``arxiv:cs.CL``: an arXiv category (an archive such as ``hep-th``, or
  ``archive.SUB``), newest submissions through the arXiv API;
- ``arxiv:au:hinton``, ``arxiv:ti:"gaussian splatting"``: an arXiv API query;
- ``https://example.org/feed.xml`` (or ``feed:URL``): an RSS or Atom feed.

Its progress (what was fetched up to where) is kept in the store, keyed by
the spec's canonical text: renaming a subscription keeps its progress.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

Kind = Literal["huggingface", "arxiv-category", "arxiv-query", "feed"]

# arXiv's archives (https://arxiv.org/category_taxonomy): a category is one of them, or ``archive.SUB``.
ARXIV_ARCHIVES = frozenset({
    "astro-ph", "cond-mat", "cs", "econ", "eess", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math",
    "math-ph", "nlin", "nucl-ex", "nucl-th", "physics", "q-bio", "q-fin", "quant-ph", "stat",
})
_CATEGORY = re.compile(r"^([a-z]+(?:-[a-z]+)?)(?:\.([A-Za-z]{1,3}(?:-[A-Za-z]+)?))?$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


@dataclass(frozen=True, slots=True)
class Subscription:
    name: str
    kind: Kind
    target: str  # the category, the query or the URL; "" for Hugging Face

    @property
    def spec(self) -> str:
        """The canonical text: what the settings file holds and what its progress is keyed by."""
        if self.kind == "huggingface":
            return "huggingface"
        if self.kind == "feed":
            return self.target
        return f"arxiv:{self.target}"

    def describe(self) -> str:
        what = {
            "huggingface": "Hugging Face daily papers",
            "arxiv-category": f"arXiv category {self.target}",
            "arxiv-query": f"arXiv query {self.target}",
            "feed": f"feed {self.target}",
        }
        return what[self.kind]


def parse_spec(text: str) -> tuple[Kind, str]:
    """The kind and target of a subscription's text; ``ValueError`` says what is wrong."""
    spec = " ".join(text.split())
    lowered = spec.lower()
    if lowered in ("huggingface", "hf", "hf:daily", "huggingface:daily"):
        return "huggingface", ""
    if lowered.startswith("feed:"):
        return "feed", _feed_url(spec[5:].strip())
    if lowered.startswith(("http://", "https://")):
        return "feed", _feed_url(spec)
    if lowered.startswith("arxiv:"):
        target = spec[6:].strip()
        if not target:
            raise ValueError("arxiv: needs a category (arxiv:cs.CL) or a query (arxiv:au:hinton)")
        match = _CATEGORY.match(target)
        if match and match.group(1) in ARXIV_ARCHIVES:
            return "arxiv-category", target
        if target.count('"') % 2:
            raise ValueError(f"unclosed quote in the arXiv query {target!r}")
        return "arxiv-query", target
    raise ValueError(
        f"{text!r} is not a subscription: use huggingface, arxiv:CATEGORY (arxiv:cs.CL), "
        "arxiv:QUERY (arxiv:au:hinton) or a feed URL (https://...)"
    )


def _feed_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValueError(f"{url!r} is not an http:// or https:// feed URL")
    return url


def check_spec(value: object) -> str:
    """The settings' check of one subscription: its canonical text."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a subscription such as 'huggingface', 'arxiv:cs.CL' or a feed URL")
    kind, target = parse_spec(value)
    return Subscription("x", kind, target).spec


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a subscription name (letters, digits, '.', '-', '_'; at most 40)")
    return name


def default_name(kind: Kind, target: str) -> str:
    """A name for a new subscription: ``huggingface``, ``cs.CL``, ``au-hinton``, the feed's host."""
    if kind == "huggingface":
        return "huggingface"
    if kind == "feed":
        host = (urlsplit(target).hostname or "feed").removeprefix("www.")
        return _slug(host)
    return _slug(target)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-.")[:40].strip("-.")
    return slug or "subscription"


def from_settings(table: Mapping[str, str]) -> list[Subscription]:
    """The subscriptions of the settings (``{name: spec}``, already checked), in the file's order."""
    found = []
    for name, spec in table.items():
        kind, target = parse_spec(spec)
        found.append(Subscription(name, kind, target))
    return found
