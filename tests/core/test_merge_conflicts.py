"""A title is not enough: two records with the same title merge only when nothing says they differ."""

from __future__ import annotations

from pathlib import Path

from reader.core import library
from reader.core.importers import read_file
from reader.core.merge import conflict, plan_import
from reader.core.models import ParsedPaper
from reader.core.store import Store

NOW = "2025-03-04T10:00:00+00:00"


MAKERS = (
    "Acorn", "Birchwood", "Cobalt", "Driftwood", "Ember", "Fjord", "Granite", "Heron", "Indigo", "Juniper",
    "Kestrel", "Lantern", "Meadow", "Nimbus", "Orchid", "Pebble", "Quartz", "Rowan", "Saffron", "Thistle", "Umber",
)


def online_references(count: int) -> str:
    """A hand-kept BibTeX file where every web page is titled ``{Online reference}``, each by its maker."""
    return "\n".join(
        f"@misc{{web{number},\n  title = {{{{Online reference}}}},\n  author = {{{{{MAKERS[number]}}}}},\n"
        f"  howpublished = {{https://example{number}.org/page}},\n  year = {{2021}}\n}}\n"
        for number in range(count)
    )


DEEP_LEARNING = """\
@article{lecun2015deep,
  title = {Deep learning},
  author = {LeCun, Yann and Bengio, Yoshua and Hinton, Geoffrey},
  journal = {Nature},
  year = {2015}
}

@book{goodfellow2016deep,
  title = {Deep Learning},
  author = {Goodfellow, Ian and Bengio, Yoshua and Courville, Aaron},
  publisher = {MIT Press},
  year = {2016}
}
"""

SAME_ARXIV_TWICE = """\
@misc{first,
  title = {Tidal Lenses for Sparse Attention},
  author = {Ann Bee and Cy Dee},
  eprint = {2501.04242},
  archivePrefix = {arXiv},
  url = {https://github.com/tidal/lenses}
}

@misc{second,
  title = {Tidal lenses for sparse attention},
  author = {Bee, Ann and Eve Fay},
  eprint = {2501.04242},
  archivePrefix = {arXiv},
  url = {https://tidal.github.io/lenses}
}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_twenty_one_online_references_stay_twenty_one(tmp_path: Path, store: Store) -> None:
    source = write(tmp_path, "refs.bib", online_references(21))
    parsed = read_file(source)
    assert len(parsed.papers) == 21
    assert len({paper.authors for paper in parsed.papers}) == 21
    plan = library.import_paths(store, [source])
    assert plan.total.new == 21
    entries = store.entries()
    assert len(entries) == 21
    assert sorted(e.paper.links[0].url for e in entries) == sorted(f"https://example{n}.org/page" for n in range(21))
    again = library.import_paths(store, [source])  # each entry finds its own record again
    assert (again.total.new, again.total.updated, again.total.unchanged) == (0, 0, 21)
    assert store.count() == 21


def test_an_article_and_a_book_with_one_title_stay_two(tmp_path: Path, store: Store) -> None:
    source = write(tmp_path, "deep.bib", DEEP_LEARNING)
    assert [p.published for p in read_file(source).papers] == ["2015", "2016"]
    library.import_paths(store, [source])
    years = sorted((e.paper.published, e.paper.authors[0]) for e in store.entries())
    assert years == [("2015", "Yann LeCun"), ("2016", "Ian Goodfellow")]


def test_the_same_title_from_another_file_merges_into_the_work_it_agrees_with(tmp_path: Path, store: Store) -> None:
    library.import_paths(store, [write(tmp_path, "deep.bib", DEEP_LEARNING)])
    book = ParsedPaper(title="Deep learning.", authors=("I. Goodfellow",), published="2016-11")
    plan = plan_import(store.records(), [("list.txt", "hf-page", [book])], NOW)
    assert plan.files[0].updated == 1 and plan.files[0].new == 0
    (record,) = plan.records.values()
    assert record["authors"][0] == "Ian Goodfellow"
    other = ParsedPaper(title="Deep Learning", authors=("Someone Else",))
    assert plan_import(store.records(), [("x.txt", "hf-page", [other])], NOW).files[0].new == 1


def test_one_files_two_entries_for_one_arxiv_id_keep_every_author_and_link(tmp_path: Path) -> None:
    (paper,) = read_file(write(tmp_path, "twice.bib", SAME_ARXIV_TWICE)).papers
    assert paper.arxiv_id == "2501.04242"
    assert paper.authors == ("Ann Bee", "Cy Dee", "Eve Fay")
    assert [link.url for link in paper.links] == ["https://github.com/tidal/lenses", "https://tidal.github.io/lenses"]


def test_what_conflicts_and_what_does_not() -> None:
    base = ParsedPaper(title="T", authors=("Yoshua Bengio",), published="2015-05-27", arxiv_id="1501.00001")
    assert conflict(base, ParsedPaper(title="T")) is None  # nothing to compare: a page copy without authors
    assert conflict(base, ParsedPaper(title="T", authors=("Y. Bengio", "X"), published="2015")) is None
    assert conflict(base, ParsedPaper(title="T", authors=("Ann Bee",))) == "authors"
    assert conflict(base, ParsedPaper(title="T", published="2016")) == "published"
    assert conflict(base, ParsedPaper(title="T", arxiv_id="1501.00002")) == "arxiv_id"
    stored = {"title": "T", "authors": ["Yoshua Bengio"], "published": "2015"}
    assert conflict(stored, ParsedPaper(title="T", authors=("Ann Bee",))) == "authors"
