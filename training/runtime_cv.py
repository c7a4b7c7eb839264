"""The answerability CV that chooses the threshold, on every row as the runtime reads it.

At run time a question read as another language than the corpus's is judged by the foreign stack over
the base model's logit (``qa.answerability.Answerability.probability``), every other question by the base
model alone. The threshold rule and its criterion (the mean over corpora of balanced accuracy) read the
same: a foreign row's out-of-fold probability is the stack's. Until session nineteen they read the base
model's for every row, numbers the product never shows (docs/quality.md, "Nineteenth round (c)").

Out of fold means the whole training run repeated per fold: the trainer's grouped folds; in each, the
base model fitted on the other folds, the stack fitted on those folds' own out-of-fold logits (an inner
CV, as ``make train`` fits the shipped stack on out-of-fold logits), and the held-out fold's foreign rows
scored by that stack over that base model's logit. So no row's own label reaches its probability, not
even through another row's logit. The base logits are exactly ``answer_model.oof``'s (the same folds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold

from . import answer_model
from .foreign import figures, foreign_rows, stack_rows, train_stack


def runtime_oof(
    x: np.ndarray, f: np.ndarray, y: np.ndarray, w: np.ndarray, g: np.ndarray, dom: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The base model's out-of-fold logits of every row, and each row's out-of-fold probability as the
    runtime computes it (the foreign rows through a stack that never saw their labels)."""
    z, p = np.zeros(len(y)), np.zeros(len(y))
    foreign = foreign_rows(x)
    for tr, te in GroupKFold(n_splits=answer_model.FOLDS).split(x, groups=g):
        base = answer_model.fit(x[tr], y[tr], w[tr])
        z[te] = answer_model.logits(base, x[te])
        p[te] = answer_model.sigmoid(z[te])
        ask = te[foreign[te]]
        if len(ask) == 0:
            continue
        inner = answer_model.oof(x[tr], y[tr], w[tr], g[tr], link=answer_model.logits)
        stack = train_stack(inner, f[tr], x[tr], y[tr], w[tr], dom[tr])
        p[ask] = answer_model.predict_foreign(stack, z[ask], f[ask])
    return z, p


def runtime_probability(model: dict, stack: dict, x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Fitted models' probabilities of rows neither saw (the profile documents), as the runtime's."""
    z = answer_model.logits(model, x)
    p = answer_model.sigmoid(z)
    m = foreign_rows(x)
    p[m] = answer_model.predict_foreign(stack, z[m], f[m])
    return p


@dataclass
class AnswerCV:
    """What the trainer writes of the answerability fit, and the probabilities it chose on."""

    model: dict  # the base model (``answer_model.fit``)
    stack: dict  # the foreign stack, its figures under "cv"
    threshold: float
    cv: dict  # ``answer_model.report`` per domain at ``threshold``
    p: np.ndarray  # out of fold as the runtime reads each row (then the profiles', when reported)


def answerability_cv(
    x: np.ndarray,
    f: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    g: np.ndarray,
    dom: np.ndarray,
    profiles: tuple[np.ndarray, np.ndarray, np.ndarray],
    report_profiles: bool = True,
) -> AnswerCV:
    """Fit the base model and the stack on the rows ``x`` (signals), ``f`` (dictionary signals), and
    choose the threshold on their runtime out-of-fold probabilities over the FacQA halves and the seed.
    ``profiles`` (signals, dictionary signals, labels) are scored by the fitted models, which never saw
    them, and appended to the report as "profiles" when ``report_profiles`` (they are not in the fit)."""
    z, p = runtime_oof(x, f, y, w, g, dom)
    model = answer_model.fit(x, y, w)
    stack = train_stack(z, f, x, y, w, dom)
    n = len(y)
    px, pf, py = profiles
    pp = runtime_probability(model, stack, px, pf)
    if report_profiles:
        p, y, dom = np.r_[p, pp], np.r_[y, py], np.r_[dom, ["profiles"] * len(py)]
    base = dom != "profiles"  # the threshold rule reads the FacQA halves and the seed document
    threshold, _ = answer_model.choose_threshold(p[base], y[base], dom[base])
    cv = answer_model.report(p, y, dom, threshold)
    rows = stack_rows(x, dom[:n])
    stack["cv"] = figures(answer_model.sigmoid(z[rows]), p[:n][rows], y[:n][rows], dom[:n][rows], threshold)
    m = foreign_rows(px)
    if m.any():
        before = answer_model.sigmoid(answer_model.logits(model, px[m]))
        held = np.array(["profiles (held out)"] * int(m.sum()))
        stack["cv"] |= figures(before, pp[m], py[m], held, threshold)
    return AnswerCV(model, stack, threshold, cv, p)
