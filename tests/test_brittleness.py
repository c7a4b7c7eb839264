"""``training.brittleness`` on fake data: what it counts as a flip, which questions each perturbed fit
leaves out, the feature directions it constrains, and that a constrained or extra-trees ranker exports to
trees ``qa.trees`` evaluates as LightGBM does (docs/quality.md, twenty-third round)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from qa import features
from qa.features import NAMES
from training import brittleness, rank_model
from training.export import export_trees
from training.model_files import check_trees


def test_a_flip_is_a_question_whose_hit_differs_between_fits() -> None:
    hits = np.array([[1, 1, 0, 0, 1], [1, 0, 0, 0, 1], [1, 1, 0, 1, 1]], dtype=bool)
    assert brittleness.flips(hits) == 2  # questions 1 and 3; always-hit and never-hit ones are stable
    assert brittleness.flips(hits[:1]) == 0
    assert brittleness.flips(np.zeros((0, 0))) == 0


def test_each_fit_leaves_out_its_own_share_the_same_way_every_run() -> None:
    kept = brittleness.left_out(2000, 0.05, 5)
    assert [len(k) for k in kept] == [1900] * 5
    assert all(np.array_equal(a, b) for a, b in zip(kept, brittleness.left_out(2000, 0.05, 5)))
    dropped = [set(range(2000)) - set(k.tolist()) for k in kept]
    assert len(set.union(*dropped)) > 400  # different questions each fit, not one 5 % five times


def test_the_directions_come_from_the_definitions() -> None:
    sign = dict(zip(NAMES, brittleness.monotone()))
    listed = {*brittleness.INCREASING, *brittleness.DECREASING}
    assert len(sign) == len(NAMES) and listed <= set(NAMES)
    assert not set(brittleness.INCREASING) & set(brittleness.DECREASING)
    assert sign["cos"] == sign["bm25_win_rank"] == sign["idf_cov_sent_vs_best"] == sign["type_sent"] == 1
    assert sign["missing_idf_sent"] == sign["missing_idf_win"] == -1
    cues = [n for n in NAMES if n.startswith("cue_")]
    assert cues and all(sign[n] == 0 for n in cues)  # a cue is good only for the question that wants it
    for free in ("position", "length", "paragraph_size", "q_terms", "pool_size"):
        assert sign[free] == 0


def _renamed(monkeypatch: pytest.MonkeyPatch, old: str, new: str) -> tuple[str, ...]:
    """``qa.features`` with one feature renamed, and ``training.brittleness`` imported again over it."""
    groups = {g: tuple(new if n == old else n for n in names) for g, names in features.GROUPS.items()}
    names = tuple(n for group in groups.values() for n in group)
    monkeypatch.setattr(features, "GROUPS", groups)
    monkeypatch.setattr(features, "NAMES", names)
    importlib.reload(brittleness)
    return names


def test_a_renamed_feature_keeps_its_direction_or_stops_the_import(monkeypatch) -> None:
    """The directions are read from ``qa.features``: a renamed feature cannot silently fall free."""
    constrained = sum(s != 0 for s in brittleness.monotone())
    try:
        with monkeypatch.context() as patch:
            names = _renamed(patch, "cos", "cosine")
            sign = dict(zip(names, brittleness.monotone(names)))
            assert {*brittleness.INCREASING, *brittleness.DECREASING} <= set(names)
            assert sign["cosine"] == 1 and sum(s != 0 for s in sign.values()) == constrained
        with monkeypatch.context() as patch, pytest.raises(ValueError, match="missing_idf_sent"):
            _renamed(patch, "missing_idf_sent", "absent_idf_sent")  # a listed exception: said at once
    finally:
        importlib.reload(brittleness)  # over the real features again, for the tests that follow


def _rows(rng: np.random.Generator, questions: int = 120) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Questions of 30 candidates whose label rises with feature 0 but with noise that, unconstrained,
    lets the trees learn dips."""
    xs, ys = [], []
    for _ in range(questions):
        x = rng.random((30, len(NAMES))).astype(np.float32)
        score = x[:, 0] + 0.8 * rng.standard_normal(30)
        y = np.zeros(30, np.int64)
        y[np.argsort(-score)[:2]] = [2, 1]
        xs.append(x)
        ys.append(y)
    return xs, ys


def _params(**extra) -> dict:
    return {**rank_model.PARAMS, "min_data_in_leaf": 5, "num_leaves": 15, **extra}


def test_a_constrained_ranker_never_scores_a_better_cosine_lower_and_exports_exactly() -> None:
    xs, ys = _rows(np.random.default_rng(3))
    sweep = np.repeat(xs[0][:1], 101, axis=0)
    sweep[:, 0] = np.linspace(0, 1, 101)
    free = rank_model.fit(xs, ys, rounds=60, params=_params())
    assert (np.diff(free.predict(sweep)) < -1e-12).any()  # the noise teaches an unconstrained ranker dips
    for method in ("basic", "intermediate", "advanced"):
        signs = brittleness.monotone()
        model = rank_model.fit(
            xs, ys, rounds=60, params=_params(monotone_constraints=signs, monotone_constraints_method=method)
        )
        assert (np.diff(model.predict(sweep)) >= -1e-12).all()
        check_trees(export_trees(model), xs[:10], model)  # raises SystemExit if qa.trees disagreed


def test_extra_trees_and_path_smoothing_export_exactly() -> None:
    xs, ys = _rows(np.random.default_rng(4), 60)
    for extra in ({"extra_trees": True}, {"path_smooth": 10.0}):
        model = rank_model.fit(xs, ys, rounds=30, params=_params(**extra))
        check_trees(export_trees(model), xs[:10], model)


def test_a_valid_question_is_seen_when_its_answer_paragraph_holds_a_train_answer() -> None:
    from training.data import Question

    paragraphs = [
        "Jakarta adalah ibu kota.\nPresidennya  Joko Widodo.",
        "Gunung Rinjani di Lombok.",
        "Sungai",
    ]
    train = [Question("siapa presiden?", ["joko widodo"]), Question("kosong", ["tidak ada di teks"])]
    valid = [
        Question("ibu kota?", ["JAKARTA"]),  # same paragraph as a train answer, case aside
        Question("gunung?", ["Rinjani"]),  # a paragraph no train question answers from
        Question("presiden siapa?", ["Joko\nWidodo"]),  # whitespace aside
        Question("tanpa jawaban", []),
    ]
    assert brittleness.seen(valid, train, paragraphs).tolist() == [True, False, True, False]
    assert not brittleness.seen(valid, [], paragraphs).any()


def test_the_seen_and_unseen_parts_are_summarised_apart() -> None:
    per_q = np.array([[1, 1, 1.0, 1], [0, 1, 0.5, 0], [0, 0, 0.0, 0], [1, 1, 1.0, 0]])
    out = brittleness.parts(per_q, np.array([True, True, False, False]))
    assert out["seen"] == {"n": 2, "hit@1": 0.5, "hit@3": 1.0, "mrr@5": 0.75, "sentence_hit@1": 0.5}
    assert out["unseen"] == {"n": 2, "hit@1": 0.5, "hit@3": 0.5, "mrr@5": 0.5, "sentence_hit@1": 0.0}
    assert brittleness.parts(per_q, None) == {}
