"""Whose Ctrl-C the second-Ctrl-C rule takes (docs/reliability.md sections 88 and 90): the ``qa`` process's
own, never a program's that runs ``qa.cli.main()`` and goes on. Section 88 judged "the process's own
command" by ``argv is None``: such a program's next Ctrl-C was swallowed, and the one after ended it with
``os._exit(130)``, its own clean-up skipped."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

from .conftest import ROOT

AFTER = """
import os, signal, sys, time
sys.path[:0] = [{root!r}]
sys.argv = ["qa", "--version"]
from qa.cli import {entry}
try:
    {entry}()
except SystemExit:
    pass
print("returned", flush=True)
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.5)
    print("swallowed", flush=True)
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
    print("still running", flush=True)
except KeyboardInterrupt:
    print("the caller's KeyboardInterrupt", flush=True)
"""


def _after(entry: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(AFTER).format(root=str(ROOT), entry=entry)
    command = [sys.executable, "-c", script]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_a_program_that_runs_main_keeps_its_ctrl_c() -> None:
    done = _after("main")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-2:] == ["returned", "the caller's KeyboardInterrupt"], done.stdout


def test_the_qa_command_ignores_one_ctrl_c_once_it_is_done_and_ends_with_130_on_the_next() -> None:
    """What ``qa`` and ``python -m qa`` run: only the interpreter's exit is left after it, where a Ctrl-C
    printed "Exception ignored in …" tracebacks; one is ignored, the next ends the process with 130."""
    done = _after("command")
    assert done.returncode == 130, (done.stdout, done.stderr)
    assert done.stdout.splitlines()[-2:] == ["returned", "swallowed"], done.stdout
    assert "Traceback" not in done.stderr


def test_the_qa_script_and_python_m_qa_run_the_command() -> None:
    """The console script is generated from pyproject.toml; it and ``python -m qa`` take the rule."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^qa = "qa\.cli:command"$', pyproject, flags=re.M)
    assert "sys.exit(command())" in (ROOT / "qa" / "__main__.py").read_text(encoding="utf-8")
