"""The reranker: LightGBM lambdarank with grouped cross-validation and a blend with the fused score."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold

SEED = 20241
FOLDS = 5
PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "ndcg_eval_at": [1, 3],
    "label_gain": [0.0, 1.0, 3.0],  # the answer in the sentence is worth more than in the window only
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,  # deterministic, and no OpenMP spinning on busy shared cores
    "verbose": -1,
}
ROUNDS = 200
BLENDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def minmax(x: np.ndarray) -> np.ndarray:
    spread = float(x.max() - x.min()) if len(x) else 0.0
    return (x - x.min()) / spread if spread > 1e-9 else np.ones_like(x)


def fit(
    xs: list[np.ndarray],
    ys: list[np.ndarray],
    columns: list[int] | None = None,
    rounds: int = ROUNDS,
    params: dict | None = None,
):
    """The ranker on ``xs``/``ys`` (one array per question); ``params`` replaces ``PARAMS`` for an
    experiment (``training.brittleness``)."""
    import lightgbm as lgb

    x = np.concatenate(xs)
    if columns is not None:
        x = x[:, columns]
    data = lgb.Dataset(x, np.concatenate(ys), group=[len(y) for y in ys], free_raw_data=False)
    return lgb.train(PARAMS if params is None else params, data, num_boost_round=rounds)


def folds(groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds (by answer paragraph), deterministic: GroupKFold sorts groups by size."""
    return list(GroupKFold(n_splits=FOLDS).split(np.zeros(len(groups)), groups=groups))


def outcomes(
    ys: list[np.ndarray], scores: list[np.ndarray], rows: list[np.ndarray] | None = None, chunks=None
) -> np.ndarray:
    """Per question: hit@1 (window), hit@3, reciprocal rank within 5, best-sentence hit@1 (rows of a
    ``(questions, 4)`` array) of rankings by ``scores``. With the candidates' ``rows`` and the index's
    ``chunks``: of the passages the assistant shows (``qa.onscreen.shown``, a sentence already on screen
    is not shown again), ties broken by row as there. Kept per question so a choice between two rankings
    can be judged by the paired spread of their differences (``rank_cv.choose_blend``)."""
    from qa.onscreen import shown

    out = np.zeros((len(ys), 4))
    for q, (y, s) in enumerate(zip(ys, scores)):
        if rows is None:
            order = np.argsort(-s, kind="stable")
        else:
            order = np.lexsort((rows[q], -s))
            order = np.array(shown(chunks, rows[q], order, 5), dtype=np.int64)
        rel = y[order] >= 1
        first = np.flatnonzero(rel[:5])
        out[q] = (
            rel[:1].any(),
            rel[:3].any(),
            1.0 / (first[0] + 1) if len(first) else 0.0,
            y[order[0]] == 2 if len(order) else 0,
        )
    return out


def summary(per_question: np.ndarray) -> dict[str, float]:
    """hit@1, hit@3, MRR@5 and sentence hit@1 of ``outcomes``' rows."""
    mean = per_question.sum(axis=0) / max(len(per_question), 1)
    return dict(zip(("hit@1", "hit@3", "mrr@5", "sentence_hit@1"), map(float, mean)))


def metrics(
    ys: list[np.ndarray], scores: list[np.ndarray], rows: list[np.ndarray] | None = None, chunks=None
) -> dict[str, float]:
    """hit@1 (window), hit@3, MRR@5, best-sentence hit@1 of rankings by ``scores`` (``outcomes``)."""
    return summary(outcomes(ys, scores, rows, chunks))


def blend(raw: np.ndarray, fused: np.ndarray, weight: float) -> np.ndarray:
    return weight * minmax(raw) + (1 - weight) * fused


def cross_validate(
    xs, ys, fused, groups, columns=None, params: dict | None = None, rounds: int = ROUNDS
) -> tuple[list[np.ndarray], list]:
    """Out-of-fold raw scores per question, and the model of each fold (with its held-out questions)."""
    oof: list[np.ndarray] = [np.zeros(0)] * len(xs)
    models = []
    for train_idx, test_idx in folds(groups):
        model = fit([xs[i] for i in train_idx], [ys[i] for i in train_idx], columns, rounds, params)
        for i in test_idx:
            x = xs[i] if columns is None else xs[i][:, columns]
            oof[i] = model.predict(x)
        models.append((model, set(test_idx.tolist())))
    return oof, models
