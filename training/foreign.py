"""The answerability model's foreign stack: a question in another language than the corpus (English over
an Indonesian document) judged again with its words read through the dictionary (``qa.translation``).

Its rows are the training questions the runtime reads as foreign (the seed document's English questions,
and any FacQA question it calls foreign); the base model's logit comes out of fold, as a question the
model never saw gets it. Nothing else moves: the base model, its threshold and every question in the
corpus's language are what they are without the stack.
"""

from __future__ import annotations

import numpy as np

from qa.answerability import ENGLISH

from . import answer_model


def train_stack(
    z: np.ndarray,
    f: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    g: np.ndarray,
    dom: np.ndarray,
    threshold: float,
    profiles: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> dict:
    """The stack fitted on the foreign rows of ``x`` outside the profile documents, with its figures
    before (the base model alone) and after (the stack, out of fold) at ``threshold`` per domain, and on
    the profile documents' foreign rows (``profiles``: the final base model's logits, the dictionary
    signals, the signal rows, the labels), which neither model trained on."""
    rows = (x[:, ENGLISH] > 0.5) & (dom != "profiles")
    stack = answer_model.fit_foreign(z[rows], f[rows], y[rows], w[rows])
    after = answer_model.oof_foreign(z[rows], f[rows], y[rows], w[rows], g[rows])
    cv = figures(answer_model.sigmoid(z[rows]), after, y[rows], dom[rows], threshold)
    pz, pf, px, py = profiles
    m = px[:, ENGLISH] > 0.5
    if m.any():
        before, held = answer_model.sigmoid(pz[m]), answer_model.predict_foreign(stack, pz[m], pf[m])
        cv |= figures(before, held, py[m], np.array(["profiles (held out)"] * int(m.sum())), threshold)
    stack["cv"] = cv
    return stack


def figures(before: np.ndarray, after: np.ndarray, y: np.ndarray, dom: np.ndarray, threshold: float) -> dict:
    """Per domain, answered / abstained / AUROC of the foreign rows with the base model and the stack
    (``answer_model.report`` of each)."""
    was, now = (answer_model.report(p, y, dom, threshold) for p in (before, after))
    return {d: {"before": was[d], "after": now[d]} for d in was}
