"""A visitor who leaves while their question waits for its turn (qa/ui/turns.py, qa/ui/asking.py,
docs/reliability.md section 21): the question is dropped before it costs an encoding. Before, Gradio
marked the event dead but the handler still waited for its turn, and the model answered it for nobody.

A real Gradio server on 127.0.0.1 (in this process, so the encoder can be watched), over the fake
encoder: one question holds the turn inside the encoder until released; the others wait behind it."""

from __future__ import annotations

import contextlib
import http.client
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from scripts.fakes import FakeEncoder

from .conftest import ROOT
from .ui_helpers import make_app, serving

HOLD = "tahan giliran ini: apa tugas asisten menteri?"


class _GatedEncoder(FakeEncoder):
    """Records every query it encodes; a question containing "tahan" waits for ``gate``."""

    def __init__(self) -> None:
        super().__init__()
        self.gate, self.queries = threading.Event(), []  # type: ignore[var-annotated]

    def encode_queries(self, texts):  # type: ignore[no-untyped-def]
        self.queries.extend(texts)
        if any("tahan" in t for t in texts):
            self.gate.wait(120)
        return super().encode_queries(texts)


@pytest.fixture
def server(settings, tmp_path) -> Iterator[tuple[int, _GatedEncoder, object, object]]:
    encoder = _GatedEncoder()
    app = make_app(settings, encoder, tmp_path / "web", threshold=0.0)
    encoder.queries.clear()  # the index's passages
    with serving(app) as (url, demo):
        (ask,) = [f.fn for f in demo.fns.values() if f.api_name == "ask"]  # type: ignore[attr-defined]
        try:
            yield int(url.rsplit(":", 1)[1].strip("/")), encoder, ask.__self__.turns, demo
        finally:
            encoder.gate.set()  # a failed test leaves no handler waiting in the encoder


def _submit(port: int, question: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/gradio_api/call/ask", json.dumps({"data": [question, 3]}),
                 {"Content-Type": "application/json"})  # fmt: skip
    return str(json.loads(conn.getresponse().read())["event_id"])


@contextlib.contextmanager
def _listening(port: int, event_id: str) -> Iterator[http.client.HTTPResponse]:
    """The result stream of a /call/ask event, as curl reads it; leaving the block hangs up."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", f"/gradio_api/call/ask/{event_id}")
    try:
        yield conn.getresponse()
    finally:
        conn.close()


def _waiting(turns, n: int) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    while turns.load != (True, n) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert turns.load == (True, n), turns.load


def _until_gone(demo, event_id: str) -> None:  # type: ignore[no-untyped-def]
    """Until Gradio has seen the hang-up (it marks the event dead; nothing else tells)."""
    deadline = time.monotonic() + 30
    while demo._queue.event_ids_to_events[event_id].alive and time.monotonic() < deadline:
        time.sleep(0.05)


def test_an_http_client_that_hangs_up_while_its_question_waits_costs_no_encoding(server) -> None:
    port, encoder, turns, demo = server
    holder = _submit(port, HOLD)
    with _listening(port, holder) as held:
        _waiting(turns, 0)
        leaver = _submit(port, "pertanyaan yang ditinggalkan: siapa yang cocok jadi asisten menteri?")
        with _listening(port, leaver):
            _waiting(turns, 1)
        stayer = _submit(port, "apa bedanya asisten menteri dengan diplomat?")
        with _listening(port, stayer) as stays:
            _waiting(turns, 2)
            _until_gone(demo, leaver)
            encoder.gate.set()
            assert "event: complete" in stays.read().decode()
        assert "event: complete" in held.read().decode()
    assert not any("ditinggalkan" in q for q in encoder.queries), encoder.queries
    assert any("diplomat" in q for q in encoder.queries)
    assert turns.dropped == 1 and turns.load == (False, 0)


def test_a_gradio_client_that_stops_while_its_question_waits_costs_no_encoding(server) -> None:
    """The page's way (a session's message stream, as a browser tab and gradio_client hold it): the
    client process is killed while its question waits."""
    port, encoder, turns, demo = server
    holder = _submit(port, HOLD)
    with _listening(port, holder) as held:
        _waiting(turns, 0)
        script = (
            "import sys, time\nfrom gradio_client import Client\n"
            f"c = Client('http://127.0.0.1:{port}/', verbose=False, analytics_enabled=False)\n"
            "job = c.submit('pertanyaan yang ditinggalkan: apa tugas utama?', 3, api_name='/ask')\n"
            "while job.status().code.name != 'PROCESSING':\n    time.sleep(0.05)\n"
            "print('listening', flush=True)\ntime.sleep(600)\n"
        )  # PROCESSING: its message stream is open (a client killed before it opened is never seen to go)
        client = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        try:
            assert client.stdout is not None and client.stdout.readline().strip() == "listening"
            _waiting(turns, 1)
        finally:
            client.kill()
            client.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(e.alive for e in list(demo._queue.event_ids_to_events.values()) if e._id != holder):
            assert time.monotonic() < deadline, "Gradio never saw the client go"
            time.sleep(0.05)
        encoder.gate.set()
        assert "event: complete" in held.read().decode()
    deadline = time.monotonic() + 30
    while turns.load != (False, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any("ditinggalkan" in q for q in encoder.queries), encoder.queries
    assert turns.dropped == 1 and turns.load == (False, 0)


def _submit_upload(port: int, tmp_path, name: str, text: str) -> str:  # type: ignore[no-untyped-def]
    import httpx

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    base = f"http://127.0.0.1:{port}/gradio_api"
    with path.open("rb") as f:
        (served,) = httpx.post(f"{base}/upload", files={"files": (name, f, "text/plain")}).json()
    data = [{"path": served, "meta": {"_type": "gradio.FileData"}}, 3, ""]
    return str(httpx.post(f"{base}/call/batch", json={"data": data}).json()["event_id"])


def test_an_upload_whose_client_hangs_up_while_it_waits_frees_its_place_and_costs_no_encoding(
    server, tmp_path
) -> None:
    """Uploads wait in the app's own line (two answered, four waiting). Before, one whose client left
    kept its place until a slot came to it (a new upload refused as busy meanwhile) and its first
    step was then encoded for nobody: nothing asked Gradio's event until the upload yielded."""
    port, encoder, _turns, demo = server
    uploads = next(f.fn for f in demo.fns.values() if f.api_name == "batch").__self__.uploads  # type: ignore[attr-defined]
    holders = [_submit_upload(port, tmp_path, f"tahan{i}.txt", f"{HOLD} {i}\n") for i in range(2)]
    with _listening(port, holders[0]) as first, _listening(port, holders[1]) as second:
        deadline = time.monotonic() + 30
        while uploads.load != (2, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert uploads.load == (2, 0)
        leaver = _submit_upload(port, tmp_path, "pergi.txt", "pertanyaan yang ditinggalkan: apa tugasnya?\n")
        with _listening(port, leaver):
            while uploads.load != (2, 1) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert uploads.load == (2, 1)
        _until_gone(demo, leaver)
        while uploads.load != (2, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert uploads.load == (2, 0), "the place of an upload whose client left is still held"
        encoder.gate.set()
        assert "event: complete" in first.read().decode() and "event: complete" in second.read().decode()
    assert not any("ditinggalkan" in q for q in encoder.queries), encoder.queries
