"""Features of each fused candidate for the learned reranker, and of the question for answerability.

Everything is normalised per question (score / best score, reciprocal ranks, shares of the question's
terms), so one model serves a ten-sentence document and a corpus of thousands: raw BM25 scores and
IDFs differ by corpus, their ratios and ranks do not. The work is numpy over the candidate arrays
(plus a loop over the question's few terms); the per-passage facts come from ``PassageTable``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .analysis import tokenize
from .answer_type import ANSWER_TYPES
from .exact import dots, weighted_share
from .passage_table import ANSWER_TYPE_CUES, CUE_NAMES, PassageTable
from .retrieval import Pool

FEATURE_SET = "trust-features-v3"  # bump when a feature's meaning or order changes (checked on model load)
POOL = 30  # fused candidates the reranker scores
# A "condition" question ("kapan sebaiknya …") is a "kapan" question to the models (no training question
# has the type, so no column of its own could be learnt); only its type match reads its own cue, the
# conditional clause (docs/quality.md, "Thirty-sixth round", B).
_MODEL_TYPE = {"condition": "time"}
_TYPES = tuple(t for t in ANSWER_TYPES if t not in _MODEL_TYPE)
_CUES = tuple(c for c in CUE_NAMES if c != "condition")


class QuestionFacts(Protocol):
    """What ``qa.question.analyze`` tells about a question (only these fields are read; read-only)."""

    @property
    def terms(self) -> Sequence[str]: ...
    @property
    def focus(self) -> Sequence[str]: ...
    @property
    def answer_type(self) -> str: ...
    @property
    def names(self) -> Sequence[str]: ...
    @property
    def numbers(self) -> Sequence[str]: ...


# Columns also given as the difference to the pool's best value (how far below the best candidate).
RELATIVE = ("idf_cov_sent", "idf_cov_win", "focus_sent", "focus_win", "cos_window_mean", "cos_neighbour_max")
# Feature names by group; the ablation in training/ drops one group at a time.
GROUPS: dict[str, tuple[str, ...]] = {
    "dense": ("cos", "cos_gap", "cos_rank", "cos_minmax", "cos_neighbour_max", "cos_window_mean"),
    "bm25": ("bm25_sent", "bm25_sent_rank", "bm25_win", "bm25_win_rank", "fused", "fused_rank"),
    "coverage": (
        "idf_cov_sent",
        "idf_cov_win",
        "share_sent",
        "share_win",
        "focus_sent",
        "focus_win",
        "missing_idf_sent",
        "missing_idf_win",
        "bigram_sent",
        "bigram_win",
    ),
    "relative": tuple(f"{n}_vs_best" for n in RELATIVE),
    "entities": ("names_sent", "names_win", "numbers_sent", "numbers_win"),
    "answer_type": ("type_sent", "type_win", *(f"cue_{c}" for c in _CUES)),
    "position": ("position", "first_in_paragraph", "paragraph_size", "length"),
    "question": (
        "q_terms",
        "q_names",
        "q_numbers",
        "q_known",
        "q_unknown_idf",
        "pool_size",
        *(f"type_{t}" for t in _TYPES),
    ),
}
NAMES: tuple[str, ...] = tuple(name for group in GROUPS.values() for name in group)


@dataclass
class Candidates:
    """The top of one question's pool with its feature matrix (rows best-fused first)."""

    pool_index: np.ndarray  # positions in the Pool's arrays
    rows: np.ndarray
    x: np.ndarray  # (candidates, len(NAMES)) float32


def _rank_inv(x: np.ndarray) -> np.ndarray:
    """1 for the best value, 1/2 for the second...; 0 where the score is 0 (the channel missed it)."""
    rank = np.empty(len(x), dtype=np.float32)
    rank[np.argsort(-x, kind="stable")] = np.arange(1, len(x) + 1)
    return np.where(x > 0, 1.0 / rank, 0.0).astype(np.float32)


def _scaled(x: np.ndarray) -> np.ndarray:
    top = float(x.max()) if len(x) else 0.0
    return (x / top).astype(np.float32) if top > 0 else np.zeros_like(x)


def _share(presence: np.ndarray, weights: np.ndarray | None = None, empty: float = 1.0) -> np.ndarray:
    """Weighted share of the terms each candidate holds; ``empty`` when there is no term to look for."""
    if presence.shape[1] == 0:
        return np.full(presence.shape[0], empty, dtype=np.float32)
    w = np.ones(presence.shape[1], np.float32) if weights is None else weights
    return weighted_share(presence, w)  # not ``presence @ w``: that sum follows the CPU's BLAS kernel


def question_terms(facts: QuestionFacts) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The question's distinct stems and masks of those that are focus, name and number stems."""
    terms = list(dict.fromkeys(facts.terms))
    focus = set(facts.focus)
    # In the question's order, not a set's: a set of strings iterates in an order that changes with each
    # process's hash seed, and the order of the terms is the order of the float sums over them.
    names = dict.fromkeys(s for n in facts.names for s in tokenize(n))
    numbers = dict.fromkeys(s for n in facts.numbers for s in tokenize(n))
    terms += [t for t in dict.fromkeys([*names, *numbers]) if t not in terms]
    masks = [np.array([t in group for t in terms], dtype=bool) for group in (focus, names, numbers)]
    return terms, masks[0], masks[1], masks[2]


