"""The morning feed from the command line: subscriptions, fetching them, the inbox and triage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from reader.cli.output import marks, one_line, print_json
from reader.cli.parser import UsageError
from reader.core import config
from reader.core.errors import ReaderError
from reader.core.store import Store
from reader.core.text import strip_control


def cmd_subscribe(args: argparse.Namespace) -> int:
    from reader.core import subscriptions

    path = config.config_path()
    try:
        kind, target = subscriptions.parse_spec(args.spec)
        name = subscriptions.check_name(args.name) if args.name else subscriptions.default_name(kind, target)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    spec = subscriptions.Subscription(name, kind, target).spec
    current = config.load(path).subscriptions
    same = [other for other, held in current.items() if held == spec]
    if same:
        print(one_line(f"already subscribed: {same[0]} = {spec}"))
        return 0
    if name in current and not args.name:
        name = _free_name(name, current)
    elif name in current:
        raise ReaderError(f"a subscription named {name!r} exists ({current[name]}); 'reader unsubscribe {name}' "
                          "first, or choose another --name", path=path)
    config.set_value(f"subscriptions.{name}", spec, path)
    print(one_line(f"subscribed: {name} = {spec} ({subscriptions.Subscription(name, kind, target).describe()})"))
    return 0


def _free_name(name: str, taken: Mapping[str, str]) -> str:
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"


def cmd_unsubscribe(args: argparse.Namespace) -> int:
    path = config.config_path()
    current = config.load(path).subscriptions
    name = args.name
    if name not in current:
        matching = [other for other, spec in current.items() if spec == args.name]
        if not matching:
            known = ", ".join(current) or "none"
            raise ReaderError(f"no subscription named {name!r} (subscriptions: {known})", path=path)
        name = matching[0]
    config.unset_value(f"subscriptions.{name}", path)
    print(one_line(f"unsubscribed: {name} ({current[name]}); the papers it brought stay in the store"))
    return 0


def cmd_subscriptions(store: Store, args: argparse.Namespace) -> int:
    from reader.core import feeds, subscriptions

    listed = subscriptions.from_settings(config.load().subscriptions)
    progress = feeds.progress_of(store)
    records = []
    for sub in listed:
        record = progress.get(sub.spec, {})
        records.append({"name": sub.name, "spec": sub.spec, "what": sub.describe(),
                        "fetched_at": record.get("fetched_at"), "progress": record})
    if args.json:
        print_json(records)
        return 0
    if not records:
        print("no subscriptions: reader subscribe huggingface | arxiv:cs.CL | 'arxiv:au:hinton' | FEED-URL")
        return 0
    width = max(len(str(r["name"])) for r in records)
    for record in records:
        when = record["fetched_at"] or "never fetched"
        print(one_line(f"{record['name']:<{width}}  {record['spec']}  (last fetch: {when})"))
    return 0


def fetch_subscriptions(store: Store, args: argparse.Namespace, settings: config.Settings) -> int:
    """``reader fetch`` without a source: every subscription (or ``--only``) since its own last fetch."""
    from reader.cli.progress import feed_progress
    from reader.core import feeds, fetch, inbox, subscriptions

    listed = subscriptions.from_settings(settings.subscriptions)
    if args.only:
        listed = [sub for sub in listed if sub.name in args.only]
        missing = sorted(set(args.only) - {sub.name for sub in listed})
        if missing:
            raise UsageError(f"no subscription named {', '.join(missing)} (see 'reader subscriptions')")
    since = fetch.parse_date(args.since) if args.since else None
    today = fetch.parse_date(args.until) if args.until else None
    if since is not None and today is not None and since > today:
        raise UsageError("--since is after --until")
    on_step, on_retry, on_bytes, done = feed_progress()
    run = feeds.Run(store, settings.fetch, today=today, since=since, on_step=on_step, on_retry=on_retry,
                    on_bytes=on_bytes)
    try:
        outcomes = run.run(listed)
    finally:
        done()
    failed = [outcome for outcome in outcomes if outcome.error]
    for outcome in outcomes:
        print(one_line(outcome.line() if not outcome.error else outcome.line().split("; stopped:")[0]))
    waiting = len(inbox.new_ids(store))
    print(f"{sum(o.new for o in outcomes)} new; {waiting} in the inbox (reader triage, or open the app)")
    for outcome in failed:
        print(one_line(f"error: {outcome.subscription.name}: {outcome.error}"), file=sys.stderr)
    return 1 if failed else 0


def cmd_triage(store: Store, args: argparse.Namespace) -> int:
    from reader.core import triage

    ranked = triage.rank_inbox(store, config.load())
    if args.json:
        print_json([{**item.entry.to_record(), "rank": number, "score": round(item.score, 4), "why": item.why,
                     "watched": item.watched}
                    for number, item in enumerate(ranked, start=1)])
        return 0
    if not ranked:
        print("the inbox is empty: nothing new since you last looked")
        return 0
    width = max(len(item.entry.id) for item in ranked)
    for number, item in enumerate(ranked, start=1):
        watched = "W" if item.watched else "-"
        print(one_line(f"{number:>3}. {marks(item.entry)}{watched}  {item.entry.id:<{width}}  "
                       f"{strip_control(item.entry.paper.title)}"))
        print(one_line(f"       {item.why}"))
    print(f"{len(ranked)} in the inbox; reader skip ID (not for me), reader mark ID --star / --reading / --unread")
    return 0


def cmd_skip(store: Store, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(store.resolve(token) for token in args.ids))
    undo = bool(args.undo)
    for entry in store.set_state(ids, skipped=not undo):
        print(f"{'unskipped' if undo else 'skipped'}  {entry.id}")
    return 0


def cmd_keep(store: Store, args: argparse.Namespace) -> int:
    ids = list(dict.fromkeys(store.resolve(token) for token in args.ids))
    for entry in store.set_state(ids, status="to-read", skipped=False):
        print(f"kept  {entry.id}")
    return 0
