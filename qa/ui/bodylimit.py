"""Refuse oversized request bodies at the door, before Gradio reads or parses them.

A question is at most MAX_WEB_QUESTION_CHARS characters, so a legitimate /ask (or queue, or /batch call:
an upload arrives separately, through Gradio's own ``/upload``, bounded by ``max_file_size``) fits in a
few kilobytes of JSON. Without a bound a 5 MB question is read whole, parsed into a Python string and
queued before :func:`qa.ui.limits.check_question` can refuse it. This ASGI middleware answers 413 from
the ``Content-Length`` header alone, or, for a chunked body, as soon as MAX_REQUEST_BYTES have arrived.
Before answering it discards what the client is still sending (without keeping or parsing it, up to
DRAIN_BYTES) so that an ordinary HTTP client reads the answer rather than a reset connection; a client
that asked ``Expect: 100-continue`` never sends the body at all.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_REQUEST_BYTES = 64 * 1024  # 500 characters as \uXXXX escapes are 3 KB: room to spare, nothing more
DRAIN_BYTES = 8 * 1024 * 1024  # discarded at most before answering; beyond it the connection just closes
EXEMPT_SUFFIXES = ("/upload", "/upload/")  # Gradio's file upload: bounded by launch(max_file_size=...)


def too_large_message(size: int | None) -> str:
    got = f" ({size / 1024:,.0f} KB)" if size is not None else ""
    return (
        f"Permintaan terlalu besar{got}; batasnya {MAX_REQUEST_BYTES // 1024} KB. "
        "Pertanyaan terlalu panjang: persingkat pertanyaannya."
    )


class BodyLimit:
    """``FastAPI(middleware=[Middleware(BodyLimit)])``: one bound for every body but file uploads."""

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).endswith(EXEMPT_SUFFIXES):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        declared = headers.get(b"content-length", b"").strip()
        if declared:
            size = int(declared) if declared.isdigit() else None
            if size is None or size > self.limit:
                continue_expected = headers.get(b"expect", b"").lower() == b"100-continue"
                if not continue_expected and size is not None and size <= DRAIN_BYTES:
                    await _drain(receive)
                await _refuse(send, size)
                return
            await self.app(scope, receive, send)  # the server delivers no more than declared
            return
        body, too_big, over = await _read_up_to(receive, self.limit)  # chunked or none: count as it comes
        if too_big:
            if not over:
                await _drain(receive)
            await _refuse(send, None)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # later calls: disconnect notices, as the server sends them

        await self.app(scope, replay, send)


async def _read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool, bool]:
    """At most ``limit`` bytes of body; then whether more than that was sent and whether the body is over
    (a later ``receive`` would wait for the client to leave)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False, True
        chunk, more = message.get("body", b""), message.get("more_body", False)
        size += len(chunk)
        if size > limit:
            return b"", True, not more
        chunks.append(chunk)
        if not more:
            return b"".join(chunks), False, True


async def _drain(receive: Receive, budget: int = DRAIN_BYTES) -> None:
    """Read and forget the rest of the body (up to ``budget`` bytes): nothing is kept or parsed."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        budget -= len(message.get("body", b""))


async def _refuse(send: Send, size: int | None) -> None:
    body = json.dumps({"error": too_large_message(size)}, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": 413,
        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
