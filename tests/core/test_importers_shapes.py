"""Every shape of paper list people really have, parsed to exact expectations."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reader.core.importers import decode, detect, parse_text, read_file
from reader.core.models import Link, ParsedPaper

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_7bfbc06375f7ab90.txt"
REAL = SHARED / "realworld"
FIXTURES = ROOT / "tests" / "fixtures" / "importers"

needs_shared = pytest.mark.skipif(not SEED.exists(), reason="../shared is not beside the checkout")


def by_id(papers: list[ParsedPaper]) -> dict[str | None, ParsedPaper]:
    return {p.arxiv_id: p for p in papers}


# -- the Hugging Face page as text --------------------------------------------


@needs_shared
def test_plain_seed_page_gives_100_papers_with_their_links() -> None:
    parsed = read_file(SEED)
    assert parsed.format == "hf-page"
    assert len(parsed.papers) == 100
    first, second = parsed.papers[0], parsed.papers[1]
    assert first.title.startswith("AlignHuman: Improving Motion and Fidelity via Timestep-Segment")
    assert first.abstract.startswith("Recent advancements in human video generation")
    assert first.listing_date == "Jul 10"
    assert first.links == (Link("https://alignhuman.github.io/", "project"),)
    assert second.links == (
        Link(
            "https://github.com/CIAM-Group/NCO_code/tree/main/single_objective/UDC-Large-scale-CO-master",
            "code",
            "CIAM-Group/NCO_code",
        ),
    )
    links = [link for paper in parsed.papers for link in paper.links]
    assert len(links) == 28
    assert sum(1 for link in links if link.kind == "code") == 24
    # the header lines are furniture, never a paper
    assert not {"new", "Subscribe", "byAK and the research community", "Jul 10"} & {p.title for p in parsed.papers}
    # no link keeps the sentence's full stop or the url{url} double
    assert all(not link.url.endswith((".", "}")) and "{" not in link.url for link in links)


def _wrap(text: str, width: int) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(
        "\n".join(textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=False)) for p in paragraphs
    )


@needs_shared
@pytest.mark.parametrize("width", [70, 96, 120])
def test_hard_wrapped_crlf_bom_seed_reads_the_same(width: int) -> None:
    plain = read_file(SEED).papers
    raw = b"\xef\xbb\xbf" + _wrap(SEED.read_text(), width).replace("\n", "\r\n").encode()
    wrapped = parse_text(decode(raw, Path("w.txt")), Path("w.txt")).papers
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


@needs_shared
@pytest.mark.parametrize("name", ["hf-daily-papers-api_2024-05-29.json", "hf-daily-papers-api_2026-08-21.json"])
def test_hf_daily_papers_json_keeps_every_field(name: str) -> None:
    items = json.loads((REAL / name).read_text())
    parsed = read_file(REAL / name)
    assert parsed.format == "hf-api"
    assert [p.arxiv_id for p in parsed.papers] == [item["paper"]["id"] for item in items]
    for paper, item in zip(parsed.papers, items, strict=True):
        source = item["paper"]
        assert paper.title == " ".join(source["title"].split())
        assert "\n" not in paper.title and "  " not in paper.title
        assert paper.authors == tuple(a["name"] for a in source["authors"])
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


@needs_shared
def test_hf_json_new_schema_details() -> None:
    papers = by_id(read_file(REAL / "hf-daily-papers-api_2026-08-21.json").papers)
    first = papers["2608.19880"]
    assert first.title == "EnvHarness: Awakening Static Worlds for Agent Learning"
    assert first.links[:2] == (
        Link("https://github.com/google-research/envharness", "code", "google-research/envharness"),
        Link("https://envharness.com/", "project"),
    )
    assert (first.upvotes, first.stars, first.listing_date) == (163, 8, "2026-08-21")
    # a project page that is the paper's own HF page is not a second link
    policy = papers["2608.19861"]
    assert [link.url for link in policy.links] == ["https://github.com/erjui/PolicyGuide"]


@needs_shared
def test_hf_json_old_schema_title_line_breaks_folded() -> None:
    papers = by_id(read_file(REAL / "hf-daily-papers-api_2024-05-29.json").papers)
    assert len(papers) == 8
    assert papers["2405.18386"].title.startswith(
        "Instruct-MusicGen: Unlocking Text-to-Music Editing for Music Language Models"
    )
    assert papers["2405.18407"].listing_date == "2024-05-29"
    assert papers["2405.18407"].stars is None


@needs_shared
def test_paperswithcode_json() -> None:
    parsed = read_file(REAL / "paperswithcode-api-v1_papers-list.json")
    assert parsed.format == "paperswithcode-api"
    assert len(parsed.papers) == 50
    first = parsed.papers[0]
    assert first.title == "Neural networks and physical systems with emergent collective computational abilities"
    assert (first.arxiv_id, first.authors, first.published) == (None, ("J J Hopfield",), "1982-01-15")
    ids = [p.arxiv_id for p in parsed.papers if p.arxiv_id]
    assert len(ids) == 44 and "cs/9301114" in ids and "astro-ph/9204005" in ids


# -- arXiv Atom ---------------------------------------------------------------------


@needs_shared
def test_arxiv_atom_old_style() -> None:
    parsed = read_file(REAL / "arxiv-api-atom_2016_search_del_maestro.xml")
    assert parsed.format == "arxiv-atom"
    assert [p.arxiv_id for p in parsed.papers][:4] == ["1201.4869", "cond-mat/0412498", "cond-mat/0603029", "1005.5383"]
    stripe = parsed.papers[2]
    assert (
        stripe.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    )
    assert stripe.authors == ("Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev")
    assert stripe.published == "2006-03-02"
    assert stripe.keywords == ("cond-mat.str-el", "cond-mat.supr-con")
    assert [link.url for link in stripe.links] == [
        "http://arxiv.org/abs/cond-mat/0603029v1",
        "http://arxiv.org/pdf/cond-mat/0603029v1",
        "http://dx.doi.org/10.1103/PhysRevB.74.024520",
    ]
    assert parsed.papers[0].abstract.startswith(
        "As helium-4 is cooled below 2.17 K it undergoes a phase transition to a fundamentally"
    )


@needs_shared
def test_arxiv_atom_new_style_with_doi_links_and_accented_names() -> None:
    parsed = read_file(REAL / "arxiv-api-atom_2026_q_testing_s0_m10.xml")
    assert len(parsed.papers) == 10
    first = parsed.papers[0]
    assert first.arxiv_id == "2202.12139"
    assert first.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert first.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert first.links[-1] == Link("https://doi.org/10.1109/ICSTW55395.2022.00035")
    assert parsed.papers[1].authors[:3] == ("Aurora Ramírez", "Mario Berrios", "José Raúl Romero")


# -- BibTeX -----------------------------------------------------------------------------


@needs_shared
def test_bibtex_zotero_export() -> None:
    parsed = read_file(REAL / "bibtex_zotero-export_references.bib")
    assert parsed.format == "bibtex"
    assert len(parsed.papers) == 14 and all(p.arxiv_id for p in parsed.papers)
    first = parsed.papers[0]
    assert first.arxiv_id == "2502.15657"
    assert first.title == "Superintelligent Agents Pose Catastrophic Risks: Can Scientist AI Offer a Safer Path?"
    assert "Sören Mindermann" in first.authors and "Pierre-Luc St-Charles" in first.authors
    assert first.published == "2025-02"
    assert first.abstract.startswith("The leading AI companies are increasingly focused")
    links = {link.url for paper in parsed.papers for link in paper.links}
    assert "https://github.com/i-Eval/FairEval" in links
    assert "https://github.com/jjpn97/eval_awareness" in links
    assert all("{" not in p.title and "\\" not in p.title for p in parsed.papers)


@needs_shared
def test_bibtex_hand_kept_awesome_list() -> None:
    parsed = read_file(REAL / "bibtex_awesome-list_NeRF-and-Beyond.bib")
    assert len(parsed.papers) == 45  # 46 entries, one paper listed twice under two keys
    papers = by_id(parsed.papers)
    assert papers["2012.03918"].title == "NeRD: Neural Reflectance Decomposition from Image Collections"
    assert "Miloš Hašan" in papers["2008.03824"].authors
    titles = {p.title: p for p in parsed.papers}
    jax = titles["JaxNeRF: an efficient JAX implementation of NeRF"]
    assert jax.links == (
        Link(
            "https://github.com/google-research/google-research/tree/master/jaxnerf",
            "code",
            "google-research/google-research",
        ),
    )
    assert sum(1 for p in parsed.papers if p.arxiv_id) == 24


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


@needs_shared
def test_shape_is_detected_from_content(tmp_path: Path) -> None:
    cases = {
        REAL / "hf-daily-papers-api_2026-08-21.json": "hf-api",
        REAL / "arxiv-api-atom_2016_search_del_maestro.xml": "arxiv-atom",
        REAL / "bibtex_zotero-export_references.bib": "bibtex",
        FIXTURES / "hf_clipper.md": "hf-page",
        FIXTURES / "arxiv_ids.txt": "arxiv-ids",
    }
    for number, (source, expected) in enumerate(cases.items()):
        renamed = tmp_path / f"saved-{number}.txt"
        renamed.write_bytes(source.read_bytes())
        assert read_file(renamed).format == expected, source