def candidate_features(
    table: PassageTable,
    vectors,
    question: str,
    qvec: np.ndarray,
    pool: Pool,
    facts: QuestionFacts,
    pool_size: int = POOL,
) -> Candidates:
    """Feature matrix of the ``pool_size`` best-fused candidates of one question."""
    order = np.lexsort((pool.rows, -pool.fused))[:pool_size]
    rows = pool.rows[order]
    n = len(rows)
    cols = _score_columns(table, vectors, qvec, pool, order)

    terms, focus, names, numbers = question_terms(facts)
    p_sent, idf = table.sentence_terms.presence(terms, rows)
    p_win, _ = table.window_terms.presence(terms, rows)
    cols["idf_cov_sent"], cols["idf_cov_win"] = _share(p_sent, idf, 0.0), _share(p_win, idf, 0.0)
    cols["share_sent"], cols["share_win"] = _share(p_sent, empty=0.0), _share(p_win, empty=0.0)
    focus_or_all = focus if focus.any() else np.ones(len(terms), bool)
    cols["focus_sent"] = _share(p_sent[:, focus_or_all], idf[focus_or_all], 0.0)
    cols["focus_win"] = _share(p_win[:, focus_or_all], idf[focus_or_all], 0.0)
    top_idf = float(idf.max()) if len(terms) else 1.0
    # the rarest question term a candidate lacks (a name, a specific noun), relative to the rarest overall
    cols["missing_idf_sent"] = ((1 - p_sent) * idf).max(axis=1, initial=0.0) / top_idf
    cols["missing_idf_win"] = ((1 - p_win) * idf).max(axis=1, initial=0.0) / top_idf
    stems = tokenize(question)
    cols["bigram_sent"] = _share(table.sentence_bigrams.presence(stems, rows), empty=0.0)
    cols["bigram_win"] = _share(table.window_bigrams.presence(stems, rows), empty=0.0)
    cols["names_sent"], cols["names_win"] = _share(p_sent[:, names]), _share(p_win[:, names])
    cols["numbers_sent"], cols["numbers_win"] = _share(p_sent[:, numbers]), _share(p_win[:, numbers])
    cols.update(_passage_columns(table, rows, facts.answer_type))

    for name in RELATIVE:
        cols[f"{name}_vs_best"] = cols[name] - cols[name].max() if n else cols[name]
    known = np.array([t in table.window_terms.vocab for t in terms], dtype=bool)
    q = {
        "q_terms": len(terms),
        "q_names": int(names.sum()),
        "q_numbers": int(numbers.sum()),
        "q_known": float(known.mean()) if len(terms) else 0.0,
        "q_unknown_idf": float(idf[~known].sum() / idf.sum()) if len(terms) else 0.0,
        "pool_size": min(n, pool_size) / pool_size,
        **{f"type_{t}": float(_MODEL_TYPE.get(facts.answer_type, facts.answer_type) == t) for t in _TYPES},
    }
    x = np.empty((n, len(NAMES)), dtype=np.float32)
    for j, name in enumerate(NAMES):
        x[:, j] = cols[name] if name in cols else q[name]
    return Candidates(order, rows, x)


def _score_columns(
    table: PassageTable, vectors, qvec: np.ndarray, pool: Pool, order: np.ndarray
) -> dict[str, np.ndarray]:
    """The dense and BM25 groups: each channel's score made relative to the pool (its best, its ranks),
    and the cosines of the candidate's neighbours, read back from the stored vectors."""
    rows = pool.rows[order]
    n = len(rows)
    cos, sent, win, fused = pool.dense[order], pool.sentence[order], pool.window[order], pool.fused[order]
    cols: dict[str, np.ndarray] = {}
    top = float(cos.max()) if n else 0.0
    cols["cos"], cols["cos_gap"], cols["cos_rank"] = cos, cos - top, _rank_inv(cos - cos.min() + 1e-3)
    spread = top - float(cos.min()) if n else 0.0
    cols["cos_minmax"] = (cos - cos.min()) / spread if spread > 1e-6 else np.ones(n, np.float32)
    nb = np.concatenate([table.prev[rows], table.next[rows]])
    nb_cos = dots(vectors.reconstruct_batch(nb), qvec) if n else np.zeros(0, np.float32)
    prev_cos, next_cos = nb_cos[:n], nb_cos[n:]
    cols["cos_neighbour_max"] = np.maximum(prev_cos, next_cos)
    cols["cos_window_mean"] = (prev_cos + cos + next_cos) / 3
    cols["bm25_sent"], cols["bm25_sent_rank"] = _scaled(sent), _rank_inv(sent)
    cols["bm25_win"], cols["bm25_win_rank"] = _scaled(win), _rank_inv(win)
    cols["fused"], cols["fused_rank"] = fused, _rank_inv(fused - fused.min() + 1e-3)
    return cols


def _passage_columns(table: PassageTable, rows: np.ndarray, answer_type: str) -> dict[str, np.ndarray]:
    """The answer-type and position groups: what each passage is, whatever the question's words (the
    cues the table computed at build time, where the sentence stands in its paragraph)."""
    n = len(rows)
    cols: dict[str, np.ndarray] = {}
    cues_s, cues_w = table.cues_sentence[rows], table.cues_window[rows]
    wanted = [CUE_NAMES.index(c) for c in ANSWER_TYPE_CUES.get(answer_type, ())]
    cols["type_sent"] = cues_s[:, wanted].max(axis=1) if wanted else np.ones(n, np.float32)
    cols["type_win"] = cues_w[:, wanted].max(axis=1) if wanted else np.ones(n, np.float32)
    for j, cue in enumerate(CUE_NAMES):
        cols[f"cue_{cue}"] = cues_s[:, j]
    position = table.position[rows]
    cols["position"], cols["first_in_paragraph"] = np.minimum(position, 10), (position == 0)
    cols["paragraph_size"] = np.minimum(table.paragraph_size[rows], 20)
    cols["length"] = np.log1p(table.length[rows])
    return cols
