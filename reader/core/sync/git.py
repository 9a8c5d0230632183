"""The one place ``git`` is run: its plumbing in a few calls, its failures as one line.

System git, through subprocess, rather than a Python implementation: it is
on every machine a researcher syncs from, speaks every remote (a path, SSH
with the user's keys and settings, HTTPS with their credential helper), and
writes its objects and refs safely (a ref moves by one atomic rename, a pack
lands whole or not at all). We never let git write the store itself: the
repository is bare, commits are built with ``fast-import`` and the store is
written by ``sync.apply``.

A git that would ask for a password or a host key gets no terminal: it fails
with its own message instead of hanging (``GIT_TERMINAL_PROMPT=0``, a new
session without a controlling terminal), and every network command has a
deadline.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import ReaderError

BRANCH = "main"
REMOTE = "origin"
TRACKING = f"refs/remotes/{REMOTE}/{BRANCH}"
HEAD_REF = f"refs/heads/{BRANCH}"
NETWORK_TIMEOUT = 120.0  # seconds a fetch or a push may take in all
LOCAL_TIMEOUT = 300.0  # seconds for work on the repository itself (a first commit of a large store)
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class SyncError(ReaderError):
    """A sync that could not be done; the store is as it was before it, or as after it."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who commits (the user's git identity when they have one), and on which machine."""

    name: str
    email: str
    machine: str


