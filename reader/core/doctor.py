"""Check a store without changing it, and put a backup back.

``diagnose`` never writes: it is what a user runs when the store will not
open, so it must work on exactly the files that ``Store`` refuses. It checks
the sync repository too, when the store has one. ``restore``
backs up the current files (even damaged ones: they may hold the only copy of
a recent note) before it replaces them with a backup's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core.errors import ReaderError, StoreError
from reader.core.models import Paper, ReadingState, damaged_record
from reader.core.store.backups import list_backups, make_backup
from reader.core.store.files import Tables, load_tables, write_atomically
from reader.core.store.layout import Layout, resolve_store_location
from reader.core.store.lock import FileLock, LockTimeout
from reader.core.store.schema import SCHEMA_VERSION, schema_version
from reader.core.store.staged import roll_forward
from reader.core.store.store import LOCK_TIMEOUT
from reader.core.sync import checks as sync_checks

_KINDS = ("papers", "state")


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: ``ok``, ``warning`` (nothing lost) or ``problem``."""

    level: str
    message: str
    path: Path | None = None

    def line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.level + ':':<9}{where}{self.message}"


@dataclass(slots=True)
class BackupInfo:
    path: Path
    papers: int | None  # None: the copy does not parse
    states: int | None

    def line(self) -> str:
        papers = "unreadable" if self.papers is None else f"{self.papers} papers"
        states = "unreadable" if self.states is None else f"{self.states} reading states"
        return f"{self.path.name}  {papers}, {states}"


@dataclass(slots=True)
class Report:
    path: Path
    findings: list[Finding] = field(default_factory=list)
    backups: list[BackupInfo] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "problem"]

    def add(self, level: str, message: str, path: Path | None = None) -> None:
        self.findings.append(Finding(level, message, path))


Records = Mapping[str, dict[str, Any]]


def _load(path: Path, kind: str, report: Report) -> Records | None:
    """The records of one store file, or None after reporting why they cannot be read."""
    if not path.exists():
        report.add("ok", "not created yet (nothing saved in it so far)", path)
        return {}
    try:
        data = load_tables(path, path.read_bytes())
        version = schema_version(data, kind, path, "")
    except OSError as exc:
        report.add("problem", f"cannot read: {exc.strerror or exc}", path)
        return None
    except ReaderError as exc:
        report.add("problem", exc.detail.removesuffix("; "), path)
        return None
    records = data.get(kind, {})
    if kind == "papers":
        _check_abstracts(data.get("abstracts", {}), records, report, path)
    note = "" if version == SCHEMA_VERSION else f" (schema {version}: upgraded with a backup when next opened)"
    report.add("ok", f"{len(records)} {'papers' if kind == 'papers' else 'reading states'}, "
               f"schema {version}{note}", path)
    return records


def _first_few(ids: list[str]) -> str:
    return ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")


def _check_abstracts(abstracts: Records, papers: Records, report: Report, path: Path) -> None:
    """Each abstract is text and belongs to a paper (the papers file keeps them in a table apart)."""
    fields = ("abstract", "abstract_raw")
    bad = [pid for pid, record in abstracts.items()
           if not all(isinstance(record.get(name, ""), str) for name in fields)]
    if bad:
        report.add("problem", f"{len(bad)} abstracts cannot be read: {', '.join(bad[:5])}", path)
    orphans = sorted(set(abstracts) - set(papers))
    if orphans:
        report.add("warning", f"{len(orphans)} abstracts belong to no paper ({_first_few(orphans)}); "
                   "dropped the next time papers are imported or deleted", path)


def _check_records(papers: Records, states: Records, report: Report, paths: tuple[Path, Path]) -> None:
    """Every record has the fields and types a paper or a reading state needs; name the first few that do not."""
    for records, build, path in ((papers, Paper.from_dict, paths[0]), (states, _state, paths[1])):
        bad = []
        for pid, record in records.items():
            try:
                build(pid, record)
                if build is Paper.from_dict and not isinstance(record.get("title"), str):
                    raise damaged_record(pid, "title", record.get("title"))
            except ReaderError as exc:
                bad.append(exc.detail.removeprefix("damaged record ").removesuffix("; run 'reader doctor'"))
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
                bad.append(f"{pid!r}: {type(exc).__name__}")
        if bad:
            report.add("problem", f"{len(bad)} records cannot be read: {_first_few(bad)}", path)
    path = paths[1]
    orphans = sorted(set(states) - set(papers))
    if orphans:
        report.add("warning", f"{len(orphans)} reading states name papers not in the store "
                   f"({_first_few(orphans)}); kept, and used again if those papers are imported", path)


def _state(paper_id: str, record: dict[str, Any]) -> ReadingState:
    return ReadingState.from_dict(record, paper_id)


