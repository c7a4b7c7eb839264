"""An eighth sweep of the command line and batch files, as users who never saw the code meet them
(docs/reliability.md section 77). Real ``qa`` processes (the fake-encoder harness, or the bundled model
for the slow test); each test failed on the code before its fix."""

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

from scripts.trials import as_from_a_terminal, qa_command, qa_env

from .conftest import CORPUS, DOC, ROOT


def _qa(
    settings, *args: str, cwd: Path = ROOT, stdout=subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess:  # noqa: ANN001
    environment = {**qa_env(settings.corpus_dir, settings.index_dir), **env}
    return subprocess.run(
        [*qa_command(real=False), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=cwd,
        text=True,
        timeout=120,
    )


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


_HOLD = """
import sys
from pathlib import Path
from qa.writing import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_a_waiting_build_names_the_build_it_waits_for_and_ctrl_c_ends_only_the_wait(tmp_path) -> None:
    """A second ``qa index`` on one folder waits without a limit (a big corpus builds for minutes). It said
    "another process is building the index in DIR; waiting for it": not which process, nor how to stop.
    Now it names the holder (``/proc/locks``) and the way out, at once; Ctrl-C ends the wait (130) and
    leaves the holder's folder alone."""
    index_dir = tmp_path / "index"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(index_dir)],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = sorted(p.name for p in index_dir.iterdir())
        err = tmp_path / "err.txt"
        with err.open("w") as sink:
            build = subprocess.Popen(
                [*qa_command(real=False), "index"],
                env=qa_env(CORPUS, index_dir),
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=sink,
                preexec_fn=as_from_a_terminal,
            )
        said = (
            f"process {holder.pid} is building the index in {index_dir}; waiting for it to finish "
            "(Ctrl-C stops waiting; that build goes on)"
        )
        deadline = time.monotonic() + 60
        while said not in err.read_text() and build.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said in err.read_text() and build.poll() is None, err.read_text()
        build.send_signal(signal.SIGINT)
        assert build.wait(timeout=60) == 130, err.read_text()
        assert err.read_text().rstrip().endswith("interrupted") and "Traceback" not in err.read_text()
        assert holder.poll() is None and sorted(p.name for p in index_dir.iterdir()) == before
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)