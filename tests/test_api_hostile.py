"""Hostile values through the web API that Gradio's own checks refuse (docs/reliability.md section 21):
each gets one Indonesian line naming what was wrong, and the server logs no traceback for it.

Through a real Gradio server on 127.0.0.1 (in this process, over the fake encoder), as curl sends them."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from .conftest import FakeEncoder
from .ui_helpers import call_result, make_app, serving


@pytest.fixture
def served(settings, tmp_path, capfd):
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        upload = httpx.post(f"{url}gradio_api/upload", files={"files": ("q.txt", b"apa tugas asisten?\n")})
        yield url, {"path": upload.json()[0], "meta": {"_type": "gradio.FileData"}}
    assert "Traceback" not in capfd.readouterr().err  # a stranger's bad value is not the server's failure


def _call(url: str, api: str, body: str) -> tuple[str, str]:
    event_id = httpx.post(
        f"{url}gradio_api/call/{api}", content=body, headers={"Content-Type": "application/json"}
    )
    stream = httpx.get(f"{url}gradio_api/call/{api}/{event_id.json()['event_id']}", timeout=60)
    return call_result(stream.text)


def test_a_k_the_batch_slider_cannot_hold_is_named_in_indonesian(served) -> None:
    """/batch's k is a slider: Gradio refused 100 in English ("Value 100 is greater than maximum value
    20.", titled "Error") and logged a traceback for every such request; "3" was blamed on the file."""
    url, upload = served
    for k in ["100", "0", "-1", "Infinity", '"3"', "[3]", "1" + "0" * 30]:
        event, data = _call(url, "batch", f'{{"data": [{json.dumps(upload)}, {k}]}}')
        error = json.loads(data)["error"]
        assert event == "error" and error.startswith("k harus bilangan bulat antara 1 dan 20, bukan "), (
            k,
            error,
        )
        assert "Value" not in error and "Berkas" not in error
        assert len(k) < 20 or error.endswith("bukan '1000000000000000000…'."), error  # not 10**19


def _fn_index(url: str, api_name: str) -> int:
    deps = httpx.get(f"{url}config").json()["dependencies"]
    return next(i for i, d in enumerate(deps) if d.get("api_name") == api_name)


COMPONENT_CALL = {"session_hash": "s", "component_id": 99999, "fn_name": "x", "data": 1}
NAMED_WHAT_THE_PAGE_LACKS = [
    ("queue/join", {"data": ["apa?"], "fn_index": 999, "session_hash": "s"}, 404, "fungsi nomor '999'"),
    ("queue/join", {"data": [], "fn_index": "js_fn", "session_hash": "s"}, 404, "fungsi nomor"),  # JS only
    ("call/nope", {"data": []}, 404, "Endpoint '/nope' tidak ada"),
    ("call/js_fn", {"data": []}, 404, "Endpoint '/js_fn' tidak ada"),
    ("run/nope", {"data": []}, 404, "Endpoint '/nope' tidak ada"),
    ("api/nope", {"data": []}, 404, "Endpoint '/nope' tidak ada"),
    ("call/v2/nope", {}, 404, "Endpoint '/nope' tidak ada"),
    ("call/v2/ask", {"pertanyaan": "apa?"}, 422, "/ask tidak menerima 'pertanyaan'; /ask menerima question"),
    ("call/v2/ask", {"k": 3}, 422, "/ask perlu question"),
    ("component_server", COMPONENT_CALL, 404, "Halaman ini tidak punya fungsi komponen"),
]


