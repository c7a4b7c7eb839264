"""The answerability model's foreign stack: a question in another language than the corpus (English over
an Indonesian document) judged again with its words read through the dictionary (``qa.translation``).

Its rows are the training questions the runtime reads as foreign (the seed document's English questions,
and any FacQA question it calls foreign); the base model's logit comes out of fold, as a question the
model never saw gets it. Nothing else moves: the base model and every question in the corpus's language
are what they are without the stack. (The threshold is chosen on every row as the runtime reads it, the
foreign ones through the stack: ``training.runtime_cv``.)
"""

from __future__ import annotations

import numpy as np

from qa.answerability import ENGLISH

from . import answer_model


def foreign_rows(x: np.ndarray) -> np.ndarray:
    """The rows the runtime reads as another language than the corpus's: the stack judges them."""
    return x[:, ENGLISH] > 0.5


def stack_rows(x: np.ndarray, dom: np.ndarray) -> np.ndarray:
    """The rows the stack is fitted on: the foreign ones outside the profile documents."""
    return foreign_rows(x) & (dom != "profiles")


def train_stack(
    z: np.ndarray, f: np.ndarray, x: np.ndarray, y: np.ndarray, w: np.ndarray, dom: np.ndarray
) -> dict:
    """The stack fitted on the foreign rows of ``x`` outside the profile documents, over the base model's
    out-of-fold logits ``z`` and the dictionary signals ``f``."""
    rows = stack_rows(x, dom)
    return answer_model.fit_foreign(z[rows], f[rows], y[rows], w[rows])


def figures(before: np.ndarray, after: np.ndarray, y: np.ndarray, dom: np.ndarray, threshold: float) -> dict:
    """Per domain, answered / abstained / AUROC of the foreign rows with the base model and the stack
    (``answer_model.report`` of each)."""
    was, now = (answer_model.report(p, y, dom, threshold) for p in (before, after))
    return {d: {"before": was[d], "after": now[d]} for d in was}
