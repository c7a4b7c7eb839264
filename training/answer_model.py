"""The answerability model: logistic regression over question-level signals, threshold by CV."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from qa.answerability import ENGLISH, neutralised

C = 1.0
FOLDS = 5


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
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit((x - mean) / scale, y, sample_weight=w)
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
        "neutral": neutral.tolist(),
    }


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    x = neutralised(x, np.asarray(model["neutral"]))
    z = ((x - np.array(model["mean"])) / np.array(model["scale"])) @ np.array(model["coef"]) + model[
        "intercept"
    ]
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


def oof(x: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray) -> np.ndarray:
    out = np.zeros(len(y))
    for tr, te in GroupKFold(n_splits=FOLDS).split(x, groups=groups):
        out[te] = predict(fit(x[tr], y[tr], w[tr]), x[te])
    return out


def balanced(p: np.ndarray, y: np.ndarray, t: float) -> float:
    pos, neg = y == 1, y == 0
    answered = (p[pos] >= t).mean() if pos.any() else 1.0
    abstained = (p[neg] < t).mean() if neg.any() else 1.0
    return (answered + abstained) / 2


def choose_threshold(p: np.ndarray, y: np.ndarray, domain: np.ndarray) -> tuple[float, dict]:
    """The cut maximising the mean over domains of balanced accuracy (each corpus counts once)."""
    cuts = np.round(np.arange(0.05, 0.951, 0.005), 3)
    names = sorted(set(domain.tolist()))
    scores = [np.mean([balanced(p[domain == d], y[domain == d], t) for d in names]) for t in cuts]
    best = float(cuts[int(np.argmax(scores))])
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
