"""The threshold rule reads each training row as the runtime does (docs/quality.md, "Nineteenth round
(c)"): an English row's out-of-fold probability is the foreign stack's, not the base model's, and no
row's own label reaches its probability."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold

from qa.answerability import SIGNALS
from training import answer_model
from training.runtime_cv import answerability_cv, runtime_oof

ENGLISH = answer_model.ENGLISH


def _rows(seed: int = 3) -> tuple[np.ndarray, ...]:
    """Rows like the trainer's: Indonesian FacQA-half and seed rows whose signals tell the label, and
    English seed rows whose signals the base model can hardly use (the label shows in the words read
    through the dictionary, ``f``, which only the stack reads). Grouped as the trainer groups them: a
    FacQA question is asked of both halves, and its group holds its article's other questions (rows of
    one group share no fold); a seed question is a group of its own."""
    rng = np.random.default_rng(seed)
    n_id, n_seed, n_en = 600, 120, 90
    n = n_id + n_seed + n_en
    x = rng.standard_normal((n, len(SIGNALS)))
    x[:, ENGLISH] = 0.0
    y = np.zeros(n, dtype=int)
    y[: n_id + n_seed] = (x[: n_id + n_seed, 0] + 0.8 * rng.standard_normal(n_id + n_seed) > 0).astype(int)
    en = slice(n_id + n_seed, n)
    x[en, ENGLISH] = 1.0
    y[en] = (rng.random(n_en) < 0.35).astype(int)
    x[en, 0] = 0.3 * rng.standard_normal(n_en) + 0.6  # the base model reads every English row alike
    f = np.zeros((n, 2))
    f[en] = np.c_[y[en] + 0.35 * rng.standard_normal(n_en), y[en] + 0.5 * rng.standard_normal(n_en)]
    f[n - 5 :, 0] = np.nan  # no word to read: the stack's neutral value
    w = np.ones(n)
    g = np.r_[(np.arange(n_id) % (n_id // 2)) // 3, 10_000 + np.arange(n_seed + n_en)]
    dom = np.array(["facqa-half"] * n_id + ["seed"] * (n_seed + n_en))
    return x, f, y, w, g, dom


def _profiles(seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, f, y, *_ = _rows(seed)
    return x[::6], f[::6], y[::6]


def test_an_english_rows_probability_is_the_stacks_in_the_criterion() -> None:
    x, f, y, w, g, dom = _rows()
    fitted = answerability_cv(x, f, y, w, g, dom, _profiles())
    n, en = len(y), x[:, ENGLISH] > 0.5
    base = answer_model.sigmoid(answer_model.oof(x, y, w, g, link=answer_model.logits))
    p = fitted.p[:n]
    # an Indonesian row keeps the base model's out-of-fold probability, bit for bit
    assert np.array_equal(p[~en], base[~en])
    # an English row gets the stack's: here it reads the labels the base model cannot
    assert not np.allclose(p[en], base[en])
    assert _auroc(p[en], y[en]) > _auroc(base[en], y[en]) + 0.2
    # the threshold and the reported figures (the criterion's inputs) are those of the runtime reading
    keep = dom != "profiles"
    assert fitted.threshold == answer_model.choose_threshold(p[keep], y[keep], dom[keep])[0]
    seed = dom == "seed"
    answered = float((p[seed & (y == 1)] >= fitted.threshold).mean())
    was = float((base[seed & (y == 1)] >= fitted.threshold).mean())
    assert fitted.cv["seed"]["answered"] == round(answered, 4) != round(was, 4)
    assert fitted.cv["seed"]["auroc"] > round(_auroc(base[seed], y[seed]), 4)
    # the stack's own reported figures are the same reading
    after = answer_model.report(p[en], y[en], dom[en], fitted.threshold)["seed"]
    assert fitted.stack["cv"]["seed"]["after"] == after


def test_an_english_rows_probability_is_the_fold_stack_over_the_fold_base_model() -> None:
    """What ``make train`` ships, repeated inside one fold: the base model fitted on the other folds, the
    stack on their own out-of-fold logits, the held-out English row scored by both."""
    x, f, y, w, g, dom = _rows()
    _, p = runtime_oof(x, f, y, w, g, dom)
    en = x[:, ENGLISH] > 0.5
    tr, te = next(iter(GroupKFold(n_splits=answer_model.FOLDS).split(x, groups=g)))
    model = answer_model.fit(x[tr], y[tr], w[tr])
    inner = answer_model.oof(x[tr], y[tr], w[tr], g[tr], link=answer_model.logits)
    rows = en[tr]
    stack = answer_model.fit_foreign(inner[rows], f[tr][rows], y[tr][rows], w[tr][rows])
    ask = te[en[te]]
    assert len(ask) > 0
    expected = answer_model.predict_foreign(stack, answer_model.logits(model, x[ask]), f[ask])
    assert np.array_equal(p[ask], expected)


def test_no_rows_own_label_reaches_its_probability() -> None:
    """Flipping an English row's label moves no probability of its own: not through the stack's fit,
    nor through another row's out-of-fold logit the stack was fitted on (a one-level CV of the stack
    over the base model's out-of-fold logits would let it through)."""
    x, f, y, w, g, dom = _rows()
    z, p = runtime_oof(x, f, y, w, g, dom)
    _, te = next(iter(GroupKFold(n_splits=answer_model.FOLDS).split(x, groups=g)))
    held = te[x[te, ENGLISH] > 0.5]  # English rows of one fold: no model of theirs reads their labels
    assert len(held) > 3
    flipped = y.copy()
    flipped[held] = 1 - flipped[held]
    _, p2 = runtime_oof(x, f, flipped, w, g, dom)
    assert np.array_equal(p2[held], p[held])
    assert not np.array_equal(p2, p)  # the others' probabilities do move: the labels are read
    # the base logits are ``answer_model.oof``'s, so the shipped stack is fitted on the same numbers
    assert np.array_equal(z, answer_model.oof(x, y, w, g, link=answer_model.logits))


