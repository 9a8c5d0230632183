"""The ranking of new papers: cold start, learning from stars and skips, reasons, the watch list, and its settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.core import config, inbox, library, triage
from reader.core.errors import InputError
from reader.core.importers import read_file
from reader.core.models import Entry, Paper, ReadingState
from reader.core.store import Store
from reader.core.watch import WatchList
from tests.realfiles import FIXTURES, IMPORTERS

STAMP = "2026-01-01T00:00:00+00:00"


def paper(pid: str, title: str, abstract: str = "", **fields: object) -> Entry:
    return Entry(Paper.from_dict(pid, {"title": title, "abstract": abstract, **fields}))


def touched(entry: Entry, **state: object) -> Entry:
    return Entry(entry.paper, ReadingState(changed_at=STAMP, **state))  # type: ignore[arg-type]


SPLATTING = [
    touched(paper(f"s{n}", f"Gaussian splatting for {scene} scenes",
                  f"We render {scene} scenes with 3D gaussian splatting and fast rasterisation."), starred=True)
    for n, scene in enumerate(["dynamic", "urban", "indoor", "large"])
]
SURVEYS = [
    touched(paper(f"v{n}", f"A survey of {topic} benchmarks",
                  f"This survey reviews {topic} benchmarks and leaderboards."), skipped=True)
    for n, topic in enumerate(["reasoning", "agent", "code", "math"])
]
BACKGROUND = [paper(f"b{n}", f"Protein folding with language {n}", "Sequences of amino acids and structures.")
              for n in range(20)]
BATCH = [
    paper("new-survey", "A survey of retrieval benchmarks", "This survey reviews retrieval benchmarks.", upvotes=90),
    paper("new-splat", "Dynamic gaussian splatting in real time", "Gaussian splatting of dynamic scenes.", upvotes=1),
    paper("new-other", "Crop yields from sparse reports", "Forecasting harvests.", upvotes=40),
]


def test_cold_start_is_watch_list_then_upvotes_then_date() -> None:
    batch = [*BATCH, paper("dated", "Tiny models", published="2026-05-01"), paper("older", "Old", published="2020")]
    ranked = triage.rank(batch, triage.History([], [], []), WatchList(keywords=["real time"]))
    assert [item.entry.id for item in ranked] == ["new-splat", "new-survey", "new-other", "dated", "older"]
    assert ranked[0].why.startswith("watched (keyword real time) · 1 upvote (no history yet")
    assert ranked[1].why.startswith("90 upvotes")
    assert ranked[3].why.startswith("published 2026-05-01")


def test_stars_lift_their_topic_and_skips_sink_theirs_with_reasons() -> None:
    ranked = triage.rank(BATCH, triage.History(SPLATTING, SURVEYS, BACKGROUND))
    order = [item.entry.id for item in ranked]
    assert order[0] == "new-splat" and order[-1] == "new-survey"
    assert ranked[0].why.startswith("close to 4 papers you starred: ")
    assert "gaussian splatting" in ranked[0].why
    assert ranked[-1].why.startswith("like ") and "you skipped: " in ranked[-1].why


def test_the_watch_list_matches_whole_words_and_lifts() -> None:
    watch = WatchList(authors=["hinton", "Zoë Abara"], keywords=["gaussian-splatting", "GAN"])
    hinton = paper("h", "T", authors=["Geoffrey E. Hinton"])
    assert watch.matches(hinton) == ["author hinton"]
    assert watch.matches(paper("x", "T", authors=["Hintonson"])) == []
    assert watch.matches(paper("z", "T", authors=["ZOE ABARA"])) == ["author Zoë Abara"]
    assert watch.matches(paper("k", "Fast Gaussian Splatting")) == ["keyword gaussian-splatting"]
    assert watch.matches(paper("g", "Organic chemistry")) == []  # "gan" inside a word is no match
    ranked = triage.rank(BATCH, triage.History(SPLATTING, SURVEYS, BACKGROUND), WatchList(keywords=["harvests"]))
    assert ranked[0].entry.id in ("new-other", "new-splat") and ranked[0].score > ranked[-1].score
    lifted = next(item for item in ranked if item.entry.id == "new-other")
    assert lifted.watched == ("keyword harvests",) and lifted.why.startswith("watched (keyword harvests) · ")


def test_rank_inbox_reads_history_and_inbox_from_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.json")
    library.import_paths(store, [FIXTURES / "hf_page.txt"])
    liked = store.ids()[:3]
    store.set_state(liked, starred=True)
    library.import_parsed(store, [read_file(IMPORTERS / "hf_daily_new.json")], arrived_via="huggingface")
    new = inbox.new_ids(store)
    assert len(new) == 6
    ranked = triage.rank_inbox(store, config.Settings())
    assert sorted(item.entry.id for item in ranked) == sorted(new)
    assert all(item.why and item.why != "nothing to compare: no title words or abstract" for item in ranked)
    history = triage.history_of(store, set(new))
    assert [e.id for e in history.liked] == liked and not set(new) & {e.id for e in history.background}


def test_watch_and_subscriptions_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[subscriptions]\nhf = "hf"\ncs.CL = "arxiv:cs.CL"\nsplat = \'arxiv:ti:"gaussian splatting"\'\n\n'
        '[watch]\nauthors = ["Geoffrey Hinton"]\nkeywords = "gaussian splatting, nerf"\n'
    )
    settings = config.load(path)
    assert dict(settings.subscriptions) == {"hf": "huggingface", "cs.CL": "arxiv:cs.CL",
                                            "splat": 'arxiv:ti:"gaussian splatting"'}
    assert settings.watch == config.WatchSettings(("Geoffrey Hinton",), ("gaussian splatting", "nerf"))
    config.set_value("watch.authors", "Yann LeCun, Fei-Fei Li", path)
    config.set_value("subscriptions.blog", "https://example.org/feed.xml", path)
    again = config.load(path)
    assert again.watch.authors == ("Yann LeCun", "Fei-Fei Li") and again.subscriptions["blog"].startswith("https")
    assert 'subscriptions."cs.CL" = "arxiv:cs.CL"' in config.describe(again)
    path.write_text('[subscriptions]\nok = "hf"\nbad = "ftp://x"\n')
    with pytest.raises(InputError) as caught:
        config.load(path)
    assert str(caught.value).startswith(f"{path}: line 3: subscriptions.bad: 'ftp://x' is not a subscription")
    path.write_text("[watch]\nauthors = 3\n")
    with pytest.raises(InputError, match=r"watch\.authors: expected a list of text, got a number"):
        config.load(path)


def test_marking_a_paper_loads_no_ranking_and_no_fetching(tmp_path: Path) -> None:
    store = Store(tmp_path / "library.json")
    library.import_paths(store, [IMPORTERS / "hf_daily_new.json"])
    code = (
        "import sys\nfrom reader import cli\n"
        f"cli.main(['--db', {str(store.path)!r}, 'mark', '2504.07001', '--read'])\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('numpy', 'httpx') "
        "or m.startswith(('reader.core.taste', 'reader.core.triage', 'reader.core.feeds')))))\n"
    )
    env = {"READER_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.splitlines()[-1] == ""
