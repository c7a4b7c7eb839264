"""qa.ui.bodylimit: an oversized request body is refused before the app reads or parses it."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from qa.ui.bodylimit import MAX_REQUEST_BYTES, MIN_FREE_BYTES, BodyLimit
from qa.ui.limits import MAX_FILE_BYTES


@pytest.fixture
def served():
    """A tiny app behind the middleware; ``calls`` counts the requests that reached it (the spy)."""
    calls: list[int] = []

    async def ask(request: Request) -> JSONResponse:
        body = await request.body()
        calls.append(len(body))
        return JSONResponse({"size": len(body)})

    routes = [Route("/gradio_api/call/ask", ask, methods=["POST"]),
              Route("/gradio_api/upload", ask, methods=["POST"])]  # fmt: skip
    app = Starlette(routes=routes, middleware=[Middleware(BodyLimit)])
    return TestClient(app), calls


def test_a_small_body_passes_through_unchanged(served):
    client, calls = served
    body = json.dumps({"data": ["apa tugas asisten menteri?", 3]}).encode()
    assert client.post("/gradio_api/call/ask", content=body).json() == {"size": len(body)}
    assert calls == [len(body)]


def test_a_5_mb_question_is_refused_with_a_clear_message_and_never_reaches_the_app(served):
    client, calls = served
    body = json.dumps({"data": ["apa tugas asisten menteri? " * 200_000, 3]}).encode()  # 5.4 MB
    response = client.post("/gradio_api/call/ask", content=body)
    assert response.status_code == 413 and calls == []
    message = response.json()["error"]
    assert "terlalu besar" in message and "64 KB" in message and "asisten" not in message  # never echoed


def test_a_chunked_body_without_length_is_counted_as_it_arrives(served):
    client, calls = served

    def chunks():
        for _ in range(100):
            yield b"x" * 4096  # 400 KB with no Content-Length header

    assert client.post("/gradio_api/call/ask", content=chunks()).status_code == 413 and calls == []

    def small():
        yield b'{"data": ["apa", 3]}'

    assert client.post("/gradio_api/call/ask", content=small()).status_code == 200 and len(calls) == 1


def test_the_limit_is_exactly_the_bound_and_an_upload_may_carry_one_file(served):
    client, calls = served
    assert client.post("/gradio_api/call/ask", content=b"x" * MAX_REQUEST_BYTES).status_code == 200
    assert client.post("/gradio_api/call/ask", content=b"x" * (MAX_REQUEST_BYTES + 1)).status_code == 413
    assert client.post("/gradio_api/upload", content=b"x" * MAX_FILE_BYTES).status_code == 200
    assert calls == [MAX_REQUEST_BYTES, MAX_FILE_BYTES]


def test_an_upload_of_many_files_in_one_request_is_refused_before_any_is_kept(served):
    """Gradio bounds each file, not their number: 25 files of 4 MB in one request were all kept."""
    client, calls = served
    files = [("files", (f"f{i}.txt", b"x" * (4 * 2**20))) for i in range(25)]
    response = client.post("/gradio_api/upload", files=files)
    assert response.status_code == 413 and calls == []
    assert "satu berkas sekali unggah" in response.json()["error"]
    one = client.post("/gradio_api/upload", files=[("files", ("q.txt", b"x" * (MAX_FILE_BYTES - 1)))])
    assert one.status_code == 200 and len(calls) == 1


def test_uploads_stop_while_the_disk_is_nearly_full_and_questions_go_on():
    calls: list[str] = []

    async def seen(request: Request) -> JSONResponse:
        calls.append(request.url.path)
        return JSONResponse({})

    free = [MIN_FREE_BYTES - 1]
    routes = [Route(p, seen, methods=["POST"]) for p in ("/gradio_api/upload", "/gradio_api/call/ask")]
    limited = Middleware(BodyLimit, free=lambda: free[0])
    client = TestClient(Starlette(routes=routes, middleware=[limited]))
    response = client.post("/gradio_api/upload", files=[("files", ("q.txt", b"apa?"))])
    assert response.status_code == 507 and "hampir penuh" in response.json()["error"] and calls == []
    assert client.post("/gradio_api/call/ask", content=b'{"data": ["apa", 3]}').status_code == 200
    free[0] = MIN_FREE_BYTES
    assert client.post("/gradio_api/upload", files=[("files", ("q.txt", b"apa?"))]).status_code == 200
    assert calls == ["/gradio_api/call/ask", "/gradio_api/upload"]


def test_what_abandoned_uploads_leave_is_removed_before_the_disk_is_judged(tmp_path):
    """Gradio streams an upload into a ``tmp…`` file and removes it only when the form is malformed: a
    client that disconnects mid-upload leaves it for good (Gradio's hourly clean-up does not know it).
    Five aborted 100 KB uploads left five files; with the disk guard above, a flood of them would have
    turned uploads away for good."""
    import os
    import tempfile
    import time
    from pathlib import Path

    from qa.ui.bodylimit import STALE_PART_SECONDS, tidy_upload_folder

    old, fresh = tmp_path / "tmpab_nd0n3", tmp_path / "tmpinpr0gre"
    kept = [tmp_path / "9f86d0" / "pertanyaan.txt", tmp_path / "catatan-tmp.txt", tmp_path / "tmpdir_dir_"]
    kept[0].parent.mkdir()
    kept[2].mkdir()
    for f in (old, fresh, kept[0], kept[1]):
        f.write_bytes(b"x" * 1000)
    an_hour_ago = time.time() - 2 * STALE_PART_SECONDS
    for f in (old, kept[0], kept[1], kept[2]):
        os.utime(f, (an_hour_ago, an_hour_ago))
    assert tidy_upload_folder(tmp_path) == 1
    assert not old.exists() and fresh.exists() and all(p.exists() for p in kept)
    shared = Path(tempfile.mkdtemp())  # as if GRADIO_TEMP_DIR were the system's /tmp: never tidied
    (shared / "tmpab_nd0n3").write_bytes(b"x")
    os.utime(shared / "tmpab_nd0n3", (an_hour_ago, an_hour_ago))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "gettempdir", lambda: str(shared))
        assert tidy_upload_folder(shared) == 0 and (shared / "tmpab_nd0n3").exists()

    tidied: list[int] = []

    async def seen(request: Request) -> JSONResponse:
        return JSONResponse({})

    routes = [Route("/gradio_api/upload", seen, methods=["POST"])]
    limited = Middleware(BodyLimit, tidy=lambda: tidied.append(1), free=lambda: MIN_FREE_BYTES)
    client = TestClient(Starlette(routes=routes, middleware=[limited]))
    for _ in range(3):
        assert client.post("/gradio_api/upload", files=[("files", ("q.txt", b"apa?"))]).status_code == 200
    assert tidied == [1]  # at most once a minute, not on every upload


def test_the_depth_of_a_json_body_is_counted_without_parsing_and_brackets_in_strings_do_not_count() -> None:
    from qa.ui.bodylimit import depth

    assert depth(b'{"data": ["apa?", 3]}') == 2
    assert depth(b'{"a": "[[[[\\"[[{", "b": [{}]}') == 3  # brackets and an escaped quote inside a string
    assert depth(b"[" * 100_000) == 100_000  # no recursion, whatever the depth
    assert depth(b"") == 0
    assert depth(b'["]", "\\\\"]') == 1  # a closing bracket in a string; an escaped backslash ends a string


def test_the_depth_of_a_body_full_of_unended_strings_is_counted_in_one_pass() -> None:
    """A string pattern that must find its closing quote is retried from every later quote when there is
    none: a body at the bound made of ``\\"`` took 12 s, the whole server's event loop held. Now one pass."""
    import time

    from qa.ui.bodylimit import MAX_REQUEST_BYTES, depth

    body = b'"' + b'\\"' * (MAX_REQUEST_BYTES // 2 - 1)
    # CPU seconds (reliability.md sections 57, 70): the retries burn CPU, which a loaded machine's other
    # work does not inflate; 1 ms of work measured in wall time waits for the core as long as it is held
    started = time.process_time()
    assert depth(body) == 0 and depth(b"[" + body) == 1
    assert time.process_time() - started < 1.0


def _parsed_depth(value: object) -> int:
    """The nesting Python's parser builds (iteratively, for the oracle)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level + 1)
            todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "utf-32"])
def test_the_depth_counted_is_the_depth_the_parser_builds_in_every_encoding_it_reads(encoding) -> None:
    """``json.loads`` reads UTF-16 and UTF-32 bodies too. Counted in their raw bytes, a character whose code
    unit holds a quote byte (U+0122 is ``22 01`` in UTF-16-LE, U+2200 ``22 22`` either way) opened a
    "string" that hid every bracket after it: 5,000 levels counted as 2, and the parser recursed to a 500.
    Now counted in the text the parser reads: the same depth as the parser's own, whatever the encoding."""
    from qa.ui.bodylimit import depth

    deep = "[" * 40 + "3" + "]" * 40
    texts = [
        '{"data": ["\u0122", ' + deep + "]}", '{"data": ["\u2200\u225b\u5b5b\u7b7b", ' + deep + "]}",
        '{"a": "\\\\", "b": [["\\\\\\""]], "c": "]]}}[{"}', '["\\"[[[", {"x": ["\\u005b"]}]',
        '{"data": ["apa tugas asisten?", 3], "fn_index": 0, "session_hash": "s"}', "[]", "3",
    ]  # fmt: skip
    for text in texts:
        body = text.encode(encoding)
        assert depth(body) == _parsed_depth(json.loads(body)), (encoding, text[:40])


def test_an_escape_before_a_line_feed_does_not_end_the_string_early() -> None:
    """``\\.`` without DOTALL stopped at a backslash before a line feed, and the next quote then opened a
    string of its own: the brackets after it went uncounted. (Python's parser refuses a raw line feed in a
    string, so it never recursed through them; the count is now exact regardless.)"""
    from qa.ui.bodylimit import depth

    assert depth(b'["\\\n", [[[[]]]]]') == 5
    assert depth(b'["\\\n" "' + b"[" * 100 + b'"]') == 1  # the brackets sit inside the second string


SHAPES = {  # the shapes a one-pass count must not be quadratic in, each at the body bound
    "brackets": b"[" * MAX_REQUEST_BYTES,
    "closing": b"]" * MAX_REQUEST_BYTES,
    "quotes": b'"' * MAX_REQUEST_BYTES,
    "escaped quotes": b'"' + b'\\"' * (MAX_REQUEST_BYTES // 2 - 1),
    "backslashes": b"\\" * MAX_REQUEST_BYTES,
    "quote backslash": b'"\\' * (MAX_REQUEST_BYTES // 2),
    "unended strings": b'["' * (MAX_REQUEST_BYTES // 2),
    "utf-16": ('["\u0122' * (MAX_REQUEST_BYTES // 6)).encode("utf-16-le"),
    "utf-16 escapes": ('"' + '\\"' * (MAX_REQUEST_BYTES // 4 - 1)).encode("utf-16-le"),
    "binary": bytes(range(256)) * (MAX_REQUEST_BYTES // 256),
    "form": b"a=%5B&" * (MAX_REQUEST_BYTES // 6),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_depth_of_any_body_at_the_bound_costs_one_pass_of_cpu(shape) -> None:
    """The count runs in the server's event loop: every shape of body at the bound, JSON or not, in any
    encoding, costs milliseconds of CPU (process time, so other work on the machine does not count)."""
    import time

    from qa.ui.bodylimit import depth

    body = SHAPES[shape]
    started = time.process_time()
    for _ in range(5):
        depth(body)
    assert (time.process_time() - started) / 5 < 0.1, shape


def test_gradio_clients_call_is_refused_in_the_shape_it_shows_and_curl_keeps_the_413(served):
    """``gradio_client`` raised httpx's "Client error '413 Request Entity Too Large' for url …" for a body
    over the bound: it reads a refused call's body only from a 422's ``detail``. Its calls (``x-gradio-user:
    api``) get that shape, with the size, the bound and what to do; curl and the page keep the 413."""
    from gradio_client.utils import extract_validation_message
    from httpx import Response

    client, calls = served
    body = json.dumps({"data": ["apa tugas asisten menteri? " * 4000, 3]}).encode()  # 108 KB
    for headers in ({"x-gradio-user": "api"}, {"x-gradio-user": "api", "transfer-encoding": "chunked"}):
        sent = body if "transfer-encoding" not in headers else iter([body])
        response = client.post("/gradio_api/queue/join", content=sent, headers=headers)
        assert response.status_code == 422 and calls == []
        shown = extract_validation_message(Response(422, content=response.content)) or ""
        assert "Permintaan terlalu besar" in shown and "batasnya 64 KB" in shown, shown
        assert "qa batch" in shown
        assert shown.split("\n", 1)[1].startswith("- data: ") and response.json()["error"] in shown
    for headers in ({}, {"x-gradio-user": "app"}):
        refused = client.post("/gradio_api/queue/join", content=body, headers=headers)
        assert refused.status_code == 413 and "qa batch" in refused.json()["error"]
        assert "detail" not in refused.json()
