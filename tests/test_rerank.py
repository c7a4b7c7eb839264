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


def _random_ensemble(rng: np.random.Generator, trees: int, features: int, splits: int = 20) -> dict:
    """Random binary trees (a single leaf, chains, bushy ones) of up to ``splits`` + 1 leaves, padded like
    training/export.py's."""
    spec: dict = {k: [] for k in ("feature", "threshold", "left", "right", "value")}
    shapes = []
    for _ in range(trees):
        f, t, lt, rt = [0], [0.0], [0], [0]
        frontier = [0]
        for _ in range(int(rng.integers(0, splits))):  # split a random leaf
            node = frontier.pop(int(rng.integers(len(frontier))))
            lt[node], rt[node] = len(f), len(f) + 1
            f[node], t[node] = int(rng.integers(features)), float(rng.normal())
            for child in (len(f), len(f) + 1):
                f.append(0), t.append(1e30), lt.append(child), rt.append(child)
                frontier.append(child)
        shapes.append((f, t, lt, rt))
    width = max(len(s[0]) for s in shapes)
    for f, t, lt, rt in shapes:
        pad = range(len(f), width)
        spec["feature"].append(f + [0] * len(pad))
        spec["threshold"].append(t + [1e30] * len(pad))
        spec["left"].append(lt + list(pad))
        spec["right"].append(rt + list(pad))
        spec["value"].append(rng.normal(size=width).round(6).tolist())
    spec["depth"], spec["bias"] = width, 0.25
    return spec


def _walk(spec: dict, x: np.ndarray) -> np.ndarray:
    """Row by row, tree by tree, summed in tree order: what the vectorised evaluation must equal."""
    out = []
    for row in x:
        total = 0.0
        for f, t, lt, rt, v in zip(*(spec[k] for k in ("feature", "threshold", "left", "right", "value"))):
            node = 0
            while not (lt[node] == node and rt[node] == node):
                node = lt[node] if float(row[f[node]]) <= t[node] else rt[node]  # in float64
            total += v[node]
        out.append(total + spec["bias"])
    return np.array(out)


@pytest.mark.parametrize("splits", [12, 20, 60])  # leaf masks of 16, 32 and 64 bits
def test_the_bit_vector_evaluation_equals_walking_each_tree(splits: int) -> None:
    rng = np.random.default_rng(3)
    spec = _random_ensemble(rng, 40, 5, splits)
    x = rng.normal(size=(300, 5)).astype(np.float32)
    x[rng.random(x.shape) < 0.05] = np.nan  # NaN fails "<=" and goes right
    on = np.array(spec["threshold"][0][:5], dtype=np.float32)
    x[:5, :] = on[:, None]  # on the thresholds (rounded to float32: either side of the float64 value)
    x[5:10, :] = np.nextafter(on, np.float32(np.inf))[:, None]  # one float32 step either side
    x[10:15, :] = np.nextafter(on, np.float32(-np.inf))[:, None]
    ensemble = TreeEnsemble(spec, 5)
    expected = _walk(spec, x)
    assert np.array_equal(ensemble.predict(x), expected)  # the same float sums, in the same order
    assert np.array_equal(ensemble.predict(x.astype(np.float64)), expected)  # float64 rows too
    assert np.array_equal(ensemble.predict(x, block=7), ensemble.predict(x))  # blocks change nothing
    assert np.array_equal(
        np.concatenate([ensemble.predict(x[i : i + 30]) for i in range(0, len(x), 30)]), ensemble.predict(x)
    )


@pytest.mark.parametrize(
    "change",
    [
        {"left": [[1, 2, 2, 3, 9], [1, 1, 2, 3, 4]]},
        {"left": [[1, 0, 2, 3, 4], [1, 1, 2, 3, 4]]},  # a cycle back to the root
        {"feature": [[0, 7, 0, 0, 0], [1, 0, 0, 0, 0]]},
        {"value": [[0, 0, 1.0], [0, 0, 0]]},
        {"depth": "deep"},
        {"left": [[10**20, 2, 2, 3, 4], [1, 1, 2, 3, 4]]},  # past int64: an OverflowError, not a ValueError
        {"depth": float("inf")},
        {"feature": [[], []], "threshold": [[], []], "left": [[], []], "right": [[], []], "value": [[], []]},
    ],
)
def test_malformed_trees_are_a_model_error(change: dict) -> None:
    with pytest.raises(ModelError):
        TreeEnsemble({**TREES, **change}, 2)


def _write(path: Path, **changes) -> Path:
    model = {
        "kind": "reranker",
        "format_version": FORMAT_VERSION,
        "feature_set": FEATURE_SET,
        "features": list(NAMES),
        **changes,
    }
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
    """Training scores a ranking by what ``onscreen.shown`` returns: a sentence already on screen (inside
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


def test_profile_training_documents_are_well_formed() -> None:
    """Each hand-written profile is its own corpus with answerable questions whose expected phrase names
    exactly one line (an unambiguous ranking label) and on-topic unanswerable ones; none copies the seed
    document, which is evaluation material."""
    from training.data import SEED_CORPUS, read_questions
    from training.profiles import PROFILES, profile_files

    folders = sorted(p for p in PROFILES.iterdir() if p.is_dir())
    assert len(folders) >= 4
    seed_lines = {
        ln.strip().lower() for f in SEED_CORPUS.glob("*.txt") for ln in f.read_text("utf-8").splitlines()
    }
    for folder in folders:
        docs = list(folder.glob("*.txt"))
        assert len(docs) == 1 and docs[0] in profile_files()
        lines = [ln.lower() for ln in docs[0].read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert 8 <= len(lines) <= 12 and not seed_lines & set(lines)
        questions = read_questions(PROFILES / f"{folder.name}.jsonl")
        answerable = [q for q in questions if q.expected]
        assert len(answerable) >= 8 and len(questions) - len(answerable) >= 4, folder.name
        for q in answerable:
            for e in q.expected:
                assert sum(e.lower() in ln for ln in lines) == 1, (folder.name, e)
