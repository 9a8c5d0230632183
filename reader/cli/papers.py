"""Commands that read or change the papers in a store."""

from __future__ import annotations

import argparse
import os
import sys

from reader.cli.output import MARKS_LEGEND, chosen_filter, one_line, print_json, print_ranked, print_table
from reader.cli.parser import UsageError
from reader.core.errors import InputError, ReaderError
from reader.core.session import Session
from reader.core.store import Store
from reader.core.text import strip_control

# Importers, exporters and the search index are imported by the commands that use them:
# ``reader list`` should not pay for loading the importers.


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    from reader.cli.progress import import_progress, merge_progress, read_progress
    from reader.core import library
    from reader.core.importers import expand_paths

    show_progress = sys.stderr.isatty()
    files = expand_paths(args.paths)  # a folder too large in all is refused whole, --keep-going or not
    several = len(files) > 1
    refused: list[InputError] | None = [] if args.keep_going else None
    try:
        parsed = library.parse_inputs(
            files,
            import_progress if show_progress else None,
            read_progress if show_progress else None,
            refused=refused,
        )
    except InputError as exc:
        if not several:
            raise
        raise InputError(
            f"{exc.detail}; nothing was imported (all or none): --keep-going imports the files that can be read",
            path=exc.path, line=exc.line,
        ) from None
    finally:
        if show_progress:
            sys.stderr.write("\r\x1b[K")
    if parsed:
        plan = library.import_parsed(store, parsed, progress=merge_progress if show_progress else None)
        for parsed_file, summary in zip(parsed, plan.files, strict=True):
            line = f"{summary.source} ({summary.format}): {len(parsed_file.papers)} papers"
            print(one_line(line + (f"; {summary.line()}" if len(plan.files) > 1 else "")))
        print(plan.total.line())
    if refused:
        for problem in refused:
            print(one_line(f"refused: {problem}"), file=sys.stderr)
        imported = f"the other {len(parsed)} imported" if parsed else "none imported"
        raise ReaderError(f"{len(refused)} of {len(refused) + len(parsed)} files refused (listed above); {imported}")
    return 0


def cmd_list(store: Store, args: argparse.Namespace) -> int:
    chosen = chosen_filter(args)
    only = store.ids_where(chosen.accepts_state) if chosen.needs_a_state else None
    rows = Session.open(store, only=only).rows("", chosen, args.sort or "added", reverse=args.reverse).entries
    assert rows is not None  # a query without words needs no index
    if args.json:
        print_json([entry.to_record() for entry in rows])
        return 0
    if not rows:
        empty = not chosen.is_all and store.count() > 0
        print("no paper matches these filters" if empty else EMPTY_STORE, file=sys.stderr)
        return 0
    print_table(rows)
    if sys.stdout.isatty():
        print(MARKS_LEGEND)  # for people; a script reading the table gets the rows alone
    return 0


EMPTY_STORE = "the store is empty: import papers with 'reader import FILE' (or try 'reader demo')"


def cmd_search(store: Store, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from reader.core.search import query

    session = Session.open(store, index=True)
    found = session.rows(args.query, limit=args.limit)
    for problem in found.errors:
        print(one_line(f"warning: {problem}"), file=sys.stderr)
    assert found.entries is not None and session.index is not None  # the session was opened with its index
    shown = found.entries[: args.limit]
    scores = found.scores[: args.limit] if found.scores is not None else [0.0] * len(shown)
    why = None
    if args.explain:
        parsed = query.parse(args.query)
        words = " ".join(parsed.words)
        why = [session.index.explain(words, entry.id, typing=parsed.typing).lines() if words else [] for entry in shown]
    print_ranked(shown, scores, as_json=args.json, why=why)
    if found.total is not None and found.total > len(shown):
        more = f"{found.total:,}{'+' if found.capped else ''}"
        print(f"{len(shown)} of {more} shown; --limit N for more", file=sys.stderr)
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from reader.core import config, export, library
    from reader.core.filters import select

    fmt = args.format or config.load().export.format
    template = export.PaperTemplate.from_file(args.template) if args.template else None
    if args.per_paper is not None and args.format not in (None, "markdown"):
        raise UsageError("--per-paper writes Markdown files; drop --format or use --format markdown")
    if template is not None and args.per_paper is None and fmt != "markdown":
        raise UsageError(f"--template shapes Markdown only, not {fmt}")
    entries = select(store.entries(), chosen_filter(args))
    if args.per_paper is not None:
        written = export.write_per_paper(entries, args.per_paper, template)
        print(one_line(f"wrote {len(written)} files to {args.per_paper}"), file=sys.stderr)
        return 0
    if args.output is None:
        _refuse_stdout_into(store)
        sys.stdout.write(export.render(entries, fmt, template))
        return 0
    target = library.write_export(entries, fmt, args.output, template=template, store=store.layout)
    print(one_line(f"wrote {len(entries)} papers to {target}"), file=sys.stderr)
    return 0


def _refuse_stdout_into(store: Store) -> None:
    """``reader export >> library.json`` would write the export into the store: refused before a byte is."""
    try:
        out = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError):
        return
    for own in store.layout.owned:
        try:
            found = own.stat()
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (out.st_dev, out.st_ino):
            raise ReaderError("the output is a file of the store itself: an export never writes into it", path=own)


def cmd_fetch(store: Store, args: argparse.Namespace) -> int:
    import datetime as dt

    from reader.cli.progress import fetch_progress
    from reader.core import config, fetch, library

    loaded = config.load()
    settings = loaded.fetch
    if args.arxiv is None and args.date is None and loaded.subscriptions:
        from reader.cli.feed import fetch_subscriptions

        return fetch_subscriptions(store, args, loaded)
    if args.only or args.since or args.until:
        raise UsageError("--only, --since and --until go with subscriptions (reader subscribe), not --date or --arxiv")
    if args.arxiv is not None:
        if not 1 <= args.max <= 2000:
            raise UsageError("--max must be between 1 and 2000")
        request = fetch.arxiv_query(args.arxiv, fetch.base_url(settings, "arxiv"), max_results=args.max)
    else:
        day = fetch.parse_date(args.date) if args.date else dt.date.today()
        request = fetch.daily_papers(day, fetch.base_url(settings, "huggingface"))
    progress, on_retry, done = fetch_progress(request.host)
    try:
        parsed = fetch.fetch(request, settings, progress, on_retry)
    finally:
        done()
    plan = library.import_parsed(store, [parsed], arrived_via="fetch")
    print(one_line(f"{parsed.path} ({parsed.format}): {len(parsed.papers)} papers"))
    print(plan.total.line())
    return 0


def cmd_related(store: Store, args: argparse.Namespace) -> int:
    from reader.core.search import related

    session = Session.open(store, index=True)
    assert session.index is not None
    entry = session.entries[store.resolve(args.id)]
    hits = related.related(entry, session.index, limit=args.limit)
    shown = [session.entries[hit.id] for hit in hits if hit.id in session.entries]
    print_ranked(shown, [hit.score for hit in hits if hit.id in session.entries], as_json=args.json)
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
    removed = store.delete(ids)
    where = f" (backup in {store.last_backup})" if store.last_backup else ""
    print(one_line(f"deleted {len(removed)} paper{'s' if len(removed) != 1 else ''}{where}"))
    return 0


def cmd_stats(store: Store, args: argparse.Namespace) -> int:
    from reader.core import stats

    if args.weeks < 1:
        raise UsageError("--weeks must be at least 1")
    print(stats.render_text(stats.compute(store.entries(), weeks=args.weeks)))
    return 0