@pytest.mark.parametrize(("route", "body", "status", "said"), NAMED_WHAT_THE_PAGE_LACKS)
def test_a_request_naming_what_the_page_lacks_is_refused_at_the_door(served, route, body, status, said):
    """Gradio looked these names up unchecked: a 500 (KeyError, FnIndexInferError, TypeError) or, for a
    JavaScript-only event, ``{"error": null}``, each with a traceback in the server's log (checked by the
    fixture). Now one Indonesian line naming the endpoints, before Gradio sees the request."""
    url, _upload = served
    if body.get("fn_index") == "js_fn":
        body = {**body, "fn_index": _fn_index(url, "js_fn")}
    reply = httpx.post(f"{url}gradio_api/{route}", json=body, timeout=30)
    assert reply.status_code == status and said in reply.json()["error"], reply.text
    if status == 404 and route != "component_server":
        assert "API-nya: /batch, /ask" in reply.json()["error"]
    asked = httpx.post(f"{url}gradio_api/call/v2/ask", json={"question": "apa tugas asisten?"})
    assert asked.status_code == 200  # what exists still passes


def test_the_list_a_refusal_points_to_lists_the_endpoints(served) -> None:
    """A refusal named "/?view=api" for the endpoints' list: Gradio 6.31 serves the ordinary page there (its
    API page does not open from that address), so a client following it found no list (section 76)."""
    url, _upload = served
    said = httpx.post(f"{url}gradio_api/call/nope", json={"data": []}, timeout=30).json()["error"]
    (where,) = re.findall(r"daftar lengkapnya: (\S+)\)", said)
    listed = httpx.get(url.rstrip("/") + where, timeout=30).json()["named_endpoints"]
    assert {"/ask", "/batch"} <= set(listed) and "question" in json.dumps(listed["/ask"])


def test_the_pages_own_unqueued_call_by_fn_index_passes_the_door(served) -> None:
    """An example clicked in the page posts ``/run/predict`` with the loader's ``fn_index`` ("predict" is
    a placeholder: the index names the event); refused as an unknown endpoint, the examples did nothing."""
    url, _upload = served
    body = {"data": [0], "fn_index": _fn_index(url, "load_example"), "trigger_id": 7, "session_hash": "s"}
    loaded = httpx.post(f"{url}gradio_api/run/predict", json=body, timeout=30)
    assert loaded.status_code == 200 and "apa" in json.dumps(loaded.json()["data"]), loaded.text
    unknown = httpx.post(f"{url}gradio_api/run/predict", json={**body, "fn_index": 999}, timeout=30)
    assert unknown.status_code == 404 and "fungsi nomor '999'" in unknown.json()["error"]


def test_a_message_stream_for_a_session_the_queue_does_not_hold_ends_cleanly(served) -> None:
    """Gradio told the client "404" inside the stream, then raised into the started response: a logged
    ``RuntimeError`` and a stream cut without its end (httpx: "incomplete chunked read")."""
    url, _upload = served
    for path in ["queue/data?session_hash=nobody", "call/ask/no-such-event", "call/v2/ask/no-such-event"]:
        with httpx.stream("GET", f"{url}gradio_api/{path}", timeout=30) as reply:
            text = reply.read().decode()  # raised RemoteProtocolError before
        assert reply.status_code == 200 and "404" in text, text


def test_an_examples_click_without_an_example_is_a_clear_refusal(served) -> None:
    """The examples' loader with null (the page sends the index of the example clicked): a ``TypeError``
    traceback in Gradio's loader, ``{"error": null}`` to the client."""
    url, _upload = served
    event, data = _call(url, "load_example", '{"data": [null]}')
    assert event == "error" and json.loads(data)["error"].startswith("Nilai yang dikirim tidak sah"), data
    event, _data = _call(url, "load_example", '{"data": [0]}')
    assert event == "complete"


