"""What a view says about one paper, in order: the labelled lines under its title.

The command line (``reader show``) and the app's detail pane both print these,
each in its own way (plain text, or styled with links that open on a click).
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.models import Entry


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    link: bool = False  # the value is an address (a view may make it clickable)


def facts(entry: Entry, authors: int | None = None) -> list[Fact]:
    """The labelled facts of a paper. What it lacks is left out, but for its tags and links: those come with
    an empty value, which a view may show as a dash or leave out. With ``authors``, at most that many names
    are listed and the rest counted."""
    paper, state = entry.paper, entry.state
    found = [Fact("id", paper.id)]
    if paper.arxiv_id:
        found.append(Fact("arXiv", paper.arxiv_id))
    if paper.authors:
        listed = paper.authors if authors is None else paper.authors[:authors]
        more = len(paper.authors) - len(listed)
        shown = ", ".join(listed) + (f" and {more} more" if more > 0 else "")
        found.append(Fact("authors", shown))
    if paper.published:
        found.append(Fact("published", paper.published[:10]))
    if paper.listing_date:
        found.append(Fact("listed", paper.listing_date))
    if paper.upvotes is not None:
        found.append(Fact("upvotes", str(paper.upvotes)))
    if paper.stars is not None:
        found.append(Fact("stars", str(paper.stars)))
    found.append(Fact("status", state.status + (", starred" if state.starred else "")
                      + (", skipped (not for me)" if state.skipped else "")))
    found.append(Fact("tags", ", ".join(state.tags)))
    found += [Fact(link.kind, link.url, link=True) for link in paper.links] or [Fact("links", "")]
    return found
