"""The command line: parse arguments, call the core, or open the app.

Scripts depend on this surface: one ``error:`` line on stderr and exit 1 for
anything a user can fix, exit 2 for a wrong command line, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import orjson

from reader import __version__
from reader.core import export, library, query, related, sorting, stats
from reader.core.errors import ReaderError
from reader.core.models import Entry
from reader.core.search import Hit, SearchIndex
from reader.core.store import Store
from reader.core.text import strip_control


class UsageError(Exception):
    """A wrong command line: exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _add_db(parser: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="the store file (default: $READER_DB, else library.json in the user data directory)",
    )


def _add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--unread", action="store_true", help="only papers not read yet")
    group.add_argument("--read", action="store_true", help="only papers read")
    group.add_argument("--starred", action="store_true", help="only starred papers")
    parser.add_argument("--tag", metavar="T", help="only papers tagged T")


def _add_sort(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sort", choices=list(sorting.SORT_KEYS), help="order (default: as added)")
    parser.add_argument("--reverse", action="store_true", help="reverse the order")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reader",
        description="A terminal reading manager for research papers. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    _add_db(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = commands.add_parser(
        "import", help="import paper lists (files or directories)",
        description="Import paper lists. Every file is parsed before the store is touched: "
        "if any file is bad, none is imported (all or none).",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    _add_db(p)

    p = commands.add_parser("list", help="list papers")
    _add_filters(p)
    _add_sort(p)
    p.add_argument("--json", action="store_true", help="print one JSON array of records")
    _add_db(p)

    p = commands.add_parser(
        "search", help="fuzzy search titles, abstracts, tags and notes",
        description="Fuzzy search with filters: is:unread is:read is:reading is:starred, has:code has:note "
        "has:tags has:link, tag:T, year:2025 or year:2023..2025, author:NAME, \"exact phrase\", -word to "
        "exclude. Example: reader search 'gausian splatting is:unread -survey'",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    p.add_argument("--json", action="store_true", help="print one JSON array of records with a score")
    _add_db(p)

    p = commands.add_parser("show", help="show one paper")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    _add_db(p)

    p = commands.add_parser("mark", help="mark papers read, unread, reading, starred or unstarred")
    p.add_argument("ids", nargs="+", metavar="ID")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="status", action="store_const", const="read", default=None)
    read.add_argument("--unread", dest="status", action="store_const", const="to-read")
    read.add_argument("--reading", dest="status", action="store_const", const="reading")
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True, default=None)
    star.add_argument("--unstar", dest="starred", action="store_const", const=False)
    _add_db(p)

    p = commands.add_parser("note", help="set a paper's note ('-' reads it from stdin; '' clears it)")
    p.add_argument("id")
    p.add_argument("text")
    _add_db(p)

    p = commands.add_parser("tag", help="add tags to a paper (or remove them)")
    p.add_argument("id")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove the tags instead")
    _add_db(p)

    p = commands.add_parser(
        "export", help="write the notes file (Markdown, JSON, BibTeX or CSV), or one file per paper",
        description="Export papers. --per-paper DIR writes one Markdown file per paper with YAML front "
        "matter (Obsidian-style); --template FILE shapes each paper's Markdown ($title, $authors, $note...; "
        "see docs/workflow.md). The default format comes from the settings (export.format).",
    )
    _add_filters(p)
    p.add_argument("--all", action="store_true", help="every paper (the default)")
    p.add_argument("--format", choices=export.FORMATS, default=None, help="default: markdown, or export.format")
    target = p.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)")
    target.add_argument("--per-paper", type=Path, metavar="DIR", help="one Markdown file per paper in DIR")
    p.add_argument("--template", type=Path, metavar="FILE", help="a Markdown template applied per paper")
    _add_db(p)

    p = commands.add_parser("related", help="the papers most like one paper")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--json", action="store_true")
    _add_db(p)

    p = commands.add_parser("delete", help="delete papers (and their notes) from the store")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _add_db(p)

    p = commands.add_parser("stats", help="papers added and read per week, counts by status and tag, streak")
    p.add_argument("--weeks", type=int, default=12, metavar="N")
    _add_db(p)

    p = commands.add_parser(
        "doctor", help="check the store without changing it; list backups",
        description="Check that both store files parse and have a known schema, look for orphan "
        "reading states and temp files left by an interrupted write, and list the backups.",
    )
    _add_db(p)

    p = commands.add_parser(
        "restore", help="put a backup back (the current files are backed up first)",
        description="Replace the store with a backup listed by 'reader doctor'. The current files, "
        "even damaged ones, are first saved as a new backup.",
    )
    p.add_argument("backup", metavar="BACKUP", help="a backup name as 'reader doctor' lists it, or its path")
    _add_db(p)

    p = commands.add_parser(
        "fetch", help="download and import today's Hugging Face daily papers, or an arXiv query",
        description="Download a paper list and import it like 'reader import' (all or none). Without "
        "options: today's Hugging Face daily papers. A copy of the download is kept in fetch.dir.",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--date", metavar="YYYY-MM-DD", help="the daily papers of this date (default: today)")
    source.add_argument("--arxiv", metavar="QUERY", help="an arXiv API query, e.g. 'all:diffusion' or 'au:smith'")
    p.add_argument("--max", type=int, default=50, metavar="N", help="at most N arXiv results (default 50)")
    _add_db(p)

    p = commands.add_parser(
        "config", help="show the settings file and its values; 'set KEY VALUE' or 'unset KEY' changes it",
        description="Settings live in a TOML file ($READER_CONFIG, else config.toml in the user config "
        "directory). Keys: store, theme, export.format, export.dir, export.template, fetch.huggingface_url, "
        "fetch.arxiv_url, fetch.timeout, fetch.tries, fetch.retry_delay, fetch.dir, keymap.BINDING_ID.",
    )
    p.add_argument("action", nargs="?", choices=["show", "set", "unset"], default="show")
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("value", nargs="?", metavar="VALUE")

    p = commands.add_parser("demo", help="open the app on a bundled sample, in a throwaway store")
    del p
    return parser


# -- output helpers ----------------------------------------------------------


def _print_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def _marks(entry: Entry) -> str:
    state = entry.state
    return ("R" if state.read else "-") + ("*" if state.starred else "-") + ("C" if entry.paper.code_link else "-")


def _print_table(entries: Sequence[Entry]) -> None:
    if not entries:
        return
    width = max(len(e.id) for e in entries)
    for entry in entries:
        print(f"{_marks(entry)}  {entry.id:<{width}}  {strip_control(entry.paper.title)}")


def _print_hits(entries: dict[str, Entry], hits: Sequence[Hit], *, as_json: bool) -> None:
    """Ranked papers: a table, or JSON records with their score."""
    if as_json:
        _print_json([{**entries[hit.id].to_record(), "score": round(hit.score, 3)} for hit in hits])
    else:
        _print_table([entries[hit.id] for hit in hits])


def _describe(entry: Entry) -> str:
    paper, state = entry.paper, entry.state
    lines = [paper.title, "", f"id:      {paper.id}"]
    if paper.arxiv_id:
        lines.append(f"arXiv:   {paper.arxiv_id}")
    if paper.authors:
        lines.append(f"authors: {', '.join(paper.authors)}")
    if paper.listing_date:
        lines.append(f"listed:  {paper.listing_date}")
    flags = [state.status] + (["starred"] if state.starred else [])
    lines.append(f"status:  {', '.join(flags)}")
    if state.tags:
        lines.append(f"tags:    {', '.join(state.tags)}")
    for link in paper.links:
        lines.append(f"{link.kind + ':':<9}{link.url}")
    if paper.abstract:
        lines += ["", paper.abstract]
    if state.note:
        lines += ["", "Note:", state.note]
    return strip_control("\n".join(lines))


def _filter(args: argparse.Namespace) -> library.Filter:
    return library.Filter(unread=args.unread, read=args.read, starred=args.starred, tag=args.tag)


# -- commands -------------------------------------------------------------------


_BAR_WIDTH = 24
_LARGE_FILE = 5 * 1024 * 1024


def _import_progress(done: int, total: int, path: Path) -> None:
    """A bar on a terminal while many files, or one large one, are parsed."""
    try:
        large = done < total and path.stat().st_size > _LARGE_FILE
    except OSError:
        large = False
    if total < 2 and not large:
        return
    filled = _BAR_WIDTH * done // max(total, 1)
    name = strip_control(path.name)[:40]
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {done}/{total} files  {name:<40}")
    sys.stderr.flush()


def _merge_progress(done: int, total: int) -> None:
    """A bar on a terminal while many papers are merged into the store."""
    if total < 5000:
        return
    filled = _BAR_WIDTH * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {done}/{total} papers merged")
    sys.stderr.write("\r\x1b[K" if done == total else "")
    sys.stderr.flush()


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    show_progress = sys.stderr.isatty()
    parsed = library.parse_inputs(args.paths, _import_progress if show_progress else None)
    if show_progress:
        sys.stderr.write("\r\x1b[K")
    plan = store.import_files(parsed, progress=_merge_progress if show_progress else None)
    for parsed_file, summary in zip(parsed, plan.files, strict=True):
        line = f"{summary.source} ({summary.format}): {len(parsed_file.papers)} papers"
        print(line + (f"; {summary.line()}" if len(plan.files) > 1 else ""))
    print(plan.total.line())
    return 0


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    entries = library.select(store.entries(), _filter(args))
    if args.sort:
        entries = sorting.sort_entries(entries, args.sort, reverse=args.reverse)
    elif args.reverse:
        entries.reverse()
    if args.json:
        _print_json([entry.to_record() for entry in entries])
    else:
        _print_table(entries)
    return 0


def cmd_search(store: Store, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    entries = {entry.id: entry for entry in store.entries()}
    parsed = query.parse(args.query)
    for problem in parsed.errors:
        print(f"warning: {problem}", file=sys.stderr)
    hits = query.run(parsed, SearchIndex.load_or_build(list(entries.values()), store.path), entries)[: args.limit]
    _print_hits(entries, hits, as_json=args.json)
    return 0


def cmd_show(store: Store, args: argparse.Namespace) -> int:
    entry = store.entry(store.resolve(args.id))
    if args.json:
        _print_json([entry.to_record()])
    else:
        print(_describe(entry))
    return 0


def cmd_mark(store: Store, args: argparse.Namespace) -> int:
    changes = {name: getattr(args, name) for name in ("status", "starred") if getattr(args, name) is not None}
    if not changes:
        raise UsageError("say what to mark: --read, --unread, --reading, --star or --unstar")
    ids = list(dict.fromkeys(store.resolve(token) for token in args.ids))
    for entry in store.set_state(ids, **changes):
        print(f"{_marks(entry)}  {entry.id}")
    return 0


def cmd_note(store: Store, args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    paper_id = store.resolve(args.id)
    store.set_state([paper_id], note=strip_control(text).rstrip())
    print(f"note saved for {paper_id}")
    return 0


def cmd_tag(store: Store, args: argparse.Namespace) -> int:
    paper_id = store.resolve(args.id)
    given = library.normalise_tags(strip_control(t) for t in args.tags)
    if not given:
        raise UsageError("no tag given")
    removed = {tag.casefold() for tag in given}

    def change(state: Any) -> Any:
        if args.remove:
            return state.with_changes(tags=tuple(t for t in state.tags if t.casefold() not in removed))
        return state.with_changes(tags=library.normalise_tags([*state.tags, *given]))

    entry = store.update_states([paper_id], change)[0]
    print(f"{paper_id}: {', '.join(entry.state.tags) or '(no tags)'}")
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from reader.core import config

    fmt = args.format or config.load().export.format
    template = export.PaperTemplate.from_file(args.template) if args.template else None
    if args.per_paper is not None and args.format not in (None, "markdown"):
        raise UsageError("--per-paper writes Markdown files; drop --format or use --format markdown")
    if template is not None and args.per_paper is None and fmt != "markdown":
        raise UsageError(f"--template shapes Markdown only, not {fmt}")
    entries = library.select(store.entries(), _filter(args))
    if args.per_paper is not None:
        written = export.write_per_paper(entries, args.per_paper, template)
        print(f"wrote {len(written)} files to {args.per_paper}", file=sys.stderr)
        return 0
    if args.output is None:
        sys.stdout.write(export.render(entries, fmt, template))
        return 0
    target = library.write_export(entries, fmt, args.output, template=template)
    print(f"wrote {len(entries)} papers to {target}", file=sys.stderr)
    return 0


def _fetch_progress(host: str) -> tuple[Any, Any, Any]:
    """Progress and retry notes on stderr when it is a terminal; silent otherwise."""
    shown = sys.stderr.isatty()

    def progress(done: int, total: int | None) -> None:
        if not shown:
            return
        size = f"{done / 1024:,.0f} KB"
        if total:
            filled = min(20, done * 20 // total)
            bar = f"[{'#' * filled}{'-' * (20 - filled)}] {min(100, done * 100 // total):3d}%  "
        else:
            bar = ""
        sys.stderr.write(f"\rdownloading from {host}  {bar}{size}\x1b[K")
        sys.stderr.flush()

    def on_retry(attempt: int, reason: str, pause: float) -> None:
        if shown:
            sys.stderr.write(f"\r{host}: {reason}; trying again in {pause:g} s (try {attempt + 1})\x1b[K\n")

    def done() -> None:
        if shown:
            sys.stderr.write("\r\x1b[K")

    return progress, on_retry, done


def cmd_fetch(store: Store, args: argparse.Namespace) -> int:
    import datetime as dt

    from reader.core import config, fetch

    settings = config.load().fetch
    if args.arxiv is not None:
        if not 1 <= args.max <= 2000:
            raise UsageError("--max must be between 1 and 2000")
        request = fetch.arxiv_query(args.arxiv, fetch.base_url(settings, "arxiv"), max_results=args.max)
    else:
        day = fetch.parse_date(args.date) if args.date else dt.date.today()
        request = fetch.daily_papers(day, fetch.base_url(settings, "huggingface"))
    progress, on_retry, done = _fetch_progress(request.host)
    try:
        parsed = fetch.fetch(request, settings, progress, on_retry)
    finally:
        done()
    plan = store.import_files([parsed])
    print(f"{parsed.path} ({parsed.format}): {len(parsed.papers)} papers")
    print(plan.total.line())
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    """Works without a store: a broken store must not hide the settings that name it."""
    from reader.core import config

    path = config.config_path()
    if args.action == "show":
        if args.key is not None:
            raise UsageError("'reader config' takes no KEY; use 'reader config set KEY VALUE'")
        settings = config.load(path)
        print(f"# {path}{'' if path.exists() else ' (not created yet: all defaults)'}")
        print("\n".join(config.describe(settings)))
        return 0
    if args.key is None:
        raise UsageError(f"'reader config {args.action}' needs a KEY")
    if args.action == "unset":
        if args.value is not None:
            raise UsageError("'reader config unset' takes only a KEY")
        config.unset_value(args.key, path)
        print(f"{args.key} removed from {path}")
        return 0
    if args.value is None:
        raise UsageError("'reader config set' needs a KEY and a VALUE")
    _check_app_setting(args.key, args.value, path)
    settings = config.set_value(args.key, args.value, path)
    shown = config.get_value(settings, args.key)
    print(f"{args.key} = {shown} saved in {path}")
    return 0


def _check_app_setting(key: str, value: str, path: Path) -> None:
    """Theme names and binding ids are the app's: check them against it when it loads."""
    if key != "theme" and not key.startswith("keymap."):
        return
    try:
        from textual.theme import BUILTIN_THEMES

        from reader.tui.app import ReaderApp
        from reader.tui.widgets.paper_list import PaperList
    except Exception:  # the app cannot load here: the core's shape checks still apply
        return
    if key == "theme" and value not in BUILTIN_THEMES:
        raise ReaderError(f"theme: unknown theme {value!r}; known: {', '.join(sorted(BUILTIN_THEMES))}", path=path)
    if key.startswith("keymap."):
        bindings = [*getattr(ReaderApp, "BINDINGS", []), *getattr(PaperList, "BINDINGS", [])]
        ids = sorted({b.id for b in bindings if getattr(b, "id", None)})
        binding = key.split(".", 1)[1]
        if ids and binding not in ids:
            raise ReaderError(f"{key}: no binding with id {binding!r}; known: {', '.join(ids)}", path=path)


def cmd_related(store: Store, args: argparse.Namespace) -> int:
    entries = {entry.id: entry for entry in store.entries()}
    entry = entries[store.resolve(args.id)]
    hits = related.related(entry, SearchIndex.load_or_build(list(entries.values()), store.path), limit=args.limit)
    _print_hits(entries, hits, as_json=args.json)
    return 0


def cmd_delete(store: Store, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(store.resolve(token) for token in args.ids))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("deleting needs confirmation: run in a terminal, or pass --yes")
        for paper_id in ids:
            print(f"  {paper_id}  {strip_control(store.entry(paper_id).paper.title)}")
        answer = input(f"Delete {len(ids)} paper{'s' if len(ids) != 1 else ''} and their notes? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("nothing deleted")
            return 1
    backup = store.backup()
    removed = store.delete(ids)
    where = f" (backup in {backup})" if backup else ""
    print(f"deleted {len(removed)} paper{'s' if len(removed) != 1 else ''}{where}")
    return 0


def cmd_stats(store: Store, args: argparse.Namespace) -> int:
    if args.weeks < 1:
        raise UsageError("--weeks must be at least 1")
    print(stats.render_text(stats.compute(store.entries(), weeks=args.weeks)))
    return 0


def cmd_app(store: Store) -> int:
    from reader.tui import run_app

    run_app(store)
    return 0


def cmd_demo() -> int:
    from reader.tui import run_demo

    run_demo()
    return 0


COMMANDS = {
    "import": cmd_import,
    "list": cmd_list,
    "search": cmd_search,
    "show": cmd_show,
    "mark": cmd_mark,
    "note": cmd_note,
    "tag": cmd_tag,
    "export": cmd_export,
    "fetch": cmd_fetch,
    "related": cmd_related,
    "delete": cmd_delete,
    "stats": cmd_stats,
}


def cmd_doctor(args: argparse.Namespace) -> int:
    """Works on the files a normal open refuses, so it never opens a ``Store``."""
    from reader.core import doctor
    from reader.core.paths import store_path

    report = doctor.diagnose(store_path(args.db)[0])
    print(strip_control(doctor.render(report)))
    if report.problems:
        raise ReaderError(f"{len(report.problems)} problem(s) found; nothing was changed", path=report.path)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from reader.core import doctor
    from reader.core.paths import store_path

    done = doctor.restore(store_path(args.db)[0], args.backup)
    print(f"restored the store from {done.source}")
    if done.saved:
        print(f"the files it replaced are in {done.saved}")
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return cmd_demo()
    if args.command == "config":
        return cmd_config(args)
    if args.command == "doctor":
        return cmd_doctor(args)
    if args.command == "restore":
        return cmd_restore(args)
    store = library.open_store(args.db)
    try:
        if args.command is None:
            return cmd_app(store)
        return COMMANDS[args.command](store, args)
    finally:
        store.close()


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ReaderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``reader list | head``): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if os.environ.get("READER_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc} (set READER_DEBUG=1 for details)", file=sys.stderr)
        return 1