def test_an_upload_whose_files_part_is_not_a_file_is_a_clear_400(served) -> None:
    """A ``files`` part without a file name (an empty one, or ``curl -F files=text``) is a plain form field:
    Gradio's upload raised ``TypeError: File is not an instance of GradioUploadFile`` (500, a traceback)."""
    url, _upload = served
    for sent in [
        {"files": {"files": ("", b"apa tugas asisten?\n")}},
        {"files": {"lain": ("q.txt", b"x\n")}, "data": {"files": "apa tugas asisten?"}},
    ]:
        reply = httpx.post(f"{url}gradio_api/upload", timeout=30, **sent)  # type: ignore[arg-type]
        assert reply.status_code == 400 and "bagian 'files' harus berupa berkas" in reply.json()["error"]
    kept = httpx.post(f"{url}gradio_api/upload", files={"files": ("q.txt", b"apa?\n")}, timeout=30)
    assert kept.status_code == 200 and kept.json()[0].endswith("q.txt")


def test_sessions_a_client_makes_up_are_kept_up_to_a_bound(settings, tmp_path, monkeypatch) -> None:
    """Every request with a new ``session_hash`` made Gradio keep a session (a copy of the page's component
    configuration, about 50 KB) until 10,000 of them, about 500 MB; the server keeps ``SESSIONS`` now,
    least recently used dropped first, and still answers."""
    import uuid

    from qa.ui import serving as web

    monkeypatch.setattr(web, "SESSIONS", 20)
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, demo):
        index = _fn_index(url, "ask")
        for _ in range(45):
            body = {"data": ["apa tugas?", 3, None], "fn_index": index, "session_hash": uuid.uuid4().hex}
            assert httpx.post(f"{url}gradio_api/queue/join", json=body, timeout=30).status_code == 200
        event, _data = _call(url, "ask", '{"data": ["apa tugas asisten?"]}')
        assert event == "complete" and len(demo.state_holder.session_data) <= 20  # type: ignore[attr-defined]


def test_a_heartbeat_for_a_session_with_control_characters_is_refused_not_a_traceback(served) -> None:
    """``/heartbeat/<session>`` with a NUL, a newline or DEL in the session: Gradio answered, and when the
    client left, its clean-up put the session back into a URL: ``httpx.InvalidURL``, a full traceback in
    the operator's log for each such visit (checked by the fixture). Now a 400 with one line; an ordinary
    session's heartbeat is untouched."""
    import time

    url, _upload = served
    for session in ["a%00b", "a%0Ab", "a%7Fb"]:
        with httpx.stream("GET", f"{url}gradio_api/heartbeat/{session}", timeout=10) as reply:
            said = reply.read().decode()
        assert reply.status_code == 400 and "karakter kendali" in said, said
    with httpx.stream("GET", f"{url}gradio_api/heartbeat/abc123", timeout=10) as reply:
        assert reply.status_code == 200 and "ALIVE" in next(reply.iter_text())
    time.sleep(0.5)  # the clean-up of the closed heartbeat runs (and would log)


@pytest.mark.parametrize(
    ("route", "template"),
    [
        ("call/ask", '{"data": ["apa tugas asisten?", %s]}'),
        ("call/v2/ask", '{"question": "apa tugas asisten?", "k": %s}'),
        ("queue/join", '{"data": ["apa?", 3, null], "fn_index": 0, "session_hash": %s}'),
        ("run/predict", '{"data": %s, "fn_index": 0}'),
    ],
)
def test_json_nested_thousands_deep_is_a_clear_400_and_the_next_visitor_is_answered(served, route, template):
    """1,000 brackets (4 KB, well under the body bound) ended Python's JSON parser in ``RouteCheck`` with a
    ``RecursionError``: a 500 and a traceback in the log for each (checked by the fixture). Now one line,
    before any parser; an ordinary body nested a few levels still passes, and a question is answered."""
    from qa.ui.bodylimit import MAX_DEPTH

    url, _upload = served
    for n in [1000, 5000, MAX_DEPTH + 1]:
        body = template % ("[" * n + "3" + "]" * n)
        reply = httpx.post(f"{url}gradio_api/{route}", content=body, timeout=30,
                           headers={"Content-Type": "application/json"})  # fmt: skip
        said = reply.json().get("error", "") if reply.status_code == 400 else reply.text
        assert reply.status_code == 400 and f"bersarang lebih dari {MAX_DEPTH} tingkat" in said, said
    event, data = _call(url, "ask", '{"data": ["apa tugas asisten?", [[[3]]]]}')  # deep enough, k refused
    assert event == "error" and json.loads(data)["error"].startswith("k harus bilangan bulat"), data
    event, _data = _call(url, "ask", '{"data": ["apa tugas asisten?", 3]}')
    assert event == "complete"


