"""How the dense and the two keyword channels' scores become one.

Cosines and BM25 scores live on different scales, so each channel is rescaled (or, with ``rrf``,
replaced by its ranks) before a weighted sum; the keyword channels weigh less when the corpus knows few
of the question's words. The defaults won the comparison in docs/quality.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionSettings:
    """How the channels are combined; the defaults won the comparison in docs/quality.md."""

    method: str = "convex"  # "convex": min-max cosine + max-scaled BM25; "rrf": reciprocal ranks
    dense_weight: float = 0.5  # share of the dense channel when the corpus knows the question's words
    window_weight: float = 0.5  # share of the window's BM25 within the lexical channel
    coverage_knee: float = 0.5  # below this share of known question words the lexical weight shrinks
    rrf_k: int = 60

    def lexical_weight(self, coverage: float) -> float:
        """Weight of the keyword channel: full once enough question words are known to the corpus."""
        trust = min(1.0, coverage / self.coverage_knee) if self.coverage_knee > 0 else 1.0
        return (1 - self.dense_weight) * trust

    def fuse(self, d: np.ndarray, s: np.ndarray, w: np.ndarray, coverage: float) -> np.ndarray:
        """One score in [0, 1] per candidate from its cosine ``d`` and the BM25 of its sentence ``s`` and
        window ``w`` (aligned arrays, not empty); ``coverage`` sets the keyword channel's weight."""
        lex_weight = self.lexical_weight(coverage)
        if self.method == "rrf":
            fused = rrf(
                [d, s, w],
                [1 - lex_weight, lex_weight * (1 - self.window_weight), lex_weight * self.window_weight],
                self.rrf_k,
            )
        else:
            lexical = (1 - self.window_weight) * scaled_max(s) + self.window_weight * scaled_max(w)
            fused = (1 - lex_weight) * min_max(d) + lex_weight * lexical
        return fused.astype(np.float32)


def scaled_max(x: np.ndarray) -> np.ndarray:
    top = x.max() if len(x) else 0.0
    return x / top if top > 0 else np.zeros_like(x)


def min_max(x: np.ndarray) -> np.ndarray:
    spread = x.max() - x.min() if len(x) else 0.0
    return (x - x.min()) / spread if spread > 1e-6 else np.ones_like(x)


def rrf(channels: list[np.ndarray], weights: list[float], k: int) -> np.ndarray:
    """Weighted reciprocal-rank fusion, scaled so a passage first in every channel scores 1."""
    total = np.zeros_like(channels[0])
    for x, weight in zip(channels, weights):
        rank = np.argsort(np.argsort(-x, kind="stable"), kind="stable")
        total += weight * np.where(x > 0, 1.0 / (k + 1 + rank), 0.0)
    return total * (k + 1) / max(sum(weights), 1e-9)
