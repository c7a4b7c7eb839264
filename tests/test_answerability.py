"""The answerability model: its signals, the shipped JSON, and abstention through the real components."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.answerability import MODEL_FILE, SIGNALS, Answerability, signals
from qa.features import NAMES, Candidates
from qa.rerank import Reranked
from qa.trees import ModelError

from .conftest import EVAL


def _ranked(raw: list[float], **columns: list[float]) -> Reranked:
    n = len(raw)
    x = np.zeros((n, len(NAMES)), dtype=np.float32)
    for name, values in columns.items():
        x[:, NAMES.index(name)] = values
    raw_a = np.array(raw)
    order = np.argsort(-raw_a, kind="stable")
    return Reranked(Candidates(np.arange(n), np.arange(n), x), raw_a, raw_a, order)


def test_signals_read_the_top_candidate_and_its_margin() -> None:
    r = _ranked([0.2, 1.5, 1.0], cos=[0.80, 0.85, 0.90], focus_win=[1.0, 0.0, 0.5], type_win=[0, 0, 1])
    s = dict(zip(SIGNALS, signals(r, english=True)))
    assert s["raw_top"] == 1.5 and s["raw_margin"] == pytest.approx(0.5)
    assert s["cos_top"] == pytest.approx(0.85) and s["cos_best"] == pytest.approx(0.90)
    assert s["focus_win_top"] == 0.0 and s["focus_win_best3"] == 1.0  # the focus is only lower down
    assert s["type_win_top"] == 0.0 and s["type_win_best3"] == 1.0 and s["english"] == 1.0
    assert signals(_ranked([]), english=False).shape == (len(SIGNALS),)


def test_shipped_model_loads_and_its_probability_follows_its_weights() -> None:
    model = Answerability()
    assert 0 < model.threshold < 1 and model.coef.shape == (len(SIGNALS),)
    base = model.mean.copy()
    j = int(np.argmax(model.coef))  # the strongest evidence for answerable
    more = base.copy()
    more[j] += 2 * model.scale[j]
    assert 0 <= model.probability(base) < model.probability(more) <= 1
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["training_data"].startswith("sha256:") and data["features"] == list(SIGNALS)


@pytest.mark.parametrize(
    "change", [{"coef": [1.0]}, {"threshold": 1.5}, {"scale": None}, {"features": ["other"]}]
)
def test_a_damaged_model_file_is_a_model_error(tmp_path: Path, change: dict) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if change.get("scale", 1) is None:
        change = {"scale": [0.0] * len(SIGNALS)}
    (tmp_path / "a.json").write_text(json.dumps({**data, **change}), encoding="utf-8")
    with pytest.raises(ModelError):
        Answerability(tmp_path / "a.json")


def _questions(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.mark.slow
def test_real_assistant_abstains_on_questions_the_document_never_answers(real_assistant) -> None:
    unanswerable = [real_assistant.ask(q) for q in _questions(EVAL / "dev_unanswerable.jsonl")]
    offtopic = [real_assistant.ask(q) for q in _questions(EVAL / "dev_offtopic.jsonl")]
    answerable = [real_assistant.ask(q) for q in _questions(EVAL / "dev_questions.jsonl")]
    # Measured with the shipped models (docs/quality.md): 0.90 / 0.90 / 0.88; each bound is one question
    # below. Issue 11's target of 0.93 answered is not met yet (on-topic >= 0.75, off-topic >= 0.90 are).
    assert sum(r.abstained for r in unanswerable) >= 0.8 * len(unanswerable)
    assert sum(r.abstained for r in offtopic) >= 0.8 * len(offtopic)
    assert sum(not r.abstained for r in answerable) >= 0.84 * len(answerable)
    # the confidence ranks the answerable questions above the others (the basis of any threshold)
    assert np.median([r.confidence for r in answerable]) > np.median([r.confidence for r in unanswerable])


def test_lexical_signals_are_neutral_for_a_question_in_another_language() -> None:
    from qa.answerability import LEXICAL

    model = Answerability()
    s = model.mean.copy()
    lexical = np.array([n in LEXICAL for n in SIGNALS])
    assert lexical.any() and not lexical.all() and "cos_top" not in LEXICAL
    s[lexical] = model.mean[lexical] - 3 * model.scale[lexical]  # no question word found anywhere
    assert model.probability(s, foreign=True) == pytest.approx(model.probability(model.mean))
    assert model.probability(s) != pytest.approx(model.probability(model.mean))
