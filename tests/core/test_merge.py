"""One paper from many sources: matched on arXiv id, else on the normalised title."""

from __future__ import annotations

from reader.core.merge import plan_import
from reader.core.models import Link, ParsedPaper

NOW = "2025-03-04T10:00:00+00:00"


def test_stub_is_filled_by_a_later_source() -> None:
    stub = ParsedPaper(title="arXiv:2501.00001", arxiv_id="2501.00001", stub=True)
    first = plan_import({}, [("ids.txt", "arxiv-ids", [stub])], NOW)
    assert list(first.records) == ["2501.00001"]
    full = ParsedPaper(
        title="A Made-Up Paper", abstract="Words.", arxiv_id="2501.00001", authors=("Ann Bee",), upvotes=3
    )
    second = plan_import(first.records, [("api.json", "hf-api", [full])], NOW)
    record = second.records["2501.00001"]
    assert (record["title"], record.get("stub", False), record["authors"], record["upvotes"]) == (
        "A Made-Up Paper",
        False,
        ["Ann Bee"],
        3,
    )
    assert second.files[0].line() == "0 new, 1 updated, 0 unchanged; filled in: abstract (1), authors (1), title (1)"
    assert record["sources"] == ["ids.txt", "api.json"]


def test_title_match_fills_the_arxiv_id_and_keeps_the_first_id() -> None:
    page = ParsedPaper(title="Gradient Gardening: Pruning {Heads}", abstract="Words.")
    first = plan_import({}, [("page.txt", "hf-page", [page])], NOW)
    (slug,) = first.records
    assert slug.startswith("gradient-gardening-")
    bib = ParsedPaper(
        title="gradient gardening - pruning heads",
        arxiv_id="2503.01234",
        authors=("Ann Bee",),
        links=(Link("https://github.com/o/r", "code", "o/r"),),
    )
    second = plan_import(first.records, [("refs.bib", "bibtex", [bib])], NOW)
    assert list(second.records) == [slug]
    record = second.records[slug]
    assert (record["arxiv_id"], record["authors"], record["abstract"]) == ("2503.01234", ["Ann Bee"], "Words.")
    assert record["links"] == [{"url": "https://github.com/o/r", "kind": "code", "repo": "o/r"}]
    assert second.files[0].line() == "0 new, 1 updated, 0 unchanged; filled in: arxiv_id (1), authors (1), links (1)"


def test_never_overwrites_what_is_there() -> None:
    kept = ParsedPaper(title="Same Title", abstract="Original abstract.", authors=("Ann Bee",), arxiv_id="2501.00002")
    first = plan_import({}, [("a.json", "hf-api", [kept])], NOW)
    other = ParsedPaper(title="Same Title", abstract="Another abstract.", authors=("Cy Dee",), arxiv_id="2501.00002")
    second = plan_import(first.records, [("b.bib", "bibtex", [other])], NOW)
    record = second.records["2501.00002"]
    assert (record["abstract"], record["authors"]) == ("Original abstract.", ["Ann Bee"])
    assert second.files[0].line() == "0 new, 1 updated, 0 unchanged"  # only the new source is recorded


def test_same_title_different_arxiv_ids_are_two_papers() -> None:
    one = ParsedPaper(title="Attention Is Enough", arxiv_id="2501.00003")
    two = ParsedPaper(title="Attention is enough", arxiv_id="2501.00004")
    plan = plan_import({}, [("x.json", "hf-api", [one, two])], NOW)
    assert sorted(plan.records) == ["2501.00003", "2501.00004"]
    assert plan.files[0].new == 2


def test_unchanged_on_a_second_identical_import() -> None:
    paper = ParsedPaper(title="A Paper", arxiv_id="2501.00005", upvotes=4)
    first = plan_import({}, [("x.json", "hf-api", [paper])], NOW)
    again = plan_import(first.records, [("x.json", "hf-api", [paper])], NOW)
    assert again.records == {}
    assert again.files[0].line() == "0 new, 0 updated, 1 unchanged"
    newer = plan_import(
        first.records, [("x.json", "hf-api", [ParsedPaper(title="A Paper", arxiv_id="2501.00005", upvotes=9)])], NOW
    )
    assert newer.records["2501.00005"]["upvotes"] == 9  # counts are refreshed by a newer source
