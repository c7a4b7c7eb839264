"""Small trips left in docs/reliability.md's Left lists (section 149), through the real ``qa`` process (the
fake-encoder harness): each test failed on the code before its fix."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT


@pytest.mark.parametrize("encoding", [None, "utf-8:strict", "ascii"])
def test_a_path_that_is_not_utf8_is_shown_one_way_on_both_streams(settings, tmp_path: Path, encoding) -> None:
    """``qa index --index idx\\xff`` said ``idx\\udcff`` on standard error ("no index in …", "index: …")
    and wrote the raw byte on standard output ("index ready: … in idx" and U+FFFD on a terminal)."""
    index = Path(os.fsdecode(os.fsencode(tmp_path) + b"/idx-\xff"))
    env = qa_env(settings.corpus_dir, index, LC_ALL="C.UTF-8")
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    run = subprocess.run(
        [*qa_command(real=False), "index"], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert b"no index in " in run.stderr and b"index ready: " in run.stdout
    for stream in (run.stdout, run.stderr):
        named = [line for line in stream.splitlines() if b"idx-" in line]
        assert named and all(b"idx-\\xff" in line for line in named), stream
        assert b"\\udcff" not in stream and b"\xff" not in stream
