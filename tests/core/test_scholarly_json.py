"""OpenAlex works and Semantic Scholar papers: read whole (authors, abstract, arXiv id) or refused, never half."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core import library
from reader.core.errors import InputError
from reader.core.importers import read_file
from reader.core.store import Store
from tests.realfiles import IMPORTERS

OPENALEX = IMPORTERS / "openalex_works.json"
SEMANTIC = IMPORTERS / "semantic_scholar_search.json"
DISTILLED = (
    "We teach small models to reason by distilling the deliberation of larger ones into short traces. On five "
    "made-up benchmarks the pocket models match their teachers at a tenth of the cost, and the code is at "
    "https://github.com/made-up/distilled-deliberation."
)


def write(tmp_path: Path, data: object, name: str = "api.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def refused(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message.removeprefix(f"{path}: ")


def test_openalex_works_keep_authors_abstract_and_arxiv_ids() -> None:
    parsed = read_file(OPENALEX)
    assert parsed.format == "openalex-api"
    distilled, tides, note = parsed.papers
    assert (distilled.arxiv_id, distilled.authors, distilled.published) == (
        "2505.15799", ("Ann Bee", "Cy Dee", "Eve Fay"), "2025-05-21",
    )
    assert distilled.abstract == DISTILLED  # every word back at its place in the inverted index
    assert [link.repo for link in distilled.links] == ["made-up/distilled-deliberation"]
    assert tides.arxiv_id == "2402.00042"  # only a location's URL says it
    assert tides.authors == ("Hana Ito", "Raúl Vega")
    assert [link.url for link in tides.links] == ["https://doi.org/10.9999/jmo.2024.042"]
    assert (note.arxiv_id, note.abstract, note.authors, note.published) == (None, "", ("Milo Kovač",), "2023")


def test_semantic_scholar_papers_keep_authors_abstract_and_arxiv_ids() -> None:
    parsed = read_file(SEMANTIC)
    assert parsed.format == "semantic-scholar-api"
    distilled, tides, note = parsed.papers
    assert (distilled.arxiv_id, distilled.authors, distilled.abstract) == (
        "2505.15799", ("Ann Bee", "Cy Dee", "Eve Fay"), DISTILLED,
    )
    assert tides.arxiv_id == "2402.00042"  # from the arXiv DOI
    assert (note.arxiv_id, note.abstract, note.published) == (None, "", "2023")
    assert note.links[0].url.startswith("https://www.semanticscholar.org/paper/")


def test_the_same_paper_from_both_apis_is_one_paper(store: Store) -> None:
    library.import_paths(store, [OPENALEX])
    plan = library.import_paths(store, [SEMANTIC])
    assert plan.total.new == 0 and store.count() == 3
    assert store.entry("2505.15799").paper.authors == ("Ann Bee", "Cy Dee", "Eve Fay")


def test_the_other_answers_of_each_api(tmp_path: Path) -> None:
    work = json.loads(OPENALEX.read_text())["results"][0]
    paper = json.loads(SEMANTIC.read_text())["data"][0]
    single_work = read_file(write(tmp_path, work, "work.json"))
    assert (single_work.format, single_work.papers[0].authors[0]) == ("openalex-api", "Ann Bee")
    single_paper = read_file(write(tmp_path, paper, "paper.json"))
    assert (single_paper.format, single_paper.papers[0].arxiv_id) == ("semantic-scholar-api", "2505.15799")
    batch = read_file(write(tmp_path, [paper, None], "batch.json"))  # an id the batch endpoint did not know
    assert [p.arxiv_id for p in batch.papers] == ["2505.15799"]
    citations = read_file(write(tmp_path, {"offset": 0, "data": [{"citingPaper": paper}]}, "citations.json"))
    assert citations.papers[0].authors == ("Ann Bee", "Cy Dee", "Eve Fay")
    recommended = read_file(write(tmp_path, {"recommendedPapers": [paper]}, "recommended.json"))
    assert recommended.format == "semantic-scholar-api"


def test_a_field_of_the_wrong_type_refuses_the_file(tmp_path: Path) -> None:
    work = json.loads(OPENALEX.read_text())["results"][0]
    paper = json.loads(SEMANTIC.read_text())["data"][0]
    cases = [
        ({**work, "authorships": 7}, "item 1: authorships is not a list of objects"),
        ({**work, "abstract_inverted_index": ["We", "teach"]},
         "item 1: abstract_inverted_index is not an object of words and positions"),
        ({**work, "abstract_inverted_index": {"We": ["zero"]}},
         "item 1: abstract_inverted_index: the positions of 'We' are not a list of numbers"),
        ({**paper, "authors": "Ann Bee"}, "item 1: authors is not a list of objects"),
        ({**paper, "externalIds": {"ArXiv": "not-an-id"}}, "item 1: externalIds.ArXiv 'not-an-id' is not an arXiv id"),
        ({**paper, "title": None}, "item 1 has no title"),
    ]
    for number, (item, expected) in enumerate(cases):
        assert refused(write(tmp_path, [item], f"case{number}.json")) == expected


def test_a_shape_no_reader_knows_is_refused_not_guessed(tmp_path: Path) -> None:
    csl = [{"id": "bee2025", "type": "article-journal", "title": "A Title", "author": [{"family": "Bee"}]}]
    assert refused(write(tmp_path, csl, "csl.json")) == (
        "item 1 is not a paper of a known shape (Hugging Face, Papers with Code, OpenAlex, Semantic Scholar); "
        "its keys: author, id, title, type"
    )
    work = json.loads(OPENALEX.read_text())["results"][0]
    paper = json.loads(SEMANTIC.read_text())["data"][0]
    assert refused(write(tmp_path, [work, paper], "mixed.json")) == (
        "item 2 is a Semantic Scholar paper but item 1 is an OpenAlex work: one shape a file"
    )
    huge = {**work, "abstract_inverted_index": {f"w{n}": list(range(n * 1000, n * 1000 + 1000)) for n in range(101)}}
    assert refused(write(tmp_path, [huge], "huge.json")) == (
        "item 1: abstract_inverted_index holds more than 100,000 words"
    )
