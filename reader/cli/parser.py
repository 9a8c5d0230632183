"""The command line's grammar: every command, option and its help text."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn

from reader import __version__
from reader.core import config, sorting


class UsageError(Exception):
    """A wrong command line: exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def add_db(parser: argparse.ArgumentParser, default: Any = argparse.SUPPRESS) -> None:
    parser.add_argument(
        "--db", metavar="PATH", default=default,
        help="the store file (default: $READER_DB, else library.json in the user data directory)",
    )


def add_filters(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--unread", action="store_true", help="only papers not read yet")
    group.add_argument("--read", action="store_true", help="only papers read")
    group.add_argument("--starred", action="store_true", help="only starred papers")
    parser.add_argument("--tag", metavar="T", help="only papers tagged T")


def add_sort(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sort", choices=list(sorting.SORT_KEYS), help="order (default: as added)")
    parser.add_argument("--reverse", action="store_true", help="reverse the order")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="reader",
        description="A terminal reading manager for research papers. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"reader {__version__}")
    add_db(parser, default=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = commands.add_parser(
        "import", help="import paper lists (files or directories)",
        description="Import paper lists. Every file is parsed before the store is touched: "
        "if any file is bad, none is imported (all or none), unless --keep-going is given.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--keep-going", action="store_true",
        help="import the files that can be read, and list each refused one with its reason (exit status 1)",
    )
    add_db(p)

    p = commands.add_parser("list", help="list papers")
    add_filters(p)
    add_sort(p)
    p.add_argument("--json", action="store_true", help="print one JSON array of records")
    add_db(p)

    p = commands.add_parser(
        "search", help="fuzzy search titles, abstracts, tags and notes",
        description="Fuzzy search with filters: is:unread is:read is:reading is:starred is:new is:skipped "
        "is:watched is:conflict, has:code has:note "
        "has:tags has:link, tag:T, year:2025 or year:2023..2025, author:NAME, \"exact phrase\", -word to "
        "exclude. Example: reader search 'gausian splatting is:unread -survey'",
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results (default 20)")
    p.add_argument("--json", action="store_true", help="print one JSON array of records with a score")
    p.add_argument("--explain", action="store_true", help="say under each paper why it ranks where it does")
    add_db(p)

    p = commands.add_parser("show", help="show one paper")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    add_db(p)

    p = commands.add_parser("mark", help="mark papers read, unread, reading, starred or unstarred")
    p.add_argument("ids", nargs="+", metavar="ID")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="status", action="store_const", const="read", default=None)
    read.add_argument("--unread", dest="status", action="store_const", const="to-read")
    read.add_argument("--reading", dest="status", action="store_const", const="reading")
    star = p.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True, default=None)
    star.add_argument("--unstar", dest="starred", action="store_const", const=False)
    add_db(p)

    p = commands.add_parser("note", help="set a paper's note ('-' reads it from stdin; '' clears it)")
    p.add_argument("id")
    p.add_argument("text")
    add_db(p)

    p = commands.add_parser("tag", help="add tags to a paper (or remove them)")
    p.add_argument("id")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true", help="remove the tags instead")
    add_db(p)

    p = commands.add_parser(
        "export", help="write the notes file (Markdown, JSON, BibTeX or CSV), or one file per paper",
        description="Export papers. --per-paper DIR writes one Markdown file per paper with YAML front "
        "matter (Obsidian-style); --template FILE shapes each paper's Markdown ($title, $authors, $note...; "
        "see docs/workflow.md). The default format comes from the settings (export.format).",
    )
    add_filters(p)
    p.add_argument("--all", action="store_true", help="every paper (the default)")
    p.add_argument("--format", choices=config.EXPORT_FORMATS, default=None, help="default: markdown, or export.format")
    target = p.add_mutually_exclusive_group()
    target.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (default: stdout)")
    target.add_argument("--per-paper", type=Path, metavar="DIR", help="one Markdown file per paper in DIR")
    p.add_argument("--template", type=Path, metavar="FILE", help="a Markdown template applied per paper")
    add_db(p)

    p = commands.add_parser("related", help="the papers most like one paper")
    p.add_argument("id")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--json", action="store_true")
    add_db(p)

    p = commands.add_parser("delete", help="delete papers (and their notes) from the store")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_db(p)

    p = commands.add_parser("stats", help="papers added and read per week, counts by status and tag, streak")
    p.add_argument("--weeks", type=int, default=12, metavar="N")
    add_db(p)

    p = commands.add_parser(
        "doctor", help="check the store without changing it; list backups",
        description="Check that both store files parse and have a known schema, look for orphan "
        "reading states and temp files left by an interrupted write, and list the backups.",
    )
    add_db(p)

    p = commands.add_parser(
        "restore", help="put a backup back (the current files are backed up first)",
        description="Replace the store with a backup listed by 'reader doctor'. The current files, "
        "even damaged ones, are first saved as a new backup.",
    )
    p.add_argument("backup", metavar="BACKUP", help="a backup name as 'reader doctor' lists it, or its path")
    add_db(p)

    p = commands.add_parser(
        "sync", help="sync the store with your other machines through a git remote (init, status)",
        description="'reader sync init REMOTE' sets the store up to sync with a git remote (a path, "
        "user@host:path or https://...; a path that does not exist yet becomes an empty repository); a store "
        "with no papers takes the remote's library. 'reader sync' then sends what changed here, receives what "
        "changed elsewhere and merges them paper by paper; 'reader sync status' says what would move.",
    )
    p.add_argument("action", nargs="?", choices=["init", "status"], help="init: set up; status: what would move")
    p.add_argument("remote", nargs="?", metavar="REMOTE", help="with init: the git remote to sync with")
    p.add_argument("--offline", action="store_true", help="with status: do not ask the remote")
    add_db(p)

    p = commands.add_parser(
        "fetch", help="fetch every subscription since its last fetch (or a day's Hugging Face papers, an arXiv query)",
        description="Without options: every subscription (reader subscribe) since its own last fetch, one "
        "request at a time, each answer imported like 'reader import'; a killed fetch resumes where it stopped. "
        "Without subscriptions: today's Hugging Face daily papers. Papers new to the store arrive in the inbox "
        "(reader triage). A copy of each download is kept in fetch.dir.",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument("--date", metavar="YYYY-MM-DD", help="the daily papers of this date (default: today)")
    source.add_argument("--arxiv", metavar="QUERY", help="an arXiv API query, e.g. 'all:diffusion' or 'au:smith'")
    p.add_argument("--max", type=int, default=50, metavar="N", help="at most N arXiv results (default 50)")
    p.add_argument("--only", action="append", metavar="NAME", help="only this subscription (repeatable)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="subscriptions: from this day, whatever was fetched before")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="subscriptions: up to this day (default: today, UTC)")
    add_db(p)

    p = commands.add_parser(
        "subscribe", help="add a subscription: huggingface, arxiv:cs.CL, 'arxiv:au:hinton', or a feed URL",
        description="Subscriptions live in the settings file ([subscriptions] name = spec) and are fetched by "
        "'reader fetch' (and by the app, every fetch.every hours). SPEC: huggingface (the daily papers), "
        "arxiv:CATEGORY (arxiv:cs.CL), arxiv:QUERY (arxiv:au:hinton, 'arxiv:ti:\"gaussian splatting\"'), or "
        "an RSS or Atom feed URL.",
    )
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--name", help="the subscription's name (default: made from SPEC)")

    p = commands.add_parser("unsubscribe", help="remove a subscription (its papers stay)")
    p.add_argument("name", metavar="NAME")

    p = commands.add_parser("subscriptions", help="list the subscriptions and when each was last fetched")
    p.add_argument("--json", action="store_true")
    add_db(p)

    p = commands.add_parser(
        "triage", help="the inbox (papers new since you last looked), best first, with why",
        description="The papers that arrived by 'reader fetch' and that you have not starred, read, kept, tagged "
        "or skipped yet, ranked by what you starred, read, tagged, annotated and skipped before (else by the "
        "watch list, then upvotes, then date), each with a one-line reason.",
    )
    p.add_argument("--json", action="store_true", help="one JSON array, in rank order, with rank, score and why")
    add_db(p)

    p = commands.add_parser("skip", help="not for me: the papers leave the inbox, and no later fetch brings them back")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--undo", action="store_true", help="take the skip back")
    add_db(p)

    p = commands.add_parser("keep", help="keep papers to read: they leave the inbox, status to-read")
    p.add_argument("ids", nargs="+", metavar="ID")
    add_db(p)

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
