"""How each shown passage matched its question: by meaning, by keywords, or both.

What the user sees is read from the passage itself, the same way wherever it was found. Its BM25 values
are its true scores against the question. The pool's values, which the reranker and the answerability
model read (and must keep reading: they were trained on them), are 0 for a passage outside a keyword
channel's top 50 even when its words match: at ``-k 20`` 206 of the 273 such passages of 60 FacQA
questions held a question word, and said "meaning". A value the pool holds is the passage's true score
already (the same sum); a 0 is read again from the stored index, for the shown rows only.
``matched_by`` follows from what is shown: "keywords" when the passage's window holds a word of the
question (its BM25 above 0; the words its highlights mark), "meaning" when its cosine is in the upper
half of the scored pool's cosines (``by_meaning``), "both" when both hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    # BM25 of the sentence and of its neighbour window against the question: the pool's value, a 0 read
    # again from the stored index (``keyword_scores``), so 0 means no word of the question is in it
    lexical_score: float
    window_score: float

    @property
    def matched_by(self) -> str:
        """ "meaning", "keywords" or "both", read from the values the passage shows."""
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
    """The rankings with each hit's BM25 (sentence and window) against its question: a 0 the pool gave
    (the channel did not return that passage) is read from the stored index. One call per channel for
    all the questions (on Milvus one engine search, and none when no such passage holds a question word),
    a few sums per passage."""
    values = {
        field: [np.array([getattr(h, field) for h in r.hits], dtype=np.float64) for r in rankings]
        for field in ("lexical_score", "window_score")
    }
    for field, lexical in (("lexical_score", index.lexical), ("window_score", index.lexical_window)):
        unread = [np.flatnonzero(v == 0) for v in values[field]]
        rows = [np.array([r.hits[j].row for j in at], dtype=np.int64) for r, at in zip(rankings, unread)]
        for v, at, read in zip(values[field], unread, lexical.score_rows(questions, rows), strict=True):
            v[at] = read
    out = []
    for r, sentence, window in zip(rankings, values["lexical_score"], values["window_score"], strict=True):
        hits = [
            Hit(h.row, h.score, h.dense_score, h.by_meaning, float(s), float(w))
            for h, s, w in zip(r.hits, sentence, window, strict=True)
        ]
        out.append(Ranking(hits, r.best_dense))
    return out
