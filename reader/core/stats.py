"""Reading statistics: what was added and read per week, counts, the reading streak."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from reader.core.models import STATUSES, Entry
from reader.core.sorting import parse_time


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    by_status: dict[str, int]
    starred: int
    with_notes: int
    by_tag: list[tuple[str, int]]
    weeks: list[date]  # the Monday of each week shown, oldest first
    added_per_week: list[int]
    read_per_week: list[int]
    streak_days: int


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day(value: str | None) -> date | None:
    moment = parse_time(value)
    return moment.astimezone(UTC).date() if moment else None


def reading_streak(read_days: set[date], today: date) -> int:
    """Consecutive days with a paper read, ending today (or yesterday, if nothing yet today)."""
    day = today if today in read_days else today - timedelta(days=1)
    streak = 0
    while day in read_days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def current_day() -> date:
    """The day the figures end on (UTC, as the stamps are)."""
    return datetime.now(UTC).date()


def compute(entries: Sequence[Entry], *, weeks: int = 12, today: date | None = None) -> Stats:
    today = today or current_day()
    first_week = _week_start(today) - timedelta(weeks=weeks - 1)
    week_list = [first_week + timedelta(weeks=i) for i in range(weeks)]
    added = [0] * weeks
    read = [0] * weeks
    read_days: set[date] = set()
    tags: Counter[str] = Counter()
    statuses: Counter[str] = Counter({status: 0 for status in STATUSES})
    for entry in entries:
        statuses[entry.state.status] += 1
        tags.update(entry.state.tags)
        added_day = _day(entry.paper.added_at)
        if added_day and added_day >= first_week:
            added[(_week_start(added_day) - first_week).days // 7] += 1
        if entry.state.status == "read":
            read_day = _day(entry.state.status_at or entry.state.changed_at)
            if read_day:
                read_days.add(read_day)
                if read_day >= first_week:
                    read[(_week_start(read_day) - first_week).days // 7] += 1
    return Stats(
        total=len(entries),
        by_status=dict(statuses),
        starred=sum(e.state.starred for e in entries),
        with_notes=sum(bool(e.state.note.strip()) for e in entries),
        by_tag=tags.most_common(),
        weeks=week_list,
        added_per_week=added,
        read_per_week=read,
        streak_days=reading_streak(read_days, today),
    )


_BARS = " ▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """A one-line chart for a terminal: one block character a value."""
    top = max(values, default=0)
    if top == 0:
        return _BARS[0] * len(values)
    return "".join(_BARS[round(v / top * (len(_BARS) - 1))] for v in values)


def render_summary(stats: Stats) -> list[str]:
    """The counts and the streak, a line each."""
    return [
        f"papers: {stats.total}   starred: {stats.starred}   with notes: {stats.with_notes}",
        "status: " + "   ".join(f"{name}: {count}" for name, count in stats.by_status.items()),
        f"reading streak: {stats.streak_days} day{'s' if stats.streak_days != 1 else ''}",
    ]


def render_tags(stats: Stats, limit: int = 20, bar: int = 30) -> list[str]:
    """The most used tags with a bar each; none when no paper has a tag."""
    if not stats.by_tag:
        return []
    lines = ["tags:"]
    width = max(len(tag) for tag, _ in stats.by_tag[:limit])
    top = stats.by_tag[0][1]
    for tag, count in stats.by_tag[:limit]:
        lines.append(f"  {tag:<{width}}  {'█' * max(1, round(count / top * bar))} {count}")
    return lines


def week_label(day: date) -> str:
    """A week as the chart's axis names it: the month and day of its Monday."""
    return day.strftime("%b %d")


def render_text(stats: Stats) -> str:
    """The stats as plain text, for ``reader stats``."""
    lines = [
        *render_summary(stats),
        "",
        f"weeks from {stats.weeks[0].isoformat()} (one column a week)",
        f"added {sparkline(stats.added_per_week)}  {sum(stats.added_per_week)}",
        f"read  {sparkline(stats.read_per_week)}  {sum(stats.read_per_week)}",
    ]
    tags = render_tags(stats)
    if tags:
        lines += ["", *tags]
    return "\n".join(lines)
