"""Papers page copies whose cards are laid out in less usual ways: each card keeps its own id and title."""

from __future__ import annotations

from pathlib import Path

from reader.core.importers import parse_text

WORDS = " ".join(f"word{n}" for n in range(30))
CARDS = [
    ("Gradient Gardening: Pruning Attention Heads", "2503.01234", 42),
    ("Tea Leaves: Reading Uncertainty from Residue", "2503.04321", 17),
    ("A Quiet Benchmark for Loud Models", "2503.00777", 5),
]


def url_on_both_sides() -> str:
    """A browser copy that gives each card's URL before the title, after it, after the abstract and in its byline."""
    blocks = ["Hugging Face", "https://huggingface.co/models", "Daily Papers", "by AK and the research community"]
    blocks.append("Mar 3")
    for title, arxiv_id, votes in CARDS:
        blocks += [
            f"[Upvote](https://huggingface.co/login?next=%2Fpapers%2F{arxiv_id})",
            str(votes),
            title,
            f"https://huggingface.co/papers/{arxiv_id}",
            f"{title.split(':')[0]} is studied here. {WORDS}.",
            f"https://huggingface.co/papers/{arxiv_id}",
            f"[4 authors](https://huggingface.co/papers/{arxiv_id})",
        ]
    blocks += ["Privacy", "https://huggingface.co/privacy"]
    return "\n\n".join(blocks) + "\n"


def test_each_card_takes_the_id_its_own_urls_agree_on() -> None:
    papers = parse_text(url_on_both_sides(), Path("copy.txt")).papers
    assert [(p.title, p.arxiv_id, p.upvotes) for p in papers] == CARDS
    assert all(p.abstract.startswith(p.title.split(":")[0]) for p in papers)


def test_a_short_title_starting_with_by_is_a_title() -> None:
    page = (
        "Daily Papers\n\nby AK and the research community\n\n"
        f"Tidal Lenses for Sparse Attention\n\nSubmitted by fernleaf\n\nTidal {WORDS}.\n\n"
        f"By Design: Divide and Conquer\n\nDesign {WORDS}.\n\n"
        f"Quiet Models\n\nby someone\n\nQuiet {WORDS}.\n"
    )
    papers = parse_text(page, Path("page.txt")).papers
    assert [(p.title, p.abstract.split()[0]) for p in papers] == [
        ("Tidal Lenses for Sparse Attention", "Tidal"),
        ("By Design: Divide and Conquer", "Design"),
        ("Quiet Models", "Quiet"),  # "by someone" under a title stays a byline
    ]
    clipped = f"# Daily Papers\n\n### By Design: Divide and Conquer\n\n- 3 authors\n\nDesign {WORDS}.\n"
    assert [p.title for p in parse_text(clipped, Path("page.md")).papers] == ["By Design: Divide and Conquer"]
