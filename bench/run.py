"""Measure reader at 1k / 10k / 100k papers against the straightforward design, in one run.

    .venv/bin/python bench/run.py                      # 1,000, 10,000 and 100,000 papers
    .venv/bin/python bench/run.py --sizes 1000,10000   # a quick run

Every library is the real seed page (when ``../shared`` is beside the checkout)
plus made-up papers from ``reader.core.corpus`` up to the size. Each row is
timed for the project and, where the issue names one, for the baseline in the
same process and run; the table prints medians, p95 and baseline/ours.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from reader.core import library
from reader.core.corpus import generate
from reader.core.importers import ParsedFile, read_file
from reader.core.models import Entry, ParsedPaper
from reader.core.search.index import SearchIndex
from reader.core.store import Store

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seeds" / "000_7bfbc06375f7ab90.txt"
TYPO_QUERIES = {
    "gausian splating": ("Swift4D",),
    "mixture of experts training system": ("SE-MoE",),
    "theorem prover lean": ("LeanDojo", "LeanAgent"),
}


@dataclass
class Row:
    name: str
    target: str
    ours: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    limit: float | None = None  # seconds; None when the target is not a time per operation
    note: str = ""
    failed: str = ""  # why the row could not be measured (e.g. a command exited non-zero)


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fmt(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"


# -- the corpus ------------------------------------------------------------------


def corpus(size: int) -> list[ParsedPaper]:
    seed = read_file(SEED).papers if SEED.is_file() else []
    return seed + list(generate(max(0, size - len(seed)), seed=11))


def intended(entries: list[Entry], query: str) -> set[int]:
    return {i for i, e in enumerate(entries) if e.paper.title.startswith(TYPO_QUERIES[query])}


def top3_ours(index: SearchIndex, entries: list[Entry]) -> str:
    if not SEED.is_file():
        return "no seed"
    position = {e.id: i for i, e in enumerate(entries)}
    hits = sum(
        bool(intended(entries, q) & {position[pid] for pid in index.ids_at(index.rank(q, 3)[0])}) for q in TYPO_QUERIES
    )
    return f"{hits}/3"


# -- rows ------------------------------------------------------------------------


def bench_size(size: int, work: Path, fzf: str | None, only: str = "all") -> list[Row]:
    folder = work / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    papers = corpus(size)
    rows: list[Row] = []

    store_path = folder / "library.json"
    store = Store(store_path)
    start = time.perf_counter()
    library.import_parsed(store, [ParsedFile(folder / "generated.txt", "hf-page", papers)], backup=False)
    built = time.perf_counter() - start
    store.close()
    if only == "commands":
        del papers
        print(f"\n(store of {size:,} papers built in {built:.1f} s: {store_path})")
        return command_rows(store_path, Store(store_path).entries(), size)
    rows.append(Row("import all papers", "≤ 10 s at 100k", ours=[built]))
    rows.append(import_file(papers, folder))
    del papers

    entries = Store(store_path).entries()
    rows.append(mark_read(store_path, entries, folder))
    rows += open_store(store_path, folder, entries)
    rows += searching(store_path, entries, folder, fzf)
    rows += app_rows(entries, store_path)
    rows += command_rows(store_path, entries, size)  # last: they star, note and tag papers
    return rows


def import_file(papers: list[ParsedPaper], folder: Path) -> Row:
    """What ``reader import`` does with one big file: parse it, merge it, write the store."""
    source = folder / "daily_papers.json"  # the shape of Hugging Face's api/daily_papers
    items = [
        {
            "paper": {
                "id": p.arxiv_id or "",
                "title": p.title,
                "summary": p.abstract,
                "authors": [{"name": name} for name in p.authors],
                "publishedAt": f"{p.published or '2024-01-01'}T00:00:00.000Z",
                "upvotes": p.upvotes or 0,
            },
            "publishedAt": "2024-07-09T00:00:00.000Z",
        }
        for p in papers
    ]
    source.write_bytes(json.dumps(items).encode())
    del items
    store = Store(folder / "from-file.json")
    bars: list[tuple[int, ...]] = []  # what the bars on a terminal are told
    start = time.perf_counter()
    parsed = library.parse_inputs([source], lambda *a: bars.append(a[:2]), lambda *a: bars.append(a[:2]))
    parse_time = time.perf_counter() - start
    library.import_parsed(store, parsed, progress=lambda *a: bars.append(a))
    total = time.perf_counter() - start
    store.close()
    source.unlink()
    row = Row("  reader import of one file of them (HF API JSON)", "≤ 10 s at 100k", ours=[total])
    row.note = f"parsing the file {parse_time:.1f} s (1 core), merge and write {total - parse_time:.1f} s"
    return row


def mark_read(store_path: Path, entries: list[Entry], folder: Path) -> Row:
    from tinydb import TinyDB

    row = Row("mark one paper read, on disk", "≤ 20 ms", limit=0.020)
    rng = random.Random(1)
    chosen = [rng.choice(entries).id for _ in range(15)]
    store = Store(store_path)
    row.ours = [t for pid in chosen for t in timed(partial(store.set_state, [pid], status="read"), 1)]
    store.close()
    fresh = Store(store_path)
    assert all(fresh.entry(pid).state.read for pid in chosen), "a mark was not on disk"
    fresh.close()

    plain = folder / "tinydb-default.json"
    db = TinyDB(plain)  # the straightforward design: one file, default JSONStorage
    db.insert_multiple({"id": e.id, **e.to_record()} for e in entries)
    ids = [rng.randrange(1, len(entries) + 1) for _ in range(3 if len(entries) > 20_000 else 7)]
    row.base = [t for doc in ids for t in timed(partial(db.update, {"read": True}, doc_ids=[doc]), 1)]
    db.close()
    return row


def open_store(store_path: Path, folder: Path, entries: list[Entry]) -> list[Row]:
    from tinydb import TinyDB

    def ours() -> None:
        store = Store(store_path)
        SearchIndex.load_or_build(store.entries(), store.path)
        store.close()

    build = Row("index build, no cache (in a worker)", "off the UI thread", note="then cached")
    build.ours = timed(lambda: SearchIndex(entries), 1)
    SearchIndex.load_or_build(entries, store_path)  # writes the cache the app finds next time
    row = Row("open store + search index ready", "usable ≤ 1.5 s", limit=1.5)
    row.ours = timed(ours, 3)
    plain = folder / "tinydb-default.json"
    row.base = timed(lambda: TinyDB(plain).all(), 3)
    return [row, build]


def rapidfuzz_baseline(
    label: str, lines: list[str], scorer: Callable[..., float], ours: Row, entries: list[Entry]
) -> Row:
    """The straightforward search: rapidfuzz over every line, for each typo query."""
    row = Row(label, "≤ 30 ms", limit=0.030)
    row.ours = ours.ours
    found = 0
    for query in TYPO_QUERIES:
        start = time.perf_counter()
        top = process.extract(query, lines, scorer=scorer, processor=utils.default_process, limit=3)
        row.base.append(time.perf_counter() - start)
        found += bool(intended(entries, query) & {i for _, _, i in top})
    row.note = f"typo top 3: baseline {found}/3"
    return row


def searching(store_path: Path, entries: list[Entry], folder: Path, fzf: str | None) -> list[Row]:
    index = SearchIndex.load_or_build(entries, store_path)
    keystroke = Row("search per keystroke (title+abstract+notes+tags)", "≤ 30 ms", limit=0.030)
    for query in TYPO_QUERIES:
        for end in range(1, len(query) + 1):
            keystroke.ours += timed(partial(index.rank, query[:end]), 1)
    keystroke.note = f"typo queries top 3: ours {top3_ours(index, entries)}"
    full = Row("search, every hit as a list of Hit", "(for scripts)")
    full.ours = [t for q in TYPO_QUERIES for t in timed(partial(index.search, q), 1)]

    titles = [e.paper.title for e in entries]
    both = [f"{e.paper.title} {e.paper.abstract}" for e in entries]
    wratio = rapidfuzz_baseline("  vs rapidfuzz WRatio over titles", titles, fuzz.WRatio, keystroke, entries)
    by_part = rapidfuzz_baseline(
        "  vs rapidfuzz partial_ratio title+abstract", both, fuzz.partial_ratio, keystroke, entries
    )
    rows = [keystroke, full, wratio, by_part]
    for label, lines in (("titles", titles), ("title+abstract", both)):
        rows.append(fzf_row(label, lines, entries, keystroke.ours, folder, fzf))
    return rows


def fzf_row(
    label: str, lines: list[str], entries: list[Entry], ours: list[float], folder: Path, fzf: str | None
) -> Row:
    row = Row(f"  vs fzf --filter over {label}", "≥ 10x faster" if label == "titles" else "-", ours=ours)
    if fzf is None:
        row.note = "fzf not installed (apt-get install fzf)"
        return row
    source = folder / f"fzf-{label.replace('+', '-')}.txt"
    source.write_text("\n".join(f"{i}\t{line.replace(chr(10), ' ')}" for i, line in enumerate(lines)) + "\n")
    found = 0
    for query in TYPO_QUERIES:
        with source.open("rb") as handle:
            start = time.perf_counter()
            out = subprocess.run([fzf, "--filter", query], stdin=handle, capture_output=True, check=False)
            row.base.append(time.perf_counter() - start)
        top = {int(line.split(b"\t", 1)[0]) for line in out.stdout.splitlines()[:3]}
        found += bool(intended(entries, query) & top)
    row.note = f"typo top 3: fzf {found}/3"
    return row


def app_rows(entries: list[Entry], store_path: Path) -> list[Row]:
    """The app in a child process of its own, so its peak RSS is the app's alone."""
    paint = Row("list first paint (app; from opening the store)", "≤ 1.5 s", limit=1.5)
    paint.base = [first_paint_datatable([e.paper.title for e in entries])]
    keys = Row("  cursor key while the store loads", "≤ 50 ms: never waits on N", limit=0.050)
    loaded = Row("  whole store loaded, index ready (app)", "-")
    rss = Row("peak RSS of the app process", "≤ 400 MB")
    child = subprocess.run(
        [sys.executable, __file__, "--app-child", str(store_path)], capture_output=True, text=True, check=False
    )
    try:
        report = json.loads(child.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        paint.note = f"app child failed: {child.stderr.strip().splitlines()[-1:]}"
        return [paint]
    paint.ours = [report["first_rows"]]
    paint.note = (
        f"baseline: a DataTable of every title; Store() took {report['opened']:.2f} s of it;"
        f" imports before it took {report['imports']:.2f} s"
    )
    keys.ours = report["keys"]
    keys.note = (
        f"{len(report['keys'])} down keys, one every {KEY_INTERVAL * 1000:.0f} ms from the first paint until the"
        f" index is ready, max {fmt(max(report['keys'], default=0))} (p95 is the target)"
    )
    loaded.ours = [report["indexed"]]
    rss.ours = [report["rss_mb"]]
    rss.note = f"{report['rss_mb']:.0f} MB (store + app + search index, after a search)"
    return [paint, keys, loaded, rss]


def first_paint_datatable(titles: list[str]) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("title")
            table.add_rows([(t,) for t in titles])

    async def run() -> float:
        start = time.perf_counter()
        async with Table().run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            return time.perf_counter() - start

    return asyncio.run(run())


def peak_rss_mb() -> float:
    """This process's peak RSS since it started, in MB.

    ``ru_maxrss`` would not do in a child: Linux carries the forked parent's
    peak across exec, and the parent holds the whole benchmark.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_age() -> float:
    """Seconds since this process started (Linux): what a user starting reader waited for imports."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    return float(Path("/proc/uptime").read_text().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")


