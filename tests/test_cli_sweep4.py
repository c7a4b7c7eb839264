"""The CLI, batch and index leftovers of sections 23 and 28, and a fourth hostile sweep
(docs/reliability.md section 29). Each test failed on the code before its fix."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from scripts.trials import as_from_a_terminal

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