def _first_error_line(stderr: bytes) -> str:
    """Git's reason in one line: its ``fatal:``/``error:`` line, else its last line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line.removeprefix(prefix)
    return lines[-1] if lines else "git failed without saying why"


class Git:
    """Git commands on one bare repository."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._hash: str | None = None

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_") or key in _KEPT_ENV}
        env.update(GIT_DIR=str(self.git_dir), GIT_TERMINAL_PROMPT="0", LC_ALL="C")
        return env

    def run(
        self, *args: str, input: bytes | None = None, timeout: float = LOCAL_TIMEOUT, what: str = "git"
    ) -> bytes:
        """Run ``git ARGS``; its output, or ``SyncError`` saying ``what`` failed and why."""
        result = self._run(args, input, timeout, what)
        if result.returncode != 0:
            raise SyncError(f"{what}: {_first_error_line(result.stderr)}")
        return result.stdout

    def _run(
        self, args: Iterable[str], input: bytes | None, timeout: float, what: str
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                ["git", *args], input=input, capture_output=True, env=self._env(), timeout=timeout,
                start_new_session=True, stdin=None if input is not None else subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise SyncError("git is not installed: reader sync runs the git command") from None
        except subprocess.TimeoutExpired:
            raise SyncError(f"{what}: no answer within {timeout:.0f} s") from None

    def attempt(self, *args: str, input: bytes | None = None, timeout: float = LOCAL_TIMEOUT) -> tuple[int, bytes, str]:
        """Run ``git ARGS`` and hand back its status, output and reason, whatever they are."""
        result = self._run(args, input, timeout, "git")
        return result.returncode, result.stdout, _first_error_line(result.stderr) if result.returncode else ""

    # -- reading --------------------------------------------------------------

    def commit_of(self, name: str) -> str | None:
        """The commit ``name`` points to, or None when there is no such ref."""
        code, out, _ = self.attempt("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
        return out.decode().strip() if code == 0 else None

    def merge_base(self, one: str, other: str) -> str | None:
        code, out, _ = self.attempt("merge-base", one, other)
        return out.decode().strip() if code == 0 and out.strip() else None

    def is_ancestor(self, one: str, other: str) -> bool:
        return self.attempt("merge-base", "--is-ancestor", one, other)[0] == 0

    def tree(self, commit: str | None) -> dict[str, str]:
        """Every file of a commit (path -> blob id); a missing commit is the empty tree."""
        if commit is None:
            return {}
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, what="reading the repository")
        files: dict[str, str] = {}
        for entry in out.split(b"\0"):
            if entry:
                meta, path = entry.split(b"\t", 1)
                files[path.decode()] = meta.split()[2].decode()
        return files

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The contents of these blobs, read by one process."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(f"{oid}\n" for oid in wanted).encode(),
                       what="reading the repository")
        found: dict[str, bytes] = {}
        position = 0
        for oid in wanted:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            if len(header) != 3:
                raise SyncError(f"reading the repository: object {oid} is missing")
            size = int(header[2])
            found[oid] = out[end + 1 : end + 1 + size]
            position = end + 1 + size + 1
        return found

    def machine_of(self, commit: str) -> str:
        """The machine a commit was made on, as its message says (``... on NAME``)."""
        subject = self.run("log", "-1", "--format=%s", commit).decode().strip()
        return subject.rsplit(" on ", 1)[1] if " on " in subject else "another machine"

    def config(self, key: str) -> str | None:
        code, out, _ = self.attempt("config", "--get", key)
        return out.decode().strip() if code == 0 else None

    def blob_id(self, data: bytes) -> str:
        """The id git gives ``data`` as a blob, worked out here (a changed file is written, the rest only hashed)."""
        if self._hash is None:
            self._hash = "sha256" if self.config("extensions.objectformat") == "sha256" else "sha1"
        return hashlib.new(self._hash, b"blob %d\0" % len(data) + data).hexdigest()

    def merge_text(self, base: str, ours: str, theirs: str, labels: tuple[str, str]) -> tuple[str, bool]:
        """Two versions of a note merged by lines (``git merge-file``), and whether both changed the same lines.

        Where they did, both versions are kept between conflict markers
        labelled with each machine's name.
        """
        with tempfile.TemporaryDirectory(prefix="reader-note-") as folder:
            paths = []
            for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
                path = Path(folder) / name
                path.write_bytes(text.encode("utf-8", "surrogateescape"))
                paths.append(str(path))
            code, out, reason = self.attempt("merge-file", "-p", "-L", labels[0], "-L", "before", "-L", labels[1],
                                             *paths)
        if not 0 <= code <= 127:
            raise SyncError(f"merging two versions of a note: {reason}")
        return out.decode("utf-8", "surrogateescape"), code > 0

    # -- writing ----------------------------------------------------------------

    def commit(
        self,
        parents: list[str],
        files: Mapping[str, bytes | str | None],
        message: str,
        identity: Identity,
        trees: Mapping[str, str | None] | None = None,
    ) -> str:
        """A commit of the first parent's tree with ``files`` changed, by one ``git fast-import``.

        ``files`` maps a path to its new content, to the id of a blob already
        in the repository, or to None to remove it; ``trees`` sets whole
        folders to trees already in the repository (None: removes the
        folder). The branch is not moved: ``update_ref`` does that.
        """
        who = f"{identity.name} <{identity.email}> now"
        # fast-import commits to a ref: one of this process's own, so a git left running by a sync
        # that was killed never holds its lock, removed once the commit is made.
        scratch = f"refs/reader/commit-{os.getpid()}-{threading.get_ident()}"
        stream = [b"feature done\n", f"reset {scratch}\ncommit {scratch}\nmark :1\n".encode(),
                  f"author {who}\ncommitter {who}\n".encode(), _data(message.encode())]
        stream += [f"{'from' if n == 0 else 'merge'} {parent}\n".encode() for n, parent in enumerate(parents)]
        for folder, tree in (trees or {}).items():
            stream.append(f"D {folder}\n".encode() if tree is None else f"M 040000 {tree} {folder}\n".encode())
        for path, content in sorted(files.items()):
            if content is None:
                stream.append(f"D {path}\n".encode())
            elif isinstance(content, str):
                stream.append(f"M 100644 {content} {path}\n".encode())
            else:
                stream += [f"M 100644 inline {path}\n".encode(), _data(content)]
        stream.append(b"\nget-mark :1\ndone\n")
        out = self.run("fast-import", "--quiet", "--force", "--date-format=now", input=b"".join(stream),
                       what="writing to the repository")
        with contextlib.suppress(OSError):
            (self.git_dir / scratch).unlink()
        return out.decode().split()[-1]

    def update_ref(self, new: str, old: str | None, ref: str = HEAD_REF) -> None:
        """Move ``ref`` to ``new`` only if it still is at ``old`` (None: it must not exist yet)."""
        self.run("update-ref", ref, new, old or "0" * len(new), what="moving the branch")


# What a user's environment may say to git about the network and its tools; the
# rest (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE...) would point it elsewhere.
_KEPT_ENV = frozenset({
    "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_ASKPASS", "GIT_PROXY_COMMAND", "GIT_SSL_NO_VERIFY",
    "GIT_SSL_CAINFO", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_EXEC_PATH", "GIT_TRACE",
})


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"
