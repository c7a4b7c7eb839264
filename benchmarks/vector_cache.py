"""Passage vectors embedded once per corpus and shared by every store the Milvus bench builds.

Both stores embed the same sentences, and at 100k passages the stand-in encoder alone takes tens of
seconds on a loaded machine. The vectors are written once to an ``.npz`` in the size's work folder
(keys: the sentence's hash, as ``qa.incremental.sentence_key``) and every build reads
them, so the build figures are the stores' own work and both stores index bit-identical vectors. A
text missing from the file (a corpus edited since) is embedded on the spot, so a stale file costs time,
never correctness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .synth import StandInEncoder

FILE = "standin-vectors.npz"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _sentences(corpus: Path) -> list[str]:
    from qa.config import Settings
    from qa.corpus import load_corpus
    from qa.indexing import chunk_corpus

    documents = load_corpus(corpus)
    return list(dict.fromkeys(c.text for c in chunk_corpus(documents, Settings().window)))


def _fingerprint(texts: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(_key(text).encode())
    return digest.hexdigest()


def write(corpus: Path, path: Path) -> int:
    """Embed the corpus's sentences into ``path`` unless it already holds exactly them; returns how many
    sentences were embedded now (0 when the file was current)."""
    texts = _sentences(corpus)
    fingerprint = _fingerprint(texts)
    if path.is_file():
        with np.load(path) as data:
            if str(data["fingerprint"]) == fingerprint:
                return 0
    vectors = StandInEncoder().encode_passages(texts)
    path.parent.mkdir(parents=True, exist_ok=True)  # the real document's size has no corpus copy there
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, keys=np.array([_key(t) for t in texts]), vectors=vectors, fingerprint=fingerprint)
    tmp.replace(path)
    return len(texts)


class CachedStandIn(StandInEncoder):
    """``StandInEncoder`` (same name, so the same manifest) whose passage vectors come from the file."""

    def __init__(self, path: Path, queries=None) -> None:
        super().__init__(queries=queries)
        with np.load(path) as data:
            self._rows = {str(k): i for i, k in enumerate(data["keys"])}
            self._vectors = data["vectors"]

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        rows = [self._rows.get(_key(t), -1) for t in texts]
        out = self._vectors[np.maximum(rows, 0)] if texts else np.zeros((0, self.dim), np.float32)
        missing = [i for i, r in enumerate(rows) if r < 0]
        if missing:
            out[missing] = self._encode([texts[i] for i in missing])
        return out
