"""Second reading of the fifth CLI sweep (docs/reliability.md section 49): what section 41 changed, read
again for regressions and holes with fresh cases. Each test failed on the code before its fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

from scripts.trials import qa_env
from scripts.webserver import free_port

from .conftest import ROOT

# ``python app.py`` with the fake encoder: the real entry point, Gradio server and index on disk
APP_HARNESS = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}]
    import qa.embedding
    from scripts.fakes import FakeEncoder
    qa.embedding.make_encoder = lambda settings, log=None: FakeEncoder()
    from qa.ui.start import main
    main()
    """
).format(root=str(ROOT))


def _serves(url: str, proc: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as page:
                return page.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def test_python_app_py_with_standard_output_closed_serves(settings, tmp_path) -> None:
    """``python app.py >&-`` (a service or job started without a standard output): section 41 gave closed
    streams the null device in ``qa`` only; the web entry point ended in a traceback from uvicorn's
    logging set-up ("Unable to configure formatter 'default'"), exit 1, nothing served. Now it serves."""
    port = free_port()
    env = {**qa_env(settings.corpus_dir, settings.index_dir), "GRADIO_SERVER_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}  # fmt: skip
    env.pop("GRADIO_SERVER_NAME", None)
    err = tmp_path / "stderr.txt"
    with err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", APP_HARNESS], stdin=subprocess.DEVNULL, stderr=stderr,
                                env=env, cwd=ROOT, preexec_fn=lambda: os.close(1))  # fmt: skip
        try:
            assert _serves(f"http://127.0.0.1:{port}/", proc), err.read_text()[-2000:]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert "Traceback" not in err.read_text()
