"""``reader sync``: commit what changed here, fetch, merge, write the store, push.

The network is used with the store unlocked (the app keeps saving key
presses meanwhile); everything that reads or writes the store happens in one
hold of its lock, so the commit, the merge and the files written agree: a
change made during the fetch is committed by this sync or the next, never
lost. If the push is refused because another machine pushed first, the sync
fetches and merges again. A failure before the store is written leaves it as
it was; once the merged files are staged they land whole (``store.staged``),
so a kill at any point leaves the store as before the sync or as after it,
and running the sync again finishes what is left (a push).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime

import orjson

from reader.core.store import Store, staged
from reader.core.store.records import now_iso
from reader.core.store.schema import SCHEMA_VERSION
from reader.core.store.store import LOCK_TIMEOUT
from reader.core.sync.apply import Counts, apply, diff
from reader.core.sync.git import HEAD_REF, NETWORK_TIMEOUT, REMOTE, TRACKING, Git, SyncError
from reader.core.sync.merging import Merge, Outcome, Side
from reader.core.sync.repo import Notes, Repo, is_local_path, local_folder
from reader.core.sync.shards import INFO, LAYOUT
from reader.core.sync.snapshot import commit_store

PUSH_TRIES = 4  # fetch, merge and push again when another machine pushed in between


@dataclass
class SyncReport:
    """What a sync did."""

    remote: str | None
    sent: Counts = field(default_factory=Counts)
    received: Counts = field(default_factory=Counts)
    outcome: Outcome = field(default_factory=Outcome)
    synced_at: str | None = None

    def lines(self) -> list[str]:
        where = f"with {self.remote}" if self.remote else "locally (no remote yet: 'reader sync init REMOTE')"
        lines = [f"synced {where}: sent {self.sent.describe()}; received {self.received.describe()}"]
        lines += [f"note conflict in {pid}: both versions kept, marked (find them with is:conflict)"
                  for pid in self.outcome.conflicts]
        elsewhere = "on another machine"
        for pid, deleted in self.outcome.kept:
            places = ("here", elsewhere) if deleted == "here" else (elsewhere, "here")
            lines.append(f"kept {pid}: deleted {places[0]} but edited {places[1]}")
        lines += [f"one paper imported here and on another machine: {ours} is now {theirs}"
                  for ours, theirs in self.outcome.joined]
        lines += [f"two papers shared the id {pid}: the other machine's is now {new}"
                  for pid, new in self.outcome.apart]
        return lines


@dataclass
class SyncStatus:
    """What a sync would move, as far as the last fetch knows."""

    remote: str | None
    synced_at: str | None
    to_send: Counts
    to_receive: Counts
    unreachable: str | None = None  # why the remote could not be asked, if it could not

    def lines(self) -> list[str]:
        lines = [f"remote:      {self.remote or 'none yet (reader sync init REMOTE)'}",
                 f"last synced: {when(self.synced_at)}",
                 f"to send:     {self.to_send.describe()}",
                 f"to receive:  {self.to_receive.describe()}"]
        if self.unreachable:
            lines.append(f"(the remote did not answer: {self.unreachable}; 'to receive' is as of the last sync)")
        return lines


def last_synced(store: Store) -> str | None:
    """When the store last synced, or None (never, or not set up)."""
    repo = Repo(store.layout)
    return repo.notes().synced_at if repo.exists else None


def is_set_up(store: Store) -> bool:
    return Repo(store.layout).exists


def when(stamp: str | None) -> str:
    """A sync's time as a person reads it: local ``HH:MM`` today, else the local date and time."""
    if not stamp:
        return "never"
    try:
        moment = datetime.fromisoformat(stamp).astimezone()
    except ValueError:
        return stamp
    return moment.strftime("%H:%M" if moment.date() == datetime.now().astimezone().date() else "%Y-%m-%d %H:%M")


