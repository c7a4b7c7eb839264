"""``training.train --reranker``: train the answerability model alone against a kept reranker.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.rerank import MODEL_FILE as RERANKER_FILE
from training.model_files import kept_reranker
from training.train import main


def test_the_shipped_reranker_can_be_kept_since_it_reads_todays_features() -> None:
    """Kept, its trees and blend score the answerability rows; the probe proves its inputs are today's."""
    model = kept_reranker(RERANKER_FILE)
    assert model["blend"] == json.loads(RERANKER_FILE.read_text(encoding="utf-8"))["blend"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"feature_set": "trust-features-v0"}, "reads feature set 'trust-features-v0'"),
        ({"probe": "sha256:0"}, "probe features differ"),
    ],
)
def test_a_reranker_reading_other_features_is_refused_not_kept(tmp_path: Path, change, message) -> None:
    """Its scores would not be the ones the runtime gives: a clear refusal before any slow work."""
    model = {**json.loads(RERANKER_FILE.read_text(encoding="utf-8")), **change}
    path = tmp_path / "reranker.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(SystemExit, match=message):
        main(["--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "out"), "--reranker", str(path)])
    assert not (tmp_path / "out").exists() and not (tmp_path / "cache").exists()


def test_an_unreadable_reranker_is_named(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="cannot read the reranker to keep"):
        kept_reranker(tmp_path / "missing.json")
