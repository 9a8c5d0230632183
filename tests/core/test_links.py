"""Links inside abstracts: found, cleaned and classified as a reader expects."""

from __future__ import annotations

import pytest

from reader.core.links import find_links, make_link
from reader.core.models import Link
from reader.core.text import bibtex_text, readable_latex, repair_mojibake


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code: https://github.com/o/r.", Link("https://github.com/o/r", "code", "o/r")),
        ("code at http://github.com/o/r, see", Link("http://github.com/o/r", "code", "o/r")),
        ("see www.github.com/o/r)", Link("https://www.github.com/o/r", "code", "o/r")),
        (
            "at https://github.com/o/r/tree/main/sub/dir.",
            Link("https://github.com/o/r/tree/main/sub/dir", "code", "o/r"),
        ),
        ("clone https://github.com/o/r.git now", Link("https://github.com/o/r.git", "code", "o/r")),
        (
            "https://alignhuman.github.io/{https://alignhuman.github.io/}",
            Link("https://alignhuman.github.io/", "project"),
        ),
        ("\\url{https://github.com/o/r}.", Link("https://github.com/o/r", "code", "o/r")),
        (
            "{\\textbackslash}url\\{https://github.com/o/fair\\_eval\\}",
            Link("https://github.com/o/fair_eval", "code", "o/fair_eval"),
        ),
        ("(https://en.wikipedia.org/wiki/A_(b))", Link("https://en.wikipedia.org/wiki/A_(b)", "other")),
        ("our project page: https://example.org/proj", Link("https://example.org/proj", "project")),
        ("models at https://huggingface.co/org/model.", Link("https://huggingface.co/org/model", "code", "org/model")),
        (
            "demo https://huggingface.co/spaces/o/app",
            Link("https://huggingface.co/spaces/o/app", "code", "spaces/o/app"),
        ),
    ],
)
def test_one_link(text: str, expected: Link) -> None:
    assert find_links(text) == (expected,)


def test_repeats_are_one_link_in_reading_order() -> None:
    text = "See https://github.com/o/r and https://a.github.io/x. Again: https://github.com/o/r/."
    assert find_links(text) == (
        Link("https://github.com/o/r", "code", "o/r"),
        Link("https://a.github.io/x", "project"),
    )


def test_things_that_are_not_links() -> None:
    assert find_links("http:// and https://x and www. plain words") == ()


def test_structured_links() -> None:
    assert make_link("https://github.com/o/r ", "code") == Link("https://github.com/o/r", "code", "o/r")
    assert make_link("https://lab.example/p", "project") == Link("https://lab.example/p", "project")
    assert make_link("https://huggingface.co/papers/2501.00001") == Link("https://huggingface.co/papers/2501.00001")


def test_latex_made_readable() -> None:
    assert readable_latex("a \\emph{b} c \\% d~e \\textbf{\\emph{f}}") == "a b c % d e f"
    assert readable_latex("S{\\\"o}ren and \\v{S}imon and \\c c and \\'e") == "Sören and Šimon and ç and é"
    assert readable_latex("\\underline{x} \\omega") == "x \\omega"  # not an accent on u or o
    assert readable_latex("pages 10--20") == "pages 10–20"
    assert bibtex_text("{{Agents Pose}}: {NeRF} in {3D}") == "Agents Pose: NeRF in 3D"
    assert bibtex_text("Ha{\\v s}an, Milo{\\v s}") == "Hašan, Miloš"


def test_mojibake_repaired_only_when_sure() -> None:
    assert repair_mojibake("Aurora RamÃ\xadrez") == "Aurora Ramírez"
    assert repair_mojibake("itâ€™s") == "it’s"
    assert repair_mojibake("Ramírez") == "Ramírez"
    assert repair_mojibake("Ã© and 日本") == "Ã© and 日本"  # cannot be undone: left alone