def init(store: Store, remote: str | None) -> SyncReport:
    """Make the store's sync repository (and a local remote folder that does not exist yet), then sync.

    With a remote that already holds a library, an empty store takes it; a
    store with papers merges with it. If the first sync fails, a repository
    made here is removed again: nothing is left half set up.
    """
    repo = Repo(store.layout)
    made = not repo.exists
    if made:
        repo.create()
    try:
        if remote is not None:
            repo.set_remote(_remote_url(remote))
        return sync(store)
    except BaseException:
        if made:
            shutil.rmtree(repo.path, ignore_errors=True)
        raise


def _remote_url(remote: str) -> str:
    """A local remote as an absolute path (git runs elsewhere), made as an empty repository if it is not there."""
    if not is_local_path(remote):
        return remote
    folder = local_folder(remote).absolute()
    if not folder.exists():
        if not folder.parent.is_dir():
            raise SyncError(f"cannot make the remote there: {folder.parent} is not a folder", path=remote)
        Git(folder).run("init", "--bare", "--quiet", str(folder), what="creating the remote")
        Git(folder).run("symbolic-ref", "HEAD", HEAD_REF)
    return str(folder)


def sync(store: Store, *, lock_timeout: float = LOCK_TIMEOUT) -> SyncReport:
    """Commit, fetch, merge, write the store and push; see the module's description.

    The store's lock is waited for at most ``lock_timeout`` seconds: a sync
    never runs while another writer holds it.
    """
    repo = Repo(store.layout)
    repo.require()
    remote = repo.remote
    report = SyncReport(remote)
    with repo.turn():
        repo.clear_stale_locks()
        for _ in range(PUSH_TRIES):
            if remote is not None:
                fetch(repo)
            merged, theirs = _merge_locally(repo, store, report, lock_timeout)
            if remote is None or merged is None or merged == theirs or push(repo, merged):
                break
        else:
            raise SyncError("the remote kept changing while this sync ran; run 'reader sync' again", path=remote)
        notes = repo.notes()
        notes.synced_at = report.synced_at = now_iso()
        notes.write(repo.notes_path)
        repo.tidy()
    return report


def _merge_locally(
    repo: Repo, store: Store, report: SyncReport, lock_timeout: float
) -> tuple[str | None, str | None]:
    """Under the store's lock: commit local changes, merge what was fetched, write the store.

    The new head, and the remote's head it was merged with.
    """
    git = repo.git
    report.sent = Counts()  # what the last try sends (a push refused is tried again, from a new merge)
    with store.locked(lock_timeout):
        notes = repo.notes()
        head = _settle(repo)
        identity = repo.identity()
        local = commit_store(git, store, head, notes, identity, f"changes on {identity.machine}")
        if local != head:
            assert local is not None
            git.update_ref(local, head)
        notes.write(repo.notes_path)
        theirs = git.commit_of(TRACKING) if repo.remote else None
        if theirs is None or theirs == local or (local is not None and git.is_ancestor(theirs, local)):
            _count_sent(repo, report, theirs, local, store)
            return local, theirs
        _check_layout(git, theirs)
        if local is None or git.is_ancestor(local, theirs):
            merged = theirs
        else:
            base = git.merge_base(local, theirs)
            _count_sent(repo, report, base, local, store)
            names = (identity.machine, git.machine_of(theirs))
            merge = Merge(Side(git, git.tree(base)), Side(git, git.tree(local)), Side(git, git.tree(theirs)),
                          lambda b, o, t: git.merge_text(b, o, t, names))
            changes = merge.run()
            merged = git.commit([local, theirs], changes, f"merge of {names[1]}'s changes on {names[0]}", identity)
            _add_outcome(report.outcome, merge.outcome)
        received = apply(git, store, notes, local, merged)
        notes.write(repo.notes_path)
        report.received = _add(report.received, received)
        return merged, theirs


def _settle(repo: Repo) -> str | None:
    """Finish what a killed sync left (its files are moved in by the store's lock): the branch follows them."""
    head = repo.head
    ready = staged.is_ready(repo.layout)
    if ready is not None:
        if ready != head and repo.git.commit_of(ready) == ready and (head is None or repo.git.is_ancestor(head, ready)):
            repo.git.update_ref(ready, head)
            head = ready
        staged.finish(repo.layout)
    return head


