"""What a new build may take from the previous one: the vectors of sentences it already embedded.

A passage's vector depends only on its sentence text and the encoder (the sentence alone is
embedded), so when the previous build used the same encoder and chunking, every sentence it holds
keeps its vector, whatever file it now sits in; only new text goes through the encoder. The
previous build is trusted only after the checksums of the two files read here. Vectors are lent by
sentence key, one rule for every lender: the previous build, and the vectors an interrupted build
kept (``qa.checkpoint``), each valid only under the ``VECTOR_SECTIONS`` it was embedded with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .errors import IndexError_
from .manifest import read_manifest, stale_reasons
from .store import read_vectors_and_chunks, verified_build

# What the vectors depend on: a previous build that agrees on these can lend its vectors to a new one.
VECTOR_SECTIONS = ("format_version", "encoder", "chunking")


def sentence_key(text: str) -> str:
    """What vectors are lent by: a vector depends on this text only (and the ``VECTOR_SECTIONS``)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def other_section(sections: dict, expected: dict) -> str | None:
    """The first vector section where a lender's ``sections`` differ from ``expected``'s, if any."""
    return next((s for s in VECTOR_SECTIONS if sections.get(s) != expected[s]), None)


@dataclass
class Lent:
    """Vectors a build may take, row by row, by sentence key."""

    keys: Sequence[str]
    vectors: np.ndarray

    def only(self, wanted: Collection[str]) -> Lent:
        """The rows whose key is in ``wanted`` (what a build still needs of them)."""
        rows = [i for i, k in enumerate(self.keys) if k in wanted]
        return Lent([self.keys[i] for i in rows], self.vectors[rows])


@dataclass
class PreviousBuild:
    """The corpus hashes, chunks and vectors of the last committed build."""

    corpus: dict[str, str]
    chunks: list[Chunk]
    vectors: np.ndarray
    current: bool  # nothing differs from the expectation: a rebuild now was asked for on purpose

    def lent(self) -> Lent:
        return Lent([sentence_key(c.text) for c in self.chunks], self.vectors)


def load_previous(index_dir: Path, expected: dict) -> tuple[PreviousBuild | None, str]:
    """The previous build when its vectors are valid for ``expected``; else (None, the reason)."""
    from .ann import all_vectors

    try:
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None, "no previous index"
        section = other_section(manifest, expected)
        if section is not None:
            return None, f"previous index has another {section.replace('_', ' ')}"
        index, chunks = read_vectors_and_chunks(
            verified_build(index_dir, manifest, ("vectors.faiss", "chunks.jsonl"))
        )
        current = not stale_reasons(manifest, expected)
        corpus = dict(manifest.get("corpus") or {})
    except IndexError_ as exc:
        return None, f"previous index unusable ({exc.message})"
    except (AttributeError, TypeError, ValueError):
        return None, "previous index manifest is malformed"
    vectors = all_vectors(index)
    if len(vectors) != len(chunks) or index.d != expected["encoder"]["dim"]:
        return None, "previous index files disagree in size"
    if not np.isfinite(vectors).all():  # written before builds refused NaN vectors: lend none of them
        return None, "previous index holds NaN or infinite vectors"
    return PreviousBuild(corpus, chunks, vectors, current), "ok"


def reuse_vectors(
    sentences: Sequence[str],
    lenders: Sequence[Lent],
    encode: Callable[[list[str]], np.ndarray],
    dim: int,
    lending: Callable[[list[int]], None] | None = None,
) -> tuple[np.ndarray, int, int]:
    """One vector per sentence, encoding only texts no lender holds (each once); an earlier lender wins.
    ``lending`` hears, before the encoding, how many distinct texts each lender gives.

    Returns (vectors, texts embedded, rows reused).
    """
    source: dict[str, tuple[int, int]] = {}
    for n, lent in enumerate(lenders):
        for row, key in enumerate(lent.keys):
            source.setdefault(key, (n, row))
    keys = [sentence_key(t) for t in sentences]
    given = {k: source[k] for k in dict.fromkeys(keys) if k in source}
    if lending is not None:
        lending([sum(1 for n, _ in given.values() if n == i) for i in range(len(lenders))])
    first = {k: row for row, k in reversed(list(enumerate(keys))) if k not in given}
    todo = [sentences[row] for row in sorted(first.values())]
    fresh = encode(todo)
    new = {sentence_key(t): i for i, t in enumerate(todo)}
    vectors = np.empty((len(sentences), dim), dtype=np.float32)
    for n, lent in enumerate(lenders):  # lent rows come from their lender
        taken = [(row, given[k][1]) for row, k in enumerate(keys) if k in given and given[k][0] == n]
        if taken:
            rows, held = np.array(taken).T
            vectors[rows] = lent.vectors[held]
    new_rows = [(row, new[k]) for row, k in enumerate(keys) if k in new]
    if new_rows:
        rows, held = np.array(new_rows).T
        vectors[rows] = fresh[held]
    return vectors, len(todo), len(sentences) - len(new_rows)


def corpus_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, int]:
    """How many files were added, removed or changed since the previous build."""
    return {
        "added": len(set(new) - set(old)),
        "removed": len(set(old) - set(new)),
        "changed": sum(1 for d in set(old) & set(new) if old[d] != new[d]),
    }
