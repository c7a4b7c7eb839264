"""The query-adapter measurement (training/adapter_cv.py, docs/quality.md "Eighth round") on fake vectors:
the adapter learns a map the data holds, stays the identity under a strong L2 pull, and the extra reranker
columns mean what the write-up says."""

from __future__ import annotations

import numpy as np

from training.adapter_cv import adapt, extra_columns, gains, pool_only, train_adapter
from training.data import Question


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _toy(n: int = 200, d: int = 16, seed: int = 0):
    """Sentence i answers question i, whose vector is the sentence's under a fixed rotation plus noise."""
    rng = np.random.default_rng(seed)
    v = _unit(rng.normal(size=(n, d)))
    rot, _ = np.linalg.qr(rng.normal(size=(d, d)))
    q = _unit(v @ (0.5 * np.eye(d) + 0.5 * rot).T + 0.05 * rng.normal(size=(n, d)))
    pos = np.zeros((n, n), np.float32)
    pos[np.arange(n), np.arange(n)] = 3.0
    return q, v, pos


def test_adapter_learns_a_map_the_training_pairs_hold():
    q, v, pos = _toy()
    m = train_adapter(q[:150], v, pos[:150], rank=0, lam=0.0, steps=150, scale=20.0)
    unseen = np.arange(150, 200)  # the rotation is shared, so it carries to questions it never saw

    def top1(qs: np.ndarray) -> float:
        return float(np.mean((qs @ v.T).argmax(1) == unseen))

    assert top1(adapt(m, q[unseen])) > top1(q[unseen]) + 0.1


def test_strong_l2_pull_keeps_the_identity():
    q, v, pos = _toy()
    m = train_adapter(q, v, pos, rank=8, lam=100.0, steps=50, scale=20.0)
    assert np.abs(m - np.eye(len(m))).max() < 1e-2
    np.testing.assert_allclose(adapt(m, q), q, atol=1e-2)


def test_pool_softmax_trains_on_each_questions_candidates_only():
    q, v, pos = _toy(n=60)
    rows = [np.r_[i, (np.arange(1, 10) + i) % 60] for i in range(60)]  # the answer and nine others
    ys = [np.r_[2, np.zeros(9, np.int64)] for _ in range(60)]
    m = train_adapter(q, v, pos, rank=8, lam=0.0, steps=100, scale=20.0, rows=rows)
    every = np.arange(60)
    assert (
        pool_only(adapt(m, q), v, rows, ys, every)["pool_sent"]
        >= pool_only(q, v, rows, ys, every)["pool_sent"]
    )


def test_gains_grade_sentence_over_window():
    g = gains(
        [Question("q", ["Jakarta"]), Question("unlabelled")], ["di jakarta", "lain"], ["di jakarta lain"] * 2
    )
    assert g.tolist() == [[3.0, 1.0], [0.0, 0.0]]


def test_extra_columns_are_cosine_gap_and_inverse_rank():
    v = np.eye(3, dtype=np.float32)
    q = _unit(np.array([[0.2, 0.9, 0.4]], np.float32))
    cols = extra_columns(q, v, [np.array([0, 1, 2])])[0]
    np.testing.assert_allclose(cols[:, 0], q[0])
    assert cols[1, 1] == 0.0 and (cols[[0, 2], 1] < 0).all()
    np.testing.assert_allclose(cols[:, 2], [1 / 3, 1.0, 1 / 2])
