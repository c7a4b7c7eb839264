"""The reranker's JSON tree ensembles: evaluation, model checks on load, and reranking real candidates."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.features import FEATURE_SET, NAMES
from qa.trees import FORMAT_VERSION, ModelError, TreeEnsemble, load_model

# Two trees over two features. Tree 0: x0 <= 0.5 ? (x1 <= 2 ? 1 : 2) : 3. Tree 1: x1 <= 0 ? -1 : 0.5.
TREES = {
    "feature": [[0, 1, 0, 0, 0], [1, 0, 0, 0, 0]],
    "threshold": [[0.5, 2.0, 1e30, 1e30, 1e30], [0.0, 1e30, 1e30, 0, 0]],
    "left": [[1, 2, 2, 3, 4], [1, 1, 2, 3, 4]],
    "right": [[4, 3, 2, 3, 4], [2, 1, 2, 3, 4]],
    "value": [[0, 0, 1.0, 2.0, 3.0], [0, -1.0, 0.5, 0, 0]],
    "depth": 2,
}


def _expected(x: np.ndarray) -> np.ndarray:
    t0 = np.where(x[:, 0] <= 0.5, np.where(x[:, 1] <= 2, 1.0, 2.0), 3.0)
    return t0 + np.where(x[:, 1] <= 0, -1.0, 0.5)


def test_tree_ensemble_walks_every_tree_for_every_row() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 4, size=(200, 2)).astype(np.float32)
    x[:3] = [[0.5, 2.0], [0.51, 0.0], [-1, 3]]  # on the thresholds: "<=" goes left
    assert np.allclose(TreeEnsemble(TREES, 2).predict(x), _expected(x))
    assert TreeEnsemble(TREES, 2).predict(np.zeros((0, 2), np.float32)).shape == (0,)


@pytest.mark.parametrize(
    "change",
    [{"left": [[1, 2, 2, 3, 9], [1, 1, 2, 3, 4]]}, {"feature": [[0, 7, 0, 0, 0], [1, 0, 0, 0, 0]]},
     {"value": [[0, 0, 1.0], [0, 0, 0]]}, {"depth": "deep"}],
)
def test_malformed_trees_are_a_model_error(change: dict) -> None:
    with pytest.raises(ModelError):
        TreeEnsemble({**TREES, **change}, 2)


def _write(path: Path, **changes) -> Path:
    model = {"kind": "reranker", "format_version": FORMAT_VERSION, "feature_set": FEATURE_SET,
             "features": list(NAMES), **changes}
    path.write_text(json.dumps(model), encoding="utf-8")
    return path


def test_load_model_checks_kind_version_and_feature_set(tmp_path: Path) -> None:
    ok = load_model(_write(tmp_path / "m.json"), "reranker", FEATURE_SET, NAMES)
    assert ok["kind"] == "reranker"
    bad = [
        ({"format_version": FORMAT_VERSION + 1}, "model format"),
        ({"feature_set": "other-v0"}, "feature set"),
        ({"features": list(NAMES[:-1])}, "feature set"),
        ({"kind": "answerability"}, "not a reranker"),
    ]
    for change, words in bad:
        with pytest.raises(ModelError, match=words):
            load_model(_write(tmp_path / "m.json", **change), "reranker", FEATURE_SET, NAMES)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "broken.json", "reranker", FEATURE_SET, NAMES)
    with pytest.raises(ModelError, match="cannot read"):
        load_model(tmp_path / "absent.json", "reranker", FEATURE_SET, NAMES)


@pytest.mark.slow
def test_real_reranker_puts_the_answer_sentence_first(real_assistant) -> None:
    from .conftest import MISSION, MISSION_EXPECTED

    r = real_assistant.ask(MISSION)
    top = r.passages[0]
    assert any(e in top.text for e in MISSION_EXPECTED) and not r.abstained
    assert all(r.passages[i].score >= r.passages[i + 1].score for i in range(len(r.passages) - 1))
    # an English question keeps the fused order and still finds the Indonesian passage
    en = real_assistant.ask("Can the minister's assistant decide policy?")
    assert any(e in en.passages[0].text for e in MISSION_EXPECTED)


@pytest.mark.parametrize("name", ["reranker.json", "answerability.json"])
def test_shipped_models_were_trained_on_the_repository_training_files(name: str) -> None:
    """The recorded training-data hash matches the files as they are now: changed data means `make train`."""
    from training.data import ROOT, sha256_files

    model = json.loads((ROOT / "qa" / "models" / name).read_text(encoding="utf-8"))
    files = [ROOT / f for f in model["training_files"]]
    assert files and all(f.is_file() for f in files)
    assert model["training_data"] == sha256_files(files)


def test_cv_metrics_count_only_the_passages_the_assistant_shows(fake_assistant) -> None:
    """Training scores a ranking by what ``Retriever.select`` returns: a sentence already on screen (inside
    a better passage's window) takes no rank, so a relevant passage below it moves up."""
    from training import rank_model

    chunks = fake_assistant.index.chunks
    # the last line of the document has two sentences; each one's window is the whole line
    two = [r for r in range(1, len(chunks)) if chunks[r].paragraph == chunks[r - 1].paragraph][0]
    rows = np.array([two - 1, two, 0])  # the line's first sentence, its second, then another line
    y, score = np.array([0, 0, 1]), np.array([3.0, 2.0, 1.0])
    raw = rank_model.metrics([y], [score])
    seen = rank_model.metrics([y], [score], [rows], chunks)
    assert raw["hit@1"] == 0.0 and raw["mrr@5"] == pytest.approx(1 / 3)
    assert seen["hit@1"] == 0.0 and seen["mrr@5"] == 0.5 and seen["hit@3"] == 1.0
    # the hidden sentence states the answer but the shown window (first sentence) is what counts at rank 1
    assert rank_model.metrics([np.array([1, 2, 0])], [score], [rows], chunks)["sentence_hit@1"] == 0.0
