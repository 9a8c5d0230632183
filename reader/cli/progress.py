"""Progress bars on stderr, shown only when it is a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from reader.core.text import strip_control

BAR_WIDTH = 24


LARGE_FILE = 5 * 1024 * 1024


def import_progress(done: int, total: int, path: Path) -> None:
    """A bar on a terminal while many files, or one large one, are parsed."""
    try:
        large = done < total and path.stat().st_size > LARGE_FILE
    except OSError:
        large = False
    if total < 2 and not large:
        return
    filled = BAR_WIDTH * done // max(total, 1)
    name = strip_control(path.name)[:40]
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} files  {name:<40}")
    sys.stderr.flush()


def read_progress(done: int, total: int, path: Path) -> None:
    """A bar on a terminal while the papers of one long list (a daily-papers JSON file) are read."""
    if total < 5000:
        return
    filled = BAR_WIDTH * done // total
    name = strip_control(path.name)[:40]
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} papers read  {name}\x1b[K")
    sys.stderr.flush()


def merge_progress(done: int, total: int) -> None:
    """A bar on a terminal while many papers are merged into the store."""
    if total < 5000:
        return
    filled = BAR_WIDTH * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} papers merged")
    sys.stderr.write("\r\x1b[K" if done == total else "")
    sys.stderr.flush()


def fetch_progress(host: str) -> tuple[Any, Any, Any]:
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


def feed_progress() -> tuple[Any, Any, Any, Any]:
    """A bar of requests made for ``reader fetch`` of the subscriptions, on stderr when it is a terminal."""
    shown = sys.stderr.isatty()
    current = [""]

    def on_step(done: int, total: int, label: str) -> None:
        current[0] = strip_control(label)[:50]
        if shown:
            filled = BAR_WIDTH * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} requests  "
                             f"{current[0]}\x1b[K")
            sys.stderr.flush()

    def on_retry(attempt: int, reason: str, pause: float) -> None:
        if shown:
            sys.stderr.write(f"\r{current[0]}: {reason}; trying again in {pause:g} s (try {attempt + 1})\x1b[K\n")

    def on_bytes(done: int, total: int | None) -> None:
        if shown:
            sys.stderr.write(f"\r{current[0]}: {done / 1024:,.0f} KB\x1b[K")
            sys.stderr.flush()

    def done() -> None:
        if shown:
            sys.stderr.write("\r\x1b[K")

    return on_step, on_retry, on_bytes, done