def test_an_upload_with_a_boundary_the_parser_refuses_is_a_clear_400(served) -> None:
    """A multipart boundary longer than python-multipart's 256 characters (RFC 2046 allows 70) raised
    ``FormParserError`` where Gradio's upload makes its parser, outside its own handling: a 500 and a
    traceback (checked by the fixture). Now a 400 with one line; an ordinary upload is kept."""
    url, _upload = served
    boundary = "B" * 300
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="q.txt"\r\n\r\n'
            f"apa?\r\n--{boundary}--\r\n").encode()  # fmt: skip
    reply = httpx.post(f"{url}gradio_api/upload", content=body, timeout=30,
                       headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})  # fmt: skip
    assert reply.status_code == 400 and "boundary" in reply.json()["error"], reply.text
    kept = httpx.post(f"{url}gradio_api/upload", files={"files": ("q.txt", b"apa?\n")}, timeout=30)
    assert kept.status_code == 200 and kept.json()[0].endswith("q.txt")


@pytest.mark.parametrize(("route", "encoding"), [("call/ask", "utf-16-le"), ("queue/join", "utf-16-be"),
                                                 ("call/ask", "utf-32")])  # fmt: skip
def test_json_nested_deep_in_utf_16_or_32_is_the_same_clear_400(served, route, encoding) -> None:
    """Python's ``json.loads`` reads UTF-16 and UTF-32 bodies. A character whose bytes there hold a quote
    (U+0122: ``22 01``) hid the 5,000 brackets after it from the depth count of the raw bytes, and
    ``RouteCheck``'s own parser recursed: a 500 and a traceback (checked by the fixture). Now the same
    400 as for UTF-8; a shallow UTF-16 body still reaches Gradio."""
    from qa.ui.bodylimit import MAX_DEPTH

    url, _upload = served
    deep = "[" * 5000 + "3" + "]" * 5000
    body = '{"data": ["\u0122", ' + deep + '], "fn_index": 0, "session_hash": "s"}'
    reply = httpx.post(f"{url}gradio_api/{route}", content=body.encode(encoding), timeout=30,
                       headers={"Content-Type": "application/json"})  # fmt: skip
    said = reply.json().get("error", "") if reply.status_code == 400 else reply.text
    assert reply.status_code == 400 and f"bersarang lebih dari {MAX_DEPTH} tingkat" in said, said
    shallow = '{"data": ["apa tugas asisten?", 3]}'.encode(encoding)
    event_id = httpx.post(f"{url}gradio_api/call/ask", content=shallow, timeout=30,
                          headers={"Content-Type": "application/json"})  # fmt: skip
    assert event_id.status_code == 200 and "event_id" in event_id.json(), event_id.text


def test_a_whole_float_k_as_a_slider_or_a_raw_call_sends_it_is_answered_like_the_int(served) -> None:
    """A slider's value may arrive as 3.0 (a JavaScript number, a client's float): /ask answers it as 3,
    the same passages, through the core's own check of k (section 101), on the real server."""
    url, _ = served
    answers = []
    for k in ["3", "3.0", '"3.0"']:
        event, data = _call(url, "ask", f'{{"data": ["apa tugas asisten?", {k}]}}')
        assert event == "complete", (k, data)
        answers.append(json.loads(data)[0])
    assert len(answers[0]["passages"]) == 3
    assert answers[1] == answers[0] == answers[2]