def _backup_info(directory: Path, papers_name: str, state_name: str) -> BackupInfo:
    counts: list[int | None] = []
    for name, kind in ((papers_name, "papers"), (state_name, "state")):
        file = directory / name
        if not file.exists():
            counts.append(0)
            continue
        try:
            data = load_tables(file, file.read_bytes())
            schema_version(data, kind, file, "")
            counts.append(len(data.get(kind, {})))
        except (OSError, ReaderError):
            counts.append(None)
    return BackupInfo(directory, counts[0], counts[1])


def diagnose(db: Path) -> Report:
    """Everything that can be checked about a store, without writing a byte."""
    try:
        path = resolve_store_location(db)
    except StoreError as exc:
        report = Report(Path(db))
        report.add("problem", exc.detail, Path(db))
        return report
    report = Report(path)
    state_path = Layout(path).state
    papers = _load(path, "papers", report)
    states = _load(state_path, "state", report)
    if papers is not None and states is not None:
        _check_records(papers, states, report, (path, state_path))
    stale = Layout(path).stale_temp_files()
    if stale:
        names = ", ".join(p.name for p in stale[:3])
        report.add("warning", f"{len(stale)} temp files from an interrupted write ({names}); "
                   "removed the next time the store is opened", path.parent)
    report.backups = [_backup_info(b, path.name, state_path.name) for b in list_backups(Layout(path).backups)]
    for level, message in sync_checks.diagnose(Layout(path)):
        report.add(level, message, Layout(path).sync)
    return report


def render(report: Report) -> str:
    """The report as plain lines, ending with what to do about it."""
    lines = [f"store:   {report.path}"]
    lines += [finding.line() for finding in report.findings]
    backup_dir = Layout(report.path).backups
    if report.backups:
        lines.append(f"backups in {backup_dir} (newest first):")
        lines += [f"  {info.line()}" for info in report.backups]
        readable = [b for b in report.backups if b.papers is not None and b.states is not None]
        if readable:
            lines.append(f"to restore one: reader --db {report.path} restore {readable[0].path.name}"
                         " (the current files are backed up first)")
    else:
        lines.append(f"backups: none yet (one is kept in {backup_dir} before each import or upgrade)")
    if report.problems:
        lines.append(f"{len(report.problems)} problem(s): the store is left as it is.")
    else:
        lines.append("no problems found.")
    return "\n".join(lines)


# -- restore ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    source: Path
    saved: Path | None  # where the files it replaced were put


def find_backup(path: Path, name: str) -> Path:
    """A backup named by its folder name (as ``doctor`` lists it) or by a path."""
    given = Path(name).expanduser()
    candidates = [given] if given.is_absolute() or given.parent != Path(".") else []
    candidates.append(Layout(path).backups / name)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise StoreError(f"no backup named {name!r}; run 'reader doctor' to list them", path=Layout(path).backups)


def _read_backup_file(file: Path, kind: str) -> bytes | None:
    if not file.exists():
        return None
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise StoreError(f"cannot read the backup: {exc.strerror or exc}", path=file) from None
    data: Tables = load_tables(file, raw)
    schema_version(data, kind, file, "a backup that cannot be read is not restored")
    return raw


def restore(db: Path, name: str) -> Restored:
    """Replace the store's files with a backup's, after backing up what is there now."""
    path = resolve_store_location(db)
    state_path = Layout(path).state
    source = find_backup(path, name)
    papers_raw = _read_backup_file(source / path.name, "papers")
    state_raw = _read_backup_file(source / state_path.name, "state")
    if papers_raw is None:
        raise StoreError(f"not a backup of this store: no {path.name} in it", path=source)
    lock = FileLock(Layout(path).lock)
    try:
        lock.acquire(LOCK_TIMEOUT)
    except LockTimeout:
        raise StoreError("the store is busy: another reader process holds it; nothing restored",
                         path=path) from None
    except OSError as exc:
        raise StoreError(f"cannot lock the store, nothing restored: {exc.strerror or exc}", path=path) from None
    try:
        try:
            roll_forward(Layout(path))  # a sync a kill interrupted lands first: the backup below keeps it
        except OSError as exc:
            raise StoreError(f"cannot finish the last sync, nothing restored: {exc.strerror or exc}",
                             path=path) from None
        saved = make_backup([path, state_path], Layout(path).backups, spare=source)
        try:
            write_atomically(path, papers_raw)
            if state_raw is not None:
                write_atomically(state_path, state_raw)
            elif state_path.exists():
                state_path.unlink()  # the backup had no reading state; the old one is in ``saved``
        except OSError as exc:
            raise StoreError(f"restore not finished: {exc.strerror or exc}; the files it replaced are in "
                             f"{saved}; {Layout(path).damage_hint()}", path=path) from None
    finally:
        lock.release()
    return Restored(source, saved)