KEY_INTERVAL = 0.025  # seconds between cursor keys posted while the app loads: a held-down key


def app_child(store_path: Path) -> None:
    """Open the store, start the app, wait for rows, press keys while it loads, search; report."""
    from reader.tui import make_app

    async def run() -> dict[str, Any]:
        imports = process_age()
        start = time.perf_counter()
        store = Store(store_path)
        opened = time.perf_counter() - start
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.paper_list.rows:
                await asyncio.sleep(0.005)
            painted = asyncio.Event()
            app.call_after_refresh(painted.set)  # runs once the screen with those rows was drawn
            await painted.wait()
            first_rows = time.perf_counter() - start
            keys = await keys_while_loading(app)
            indexed = time.perf_counter() - start
            await pilot.press("slash", *"gausian splating")
            await pilot.pause()
        store.close()
        rss_mb = peak_rss_mb()
        return {
            "imports": imports,
            "opened": opened,
            "first_rows": first_rows,
            "keys": keys,
            "indexed": indexed,
            "rss_mb": rss_mb,
        }

    print(json.dumps(asyncio.run(run())))


async def keys_while_loading(app: Any) -> list[float]:
    """Post a down key every KEY_INTERVAL from another thread until the store and index are loaded.

    The keys come from a thread, as a terminal's keys do, so a key that arrives
    while the UI thread is busy waits for it, and that wait is measured (a key
    posted from the UI thread's own loop would only be posted after the stall).
    Each key's wait runs from its posting to the cursor reaching its row.
    """
    import threading

    from textual import events

    posted: list[float] = []
    moved: list[float] = []
    done = threading.Event()

    def moved_to(new: int) -> None:
        while len(moved) < min(new, len(posted)):
            moved.append(time.perf_counter())

    def post_keys() -> None:
        while not done.is_set():
            posted.append(time.perf_counter())
            app.post_message(events.Key("down", None))
            time.sleep(KEY_INTERVAL)

    app.watch(app.paper_list, "cursor", moved_to, init=False)
    poster = threading.Thread(target=post_keys, daemon=True)
    poster.start()
    deadline = time.perf_counter() + 300
    while (app.is_loading or app.index is None) and time.perf_counter() < deadline:
        await asyncio.sleep(0.01)
    done.set()
    poster.join()
    for _ in range(500):  # the last keys still in the queue (bounded)
        if len(moved) >= len(posted):
            break
        await asyncio.sleep(0.01)
    return [after - before for before, after in zip(posted, moved, strict=False)]


