"""The search index's base: every paper's title and abstract words, as compressed postings.

Layout, chosen so that a large library's word-in-paper pairs stay compact and
build with vectorised steps (figures in docs/performance.md): for each word of
the sorted vocabulary, the papers it is in (``docs``, int32 positions) and one
byte per pair (``codes``) that says where: the low two bits the field (title
or abstract), the other six the word's place in the title (its first
occurrence, for proximity) or its count in the abstract (for BM25). Each
paper's title and abstract lengths in words complete it.

It depends only on the imported papers, so it is saved beside the store
(``save``) and mapped back from that file next time (``load``). Notes, tags and
papers changed since live in the index's overlay (``index.py``).
"""

from __future__ import annotations

import bisect
import contextlib
import json
import mmap
import os
import tempfile
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from reader.core.models import Entry
from reader.core.search.words import words_of
from reader.core.steps import Steps
from reader.core.store.files import open_regular_file
from reader.core.store.layout import temp_prefix
from reader.core.text import readable_latex

TITLE, ABSTRACT = 1, 2  # field codes in the low two bits of a posting's code
SLOT_BITS = 2
MAX_SLOT = 63  # title places and abstract counts beyond this are stored as this
CACHE_VERSION = 4
_STEP_PAPERS = 200  # papers between two steps while the postings are built
_CACHE_MAGIC = b"reader search index %d\n" % CACHE_VERSION
_ALIGN = 64

Ints = npt.NDArray[np.int64]
_paper_ids = attrgetter("paper.id")  # C-level attribute access: no Python frame per paper


def abstract_text(entry: Entry) -> str:
    """The abstract as searched: LaTeX commands read as their text."""
    abstract = entry.paper.abstract
    if "\\" in abstract or "~" in abstract or "--" in abstract:
        return readable_latex(abstract)
    return abstract


def word_shapes(words: list[str]) -> npt.NDArray[np.uint32]:
    """Each word's length and first two letters (as code points; a space for none): what a typo can change."""
    count = len(words)
    padded = list(map(str.__add__, words, repeat("  ", count)))
    shapes = np.zeros((3, count), dtype=np.uint32)  # a row per feature: each one contiguous
    shapes[0] = np.fromiter(map(len, words), dtype=np.uint32, count=count)
    shapes[1] = np.fromiter(map(ord, map(itemgetter(0), padded)), dtype=np.uint32, count=count)
    shapes[2] = np.fromiter(map(ord, map(itemgetter(1), padded)), dtype=np.uint32, count=count)
    return shapes


def title_places(words: list[str]) -> dict[str, int]:
    """Each distinct title word with the place it first stands at (built backwards: the first place is set last)."""
    return dict(zip(reversed(words), range(len(words) - 1, -1, -1), strict=True))


