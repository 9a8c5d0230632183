"""Where the tests' inputs live: our own made-up fixtures always, the real files in ../shared when present.

The real inputs (described in ../shared/realworld/README.md) are not ours: tests read them where they
are and never copy their text into the project. Every test that reads one also runs on a fixture of
ours in the same shape, so a clone without ../shared runs the whole suite. ``READER_SHARED`` names
another place for them; ``READER_SHARED=/nonexistent`` runs the suite as such a clone would.

A real file that is absent gives no test case at all (``if_present``), never a skip.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
IMPORTERS = FIXTURES / "importers"
SHARED = Path(os.environ.get("READER_SHARED") or REPO.parent / "shared")
SEED = SHARED / "seeds" / "000_7bfbc06375f7ab90.txt"
REALWORLD = SHARED / "realworld"


def real(name: str) -> Path:
    """A file of ../shared/realworld (which may be absent)."""
    return REALWORLD / name


def if_present(case: ParameterSet, *needs: Path) -> list[ParameterSet]:
    """``[case]`` when the files it reads are all here, else no case.

    The files are ``needs``, or else the paths among the case's values and the pages' paths.
    """
    files = list(needs) or [v.path if isinstance(v, Page) else v for v in case.values if isinstance(v, Path | Page)]
    assert files, f"case {case.id} names no file to look for"
    return [case] if all(path.is_file() for path in files) else []


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: it holds a dict
class Page:
    """A Hugging Face papers page saved as plain text, and the facts about it that tests rely on."""

    id: str
    path: Path
    count: int  # papers on the page
    first: str  # how the first paper's title starts
    target: str  # how the title of the paper the tests star, copy and open starts
    target_query: str  # a word only that paper holds
    target_code: str  # that paper's code link: the one it has
    target_title: str  # the start of its title, with the two words ``typo`` stands for
    typo: str  # a misspelt query that finds the target first
    typo_queries: dict[str, tuple[str, ...]]  # misspelt queries, and title starts one of the top three has
    long_query: str  # a query of several common words ...
    long_query_hit: str  # ... that finds the paper whose title starts so first
    related_hit: str  # a title fragment among the three papers most related to that paper
    shared_word: str  # a word of the target that some papers with a code link and without ``excluded`` hold
    phrase: str  # a hyphenated phrase some papers hold, the target among them
    excluded: str  # a word the target holds and some papers with ``phrase`` do not
    title_words: tuple[str, ...]  # words in some titles and, elsewhere, only in abstracts
    citation: str  # a bracketed citation one abstract holds ...
    citation_word: str  # ... and the word that finds that paper alone


OUR_PAGE = Page(
    id="ours",
    path=FIXTURES / "hf_page.txt",
    count=60,
    first="Murmuration",
    target="Ripple4D",
    target_query="ripple4d",
    target_code="https://github.com/ripple4d-team/ripple4d",
    target_title="Ripple4D: Partition-and-Merge Gaussian Splatting for Compact",
    typo="gausian splating",
    typo_queries={
        "gausian splating": ("Ripple4D",),
        "mixture of experts training system": ("Switchyard",),
        "theorem prover lean": ("Lemmata", "Sketch-to-Proof"),
    },
    long_query="mixture of experts training system",
    long_query_hit="Switchyard",
    related_hit="Router Balancing",
    shared_word="partition",
    phrase="partition-and-merge",
    excluded="gaussian",
    title_words=("partition", "learning", "reasoning", "retrieval"),
    citation="[Kovalevskaya, 1889]",
    citation_word="kovalevskaya",
)

REAL_PAGE = Page(
    id="real",
    path=SEED,
    count=100,
    first="AlignHuman",
    target="Swift4D",
    target_query="swift4d",
    target_code="https://github.com/WuJH2001/swift4d",
    target_title="Swift4D:Adaptive divide-and-conquer Gaussian Splatting for compact",
    typo="gausian splating",
    typo_queries={
        "gausian splating": ("Swift4D",),
        "mixture of experts training system": ("SE-MoE",),
        "theorem prover lean": ("LeanDojo", "LeanAgent"),
    },
    long_query="mixture of experts training system",
    long_query_hit="SE-MoE",
    related_hit="Load Balancing",
    shared_word="divide",
    phrase="divide-and-conquer",
    excluded="gaussian",
    title_words=("conquer", "divide", "language", "learning"),
    citation="[Erdos, 1945]",
    citation_word="erdos",
)

PAGES = [OUR_PAGE, *([REAL_PAGE] if REAL_PAGE.path.is_file() else [])]


def page_cases() -> list[ParameterSet]:
    """One case per page: ours, and the real seed page when it is here."""
    return [pytest.param(page, id=page.id) for page in PAGES]
