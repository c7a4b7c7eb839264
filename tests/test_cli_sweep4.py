"""The CLI, batch and index leftovers of sections 23 and 28, and a fourth hostile sweep
(docs/reliability.md section 29). Each test failed on the code before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scripts.trials import as_from_a_terminal, qa_command, qa_env

from .conftest import ROOT

# The console script's own two lines, with a Ctrl-C arriving while the commands are still imported.
INTERRUPTED_IMPORT = textwrap.dedent(
    """
    import importlib.abc, os, signal, sys
    sys.path[:0] = [{root!r}]

    class CtrlC(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.startswith("qa.") and name != "qa.cli":  # the first module the entry point pulls in
                sys.meta_path.remove(self)
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlC())
    from qa.cli import main
    sys.exit(main(["--help"]))
    """
).format(root=str(ROOT))


def test_ctrl_c_while_the_cli_is_still_imported_ends_quietly_with_130() -> None:
    """A Ctrl-C in the first tenth of a second of ``qa …``, while ``qa.cli`` imported the grammar and the
    core's names, printed Python's ``KeyboardInterrupt`` traceback: no handler was running yet."""
    r = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], cwd=ROOT, capture_output=True, text=True,
                       timeout=60, preexec_fn=as_from_a_terminal)  # fmt: skip
    assert (r.returncode, r.stderr, r.stdout) == (130, "interrupted\n", "")


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
@pytest.mark.parametrize("command", ["eval", "calibrate-labelled", "calibrate-offtopic"])
def test_eval_and_calibrate_refuse_a_question_file_that_is_not_a_regular_file(
    settings, tmp_path, kind, command
) -> None:
    """``qa eval``/``calibrate`` given a FIFO with no writer (``mkfifo q.jsonl``) waited forever in
    ``open()``, and ``/dev/zero`` would have read until memory ran out; ``qa batch`` refused them at once
    (section 23). The same check now serves all three: one line, exit 2, before any model or index."""
    good = tmp_path / "good.jsonl"
    good.write_text('{"question": "apa tugas asisten menteri?", "expected": ["menteri"]}\n', encoding="utf-8")
    odd = {"fifo": tmp_path / "q.jsonl", "folder": tmp_path / "soal.jsonl", "device": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "folder":
        odd.mkdir()
    args = {
        "eval": ["eval", str(odd)],
        "calibrate-labelled": ["calibrate", str(odd), "--offtopic", str(good)],
        "calibrate-offtopic": ["calibrate", str(good), "--offtopic", str(odd)],
    }[command]
    r = subprocess.run([*qa_command(real=False), *args], env=qa_env(settings.corpus_dir, settings.index_dir),
                       cwd=ROOT, capture_output=True, text=True, timeout=30)  # fmt: skip
    lines = r.stderr.splitlines()
    assert r.returncode == 2 and lines[0].startswith(f"error: {odd}: is a "), r.stderr
    assert len(lines) <= 2 and "Traceback" not in r.stderr and not settings.index_dir.exists()
