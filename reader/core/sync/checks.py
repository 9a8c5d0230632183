"""What ``reader doctor`` says about a store's sync repository, without writing a byte.

Only git's read-only commands run here (``rev-parse``, ``fsck``, ``cat-file``):
the doctor is what a user runs when something is wrong.
"""

from __future__ import annotations

from reader.core.store import staged
from reader.core.store.layout import Layout
from reader.core.sync.git import HEAD_REF, SyncError
from reader.core.sync.repo import Repo
from reader.core.sync.run import layout_problem
from reader.core.sync.snapshot import signature


def diagnose(layout: Layout) -> list[tuple[str, str]]:
    """``(level, message)`` lines: ``ok``, ``warning`` (nothing lost) or ``problem``."""
    repo = Repo(layout)
    if not layout.sync.exists():
        return []
    if not repo.exists:
        return [("problem", "is not a git repository; move it aside and run 'reader sync init REMOTE' again")]
    try:
        return _diagnose(repo)
    except SyncError as exc:
        return [("problem", exc.detail)]


def _diagnose(repo: Repo) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    git, layout = repo.git, repo.layout
    code, _, reason = git.attempt("fsck", "--connectivity-only", "--no-progress", "--no-dangling")
    if code != 0:
        found.append(("problem", f"the repository is damaged ({reason}); the store itself is not: move the "
                      "repository aside and run 'reader sync init REMOTE' again"))
        return found
    head = git.commit_of(HEAD_REF)
    notes = repo.notes()
    remote = repo.remote
    found.append(("ok", f"sync repository, remote {remote or 'none yet'}, last synced {notes.synced_at or 'never'}"))
    if remote is None:
        found.append(("warning", "no remote to sync with: run 'reader sync init REMOTE'"))
    problem = layout_problem(git, head) if head is not None else None
    if problem is not None:
        found.append(("problem", f"its branch main {problem}"))
    ready = staged.is_ready(layout)
    if ready is not None:
        found.append(("warning", "a sync was stopped while it moved its files in; the next command that opens the "
                      "store finishes it"))
    elif layout.staged.exists():
        found.append(("warning", "files of a sync stopped before it changed anything; the next sync removes them"))
    changed = [name for name, path in (("papers", layout.papers), ("state", layout.state))
               if signature(path) != ((known := notes.exported.get(name)) and known.signature)]
    if head is not None and changed:
        found.append(("ok", "the store changed since the last sync: 'reader sync' sends it"))
    return found
