"""The tenth round's candidate answerability signals (training/signal_cv.py, docs/quality.md "Tenth round"):
they mean what the write-up says, on hand-made vectors and candidate matrices."""

from __future__ import annotations

import numpy as np

from qa.features import NAMES
from training.signal_cv import EXTRA, best_and_margin, centred_cosines, extra_signals


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def test_centred_cosine_reads_what_the_question_asks_beyond_the_shared_topic():
    d = 8
    topic, asked, other = np.eye(d)[0], np.eye(d)[1], np.eye(d)[2]
    q = _unit(3 * topic + asked)
    passages = _unit(np.array([3 * topic + asked, 3 * topic + other, 3 * topic + 0.1 * asked + other]))
    plain = passages @ q
    assert plain.min() > 0.8  # every line of a one-topic document is close to every on-topic question
    c = centred_cosines(passages, q, centroid=passages.mean(axis=0))
    assert c[0] > 0.7 and c[1] < 0.1 and c[0] - c[2] > 0.5  # only the line that says it stands out


def test_centred_cosine_is_the_plain_one_when_the_centroid_is_orthogonal():
    rng = np.random.default_rng(0)
    v = rng.normal(size=(5, 6))
    v[:, 0] = 0.0
    v = _unit(v)
    q = _unit(np.r_[0.0, rng.normal(size=5)])
    np.testing.assert_allclose(centred_cosines(v, q, np.eye(6)[0]), v @ q, atol=1e-12)


def test_best_and_margin():
    assert best_and_margin(np.array([0.2, 0.9, 0.5])) == (0.9, 0.9 - 0.5)
    assert best_and_margin(np.array([0.4])) == (0.4, 0.0)
    assert best_and_margin(np.array([])) == (0.0, 0.0)


def _candidates(cos: list[float], win: list[float]) -> np.ndarray:
    """A candidate matrix with the dense and window-BM25 columns the signals read (as the features
    scale them: BM25 over the best, inverse ranks with 0 for an unmatched candidate)."""
    x = np.zeros((len(cos), len(NAMES)), np.float32)
    col = {n: j for j, n in enumerate(NAMES)}
    c, w = np.array(cos), np.array(win)
    x[:, col["cos"]] = c
    x[:, col["cos_rank"]] = 1.0 / (np.argsort(np.argsort(-c)) + 1)
    x[:, col["bm25_win"]] = w / w.max() if w.max() > 0 else 0.0
    x[:, col["bm25_win_rank"]] = np.where(w > 0, 1.0 / (np.argsort(np.argsort(-w)) + 1), 0.0)
    return x


def test_channel_agreement_and_margins():
    s = dict(zip(EXTRA, extra_signals(_candidates([0.9, 0.8, 0.7], [5.0, 1.0, 0.0]))))
    assert s["agree"] == 1.0  # both channels name the first candidate
    assert np.isclose(s["cos_margin"], 0.1) and np.isclose(s["lex_margin"], 0.8)
    s = dict(zip(EXTRA, extra_signals(_candidates([0.9, 0.8, 0.7], [1.0, 5.0, 0.0]))))
    assert s["agree"] == 0.5  # each channel ranks the other's best second
    s = dict(zip(EXTRA, extra_signals(_candidates([0.9, 0.8, 0.7], [0.0, 0.0, 0.0]))))
    assert s["agree"] == 0.0 and s["lex_margin"] == 0.0  # no word of the question matched
    assert s["cos_z"] > 0


def test_type_pool_is_the_share_of_candidates_holding_the_answer_type_cue():
    x = _candidates([0.9, 0.8, 0.7, 0.6], [1.0, 0.0, 0.0, 0.0])
    x[:, list(NAMES).index("type_win")] = [1.0, 0.0, 1.0, 0.0]
    assert dict(zip(EXTRA, extra_signals(x)))["type_pool"] == 0.5