# -- whole CLI processes -------------------------------------------------------------

COMMAND_QUERY = "mixture of experts"  # many hits in the generated corpus
COMMAND_TAG = "benchtag"
STARRED = 20


def reader_command() -> list[str]:
    """The ``reader`` console script of the venv the bench runs under, else ``python -m reader``."""
    script = Path(sys.executable).parent / "reader"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "reader"]


# As a user's shell runs it: compiled modules are cached (some environments turn that off,
# and then every run compiles the package again, which is not what a user waits for).
COMMAND_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class CommandFailed(Exception):
    pass


def run_command(argv: list[str], capture: bool = False) -> tuple[float, bytes]:
    """Run one whole process; its wall time from start to exit, and its stdout when asked for.

    Raises ``CommandFailed`` (with the exit code and the last stderr line) when it does not exit 0.
    """
    gc.collect()
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        env=COMMAND_ENV,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.decode(errors="replace").strip().splitlines() or ["(no stderr)"])[-1]
        raise CommandFailed(f"exit {done.returncode}: {last[:160]}")
    return took, done.stdout or b""


def command_row(
    name: str,
    target: str,
    limit: float | None,
    argv: Callable[[int], list[str]],
    runs: int,
    reset: Callable[[int], list[str]] | None = None,
    note: str = "",
) -> Row:
    """One warm-up and ``runs`` timed runs of ``argv(i)``; ``reset(i)``, untimed, after each run."""
    row = Row(name, target, limit=limit)
    step = ""
    try:
        for i in range(1 + runs):
            step = "the warm-up" if i == 0 else f"run {i}"
            took, _ = run_command(argv(i))
            if i:
                row.ours.append(took)
            if reset is not None:
                step += "'s reset"
                run_command(reset(i))
    except CommandFailed as failure:
        row.ours = []  # no time for a command that failed
        row.failed = f"FAILED in {step}: {failure}"
        return row
    row.note = f"1 warm-up + {runs} runs (p95 of {runs} = max)" if runs < 20 else f"1 warm-up + {runs} runs"
    row.note += f"; {note}" if note else ""
    return row


