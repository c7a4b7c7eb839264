"""A deterministic fake encoder: instant builds for the unit tests and the crash trials' harness."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np


class FakeEncoder:
    """Hashing bag of words: deterministic, instant, and similar texts get similar vectors."""

    runtime = "fake"
    model = "fake-hash-bow"
    query_prefix = "query: "
    passage_prefix = "passage: "
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word[:5].encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0
        v[0] += 0.01  # never the zero vector
        return v / np.linalg.norm(v)

    def truncate(self, text: str) -> tuple[str, bool]:
        return (text[:2000], True) if len(text) > 2000 else (text, False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self.encode_queries(texts)
