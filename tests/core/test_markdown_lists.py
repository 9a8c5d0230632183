"""A Markdown list of papers (an awesome-list README): each linked paper, never a heading, never a badge."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core import library
from reader.core.importers import detect, parse_text, read_file
from reader.core.store import Store
from tests.realfiles import IMPORTERS

README = IMPORTERS / "awesome_readme.md"
SECTIONS = {"Awesome Pocket Reasoners", "Contents", "Scope", "Surveys", "Papers", "Elsewhere", "License"}


def test_each_linked_paper_with_its_title_from_the_link_or_the_row() -> None:
    parsed = read_file(README)
    assert parsed.format == "markdown-list"
    assert [(p.arxiv_id, p.title, p.stub) for p in parsed.papers] == [
        ("2502.01111", "A Field Guide to Pocket Reasoners", False),  # the link's words
        ("2501.02222", "Tiny Chains of Thought: A Survey", False),  # the item's bold text: [[paper]] names nothing
        ("2412.03333", "Reasoning _on_ a Budget", False),  # Markdown escapes read
        ("2505.15799", "Distilled Deliberation for Pocket Models", False),  # the row's Title cell
        ("2504.04444", "Mini-R: Reasoning in 500M Parameters", False),
        ("2503.05555", "Lean Tutors for Little Models", False),  # two links to one paper: one paper
        ("2502.06666", "arXiv:2502.06666", True),  # an empty Title cell: only the id is known
        ("2501.07777", "arXiv:2501.07777", True),  # a bare URL
        ("2501.08888", "arXiv:2501.08888", True),  # "HF page" is no title
    ]
    links = {p.arxiv_id: [(link.url, link.kind) for link in p.links[1:]] for p in parsed.papers}
    assert links["2501.02222"] == [("https://github.com/tiny-cot/survey", "code")]
    assert links["2505.15799"] == [("https://github.com/made-up/distilled-deliberation", "code")]
    assert links["2503.05555"] == [("https://lean-tutors.github.io/", "project")]
    assert links["2502.01111"] == links["2504.04444"] == []


def test_headings_are_never_papers_and_a_badge_never_names_one() -> None:
    papers = read_file(README).papers
    assert not SECTIONS & {p.title for p in papers}
    # the badge beside the list's title links 2505.15799: that paper keeps its own title from the table
    (badged,) = [p for p in papers if p.arxiv_id == "2505.15799"]
    assert badged.title == "Distilled Deliberation for Pocket Models"
    assert all("shields.io" not in link.url and "awesome.re" not in link.url for p in papers for link in p.links)


def test_stubs_are_filled_in_by_a_later_import(tmp_path: Path, store: Store) -> None:
    library.import_paths(store, [README])
    api = tmp_path / "daily.json"
    api.write_text(json.dumps([
        {"paper": {"id": "2502.06666", "title": "Small Proof Sketches", "summary": "We sketch proofs.",
                   "authors": [{"name": "Ann Bee"}]}},
        {"paper": {"id": "2505.15799", "title": "Distilled Deliberation for Pocket Models",
                   "summary": "We distil.", "authors": [{"name": "Cy Dee"}]}},
    ]))
    plan = library.import_paths(store, [api])
    assert (plan.total.new, plan.total.updated) == (0, 2)
    filled = store.entry("2502.06666").paper
    assert (filled.title, filled.stub, filled.abstract, filled.authors) == (
        "Small Proof Sketches", False, "We sketch proofs.", ("Ann Bee",),
    )
    assert store.entry("2505.15799").paper.authors == ("Cy Dee",)
    assert store.count() == 9


def test_a_list_that_links_papers_only_in_its_prose_gives_stubs(tmp_path: Path) -> None:
    text = (
        "# Reading group\n\n## Week 1\n\n"
        "- We read [the survey everyone cites](https://arxiv.org/abs/2401.00001) and a follow-up.\n\n"
        "## Week 2\n\nThis week builds on [prior work](https://arxiv.org/abs/2401.00002).\n\n## Week 3\n"
    )
    papers = parse_text(text, tmp_path / "group.md").papers
    assert [(p.arxiv_id, p.title, p.stub) for p in papers] == [
        ("2401.00001", "the survey everyone cites", False),
        ("2401.00002", "arXiv:2401.00002", True),  # words in running prose are not a title
    ]


def test_what_is_not_a_markdown_list() -> None:
    assert detect("# Notes\n\n## Scope\n\n- [a site](https://example.org)\n") is None  # no paper linked
    assert detect(README.read_text()) == "markdown-list"
    assert detect((IMPORTERS / "hf_clipper.md").read_text()) == "hf-page"  # cards with upvotes and authors
