"""Does the corpus answer this question? A calibrated probability from the reranked top.

Similarity alone rates an on-topic question the document never answers as well covered as a real
one. The signals here ask whether the best passages meet the question's *specific* need: its focus
terms and names present (lexically), an answer of the expected type present, how far the reranker's
best stands above the rest, how close the corpus comes in meaning at all. A logistic regression
over them (trained in ``training/``, shipped as ``qa/models/answerability.json`` with its threshold)
turns them into the probability the assistant reports as its confidence.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .features import FEATURE_SET, NAMES
from .qpp import NAMES as POOL_SIGNALS
from .rerank import Reranked
from .translation import FOREIGN_SIGNALS
from .trees import HINT, ModelError, load_model, load_trees

MODEL_FILE = Path(__file__).parent / "models" / "answerability.json"
_COL = {name: j for j, name in enumerate(NAMES)}

# Question-level signals; the names are recorded in the model file and checked on load.
SIGNALS = (
    "raw_top",
    "raw_margin",
    "raw_spread",
    "cos_top",
    "cos_best",
    "cos_window_top",
    "idf_cov_sent_top",
    "idf_cov_win_top",
    "focus_sent_top",
    "focus_win_top",
    "focus_win_best3",
    "idf_cov_win_best3",
    "names_win_top",
    "numbers_win_top",
    "type_sent_top",
    "type_win_top",
    "type_win_best3",
    "q_known",
    "q_unknown_idf",
    "q_terms",
    "english",
    "pool_size",
    "missing_idf_sent_top",
    "missing_idf_win_top",
    "missing_idf_win_best3",
    "bigram_sent_top",
    "bigram_win_top",
    "bigram_win_best3",
    *POOL_SIGNALS,  # from the whole pool and the best candidates' paragraphs (qa.qpp)
)
# Signals read from the question's words in the passages, and the reranker's raw scores (its trees read
# mostly such features): unobservable for a question in another language than the corpus. For such a
# question they take the model's neutral values (their mean over the training questions in the corpus's
# language), in training and when answering alike.
LEXICAL = frozenset(
    name
    for name in SIGNALS
    if name.startswith(
        ("idf_cov", "focus", "names", "numbers", "missing_idf", "bigram", "q_", "bm25", "paragraph")
    )
    and name != "q_terms"
)
UNOBSERVABLE = LEXICAL | {"raw_top", "raw_margin", "raw_spread"}
_UNOBSERVABLE = np.array([name in UNOBSERVABLE for name in SIGNALS])
ENGLISH = SIGNALS.index("english")  # the column that marks a question in another language
# v9: plus the foreign stack (``Answerability.foreign``); v6 to v8 were unshipped rounds' patches
SIGNAL_SET = f"{FEATURE_SET}+answerability-v9"
# What the foreign stack reads: the model's own logit, then the question's words read in Indonesian.
FOREIGN_INPUTS = ("logit", *FOREIGN_SIGNALS)


def neutralised(x: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """Signal rows ``x`` (n, len(SIGNALS)) with the unobservable signals of the rows of a question in
    another language (the ``english`` signal set) replaced by ``neutral``."""
    foreign = x[:, ENGLISH] > 0.5
    return np.where(foreign[:, None] & _UNOBSERVABLE, neutral, x)


def unobserved_as_neutral(read: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """The foreign signals (``qa.translation.foreign_signals``) with an unobserved one (NaN: no word of the
    question could be read; any value that is not a finite share) at the stack's ``neutral`` value, as
    training fills them (``training.answer_model.fit_foreign``); a vector of another length is a caller's
    mistake, refused rather than broadcast."""
    read = np.asarray(read, dtype=np.float64)
    if read.shape != (len(FOREIGN_SIGNALS),):
        raise ValueError(f"foreign signals of shape {read.shape}, the stack reads {len(FOREIGN_SIGNALS)}")
    return np.where(np.isfinite(read), read, neutral)


def signals(ranked: Reranked, english: bool, pool_signals: np.ndarray) -> np.ndarray:
    """The question-level signal vector (len(SIGNALS),) of one reranked question; ``pool_signals`` are
    ``qa.qpp.pool_signals`` of the same question."""
    x, order, raw = ranked.candidates.x, ranked.order, ranked.raw
    if len(order) == 0:
        return np.zeros(len(SIGNALS), dtype=np.float64)
    top, best3 = x[order[0]], x[order[:3]]
    second = raw[order[1]] if len(order) > 1 else raw[order[0]] - 1.0

    def col(name: str) -> int:
        return _COL[name]

    values = {
        "raw_top": raw[order[0]],
        "raw_margin": raw[order[0]] - second,
        "raw_spread": raw[order[0]] - float(np.median(raw)),
        "cos_top": top[col("cos")],
        "cos_best": float(x[:, col("cos")].max()),
        "cos_window_top": top[col("cos_window_mean")],
        "idf_cov_sent_top": top[col("idf_cov_sent")],
        "idf_cov_win_top": top[col("idf_cov_win")],
        "focus_sent_top": top[col("focus_sent")],
        "focus_win_top": top[col("focus_win")],
        "focus_win_best3": best3[:, col("focus_win")].max(),
        "idf_cov_win_best3": best3[:, col("idf_cov_win")].max(),
        "names_win_top": top[col("names_win")],
        "numbers_win_top": top[col("numbers_win")],
        "type_sent_top": top[col("type_sent")],
        "type_win_top": top[col("type_win")],
        "type_win_best3": best3[:, col("type_win")].max(),
        "q_known": top[col("q_known")],
        "q_unknown_idf": top[col("q_unknown_idf")],
        "q_terms": min(float(top[col("q_terms")]), 15.0),
        "english": float(english),
        "pool_size": top[col("pool_size")],
        "missing_idf_sent_top": top[col("missing_idf_sent")],
        "missing_idf_win_top": top[col("missing_idf_win")],
        "missing_idf_win_best3": best3[:, col("missing_idf_win")].min(),
        "bigram_sent_top": top[col("bigram_sent")],
        "bigram_win_top": top[col("bigram_win")],
        "bigram_win_best3": best3[:, col("bigram_win")].max(),
        **dict(zip(POOL_SIGNALS, np.asarray(pool_signals, dtype=np.float64).tolist())),
    }
    return np.array([values[name] for name in SIGNALS], dtype=np.float64)


class Answerability:
    """Logistic regression over standardised signals (plus, optionally, boosted trees on the same
    signals whose sum joins the logit), with the shipped abstention threshold."""

    def __init__(self, path: Path | None = None) -> None:
        path = MODEL_FILE if path is None else path  # read when called: tests point it at a copy
        model = load_model(path, "answerability", SIGNAL_SET, SIGNALS)
        self.trees = load_trees(model["trees"], len(SIGNALS), path) if model.get("trees") else None
        try:
            self.mean = np.asarray(model["mean"], dtype=np.float64)
            self.scale = np.asarray(model["scale"], dtype=np.float64)
            self.coef = np.asarray(model["coef"], dtype=np.float64)
            self.intercept = float(model["intercept"])
            self.threshold = float(model["threshold"])
            self.neutral = np.asarray(model["neutral"], dtype=np.float64)
            stack = model["foreign"]
            if tuple(stack["inputs"]) != FOREIGN_INPUTS:
                raise ValueError(f"foreign inputs {stack['inputs']!r}, this code reads {FOREIGN_INPUTS!r}")
            self.foreign = tuple(
                np.asarray(stack[key], dtype=np.float64) for key in ("mean", "scale", "coef", "intercept")
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed answerability model {path} ({exc})", HINT) from None
        weights = (self.mean, self.scale, self.coef, self.neutral)
        if any(w.shape != (len(SIGNALS),) for w in weights) or any(
            w.shape != shape for w, shape in zip(self.foreign, [(len(FOREIGN_INPUTS),)] * 3 + [()])
        ):
            raise ModelError(f"malformed answerability model {path}: weights do not match its signals", HINT)
        if not 0.0 <= self.threshold <= 1.0 or np.any(self.scale <= 0) or np.any(self.foreign[1] <= 0):
            raise ModelError(f"malformed answerability model {path}: threshold or scale out of range", HINT)
        # JSON as Python reads it takes NaN and Infinity: a weight of either gave 0.0 to every question
        # (or to every English one, in the foreign block), a silent refusal instead of a damaged file
        if not all(np.isfinite(w).all() for w in (*weights, *self.foreign, np.float64(self.intercept))):
            raise ModelError(f"malformed answerability model {path}: a weight is not a finite number", HINT)
        self.model = model

    def probability(self, s: np.ndarray, foreign: np.ndarray | None = None) -> float:
        """P(the corpus answers) from one signal vector. When its ``english`` signal marks a question in
        another language, whose words cannot be looked for in the corpus as written, the signals that
        read them take the neutral values they had in training (``neutralised``), and its words read
        through the dictionary (``foreign``: ``qa.translation.foreign_signals``) correct the logit by
        the foreign stack, a second logistic model fitted on such questions alone: a question in the
        corpus's language gets the same probability as without it."""
        s = neutralised(np.asarray(s, dtype=np.float64)[None, :], self.neutral)[0]
        z = float(((s - self.mean) / self.scale) @ self.coef + self.intercept)
        if self.trees is not None:
            z += float(self.trees.predict(s[None, :].astype(np.float32))[0])
        if foreign is not None and s[ENGLISH] > 0.5 and np.isfinite(z):
            mean, scale, coef, intercept = self.foreign
            inputs = np.r_[max(-50.0, min(50.0, z)), unobserved_as_neutral(foreign, mean[1:])]
            z = float(((inputs - mean) / scale) @ coef + intercept)
        if not np.isfinite(z):  # clamped below, a NaN became 50: certainty from nothing
            return 0.0
        return float(1.0 / (1.0 + np.exp(-max(-50.0, min(50.0, z)))))