def test_no_groups_labels_reach_its_probabilities() -> None:
    """The folds are the trainer's grouped ones, outside and inside: flipping every label of one fold
    (a FacQA question over both halves, its article's other questions) moves none of that fold's
    probabilities. Folds that split a group would let a question's label in through its twin."""
    x, f, y, w, g, dom = _rows()
    _, p = runtime_oof(x, f, y, w, g, dom)
    _, te = next(iter(GroupKFold(n_splits=answer_model.FOLDS).split(x, groups=g)))
    assert len(set(g[te].tolist())) < len(te)  # the fold holds groups of several rows
    flipped = y.copy()
    flipped[te] = 1 - flipped[te]
    _, p2 = runtime_oof(x, f, flipped, w, g, dom)
    assert np.array_equal(p2[te], p[te])
    assert not np.array_equal(p2, p)


def test_profile_rows_read_as_english_are_scored_by_the_stack() -> None:
    x, f, y, w, g, dom = _rows()
    px, pf, py = _profiles()
    fitted = answerability_cv(x, f, y, w, g, dom, (px, pf, py))
    n, en = len(y), px[:, ENGLISH] > 0.5
    scored = fitted.p[n:]
    plain = answer_model.predict(fitted.model, px)
    assert np.array_equal(scored[~en], plain[~en])
    z = answer_model.logits(fitted.model, px[en])
    assert np.array_equal(scored[en], answer_model.predict_foreign(fitted.stack, z, pf[en]))
    assert "profiles (held out)" in fitted.stack["cv"]
    # not reported (the profiles in the fit): the report holds only the fitted rows
    alone = answerability_cv(x, f, y, w, g, dom, (px, pf, py), report_profiles=False)
    assert len(alone.p) == n and "profiles" not in alone.cv
    assert alone.threshold == fitted.threshold


def _auroc(p: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))
