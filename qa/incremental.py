"""What a new build may take from the previous one: the vectors of sentences it already embedded.

A passage's vector depends only on its sentence text and the encoder (the sentence alone is
embedded), so when the previous build used the same encoder and chunking, every sentence it holds
keeps its vector, whatever file it now sits in; only new text goes through the encoder. The
previous build is trusted only after the checksums of the two files read here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .chunking import Chunk
from .errors import IndexError_
from .manifest import read_manifest, stale_reasons
from .store import read_vectors_and_chunks, verified_build

# What the vectors depend on: a previous build that agrees on these can lend its vectors to a new one.
VECTOR_SECTIONS = ("format_version", "encoder", "chunking")


@dataclass
class PreviousBuild:
    """The corpus hashes, chunks and vectors of the last committed build."""

    corpus: dict[str, str]
    chunks: list[Chunk]
    vectors: np.ndarray
    current: bool  # nothing differs from the expectation: a rebuild now was asked for on purpose


def load_previous(index_dir: Path, expected: dict) -> tuple[PreviousBuild | None, str]:
    """The previous build when its vectors are valid for ``expected``; else (None, the reason)."""
    from .ann import all_vectors

    try:
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None, "no previous index"
        for section in VECTOR_SECTIONS:
            if manifest.get(section) != expected[section]:
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
    previous: PreviousBuild | None,
    encode: Callable[[list[str]], np.ndarray],
    dim: int,
) -> tuple[np.ndarray, int, int]:
    """One vector per sentence, encoding only texts the previous build lacks (each once).

    Returns (vectors, texts embedded, rows reused).
    """
    known = {c.text: i for i, c in enumerate(previous.chunks)} if previous else {}
    todo = list(dict.fromkeys(t for t in sentences if t not in known))
    fresh = encode(todo)
    new = {t: i for i, t in enumerate(todo)}
    vectors = np.empty((len(sentences), dim), dtype=np.float32)
    old_rows = [(row, known[t]) for row, t in enumerate(sentences) if t not in new]
    new_rows = [(row, new[t]) for row, t in enumerate(sentences) if t in new]
    if old_rows and previous is not None:  # old rows come from the previous build
        rows, source = np.array(old_rows).T
        vectors[rows] = previous.vectors[source]
    if new_rows:
        rows, source = np.array(new_rows).T
        vectors[rows] = fresh[source]
    return vectors, len(todo), len(old_rows)


def corpus_changes(old: dict[str, str], new: dict[str, str]) -> dict[str, int]:
    """How many files were added, removed or changed since the previous build."""
    return {
        "added": len(set(new) - set(old)),
        "removed": len(set(old) - set(new)),
        "changed": sum(1 for d in set(old) & set(new) if old[d] != new[d]),
    }
