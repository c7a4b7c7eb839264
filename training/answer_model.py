"""The answerability model: logistic regression over question-level signals, threshold by CV (smoothed,
``choose_threshold``)."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from qa.answerability import ENGLISH, FOREIGN_INPUTS, neutralised

C = 1.0
FOLDS = 5
# Newton's method (sklearn's newton-cholesky) reaches the optimum of this strictly convex fit to machine
# precision in about 8 steps; lbfgs stopped at its tolerance, 0.1 away from it in a coefficient, at a
# point that moved by 1e-7 (relative) with the BLAS kernel. Newton's optimum moves by 4e-14 between
# kernels: the coefficients are stored to ``DIGITS`` significant digits, so the file is the same bytes.
DIGITS = 10


def neutral_values(x: np.ndarray) -> np.ndarray:
    """What a question in another language than the corpus gets for the signals it cannot observe: their
    mean over the questions in the corpus's language (``qa.answerability.neutralised``)."""
    home = x[:, ENGLISH] <= 0.5
    return x[home].mean(axis=0) if home.any() else x.mean(axis=0)


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    """Fitted on the rows as the assistant sees them: a foreign question's unobservable signals neutral."""
    neutral = neutral_values(x)
    x = neutralised(x, neutral)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    lr = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=100)
    lr.fit((x - mean) / scale, y, sample_weight=w)
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": [_stored(c) for c in lr.coef_[0]],
        "intercept": _stored(lr.intercept_[0]),
        "neutral": neutral.tolist(),
    }


def _stored(value: float) -> float:
    """``value`` to ``DIGITS`` significant digits: what the file keeps, the same on every CPU."""
    return float(f"{float(value):.{DIGITS}g}")


def logits(model: dict, x: np.ndarray) -> np.ndarray:
    x = neutralised(x, np.asarray(model["neutral"]))
    return ((x - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model[
        "intercept"
    ]


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    return sigmoid(logits(model, x))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def oof(x: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray, link=predict) -> np.ndarray:
    """Out-of-fold ``link`` (probabilities, or ``logits``) of every row, folds grouped by ``groups``."""
    out = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=FOLDS).split(x, groups=groups):
        out[te] = link(fit(x[tr], y[tr], w[tr]), x[te])
    return out


def fit_foreign(z: np.ndarray, f: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    """The foreign stack (``qa.answerability.FOREIGN_INPUTS``): a logistic model of a question in another
    language over the base model's logit ``z`` (out of fold) and its words read through the dictionary
    ``f``, fitted on such questions alone, so no question in the corpus's language moves. A question
    with no word to read (NaN) takes the mean of those with one, the neutral value the runtime uses."""
    observed = np.isfinite(f)  # as ``qa.answerability.unobserved_as_neutral`` reads them
    f = np.where(observed, f, np.nanmean(np.where(observed, f, np.nan), axis=0))
    x = np.c_[np.clip(z, -50, 50), f]
    # ``z`` went through a BLAS product, whose last bit follows the CPU's kernel: the standardisation is
    # stored to ``DIGITS`` like the coefficients, so the file is the same bytes on every CPU
    mean = np.array([_stored(v) for v in x.mean(axis=0)])
    scale = np.array([_stored(v) if v > 1e-9 else 1.0 for v in x.std(axis=0)])
    lr = LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=100)
    lr.fit((x - mean) / scale, y, sample_weight=w)
    return {
        "inputs": list(FOREIGN_INPUTS),
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": [_stored(c) for c in lr.coef_[0]],
        "intercept": _stored(lr.intercept_[0]),
        "rows": len(y),
    }


def predict_foreign(stack: dict, z: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The stack's probabilities of rows of base logits ``z`` and foreign signals ``f``, as the runtime's
    ``Answerability.probability`` computes them (an unobserved signal at the stack's neutral value)."""
    mean = np.array(stack["mean"])
    f = np.where(np.isfinite(f), f, mean[1:])
    x = (np.c_[np.clip(z, -50, 50), f] - mean) / np.array(stack["scale"])
    return sigmoid(x @ np.array(stack["coef"]) + stack["intercept"])


def balanced(p: np.ndarray, y: np.ndarray, t: float) -> float:
    pos, neg = y == 1, y == 0
    answered = (p[pos] >= t).mean() if pos.any() else 1.0
    abstained = (p[neg] < t).mean() if neg.any() else 1.0
    return (answered + abstained) / 2


# The threshold's resolution. Half a step costs the smoothed objective less than one seed question near its
# optimum (0.30 -> 0.325: -0.0034, one question 0.0068), and the optimum moved 0.002 between two BLAS
# kernels (0.303, 0.305): a 0.01 grid would have put the second on a rounding edge.
GRID = 0.05
# How far a question's confidence moves between two fits on different machines (held out: median 0.005,
# 90th percentile 0.028).
BANDWIDTH = 0.02


def smoothed_balanced(p: np.ndarray, y: np.ndarray, domain: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """At each cut, the mean over domains of balanced accuracy with each confidence spread over a Gaussian
    of width ``BANDWIDTH`` (a question counts as answered by the share of that spread above the cut): a
    smooth function of the confidences, where the plain count jumps as a question crosses the cut."""
    from scipy.special import ndtr

    names = sorted(set(domain.tolist()))
    total = np.zeros(len(cuts))
    for d in names:
        m = domain == d
        pos, neg = p[m & (y == 1)], p[m & (y == 0)]
        answered = ndtr((pos[None, :] - cuts[:, None]) / BANDWIDTH).mean(axis=1) if len(pos) else 1.0
        abstained = ndtr((cuts[:, None] - neg[None, :]) / BANDWIDTH).mean(axis=1) if len(neg) else 1.0
        total += (answered + abstained) / 2
    return total / len(names)


def choose_threshold(p: np.ndarray, y: np.ndarray, domain: np.ndarray) -> tuple[float, dict]:
    """The cut maximising the mean over domains of balanced accuracy (each corpus counts once), smoothed
    (``smoothed_balanced``) and rounded to the ``GRID``.

    The plain count's argmax sits right under some question's confidence (the objective climbs slowly on
    the large domain until a question of the small one falls out), so a confidence moved by another
    machine's floating point moved the threshold (0.325 there, 0.32 here). The smoothed optimum moves by
    about as much as the confidences do, a small fraction of the grid."""
    cuts = np.round(np.arange(0.05, 0.951, 0.001), 3)
    best = float(cuts[int(np.argmax(smoothed_balanced(p, y, domain, cuts)))])
    best = round(round(best / GRID) * GRID, 3)
    return best, report(p, y, domain, best)


def report(p: np.ndarray, y: np.ndarray, domain: np.ndarray, best: float) -> dict:
    """Per domain at the threshold ``best``: counts, answered and abstained shares, AUROC."""
    names = sorted(set(domain.tolist()))
    out = {}
    for d in names:
        m = domain == d
        pos, neg = m & (y == 1), m & (y == 0)
        out[d] = {
            "answerable": int(pos.sum()),
            "unanswerable": int(neg.sum()),
            "answered": round(float((p[pos] >= best).mean()), 4) if pos.any() else None,
            "abstained": round(float((p[neg] < best).mean()), 4) if neg.any() else None,
            "auroc": round(float(roc_auc_score(y[m], p[m])), 4) if pos.any() and neg.any() else None,
        }
    return out
