"""The model files ``make train`` writes: their stamp (format, training data hash, seed), the check that
the exported trees score as LightGBM does, and a reranker.json kept as it is (``--reranker``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qa.features import FEATURE_SET, NAMES
from qa.trees import FORMAT_VERSION

from . import rank_model
from .data import CORPUS_FILE, FACQA, ROOT, SEED_CORPUS, TRAIN_DIR, sha256_files
from .probe import fingerprint
from .profiles import profile_files
from .rank_cv import log


def stamp(with_profiles: bool) -> dict:
    """What both model files record of their training: the format, the hash of every file trained on
    (the profile documents only when they were trained on), the seed."""
    files = [
        FACQA / "questions_train.jsonl",
        FACQA / "corpus" / CORPUS_FILE,
        *sorted(SEED_CORPUS.glob("*.txt")),
        *sorted(TRAIN_DIR.glob("*.jsonl")),
        *(profile_files() if with_profiles else []),
    ]
    return {
        "format_version": FORMAT_VERSION,
        "training_data": sha256_files(files),
        "training_files": [f.relative_to(ROOT).as_posix() for f in files],
        "seed": rank_model.SEED,
    }


def check_trees(trees: dict, x: list[np.ndarray], model) -> None:
    """The shipped JSON trees must reproduce LightGBM exactly: checked before anything is written."""
    from qa.trees import TreeEnsemble

    check = TreeEnsemble(trees, len(NAMES))
    for xi in x:
        if not np.allclose(check.predict(xi), model.predict(xi), atol=1e-6):
            raise SystemExit("exported trees disagree with LightGBM")


def write_models(out: Path, reranker: dict, answer: dict, kept_from: Path | None = None) -> None:
    """Both model files under ``out``; with ``kept_from`` the reranker is that file, byte for byte, and only
    the answerability model is new."""
    out.mkdir(parents=True, exist_ok=True)
    if kept_from is not None:
        (out / "answerability.json").write_text(json.dumps(answer, indent=1) + "\n", encoding="utf-8")
        if kept_from.resolve() != (out / "reranker.json").resolve():
            (out / "reranker.json").write_bytes(kept_from.read_bytes())
        log(f"kept {kept_from}; wrote {out}/answerability.json")
        return
    for name, model in (("reranker.json", reranker), ("answerability.json", answer)):
        (out / name).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    log(f"wrote {out}/reranker.json and answerability.json")


def kept_reranker(path: Path) -> dict:
    """A reranker.json to keep: it must read the features this code computes (its probe included), else
    the answerability rows would be built from scores it never gave."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"cannot read the reranker to keep, {path}: {exc}") from None
    if model.get("feature_set") != FEATURE_SET or model.get("features") != list(NAMES):
        raise SystemExit(f"{path} reads feature set {model.get('feature_set')!r}, this code {FEATURE_SET!r}")
    if model.get("probe") != fingerprint()["features"]:
        raise SystemExit(f"{path}: its probe features differ from this code's; retrain the reranker too")
    return model


def kept_trees(model: dict, path: Path):
    """The kept reranker's trees, scoring as the runtime does (``predict`` like a LightGBM model's)."""
    from qa.trees import load_trees

    return load_trees(model["trees"], len(NAMES), path)