def _check_layout(git: Git, commit: str) -> None:
    """A library written by a newer reader is refused, not misread."""
    problem = layout_problem(git, commit)
    if problem is not None:
        raise SyncError(f"the remote's branch main {problem}; nothing was changed")


def layout_problem(git: Git, commit: str) -> str | None:
    """Why this reader cannot read the library in ``commit``, or None when it can."""
    code, out, _ = git.attempt("cat-file", "blob", f"{commit}:{INFO}")
    try:
        about = orjson.loads(out) if code == 0 else None
    except orjson.JSONDecodeError:
        about = None
    if not isinstance(about, dict) or about.get("reader") != "library":
        return f"is not a reader library (no readable {INFO} in it)"
    layout, schema = about.get("layout"), about.get("schema")
    if not isinstance(layout, int) or not isinstance(schema, int):
        return f"is not a reader library ({INFO} does not say its layout and schema)"
    if layout > LAYOUT or schema > SCHEMA_VERSION:
        return f"was written by a newer reader (schema {schema}, layout {layout}): upgrade reader here first"
    return None


def _count_sent(repo: Repo, report: SyncReport, since: str | None, local: str | None, store: Store) -> None:
    """What this machine sends: from the last commit both sides share (with none: the whole store, counted there)."""
    if local is None or since == local:
        return
    if since is None:
        sent = Counts(new=store.count(), states=len(store.states()))
    else:
        sent = diff(repo.git, since, local, records=False)[0].counts()
    report.sent = _add(report.sent, sent)


def _add(one: Counts, other: Counts) -> Counts:
    return Counts(one.new + other.new, one.changed + other.changed, one.removed + other.removed,
                  one.states + other.states)


def _add_outcome(total: Outcome, more: Outcome) -> None:
    total.conflicts += more.conflicts
    total.kept += more.kept
    total.joined += more.joined
    total.apart += more.apart


def fetch(repo: Repo) -> None:
    """The remote's branch into ``origin/main`` (nothing else changes); one line if the remote cannot be reached."""
    code, _, reason = repo.git.attempt(
        "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30",
        "fetch", "--quiet", "--prune", "--no-tags", REMOTE, f"+refs/heads/*:refs/remotes/{REMOTE}/*",
        timeout=NETWORK_TIMEOUT,
    )
    if code != 0:
        raise SyncError(f"cannot fetch from the remote: {reason}; nothing was changed", path=repo.remote)


def push(repo: Repo, commit: str) -> bool:
    """Send the branch; False when the remote moved on meanwhile (fetch and merge again)."""
    code, out, reason = repo.git.attempt(
        "-c", "http.lowSpeedLimit=1000", "-c", "http.lowSpeedTime=30",
        "push", "--porcelain", "--quiet", REMOTE, f"{HEAD_REF}:{HEAD_REF}", timeout=NETWORK_TIMEOUT,
    )
    if code == 0:
        return True
    if b"[rejected]" in out or "fetch first" in reason or "non-fast-forward" in reason:
        return False
    raise SyncError(f"merged the remote's changes here, but could not send ours: {reason}; "
                    "run 'reader sync' again", path=repo.remote)


def status(store: Store, *, ask_remote: bool = True) -> SyncStatus:
    """What a sync would send and receive; the remote is fetched first unless told not to (or it does not answer)."""
    repo = Repo(store.layout)
    repo.require()
    git = repo.git
    unreachable = None
    if repo.remote is not None and ask_remote:
        try:
            fetch(repo)
        except SyncError as exc:
            unreachable = exc.detail
    head = repo.head
    identity = repo.identity()
    local = commit_store(git, store, head, Notes(exported=dict(repo.notes().exported)), identity, "not yet synced")
    theirs = git.commit_of(TRACKING) if repo.remote else None
    base = git.merge_base(local, theirs) if local and theirs else None
    to_send = diff(git, base, local, records=False)[0].counts() if local is not None and local != base else Counts()
    to_receive = (diff(git, base, theirs, records=False)[0].counts()
                  if theirs is not None and theirs != base else Counts())
    return SyncStatus(repo.remote, repo.notes().synced_at, to_send, to_receive, unreachable)
