"""Which address of a paper a key copies or opens: its repository, its arXiv page, its PDF.

A paper's links come from its abstract and its source, in the order they were
written: the first "code" link is often a dataset or a deep ``/tree/main/...``
URL while the repository is the thing people copy. So the repository is picked
by where it lives (a source host before a model, a Space or a dataset) and
given as its root. Only ``http(s)`` addresses are ever handed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus

from reader.core.links import host_and_path
from reader.core.models import Link, Paper
from reader.core.urls import safe_url

_SOURCE_HOSTS = ("github.com", "gitlab.com", "codeberg.org", "bitbucket.org")
ARXIV = "https://arxiv.org"


def is_web(url: str) -> bool:
    """A web address (``urls.safe_url``): the only kind handed to a browser or the clipboard."""
    return safe_url(url) is not None


def _rank(link: Link) -> int:
    """Lower is more likely the code: a source host, then a model, a Space, a dataset."""
    try:
        host, path = host_and_path(link.url)
    except ValueError:
        return 9
    if host in _SOURCE_HOSTS:
        return 0
    if host == "huggingface.co":
        first = path.strip("/").split("/", 1)[0]
        return {"spaces": 2, "datasets": 3}.get(first, 1)
    return 4


def repository(paper: Paper) -> str | None:
    """The paper's code repository, as its root address (``https://github.com/owner/repo``)."""
    code = [link for link in paper.links if link.kind == "code" and is_web(link.url)]
    if not code:
        return None
    best = min(code, key=_rank)  # min keeps the first of equals: the order the authors wrote
    if best.repo:  # "owner/repo" (or "datasets/owner/name") on its host: the root, not a deep path
        return f"https://{host_and_path(best.url)[0]}/{best.repo}"
    return best.url


def best(paper: Paper) -> str | None:
    """What ``c`` copies and ``o`` opens: the repository, else a project page, else the first web link."""
    found = repository(paper)
    if found:
        return found
    web = [link for link in paper.links if is_web(link.url)]
    project = next((link.url for link in web if link.kind == "project"), None)
    return project or (web[0].url if web else None)


@dataclass(frozen=True, slots=True)
class Target:
    """An address to open, and what it is (said to the user)."""

    url: str
    what: str


def _hf_page(paper: Paper) -> str | None:
    for link in paper.links:
        try:
            host, path = host_and_path(link.url)
        except ValueError:
            continue
        if host == "huggingface.co" and path.startswith("/papers/") and is_web(link.url):
            return link.url
    return None


def _title_search(paper: Paper) -> Target | None:
    if not paper.title.strip():
        return None
    url = f"{ARXIV}/search/?searchtype=title&query={quote_plus(paper.title.strip())}"
    return Target(url, "no arXiv id known: an arXiv search for the title")


def arxiv_page(paper: Paper) -> Target | None:
    """The arXiv abstract page; else the Hugging Face paper page; else an arXiv search for the title."""
    if paper.arxiv_id:
        return Target(f"{ARXIV}/abs/{paper.arxiv_id}", "the arXiv page")
    hf = _hf_page(paper)
    return Target(hf, "the Hugging Face page (no arXiv id)") if hf else _title_search(paper)


def pdf(paper: Paper) -> Target | None:
    """The arXiv PDF; else the Hugging Face paper page; else an arXiv search for the title."""
    if paper.arxiv_id:
        return Target(f"{ARXIV}/pdf/{paper.arxiv_id}", "the PDF")
    hf = _hf_page(paper)
    return Target(hf, "the Hugging Face page (no arXiv id, so no PDF)") if hf else _title_search(paper)
