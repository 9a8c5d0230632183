"""What a line means in its own format: comments in id lists, backslashes in plain text, BibTeX escapes."""

from __future__ import annotations

import json
from pathlib import Path

from reader.core import library
from reader.core.importers import parse_text, read_file
from reader.core.store import Store
from reader.core.text import bibtex_source, bibtex_text

WORDS = " ".join(f"word{n}" for n in range(30))


def test_an_id_list_with_comments_after_the_ids(tmp_path: Path) -> None:
    text = (
        "# papers to read\n"
        "2406.13131  # parts > sums\n"
        "https://arxiv.org/abs/2401.00001\t# the survey\n"
        "- 2402.00002 # from the reading group\n"
        "https://arxiv.org/abs/2403.00003#section-2\n"
    )
    parsed = parse_text(text, tmp_path / "ids.txt")
    assert parsed.format == "arxiv-ids"
    assert [p.arxiv_id for p in parsed.papers] == ["2406.13131", "2401.00001", "2402.00002", "2403.00003"]


def test_backslashes_in_a_plain_copy_are_the_authors_own(tmp_path: Path) -> None:
    page = f"Daily Papers\n\nPredicting \\[y\\] from \\[x\\]: A Note\n\nWe predict {WORDS}.\n"
    (paper,) = parse_text(page, tmp_path / "page.txt").papers
    assert paper.title == "Predicting \\[y\\] from \\[x\\]: A Note"
    clipped = f"# Daily Papers\n\n### Predicting \\[y\\] well\n\n- 3 authors\n\nWe predict {WORDS}.\n"
    (paper,) = parse_text(clipped, tmp_path / "page.md").papers
    assert paper.title == "Predicting [y] well"  # in Markdown, \[ is an escaped bracket


def test_zotero_escaped_math_reads_as_the_latex_it_escapes() -> None:
    assert bibtex_source(r"\$\textbackslash mathcal\{V\}\$") == r"$\mathcal{V}$"
    assert bibtex_source(r"{\$}{\textbackslash}mathcal\{{V}\}{\$}") == r"$\mathcal{V}$"
    assert bibtex_source(r"at {\textbackslash}url\{https://x.org/a\_b\} models{\textasciitilde}(LLMs)") == (
        r"at \url{https://x.org/a_b} models~(LLMs)"
    )
    assert bibtex_text(r"{Learning} \$\textbackslash mathcal\{V\}\$-{Functions}") == "Learning $V$-Functions"
    assert bibtex_text(r"{LumenFields}: \emph{Relightable} Fields") == "LumenFields: Relightable Fields"  # unchanged


def test_a_zotero_title_with_math_is_the_same_paper_as_the_api_title(tmp_path: Path, store: Store) -> None:
    bib = tmp_path / "zotero.bib"
    bib.write_text(
        "@misc{bee_learning_2025,\n"
        "  title = {Learning \\$\\textbackslash mathcal\\{V\\}\\$-functions for {Sparse} {Rewards}},\n"
        "  author = {Bee, Ann},\n"
        "  abstract = {We learn {\\textbackslash}url\\{https://github.com/made-up/v\\_functions\\} fast.},\n"
        "  year = {2025},\n"
        "}\n"
    )
    (paper,) = read_file(bib).papers
    assert paper.title == "Learning $V$-functions for Sparse Rewards"
    assert paper.abstract_raw == "We learn \\url{https://github.com/made-up/v_functions} fast."
    assert paper.abstract == "We learn https://github.com/made-up/v_functions fast."
    assert [link.repo for link in paper.links] == ["made-up/v_functions"]
    api = tmp_path / "daily.json"
    api.write_text(json.dumps([{"paper": {
        "id": "2501.09999", "title": "Learning $\\mathcal{V}$-functions for Sparse Rewards",
        "summary": "We learn fast.", "authors": [{"name": "Ann Bee"}], "publishedAt": "2025-01-20T00:00:00.000Z",
    }}]))
    library.import_paths(store, [bib])
    plan = library.import_paths(store, [api])
    assert (plan.total.new, plan.total.updated) == (0, 1)
    (entry,) = store.entries()
    assert entry.paper.arxiv_id == "2501.09999"
