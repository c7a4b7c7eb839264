"""How each shown passage matched its question: by meaning, by keywords, or both.

What the user sees is read from the passage itself, the same way wherever it was found. Its BM25 values
are its true scores against the question, summed from the stored indexes for the shown rows only. The
pool's BM25 values, which the reranker and the answerability model read, are 0 outside a channel's top
50 even when the words match (206 of 273 such passages held a question word, FacQA at ``-k 20``), and a
deeper retrieval's are from its own, wider top n; they stay the models' inputs, untouched.
``matched_by`` follows from these values: "keywords" when the passage's window holds a word of the
question (its BM25 above 0, the words its highlights mark), "meaning" when its cosine is in the upper
half of the scored pool's cosines (``by_meaning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .store import StoredIndex


@dataclass(frozen=True)
class Hit:
    """One passage of a ranking with each channel's own score: the answer shows how it matched."""

    row: int
    score: float  # what the answer shows (fused, or reranked), in [0, 1], never rising down the list
    dense_score: float  # cosine similarity of question and sentence
    by_meaning: bool  # its cosine is in the upper half of the scored pool's (``by_meaning``)
    # BM25 of the sentence and of its neighbour window against the question, from the stored indexes
    # (``keyword_scores``; 0 means no word of the question is in it)
    lexical_score: float = 0.0
    window_score: float = 0.0

    @property
    def matched_by(self) -> str:
        """"meaning", "keywords" or "both", read from the values the passage shows."""
        words = self.window_score > 0
        return "both" if self.by_meaning and words else "keywords" if words else "meaning"


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    best_dense: float  # the highest cosine of any sentence: how close the corpus comes at all


def by_meaning(dense: np.ndarray, scored: np.ndarray) -> np.ndarray:
    """Which cosines ``dense`` sit in the upper half of the scored pool's cosines (all of them when those
    are equal). One scale for every tier: a deeper retrieval's lowest cosine is lower, so read against its
    own range a passage said "both" under one with a higher cosine that said "keywords"."""
    lo, spread = scored.min(), scored.max() - scored.min()
    return (dense - lo) / spread >= 0.5 if spread > 1e-6 else dense >= lo


def keyword_scores(index: StoredIndex, questions: Sequence[str], rankings: list[Ranking]) -> list[Ranking]:
    """The rankings with each hit's true BM25 (sentence and window) against its question: one call per
    channel for every question (one engine search each on Milvus), a few sums per shown passage."""
    rows = [np.array([h.row for h in r.hits], dtype=np.int64) for r in rankings]
    sentence = index.lexical.score_rows(questions, rows)
    window = index.lexical_window.score_rows(questions, rows)
    return [
        Ranking(
            [replace(h, lexical_score=float(s), window_score=float(w)) for h, s, w in zip(r.hits, ss, ws)],
            r.best_dense,
        )
        for r, ss, ws in zip(rankings, sentence, window, strict=True)
    ]