class Postings:
    """Immutable postings over titles and abstracts (see the module's docstring)."""

    def __init__(
        self,
        ids: list[str],
        vocab: list[str],
        offsets: Ints,
        docs: npt.NDArray[np.int32],
        codes: npt.NDArray[np.uint8],
        lengths: npt.NDArray[np.int32],
        shapes: npt.NDArray[np.uint32] | None = None,
    ) -> None:
        self.ids = ids
        self.vocab = vocab
        self.offsets = offsets
        self.docs = docs
        self.codes = codes
        self.lengths = lengths  # per paper: title words, abstract words (two columns)
        self.shapes = word_shapes(vocab) if shapes is None else shapes  # per word: length, first two letters

    def word_number(self, word: str) -> int | None:
        """Where ``word`` stands in the vocabulary (kept sorted), or None: a bisect, no map of every word."""
        at = bisect.bisect_left(self.vocab, word)
        return at if at < len(self.vocab) and self.vocab[at] == word else None

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.word_number(word) is not None

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> Steps[Postings]:
        """Index titles and abstracts: a few C-level calls per paper, then numpy. A step every few hundred papers."""
        vocab: defaultdict[str, int] = defaultdict()
        vocab.default_factory = vocab.__len__  # unseen word -> next id, without a Python loop
        lookup = vocab.__getitem__
        # C ints, extended by C-level calls: no Python code runs per word.
        word_ids, slots = array("i"), array("i")  # the word, and its title place or abstract count
        lengths = np.zeros((len(entries), 2), dtype=np.int32)
        per_field = np.zeros((len(entries), 2), dtype=np.int64)  # postings of each paper: title, abstract
        for position, entry in enumerate(entries):
            title_words = words_of(entry.paper.title)
            abstract_words = words_of(abstract_text(entry))
            title = title_places(title_words)
            counts = Counter(abstract_words)
            for word in title:
                counts.pop(word, None)
            word_ids.extend(map(lookup, title))
            slots.extend(title.values())
            word_ids.extend(map(lookup, counts))
            slots.extend(counts.values())
            lengths[position] = (len(title_words), len(abstract_words))
            per_field[position] = (len(title), len(counts))
            if not position % _STEP_PAPERS:
                yield
        # Number the words in sorted order: the vocabulary is kept sorted (prefix
        # matching bisects it), and a list already sorted sorts again in linear time.
        first_seen = list(vocab)
        ordered = sorted(first_seen)
        rank = dict(zip(ordered, range(len(ordered)), strict=True))
        renumber = np.fromiter(map(rank.__getitem__, first_seen), dtype=np.int32, count=len(first_seen))
        yield
        words = renumber[np.frombuffer(word_ids, dtype=np.intc)]
        del word_ids
        docs = np.repeat(np.arange(len(entries), dtype=np.int32), per_field.sum(axis=1))
        fields = np.repeat(np.tile(np.array([TITLE, ABSTRACT], dtype=np.uint8), len(entries)), per_field.ravel())
        places = np.minimum(np.frombuffer(slots, dtype=np.intc), MAX_SLOT).astype(np.uint8)
        codes = (fields | (places << SLOT_BITS)).astype(np.uint8)
        del slots
        yield
        order = np.argsort(words, kind="stable")  # stable: papers stay in order within a word
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(words, minlength=len(vocab)), out=offsets[1:])
        yield
        postings = cls(list(map(_paper_ids, entries)), ordered, offsets, docs[order], codes[order], lengths)
        yield
        return postings

    def postings(self, word: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint8]] | None:
        index = self.word_number(word)
        if index is None:
            return None
        start, end = self.offsets[index], self.offsets[index + 1]
        return self.docs[start:end], self.codes[start:end]

    # -- the cache file -----------------------------------------------------

    def save(self, path: Path, signature: str) -> None:
        """Write the postings beside the store; a failure only costs a rebuild next time."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "ids": _text_array("\n".join(self.ids)),
            "vocab": _text_array("\n".join(self.vocab)),
            "offsets": self.offsets,
            "docs": self.docs,
            "codes": self.codes,
            "lengths": self.lengths.ravel(),
            "shapes": self.shapes.ravel(),
        }
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(_cache_bytes(signature, arrays))
            os.replace(tmp_name, path)
            with contextlib.suppress(OSError):  # the cache as older versions named it
                path.with_name(path.name + ".npz").unlink()
        except OSError:
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp_name)

    @classmethod
    def load(cls, path: Path, signature: str, paper_ids: Sequence[str]) -> Steps[Postings | None]:
        """The saved postings if they describe exactly these papers (by id, in order), else None (never raises).

        The arrays are mapped from the file, not read: a command that searches
        once touches only the postings of its words. A step between the parts.
        """
        try:
            data = _mapped_arrays(path, signature)
            if data is None:
                return None
            ids = _array_text(data["ids"]).split("\n") if len(paper_ids) else []
            yield
            vocab_text = _array_text(data["vocab"])
            vocab = vocab_text.split("\n") if vocab_text else []
            yield
            offsets, docs, codes = data["offsets"], data["docs"], data["codes"]
            lengths = data["lengths"].reshape(-1, 2)
            shapes = data["shapes"].reshape(3, -1)
        except Exception:  # a damaged cache is rebuilt, whatever the damage
            return None
        postings = cls(ids, vocab, offsets, docs, codes, lengths, shapes)
        yield
        return postings if (yield from postings._fit(paper_ids)) else None

    def _fit(self, paper_ids: Sequence[str]) -> Steps[bool]:
        """Whether loaded arrays fit together and index exactly these papers.

        The cache is keyed by the papers file's identity (see ``file_signature``):
        the same ids in the same order, with every array well formed, is a match.
        """
        n, offsets, docs = len(paper_ids), self.offsets, self.docs
        if self.ids != list(paper_ids) or self.lengths.shape != (n, 2) or self.lengths.dtype != np.int32:
            return False
        yield
        if offsets.ndim != 1 or len(offsets) != len(self.vocab) + 1 or offsets.dtype != np.int64:
            return False
        if docs.dtype != np.int32 or self.codes.dtype != np.uint8 or len(docs) != len(self.codes):
            return False
        if self.shapes.shape != (3, len(self.vocab)) or self.shapes.dtype != np.uint32:
            return False
        if len(offsets) and (offsets[0] != 0 or offsets[-1] != len(docs) or bool(np.any(np.diff(offsets) < 0))):
            return False
        if len(docs) and (int(docs.min()) < 0 or int(docs.max()) >= n):
            return False
        yield
        return True


def _cache_bytes(signature: str, arrays: dict[str, npt.NDArray[Any]]) -> Iterable[bytes]:
    """The cache file: a magic line, a JSON line naming each array's type, size and place, then the arrays."""
    places: dict[str, tuple[str, int, int]] = {}
    position = 0
    for name, values in arrays.items():
        places[name] = (values.dtype.str, len(values), position)
        position += -(-values.nbytes // _ALIGN) * _ALIGN
    header = _CACHE_MAGIC + json.dumps({"signature": signature, "arrays": places}).encode() + b"\n"
    header += b" " * (-len(header) % _ALIGN)
    yield header
    for values in arrays.values():
        yield values.tobytes()
        yield b"\0" * (-values.nbytes % _ALIGN)


def _mapped_arrays(path: Path, signature: str) -> dict[str, npt.NDArray[Any]] | None:
    """The arrays of the cache file at ``path``, mapped read-only; None for another file's cache.

    Raises for anything that is not such a file (checked before a byte is
    mapped): a FIFO, a foreign file, arrays that do not fit in it.
    """
    with open_regular_file(path) as handle:
        if handle.readline(len(_CACHE_MAGIC)) != _CACHE_MAGIC:
            raise ValueError("not a search index cache")
        header = json.loads(handle.readline(1 << 20))
        if header["signature"] != signature:
            return None
        start = -(-handle.tell() // _ALIGN) * _ALIGN
        size = os.fstat(handle.fileno()).st_size
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    arrays = {}
    for name, (kind, count, offset) in header["arrays"].items():
        dtype = np.dtype(kind)
        if dtype.kind not in "iu" or count < 0 or offset < 0 or start + offset + count * dtype.itemsize > size:
            raise ValueError(f"array {name!r} does not fit in the file")
        arrays[name] = np.frombuffer(mapped, dtype=dtype, count=count, offset=start + offset)
    return arrays


def _text_array(text: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _array_text(array: npt.NDArray[np.uint8]) -> str:
    return array.tobytes().decode("utf-8")


def file_signature(path: Path) -> str:
    """What the cache is keyed by: the papers file's inode, size and modification time."""
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"
