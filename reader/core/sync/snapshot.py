"""The store as a commit: what a sync records of it, looking again only at the files that changed.

Run under the store's lock, so the commit is the store at one moment. A
store file whose identity (inode, size, times) is the one recorded at the
last commit is not read at all: its tables' trees are known. A file that
changed is cut into shards again and only the shards whose content differs
from the last commit are written: a note edited in a library of 100k papers
writes one small file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reader.core.heap import gc_paused
from reader.core.store import Store
from reader.core.store.files import signature_of
from reader.core.store.schema import SCHEMA_VERSION
from reader.core.sync.git import Git, Identity
from reader.core.sync.repo import Exported, Notes
from reader.core.sync.shards import INFO, ORDER, encode, encode_order, info, order_path, path_of, shard_of

# Each store file, and the folders of the repository that hold its tables.
FOLDERS = {"papers": ("papers", "abstracts", ORDER), "state": ("state",)}


def signature(path: Path) -> list[int] | None:
    try:
        return list(signature_of(path))
    except OSError:
        return None


def root_trees(git: Git, commit: str | None) -> dict[str, str]:
    """The top folders of a commit and their trees."""
    if commit is None:
        return {}
    out = git.run("ls-tree", "-z", commit, what="reading the repository")
    found = {}
    for entry in out.split(b"\0"):
        if entry:
            meta, name = entry.split(b"\t", 1)
            if meta.split()[1] == b"tree":
                found[name.decode()] = meta.split()[2].decode()
    return found


def papers_files(store: Store) -> dict[str, bytes]:
    """The papers file as repository files: its two tables in shards, and an order file per import."""
    records = store.records()
    papers: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    abstracts: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    groups: dict[str, list[str]] = defaultdict(list)
    with gc_paused():
        for pid, record in records.papers.items():
            papers[shard_of(pid)][pid] = record
            groups[str(record.get("added_at") or "")].append(pid)
        for pid, record in records.abstracts.items():
            if pid in records.papers:
                abstracts[shard_of(pid)][pid] = record
        files = {path_of("papers", shard): encode(found) for shard, found in papers.items()}
        files.update({path_of("abstracts", shard): encode(found) for shard, found in abstracts.items()})
    files.update({order_path(added): encode_order(ids) for added, ids in groups.items()})
    return files


def state_files(store: Store) -> dict[str, bytes]:
    """The state file as repository files: its records in shards."""
    states: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for pid, record in store.states().items():
        states[shard_of(pid)][pid] = record
    return {path_of("state", shard): encode(found) for shard, found in states.items()}


def _changes(
    git: Git, old: Mapping[str, str], new: Mapping[str, bytes], folders: tuple[str, ...]
) -> dict[str, bytes | None]:
    """The files of ``folders`` that differ from the last commit's (order files are written once, never changed)."""
    changes: dict[str, bytes | None] = {}
    for path, content in new.items():
        if path.startswith(f"{ORDER}/"):
            if path not in old:
                changes[path] = content
        elif git.blob_id(content) != old.get(path):
            changes[path] = content
    for path in old:
        if path.split("/", 1)[0] in folders and path not in new and not path.startswith(f"{ORDER}/"):
            changes[path] = None
    return changes


def commit_store(
    git: Git, store: Store, head: str | None, notes: Notes, identity: Identity, message: str
) -> str | None:
    """Commit what changed in the store since ``head`` (under its lock); the new head, or ``head`` if nothing did.

    ``notes.exported`` is brought up to date; the caller writes it once the branch has moved.
    """
    trees = root_trees(git, head)
    files: dict[str, str] | None = None
    changes: dict[str, bytes | str | None] = {}
    set_trees: dict[str, str | None] = {}
    now = {"papers": signature(store.path), "state": signature(store.layout.state)}
    for name, folders in FOLDERS.items():
        known = notes.exported.get(name)
        if known is not None and known.signature == now[name] and now[name] is not None:
            set_trees.update({folder: tree for folder, tree in known.trees.items() if trees.get(folder) != tree})
            continue
        if files is None:
            files = git.tree(head)
        new = papers_files(store) if name == "papers" else state_files(store)
        changes.update(_changes(git, files, new, folders))
    about = info(SCHEMA_VERSION)
    if files is None or git.blob_id(about) != files.get(INFO):
        if files is None:
            files = git.tree(head)
        if git.blob_id(about) != files.get(INFO):
            changes[INFO] = about
    if not set_trees and (not changes or (head is None and set(changes) <= {INFO})):
        commit = head  # nothing changed (an empty store before its first sync has nothing to say)
    else:
        commit = git.commit([head] if head else [], changes, message, identity, set_trees)
    remember(git, notes, commit, now)
    return commit


def remember(git: Git, notes: Notes, commit: str | None, signatures: Mapping[str, list[int] | None]) -> None:
    """Note that the store files with these identities are ``commit``'s tables (after a commit or an apply)."""
    trees = root_trees(git, commit)
    for name, folders in FOLDERS.items():
        found = signatures.get(name)
        if found is None:
            notes.exported.pop(name, None)
        else:
            notes.exported[name] = Exported(found, {folder: trees.get(folder) for folder in folders})
