"""Dense + lexical search over a loaded index and the fusion of the two.

Each channel fails on different questions (e5 on rare names and numbers, BM25 on
paraphrase and on other languages), so both are asked for candidates and every
candidate gets a score from both before they are fused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .lexical import tokenize
from .store import StoredIndex

CANDIDATES = 50  # per channel; fusion re-scores the union


@dataclass(frozen=True)
class Hit:
    row: int
    score: float          # fused, in [0, 1]
    dense_score: float    # cosine similarity of question and passage
    lexical_score: float  # BM25 (0 when no query term occurs in the passage)
    lexical_norm: float   # BM25 scaled to [0, 1] within the question, times the share of terms matched
    matched_by: str       # "meaning", "keywords" or "both"


@dataclass(frozen=True)
class FusionSettings:
    method: str = "convex"     # "convex" (normalised scores) or "rrf" (reciprocal ranks)
    dense_weight: float = 0.5  # convex only
    rrf_k: int = 60

    def describe(self) -> dict:
        return {"method": self.method, "dense_weight": self.dense_weight, "rrf_k": self.rrf_k}


def dense_candidates(index: StoredIndex, qvecs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    n = min(n, index.vectors.ntotal)
    scores, ids = index.vectors.search(np.ascontiguousarray(qvecs, dtype=np.float32), n)
    return ids, scores


def exact_dense(index: StoredIndex, qvec: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine of one question with given rows (for candidates only the lexical channel found)."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.float32)
    vecs = index.vectors.reconstruct_batch(rows.astype(np.int64))
    return vecs @ qvec


class Retriever:
    """Searches one loaded index; ``passage_texts[row]`` is the text that row was indexed with."""

    def __init__(self, index: StoredIndex, passage_texts: Sequence[str],
                 fusion: FusionSettings = FusionSettings(), candidates: int = CANDIDATES) -> None:
        self.index = index
        self.passage_texts = passage_texts
        self.fusion = fusion
        self.candidates = candidates
        self._terms: dict[int, frozenset[str]] = {}

    def terms(self, row: int) -> frozenset[str]:
        if row not in self._terms:
            self._terms[row] = frozenset(tokenize(self.passage_texts[row]))
        return self._terms[row]

    def matched_share(self, question: str, rows: Sequence[int]) -> np.ndarray:
        """Share of the question's indexed terms that occur in each row (0 when it has none)."""
        terms = set(self.index.lexical.query_terms(question))
        if not terms:
            return np.zeros(len(rows), dtype=np.float32)
        return np.array([len(terms & self.terms(r)) / len(terms) for r in rows], dtype=np.float32)

    def search(self, questions: Sequence[str], qvecs: np.ndarray, k: int) -> list[list[Hit]]:
        """Top-``k`` fused hits for each question; ``qvecs`` are the encoded questions, row by row."""
        index = self.index
        d_ids, d_scores = dense_candidates(index, qvecs, max(self.candidates, k))
        l_ids, l_scores = index.lexical.search(questions, max(self.candidates, k))
        results = []
        for qi, question in enumerate(questions):
            dense = {int(r): float(s) for r, s in zip(d_ids[qi], d_scores[qi]) if r >= 0}
            lexical = {int(r): float(s) for r, s in zip(l_ids[qi], l_scores[qi]) if r >= 0 and s > 0}
            rows = np.array(sorted(set(dense) | set(lexical)), dtype=np.int64)
            missing = np.array([r for r in rows if r not in dense], dtype=np.int64)
            dense.update(zip(missing.tolist(), exact_dense(index, qvecs[qi], missing).tolist()))
            results.append(self._fuse(question, rows, dense, lexical, k))
        return results

    def _fuse(self, question: str, rows: np.ndarray, dense: dict[int, float],
              lexical: dict[int, float], k: int) -> list[Hit]:
        if len(rows) == 0:
            return []
        fusion = self.fusion
        d = np.array([dense[r] for r in rows.tolist()], dtype=np.float32)
        lex = np.array([lexical.get(r, 0.0) for r in rows.tolist()], dtype=np.float32)
        share = self.matched_share(question, rows.tolist())
        lex_norm = (lex / lex.max() if lex.max() > 0 else lex) * share
        if fusion.method == "rrf":
            d_rank = np.argsort(np.argsort(-d))
            l_rank = np.where(lex > 0, np.argsort(np.argsort(-lex)), 10**6)
            fused = 1 / (fusion.rrf_k + 1 + d_rank) + 1 / (fusion.rrf_k + 1 + l_rank)
            fused = fused / (2 / (fusion.rrf_k + 1))
        else:
            spread = d.max() - d.min()
            d_norm = (d - d.min()) / spread if spread > 1e-6 else np.ones_like(d)
            fused = fusion.dense_weight * d_norm + (1 - fusion.dense_weight) * lex_norm
        order = np.lexsort((rows, -fused))[:k]
        hits = []
        for i in order.tolist():
            by_meaning = d[i] >= d.max() - 0.02  # within the top band of the dense channel
            by_keywords = lex[i] > 0
            matched_by = "both" if by_meaning and by_keywords else "keywords" if by_keywords else "meaning"
            hits.append(Hit(int(rows[i]), float(fused[i]), float(d[i]), float(lex[i]), float(lex_norm[i]),
                            matched_by))
        return hits