def command_rows(store_path: Path, entries: list[Entry], size: int) -> list[Row]:
    """Whole ``reader`` processes against the store just built: start-up, open, work, exit."""
    runs = 7 if size <= 10_000 else 5  # a 100k run is a second or so of store opening: keep the bench bounded
    reader = [*reader_command(), "--db", str(store_path)]
    rng = random.Random(7)
    subject = entries[len(entries) // 2].id
    stars = [e.id for e in rng.sample(entries, min(STARRED, len(entries)))]
    fast, slow = ("≤ 150 ms", 0.150), ("≤ 300 ms", 0.300)
    rows = []

    python = [sys.executable, "-c", "import reader.cli"]
    rows.append(command_row("cli: python -c 'import reader.cli'", "-", None, lambda i: python, runs))
    bare = command_row("", "-", None, lambda i: [sys.executable, "-c", "pass"], runs)
    if bare.ours:
        rows[-1].note += f"; python -c pass alone: median {fmt(statistics.median(bare.ours))}"

    rows.append(
        command_row(
            "cli: reader mark ID --read",
            *fast,
            lambda i: [*reader, "mark", subject, "--read"],
            runs,
            reset=lambda i: [*reader, "mark", subject, "--unread"],
            note="--unread after each, untimed",
        )
    )
    rows.append(
        command_row(
            "cli: reader note ID TEXT",
            *fast,
            lambda i: [*reader, "note", subject, f"bench note {i}"],
            runs,
            note="a new text each run",
        )
    )
    rows.append(
        command_row(
            f"cli: reader tag ID {COMMAND_TAG}",
            *fast,
            lambda i: [*reader, "tag", subject, COMMAND_TAG],
            runs,
            reset=lambda i: [*reader, "tag", "--remove", subject, COMMAND_TAG],
            note="--remove after each, untimed",
        )
    )
    rows.append(command_row("cli: reader show ID", *fast, lambda i: [*reader, "show", subject], runs))

    listed = Row("cli: reader list --starred", slow[0], limit=slow[1])
    try:
        run_command([*reader, "mark", *stars, "--star"])
        _, out = run_command([*reader, "list", "--starred"], capture=True)
    except CommandFailed as failure:
        listed.failed = f"FAILED (starring {len(stars)} papers or listing them): {failure}"
        rows.append(listed)
    else:
        shown = len(out.splitlines())
        listed = command_row(
            listed.name, *slow, lambda i: [*reader, "list", "--starred"], runs, note=f"{shown} starred papers listed"
        )
        if shown != len(stars) and not listed.failed:
            listed.failed = f"FAILED: listed {shown} papers, {len(stars)} were starred"
            listed.ours = []
        rows.append(listed)

    searched = Row(f"cli: reader search '{COMMAND_QUERY}'", slow[0], limit=slow[1])
    try:
        _, out = run_command([*reader, "search", COMMAND_QUERY, "--limit", str(len(entries)), "--json"], capture=True)
        hits = len(json.loads(out))
    except (CommandFailed, ValueError) as failure:
        searched.failed = f"FAILED (counting the hits): {failure}"
        rows.append(searched)
    else:
        searched = command_row(
            searched.name, *slow, lambda i: [*reader, "search", COMMAND_QUERY], runs, note=f"{hits:,} hits, 20 printed"
        )
        rows.append(searched)
    return rows


# -- the table -------------------------------------------------------------------


def print_table(size: int, rows: list[Row]) -> None:
    print(f"\n## {size:,} papers\n")
    print("| row | ours median | ours p95 | baseline median | baseline p95 | baseline/ours | target | met | notes |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        if row.name.startswith("peak RSS"):
            met = "yes" if row.ours and row.ours[0] <= 400 else "NO"
            print(f"| {row.name} | {row.note} | | | | | {row.target} | {met} | |")
            continue
        ours = statistics.median(row.ours) if row.ours else None
        base = statistics.median(row.base) if row.base else None
        ratio = "-"
        if ours and base:
            ratio = f"{base / ours:,.0f}x" if base / ours >= 10 else f"{base / ours:.1f}x"
        met = "-"
        if row.failed:
            met, row.note = "NO: failed", row.failed + (f"; {row.note}" if row.note else "")
        elif ours is not None and row.limit is not None:
            met = "yes" if p95(row.ours) <= row.limit else "NO"
        elif ours is not None and row.target == "≤ 10 s at 100k":
            met = "yes" if ours <= 10 else "NO"
        elif ours and base and row.target.startswith("≥ 10x"):
            met = "yes" if base / ours >= 10 else "NO"
        cells = [
            row.name,
            fmt(ours) if ours is not None else "-",
            fmt(p95(row.ours)) if row.ours else "-",
            fmt(base) if base is not None else "-",
            fmt(p95(row.base)) if row.base else "-",
            ratio,
            row.target,
            met,
            row.note,
        ]
        print("| " + " | ".join(cells) + " |")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated library sizes")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "reader-bench")
    parser.add_argument(
        "--only",
        choices=("all", "commands"),
        default="all",
        help="'commands': only the rows that time whole reader processes (mark, note, tag, show, list, search,"
        " import reader.cli), against a store of each size built as usual (default: every row)",
    )
    parser.add_argument("--app-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.app_child:
        app_child(args.app_child)
        return 0
    fzf = shutil.which("fzf")
    version = subprocess.run([fzf, "--version"], capture_output=True, text=True).stdout.strip() if fzf else "absent"
    print(f"# reader bench: {os.cpu_count()} cores, python {sys.version.split()[0]}, fzf {version}")
    print(f"# seed page: {'included' if SEED.is_file() else 'absent (generated papers only)'}")
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        rows = bench_size(size, args.workdir, fzf, args.only)
        print_table(size, rows)
        print(f"\n({size:,} papers measured in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
