"""The Milvus store swept a third time (reliability.md section 46): a server port that accepts and never
answers, and the scale path as a user who scales out meets it."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.errors import IndexError_
from qa.milvus.reach import CONNECT_TIMEOUT
from qa.milvus.target import connect, forget, parse_store, require_pymilvus
from scripts.trials import qa_command, qa_env

from .conftest import CORPUS, ROOT


def _qa(corpus: Path, index: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``qa ARGS`` in a real process with the fake encoder (scripts/trials.py's harness)."""
    return subprocess.run([*qa_command(real=False), *args], env=qa_env(corpus, index, **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and lines and lines[0].startswith("error: "), proc.stderr
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), proc.stderr
    return lines[0]


def _listener(answer: bytes | None) -> Iterator[int]:
    """A real TCP listener on 127.0.0.1 that accepts every connection and then either never writes
    (``answer`` None: a frozen server, a proxy with nothing behind it) or writes ``answer`` and closes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            if answer is None:
                held.append(conn)  # open, silent
            else:
                with conn:
                    conn.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    yield from _listener(None)


@pytest.fixture
def web_port() -> Iterator[int]:
    yield from _listener(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def test_a_port_that_accepts_and_never_answers_fails_in_seconds(silent_port: int) -> None:
    """pymilvus waited about 21 s (gRPC's handshake wait, under the client's 30 s) before reporting a
    port that accepts connections and never answers, as "illegal connection params or server
    unavailable"; now the first call has ``CONNECT_TIMEOUT`` and the error says the server does not answer."""
    target = parse_store(f"milvus:http://127.0.0.1:{silent_port}")
    require_pymilvus(target)  # its import is not the wait measured
    started = time.monotonic()
    try:
        with pytest.raises(IndexError_, match="does not answer: no reply within 5 s") as info:
            connect(target)
    finally:
        forget(target)
    assert time.monotonic() - started < CONNECT_TIMEOUT + 3
    assert "19530" in (info.value.hint or "") and "\n" not in info.value.message


def test_qa_ask_on_a_silent_port_is_one_line_exit_5_in_seconds(tmp_path: Path, silent_port: int) -> None:
    """The same through a real ``qa ask`` process: one line, exit 5 as for a port where nothing listens."""
    started = time.monotonic()
    proc = _qa(CORPUS, tmp_path / "index", "ask", "apa tugas asisten?", "--store",
               f"milvus:http://127.0.0.1:{silent_port}")  # fmt: skip
    assert proc.returncode == 5 and time.monotonic() - started < 18, proc.stderr
    assert f"the Milvus server at http://127.0.0.1:{silent_port} does not answer" in _one_error_line(proc)
    assert not (tmp_path / "index").exists()


def test_a_port_that_is_not_milvus_grpc_says_so(web_port: int) -> None:
    """A web server's port (Milvus's own 9091, say) was "illegal connection params or server
    unavailable"; the gRPC error under it names the cause, and the hint the port Milvus listens on."""
    target = parse_store(f"milvus://127.0.0.1:{web_port}")
    with pytest.raises(IndexError_, match="cannot reach the Milvus server") as info:
        connect(target)
    assert "HTTP/2" in info.value.message and "19530" in (info.value.hint or "")
    tls = parse_store(f"milvus+https://127.0.0.1:{web_port}")
    with pytest.raises(IndexError_) as spoken:
        connect(tls)
    assert "TLS did not agree" in (spoken.value.hint or ""), spoken.value


def test_nothing_listening_names_the_refusal() -> None:
    with pytest.raises(IndexError_, match="Connection refused") as info:
        connect(parse_store("milvus://127.0.0.1:1"))
    assert "check that it runs" in (info.value.hint or "")
