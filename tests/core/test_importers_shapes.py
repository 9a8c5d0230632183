"""Every shape of paper list people really have, parsed to exact expectations.

Each shape is read from a made-up file of ours in tests/fixtures, and also from the real file in
../shared when it is there (see tests/realfiles.py): the expectations are said for each file.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reader.core.importers import decode, detect, parse_text, read_file
from reader.core.models import Link, ParsedPaper
from tests.realfiles import IMPORTERS, OUR_PAGE, REAL_PAGE, Page, if_present, real

FIXTURES = IMPORTERS
HF_OLD, HF_NEW = real("hf-daily-papers-api_2024-05-29.json"), real("hf-daily-papers-api_2026-08-21.json")
ATOM_OLD = real("arxiv-api-atom_2016_search_del_maestro.xml")
ATOM_NEW = real("arxiv-api-atom_2026_q_testing_s0_m10.xml")
ZOTERO, AWESOME = real("bibtex_zotero-export_references.bib"), real("bibtex_awesome-list_NeRF-and-Beyond.bib")
PWC = real("paperswithcode-api-v1_papers-list.json")


def by_id(papers: list[ParsedPaper]) -> dict[str | None, ParsedPaper]:
    return {p.arxiv_id: p for p in papers}


# -- the Hugging Face page as text --------------------------------------------


PLAIN_PAGES = [
    pytest.param(
        OUR_PAGE,
        {
            "title": "Murmuration: Timestep-Routed Preference Tuning for Expressive Talking-Head Animation",
            "abstract": "Talking-head generators driven by speech still trade lip accuracy",
            "listed": "Mar 14",
            "first_links": (Link("https://murmuration-avatars.github.io/", "project"),),  # the url{url} double
            "second_links": (
                Link(
                    "https://github.com/quarry-lab/tessellate/tree/main/solvers/large-scale",
                    "code",
                    "quarry-lab/tessellate",
                ),
            ),
            # 20 papers with one link, 3 with two (a repository and a project page each); one link is neither
            "links": 27,
            "code": 16,
            "upvotes": {"Murmuration": 57, "Ripple4D": 112, "Keeping Experts Busy": 23},  # [-] 57, Upvote 112, 23
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            REAL_PAGE,
            {
                "title": "AlignHuman: Improving Motion and Fidelity via Timestep-Segment",
                "abstract": "Recent advancements in human video generation",
                "listed": "Jul 10",
                "first_links": (Link("https://alignhuman.github.io/", "project"),),
                "second_links": (
                    Link(
                        "https://github.com/CIAM-Group/NCO_code/tree/main/single_objective/UDC-Large-scale-CO-master",
                        "code",
                        "CIAM-Group/NCO_code",
                    ),
                ),
                "links": 28,
                "code": 24,
                "upvotes": {},  # the plain copy shows no upvote counts
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("page", "expected"), PLAIN_PAGES)
def test_plain_page_gives_its_papers_with_their_links(page: Page, expected: dict) -> None:
    parsed = read_file(page.path)
    assert parsed.format == "hf-page"
    assert len(parsed.papers) == page.count
    first, second = parsed.papers[0], parsed.papers[1]
    assert first.title.startswith(expected["title"])
    assert first.abstract.startswith(expected["abstract"])
    assert {p.listing_date for p in parsed.papers} == {expected["listed"]}
    assert first.links == expected["first_links"]
    assert second.links == expected["second_links"]
    links = [link for paper in parsed.papers for link in paper.links]
    assert len(links) == expected["links"]
    assert sum(1 for link in links if link.kind == "code") == expected["code"]
    assert {p.title.split(":")[0]: p.upvotes for p in parsed.papers if p.upvotes is not None} == expected["upvotes"]
    # the header lines are furniture, never a paper
    header = {"new", "Subscribe", "byAK and the research community", expected["listed"]}
    assert not header & {p.title for p in parsed.papers}
    # no link keeps the sentence's full stop, a closing bracket or the url{url} double
    assert all(not link.url.endswith((".", "}", ")", ";", ",")) and "{" not in link.url for link in links)


def _wrap(text: str, width: int) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        "\n".join(textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=False)) for p in paragraphs
    )


@pytest.mark.parametrize("width", [70, 96, 120])
def test_hard_wrapped_crlf_bom_page_reads_the_same(page: Page, width: int) -> None:
    plain = read_file(page.path).papers
    raw = b"\xef\xbb\xbf" + _wrap(page.path.read_text(), width).replace("\n", "\r\n").encode()
    wrapped = parse_text(decode(raw, Path("w.txt")), Path("w.txt")).papers
    assert len(wrapped) == page.count
    assert [(p.title, p.abstract, p.links) for p in wrapped] == [(p.title, p.abstract, p.links) for p in plain]


def test_browser_select_all_copy_keeps_papers_drops_furniture() -> None:
    parsed = read_file(FIXTURES / "hf_browser_copy.txt")
    assert parsed.format == "hf-page"
    assert [(p.arxiv_id, p.title, p.upvotes, p.published, p.listing_date) for p in parsed.papers] == [
        ("2503.01234", "Gradient Gardening: Pruning Attention Heads by Their Seasonal Bloom", 42, "Mar 1", "Mar 3"),
        ("2503.04321", "Tea Leaves: Reading Uncertainty from the Residue of Sampling", 17, "Feb 27", "Mar 3"),
        ("2503.00777", "A Quiet Benchmark for Loud Models", 5, "Mar 2", "Mar 3"),
    ]
    garden, tea, quiet = parsed.papers
    assert garden.links == (
        Link(
            "http://github.com/made-up-lab/gradient-gardening/tree/main/src", "code", "made-up-lab/gradient-gardening"
        ),
    )
    assert garden.abstract.endswith(
        "nine benchmarks. Code: http://github.com/made-up-lab/gradient-gardening/tree/main/src."
    )
    assert "40% of heads" in garden.abstract and "40\\% of heads" in garden.abstract_raw
    assert tea.links == (
        Link("https://www.github.com/tealeaf-org/residue", "code", "tealeaf-org/residue"),
        Link("https://tealeaf-org.github.io/residue/", "project"),
    )
    assert quiet.links == ()
    furniture = ("huggingface.co/", "Log In", "Submitted by", "authors", "·", "Privacy", "[-]", "Published on")
    for paper in parsed.papers:
        assert not any(word in paper.abstract or word in paper.title for word in furniture), paper


def test_browser_copy_with_facts_after_each_abstract() -> None:
    """Some layouts put the card facts under the abstract; they still belong to that card."""
    words = " ".join(["word"] * 30)
    cards = [
        ("First Made-Up Paper", "2501.00001", 12, "3 authors", "Published on Jan 2"),
        ("Second Made-Up Paper", "2501.00002", 7, "1 author", "Published on Jan 3"),
    ]
    blocks = ["Hugging Face", "Models", "https://huggingface.co/models", "Log In", "Jan 4"]
    for title, arxiv_id, votes, authors, published in cards:
        blocks += [title, f"{words} {arxiv_id}.", f"https://huggingface.co/papers/{arxiv_id}", f" [-] {votes}"]
        blocks += ["·", authors, "·", published]
    blocks += ["Privacy", "https://huggingface.co/privacy"]
    papers = parse_text("\n\n".join(blocks) + "\n", Path("after.txt")).papers
    assert [(p.title, p.arxiv_id, p.upvotes, p.published, p.listing_date) for p in papers] == [
        ("First Made-Up Paper", "2501.00001", 12, "Jan 2", "Jan 4"),
        ("Second Made-Up Paper", "2501.00002", 7, "Jan 3", "Jan 4"),
    ]
    assert [p.abstract for p in papers] == [f"{words} 2501.00001.", f"{words} 2501.00002."]


def test_web_clipper_markdown_once_per_card() -> None:
    parsed = read_file(FIXTURES / "hf_clipper.md")
    assert parsed.format == "hf-page"
    assert len(parsed.papers) == 2  # every card is in the capture twice
    garden, lanterns = parsed.papers
    assert (garden.arxiv_id, garden.title) == (
        "2503.01234",
        "Gradient Gardening: Pruning Attention Heads by Their Seasonal Bloom",
    )
    assert (garden.upvotes, garden.stars, garden.published, garden.listing_date) == (42, 1200, "Mar 1", "Mar 3")
    assert garden.links == (
        Link("https://github.com/made-up-lab/gradient-gardening", "code", "made-up-lab/gradient-gardening"),
    )
    assert garden.abstract.endswith("with no loss in accuracy on nine benchmarks.")
    assert (lanterns.arxiv_id, lanterns.upvotes, lanterns.stars) == ("2503.02468", 9, None)
    assert lanterns.title == "Lanterns in the Fog: Retrieval for Half-Remembered Questions"
    assert lanterns.links == (Link("https://lanterns-fog.github.io/", "project"),)
    assert lanterns.abstract.startswith("People often ask about things they only half remember")
    assert "thumbnails" not in lanterns.abstract and "Previous" not in lanterns.abstract


def test_markdown_readme_is_not_a_paper_list() -> None:
    text = "# My notes\n\nSome words here.\n\n## Section\n\n" + " ".join(["prose"] * 40) + "\n"
    assert detect(text) is None


# -- API JSON ---------------------------------------------------------------------


HF_JSON = [
    pytest.param(FIXTURES / "hf_daily_old.json", id="ours-old-schema"),
    pytest.param(FIXTURES / "hf_daily_new.json", id="ours-new-schema"),
    *if_present(pytest.param(HF_OLD, id="real-old-schema")),
    *if_present(pytest.param(HF_NEW, id="real-new-schema")),
]


@pytest.mark.parametrize("path", HF_JSON)
def test_hf_daily_papers_json_keeps_every_field(path: Path) -> None:
    items = json.loads(path.read_text())
    parsed = read_file(path)
    assert parsed.format == "hf-api"
    assert [p.arxiv_id for p in parsed.papers] == [item["paper"]["id"] for item in items]
    for paper, item in zip(parsed.papers, items, strict=True):
        source = item["paper"]
        assert paper.title == " ".join(source["title"].split())
        assert "\n" not in paper.title and "  " not in paper.title
        assert paper.authors == tuple(" ".join(a["name"].split()) for a in source["authors"])
        assert paper.upvotes == source["upvotes"]
        assert paper.stars == source.get("githubStars")
        assert paper.published == source["publishedAt"][:10]
        assert paper.keywords == tuple(source.get("ai_keywords", ()))
        if "githubRepo" in source:
            assert paper.links[0].url == source["githubRepo"]
            assert paper.links[0].kind == "code"
            assert paper.links[0].repo == source["githubRepo"].removeprefix("https://github.com/")
        urls = [link.url for link in paper.links]
        assert len(urls) == len({u.rstrip("/").lower() for u in urls})


HF_NEW_SCHEMA = [
    pytest.param(
        FIXTURES / "hf_daily_new.json",
        {
            "id": "2504.07001",
            "title": "Driftwood: Teaching Agents to Repair Their Own Tool Calls",  # a line break and two spaces
            "links": (
                Link("https://github.com/fablab/driftwood", "code", "fablab/driftwood"),  # also in the summary
                Link("https://driftwood-agents.org/", "project"),
            ),
            "facts": (88, 8, "2025-04-10"),
            "own_page": ("2504.07005", ["https://github.com/signpost-rag/signpost"]),
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            HF_NEW,
            {
                "id": "2608.19880",
                "title": "EnvHarness: Awakening Static Worlds for Agent Learning",
                "links": (
                    Link("https://github.com/google-research/envharness", "code", "google-research/envharness"),
                    Link("https://envharness.com/", "project"),
                ),
                "facts": (163, 8, "2026-08-21"),
                "own_page": ("2608.19861", ["https://github.com/erjui/PolicyGuide"]),
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), HF_NEW_SCHEMA)
def test_hf_json_new_schema_details(path: Path, expected: dict) -> None:
    papers = by_id(read_file(path).papers)
    first = papers[expected["id"]]
    assert first.title == expected["title"]
    assert first.links[:2] == expected["links"]
    assert (first.upvotes, first.stars, first.listing_date) == expected["facts"]
    # a project page that is the paper's own HF page is not a second link
    own_page_id, urls = expected["own_page"]
    assert [link.url for link in papers[own_page_id].links] == urls


HF_OLD_SCHEMA = [
    pytest.param(
        FIXTURES / "hf_daily_old.json",
        {
            "count": 5,
            "folded": ("2504.01003", "Lattice Parsers Revisited: Constituency Structure Still Helps Small"),
            "listed": ("2504.01001", "2025-04-03"),  # the day of the item's publishedAt, not the paper's
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            HF_OLD,
            {
                "count": 8,
                "folded": (
                    "2405.18386",
                    "Instruct-MusicGen: Unlocking Text-to-Music Editing for Music Language Models",
                ),
                "listed": ("2405.18407", "2024-05-29"),
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), HF_OLD_SCHEMA)
def test_hf_json_old_schema_title_line_breaks_folded(path: Path, expected: dict) -> None:
    papers = by_id(read_file(path).papers)
    assert len(papers) == expected["count"]
    folded_id, title_start = expected["folded"]
    assert papers[folded_id].title.startswith(title_start)
    listed_id, day = expected["listed"]
    assert papers[listed_id].listing_date == day
    assert all(paper.stars is None for paper in papers.values())  # the old schema has no githubStars


PAPERS_WITH_CODE = [
    pytest.param(
        FIXTURES / "paperswithcode_list.json",
        {
            "count": 6,
            "title": "A made-up theory of associative recall in networks of simple units",
            "first": (None, ("Q. R. Imaginary",), "1979-03-02"),
            # given as arxiv_id (old style and new), or only inside url_abs
            "ids": ["cs/9405001", "astro-ph/9511002", "0907.1234", "1805.01234"],
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            PWC,
            {
                "count": 50,
                "title": "Neural networks and physical systems with emergent collective computational abilities",
                "first": (None, ("J J Hopfield",), "1982-01-15"),
                "ids": 44,
                "some_ids": {"cs/9301114", "astro-ph/9204005"},
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), PAPERS_WITH_CODE)
def test_paperswithcode_json(path: Path, expected: dict) -> None:
    parsed = read_file(path)
    assert parsed.format == "paperswithcode-api"
    assert len(parsed.papers) == expected["count"]
    first = parsed.papers[0]
    assert first.title == expected["title"]
    assert (first.arxiv_id, first.authors, first.published) == expected["first"]
    ids = [p.arxiv_id for p in parsed.papers if p.arxiv_id]
    if isinstance(expected["ids"], int):
        assert len(ids) == expected["ids"] and expected["some_ids"] <= set(ids)
    else:
        assert ids == expected["ids"]


def test_paperswithcode_repository_is_the_code_link() -> None:
    trees = by_id(read_file(FIXTURES / "paperswithcode_list.json").papers)["1805.01234"]
    assert trees.title == "Counting trees with neural networks"  # the line break and double spaces folded
    assert trees.authors == ("Ivo Kranjc", "Jia Wen")
    assert trees.stars == 42
    assert [(link.url, link.kind) for link in trees.links] == [
        ("https://github.com/orchard-ml/tree-counter", "code"),
        ("https://arxiv.org/abs/1805.01234v3", "other"),
        ("https://arxiv.org/pdf/1805.01234v3.pdf", "other"),
    ]


# -- arXiv Atom ---------------------------------------------------------------------


ATOM_OLD_STYLE = [
    pytest.param(
        FIXTURES / "arxiv_atom_old.xml",
        {
            "ids": ["1309.4321", "cond-mat/0512345", "cond-mat/0601234", "1011.5678"],
            "title": "Pinned charge order in a disordered ladder: from stripes to puddles",  # wrapped in the feed
            "authors": ("Barnaby Stroud", "Ottoline Quillfeather", "Femi Adeyemi"),
            "published": "2006-01-11",
            "keywords": ("cond-mat.str-el", "cond-mat.dis-nn"),
            # abstract page, PDF, DOI: in that order, whatever order the feed lists them in
            "links": [
                "http://arxiv.org/abs/cond-mat/0601234v2",
                "http://arxiv.org/pdf/cond-mat/0601234v2",
                "http://dx.doi.org/10.5555/made.up.ladder.2006",
            ],
            "abstract": "A droplet of a superfluid set spinning does not rotate as a solid body; it threads itself",
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            ATOM_OLD,
            {
                "ids": ["1201.4869", "cond-mat/0412498", "cond-mat/0603029", "1005.5383"],
                "title": "From stripe to checkerboard order on the square lattice in the presence of quenched disorder",
                "authors": ("Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"),
                "published": "2006-03-02",
                "keywords": ("cond-mat.str-el", "cond-mat.supr-con"),
                "links": [
                    "http://arxiv.org/abs/cond-mat/0603029v1",
                    "http://arxiv.org/pdf/cond-mat/0603029v1",
                    "http://dx.doi.org/10.1103/PhysRevB.74.024520",
                ],
                "abstract": "As helium-4 is cooled below 2.17 K it undergoes a phase transition to a fundamentally",
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), ATOM_OLD_STYLE)
def test_arxiv_atom_old_style(path: Path, expected: dict) -> None:
    parsed = read_file(path)
    assert parsed.format == "arxiv-atom"
    assert [p.arxiv_id for p in parsed.papers][:4] == expected["ids"]
    third = parsed.papers[2]
    assert third.title == expected["title"]
    assert third.authors == expected["authors"]
    assert third.published == expected["published"]
    assert third.keywords == expected["keywords"]
    assert [link.url for link in third.links] == expected["links"]
    assert parsed.papers[0].abstract.startswith(expected["abstract"])


ATOM_NEW_STYLE = [
    pytest.param(
        FIXTURES / "arxiv_atom_new.xml",
        {
            "count": 4,
            "id": "2311.04567",
            "title": "Mutation Testing for Neural Network Controllers: A Comparative Study of Five Operators",
            "authors": ("Hedda Lindqvist", "Tobias Ferreira", "Anneliese Okoro"),
            "doi": Link("https://doi.org/10.5555/made.up.mutation.2024"),
            "accented": ("Aurélie Ñúñez", "Jörg Škoda", "Zoë Ørsted"),
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            ATOM_NEW,
            {
                "count": 10,
                "id": "2202.12139",
                "title": "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques",
                "authors": ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"),
                "doi": Link("https://doi.org/10.1109/ICSTW55395.2022.00035"),
                "accented": ("Aurora Ramírez", "Mario Berrios", "José Raúl Romero"),
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), ATOM_NEW_STYLE)
def test_arxiv_atom_new_style_with_doi_links_and_accented_names(path: Path, expected: dict) -> None:
    parsed = read_file(path)
    assert len(parsed.papers) == expected["count"]
    first = parsed.papers[0]
    assert first.arxiv_id == expected["id"]
    assert first.title == expected["title"]
    assert first.authors == expected["authors"]
    assert first.links[-1] == expected["doi"]
    assert parsed.papers[1].authors[:3] == expected["accented"]


def test_arxiv_atom_comment_links_are_kept() -> None:
    flaky = by_id(read_file(FIXTURES / "arxiv_atom_new.xml").papers)["2402.01234"]
    assert flaky.links == (
        Link("https://arxiv.org/abs/2402.01234v1"),
        Link("https://arxiv.org/pdf/2402.01234v1"),
        Link("https://github.com/flaky-ml/replication", "code", "flaky-ml/replication"),  # from arxiv:comment
    )


# -- BibTeX -----------------------------------------------------------------------------


ZOTERO_EXPORTS = [
    pytest.param(
        FIXTURES / "zotero_export.bib",
        {
            "count": 5,
            "id": "2502.10001",
            "title": "Calibrated Abstention for Language Agents: When Should an Agent Decline to Act?",
            "authors": {"Jörg Müller", "Ivana Šimunović", "Pieter-Jan Van Der Berg"},  # LaTeX accents read
            "published": "2025-02",  # month = feb, a bare macro
            "abstract": "Agents built on language models act even when they should ask.",
            "links": {
                "https://github.com/abstain-lab/calibrated-abstention",  # the full stop after it dropped
                "https://www.github.com/field-guide/reward-hacking/",
            },
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            ZOTERO,
            {
                "count": 14,
                "id": "2502.15657",
                "title": "Superintelligent Agents Pose Catastrophic Risks: Can Scientist AI Offer a Safer Path?",
                "authors": {"Sören Mindermann", "Pierre-Luc St-Charles"},
                "published": "2025-02",
                "abstract": "The leading AI companies are increasingly focused",
                "links": {"https://github.com/i-Eval/FairEval", "https://github.com/jjpn97/eval_awareness"},
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), ZOTERO_EXPORTS)
def test_bibtex_zotero_export(path: Path, expected: dict) -> None:
    parsed = read_file(path)
    assert parsed.format == "bibtex"
    assert len(parsed.papers) == expected["count"] and all(p.arxiv_id for p in parsed.papers)
    first = parsed.papers[0]
    assert first.arxiv_id == expected["id"]
    assert first.title == expected["title"]
    assert expected["authors"] <= set(first.authors)
    assert first.published == expected["published"]
    assert first.abstract.startswith(expected["abstract"])
    links = {link.url for paper in parsed.papers for link in paper.links}
    assert expected["links"] <= links
    assert all("{" not in p.title and "\\" not in p.title for p in parsed.papers)


AWESOME_LISTS = [
    pytest.param(
        FIXTURES / "awesome_list.bib",
        {
            "count": 7,  # 8 entries, one paper listed twice under two keys
            "title": ("2104.01234", "LumenFields: Relightable Radiance Fields from Phone Captures"),
            "author": ("2104.01234", "Miloš Kovač"),
            "code": (
                "TorchFields: a compact PyTorch implementation of radiance fields",
                Link(
                    "https://github.com/made-up-labs/research-code/tree/master/torchfields",
                    "code",
                    "made-up-labs/research-code",
                ),
            ),
            "with_ids": 3,
        },
        id="ours",
    ),
    *if_present(
        pytest.param(
            AWESOME,
            {
                "count": 45,  # 46 entries, one paper listed twice under two keys
                "title": ("2012.03918", "NeRD: Neural Reflectance Decomposition from Image Collections"),
                "author": ("2008.03824", "Miloš Hašan"),
                "code": (
                    "JaxNeRF: an efficient JAX implementation of NeRF",
                    Link(
                        "https://github.com/google-research/google-research/tree/master/jaxnerf",
                        "code",
                        "google-research/google-research",
                    ),
                ),
                "with_ids": 24,
            },
            id="real",
        )
    ),
]


@pytest.mark.parametrize(("path", "expected"), AWESOME_LISTS)
def test_bibtex_hand_kept_awesome_list(path: Path, expected: dict) -> None:
    parsed = read_file(path)
    assert len(parsed.papers) == expected["count"]
    papers = by_id(parsed.papers)
    paper_id, title = expected["title"]
    assert papers[paper_id].title == title
    paper_id, author = expected["author"]
    assert author in papers[paper_id].authors
    titles = {p.title: p for p in parsed.papers}
    title, link = expected["code"]
    assert titles[title].links == (link,)
    assert sum(1 for p in parsed.papers if p.arxiv_id) == expected["with_ids"]


def test_bibtex_every_place_an_arxiv_id_hides() -> None:
    parsed = read_file(FIXTURES / "handkept.bib")
    assert [(p.arxiv_id, p.title) for p in parsed.papers] == [
        ("2503.01234", "Gradient Gardening: Pruning Attention Heads by Their Seasonal Bloom"),
        ("2503.04321", "Tea Leaves: Reading Uncertainty from the Residue of Sampling"),
        ("2503.00777", "A Quiet Benchmark for Loud Models"),
        ("2503.02468", "Lanterns in the Fog: Retrieval for Half-Remembered Questions"),
        (None, "A Field Guide to Slow Reading"),
    ]
    garden, tea, quiet, lanterns, guide = parsed.papers
    assert garden.authors == ("Maëlle Møller", "José Çelik", "Anouk van der Berg")
    # the second entry for the same title filled in its repository
    assert garden.links == (
        Link("https://github.com/made-up-lab/gradient-gardening", "code", "made-up-lab/gradient-gardening"),
    )
    assert tea.abstract == (
        "Sampling many answers leaves a residue of disagreement; we read it with care and find it predicts "
        "70% of errors early. Code: https://github.com/tealeaf-org/residue."
    )
    assert "\\emph{care}" in tea.abstract_raw and "70\\%" in tea.abstract_raw
    assert (tea.published, tea.keywords) == ("2025-02", ("uncertainty", "sampling"))
    assert quiet.authors == ("Ada Wren",)
    assert [link.url for link in lanterns.links] == [
        "https://arxiv.org/abs/2503.02468",
        "https://github.com/lanterns-fog/lanterns/tree/main/retriever",
    ]
    assert guide.links == (Link("https://doi.org/10.5555/made.up.1999"),)


# -- a list of ids -------------------------------------------------------------------------


def test_id_list_gives_stubs() -> None:
    parsed = read_file(FIXTURES / "arxiv_ids.txt")
    assert parsed.format == "arxiv-ids"
    assert [p.arxiv_id for p in parsed.papers] == [
        "2503.01234",
        "2503.04321",
        "2503.00777",
        "2503.02468",
        "2501.11111",
        "hep-th/9901001",
    ]
    assert all(p.stub and p.title == f"arXiv:{p.arxiv_id}" for p in parsed.papers)
    assert parsed.papers[-1].links == (Link("https://arxiv.org/abs/hep-th/9901001"),)


# -- detection from content, not the extension -------------------------------------------


SHAPES = [
    ("hf_daily_new.json", "hf-api"),
    ("hf_daily_old.json", "hf-api"),
    ("paperswithcode_list.json", "paperswithcode-api"),
    ("arxiv_atom_old.xml", "arxiv-atom"),
    ("arxiv_atom_new.xml", "arxiv-atom"),
    ("zotero_export.bib", "bibtex"),
    ("awesome_list.bib", "bibtex"),
    ("hf_clipper.md", "hf-page"),
    ("arxiv_ids.txt", "arxiv-ids"),
]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        *[pytest.param(FIXTURES / name, shape, id=name) for name, shape in SHAPES],
        pytest.param(OUR_PAGE.path, "hf-page", id="hf_page.txt"),
        *if_present(pytest.param(HF_NEW, "hf-api", id="real-hf-api")),
        *if_present(pytest.param(ATOM_OLD, "arxiv-atom", id="real-atom")),
        *if_present(pytest.param(ZOTERO, "bibtex", id="real-bibtex")),
        *if_present(pytest.param(PWC, "paperswithcode-api", id="real-pwc")),
    ],
)
def test_shape_is_detected_from_content(tmp_path: Path, source: Path, expected: str) -> None:
    renamed = tmp_path / "saved.txt"
    renamed.write_bytes(source.read_bytes())
    assert read_file(renamed).format == expected
