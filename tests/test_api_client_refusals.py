"""Every refusal at the door that a ``gradio_client`` caller can trigger reaches them as a readable line
(docs/reliability.md section 95), while curl keeps the status that names the kind of refusal.

``gradio_client`` 2.x reads the body of a refused join only from a 422 whose ``detail`` lists failed checks;
a 400 (JSON nested too deep) or a 429 (answers left unread) was an ``httpx.HTTPStatusError`` naming the
status and the URL, nothing more. Through a real Gradio server on 127.0.0.1 (in this process, over the
fake encoder) and a real ``gradio_client.Client``."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from qa.ui.bodylimit import MAX_DEPTH, MAX_REQUEST_BYTES
from scripts.webserver import raw_ask

from .conftest import FakeEncoder
from .ui_helpers import make_app, serving


@pytest.fixture
def served(settings, tmp_path, capfd):
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        yield url
    assert "Traceback" not in capfd.readouterr().err


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False)


def _join(url: str, data: list, headers: dict[str, str] | None = None) -> httpx.Response:
    """The join curl sends (no ``x-gradio-user`` header), or the page (``headers``: ``app``, its own mark):
    the status it reads is kept."""
    deps = httpx.get(f"{url}config").json()["dependencies"]
    index = next(i for i, d in enumerate(deps) if d.get("api_name") == "ask")
    body = {"data": data, "fn_index": index, "session_hash": "curl"}
    return httpx.post(f"{url}gradio_api/queue/join", json=body, headers=headers, timeout=30)


def _nested(levels: int) -> object:
    value: object = "apa tugas asisten?"
    for _ in range(levels):
        value = [value]
    return value


def test_json_nested_too_deep_is_read_by_gradio_client_and_curl_keeps_the_400(served) -> None:
    from gradio_client.exceptions import ValidationError

    with pytest.raises(ValidationError, match=f"bersarang lebih dari {MAX_DEPTH} tingkat"):
        _client(served).predict(_nested(MAX_DEPTH + 5), 3, api_name="/ask")
    refused = _join(served, [_nested(MAX_DEPTH + 5), 3])
    assert refused.status_code == 400 and "bersarang" in refused.json()["error"]
    assert "detail" not in refused.json()  # curl's body is as before
    assert _client(served).predict("apa tugas asisten?", 3, api_name="/ask")["answer"]  # the next call


def test_a_question_over_the_body_bound_is_read_by_gradio_client(served) -> None:
    from gradio_client.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Permintaan terlalu besar"):
        _client(served).predict("a" * (MAX_REQUEST_BYTES + 1), 3, api_name="/ask")


def test_a_join_refused_for_unread_answers_is_read_by_gradio_client_and_curl_keeps_the_429(
    settings, tmp_path, monkeypatch, capfd
) -> None:
    """A session holding too many unread answers (qa.ui.unread) is refused; bound 0: the first join."""
    from gradio_client.exceptions import ValidationError

    monkeypatch.setattr("qa.ui.unread.PER_SESSION", 0)
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        with pytest.raises(ValidationError, match="Terlalu banyak jawaban sesi ini yang belum diambil"):
            _client(url).predict("apa tugas asisten?", 3, api_name="/ask")
        for headers in (None, {"x-gradio-user": "app"}):  # curl; the page, whose script reads "error"
            refused = _join(url, ["apa tugas asisten?", 3], headers)
            assert refused.status_code == 429 and "Terlalu banyak" in refused.json()["error"], headers
            assert "detail" not in refused.json()
    assert "Traceback" not in capfd.readouterr().err


def test_a_value_more_than_an_endpoint_takes_is_refused_by_name(served) -> None:
    """``gradio_client`` sent a fourth value to ``/ask`` (or a fourth to ``/batch``) and Gradio dropped it in
    silence (docs/reliability.md section 131): refused now, naming what the endpoint takes and how many
    values came, through the client and through curl's join; three values (or fewer) answer as before."""
    from gradio_client.exceptions import AppError

    takes = "/ask menerima question (teks), k (bilangan bulat, opsional), doc (teks, opsional)"
    with pytest.raises(AppError, match=re.escape(f"{takes}; yang dikirim 4 nilai.")):
        _client(served).predict("apa tugas asisten?", 3, None, "lagi", api_name="/ask")
    status, event, data = raw_ask(served, json.dumps({"data": ["apa tugas asisten?", 3, None, "lagi", 5]}))
    assert (status, event) == (200, "error") and json.loads(data)[
        "error"
    ] == f"{takes}; yang dikirim 5 nilai."
    assert _client(served).predict("apa tugas asisten?", 3, None, api_name="/ask")["answer"]
    assert _client(served).predict("apa tugas asisten?", api_name="/ask")["answer"]
    with pytest.raises(AppError, match=r"/batch menerima upload \(berkas\), .*; yang dikirim 4 nilai\."):
        _client(served).predict(None, 3, None, "x", api_name="/batch")
