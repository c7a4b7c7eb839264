"""Refuse oversized request bodies at the door, before Gradio reads or parses them.

A question is at most MAX_WEB_QUESTION_CHARS characters, so a legitimate /ask (or queue, or /batch call:
an upload arrives separately, through Gradio's own ``/upload``, bounded here to one file of
``max_file_size``) fits in a few kilobytes of JSON. Without a bound a 5 MB question is read whole,
parsed into a Python string and queued before :func:`qa.ui.limits.check_question` can refuse it. This
ASGI middleware answers 413 from the ``Content-Length`` header alone, or, for a chunked body, as soon as
the bound has arrived. Before answering it discards what the client is still sending (without keeping
or parsing it, up to DRAIN_BYTES) so that an ordinary HTTP client reads the answer rather than a reset
connection; a client that asked ``Expect: 100-continue`` never sends the body at all.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .limits import MAX_FILE_BYTES, MAX_WEB_QUESTION_CHARS
from .uploadfolder import STALE_PART_SECONDS as STALE_PART_SECONDS  # re-exported: tests name it here
from .uploadfolder import tidy_upload_folder, upload_folder_free

MAX_REQUEST_BYTES = 64 * 1024  # a question (2,000 code points at most) in \uXXXX escapes: 24 KB
DRAIN_BYTES = 8 * 1024 * 1024  # discarded at most before answering; beyond it the connection just closes
UPLOAD_SUFFIXES = ("/upload", "/upload/")  # Gradio's file upload
# Gradio bounds each uploaded file (launch(max_file_size=...)) but not how many one request carries:
# 25 files of 4 MB in one request were all kept, 100 MB of disk a second for a loop of them. The page
# uploads one question file at a time, so an upload body is bounded by one file and its form framing;
# and uploads stop while the disk holding them has less than MIN_FREE_BYTES free (the cache is emptied
# of files older than an hour, qa.ui.layout), so a flood of uploads cannot fill the server's disk.
MAX_UPLOAD_REQUEST_BYTES = MAX_FILE_BYTES + 64 * 1024
MIN_FREE_BYTES = 1024**3
# JSON a route parses is bounded in depth too: 1,000 brackets fit in 4 KB and end any recursive parser
# (Python's json: RecursionError). The deepest legitimate body (a /batch FileData in data) is 4 levels.
MAX_DEPTH = 32
# A JSON string (its brackets are text, not nesting; one left open runs to the end), or a bracket. One pass:
# a string pattern that had to find its closing quote was retried from every quote after a failed match,
# 12 s for 64 KB of \" with no quote to end them. DOTALL: an escape's second byte may be any byte, a line
# feed too (without it the string ended at that backslash and the next quote opened one the parser never saw).
TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"?|[][{}]', re.DOTALL)
TOO_DEEP = f"Permintaan tidak sah: JSON-nya bersarang lebih dari {MAX_DEPTH} tingkat."


def too_large_message(size: int | None, limit: int = MAX_REQUEST_BYTES) -> str:
    got = f" ({size / 1024:,.0f} KB)" if size is not None else ""
    if limit != MAX_REQUEST_BYTES:
        return f"Berkas terlalu besar{got}; batasnya {MAX_FILE_BYTES // 2**20} MB, satu berkas sekali unggah."
    return (
        f"Permintaan terlalu besar{got}; batasnya {MAX_REQUEST_BYTES // 1024} KB. Satu pertanyaan paling "
        f"panjang {MAX_WEB_QUESTION_CHARS} karakter: persingkat pertanyaannya. Banyak pertanyaan sekaligus: "
        "kirim sebagai berkas ke /batch, atau jawab berkas besar dengan `qa batch` di komputer sendiri."
    )


# Gradio's Python client (``x-gradio-user: api`` on its calls) shows a refused call's body only for a 422
# whose ``detail`` lists failed checks (``gradio_client.utils.extract_validation_message``); any other
# status, a 413, a 400 (JSON too deep) or a 429 (answers left unread) too, is raised as httpx's "Client
# error '413 Request Entity Too Large' for url …", and the user never reads why. Its calls are refused as
# such a 422 (``error`` kept, as every other client reads it); curl, a browser and the page keep the
# status. (Its uploads carry no such header and it reads no body of a refused upload: see section 95.)
API_CLIENT = (b"x-gradio-user", b"api")


def api_call(scope: Scope) -> bool:
    """Whether a request is a call of Gradio's Python client (API_CLIENT)."""
    return any(k.lower() == API_CLIENT[0] and v == API_CLIENT[1] for k, v in scope.get("headers", []))


DISK_FULL_MESSAGE = "Penyimpanan server hampir penuh; unggahan ditolak untuk sementara. Coba lagi nanti."


TIDY_EVERY = 60.0  # seconds between two tidies of the upload folder (uploadfolder.tidy_upload_folder)


class BodyLimit:
    """``FastAPI(middleware=[Middleware(BodyLimit)])``: a bound for every body (a file upload: one file),
    and no uploads while the disk is nearly full (after removing what abandoned uploads left)."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES, upload_limit: int = MAX_UPLOAD_REQUEST_BYTES,
        free: Callable[[], int] = upload_folder_free, min_free: int = MIN_FREE_BYTES,
        tidy: Callable[[], object] = tidy_upload_folder,
    ) -> None:  # fmt: skip
        self.app, self.limit, self.upload_limit = app, limit, upload_limit
        self.free, self.min_free, self.tidy = free, min_free, tidy
        self.tidied_at = -math.inf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        api = api_call(scope)
        if str(scope.get("path", "")).endswith(UPLOAD_SUFFIXES) and scope.get("method") == "POST":
            limit = self.upload_limit
            if time.monotonic() - self.tidied_at >= TIDY_EVERY:  # before the disk is judged full
                self.tidied_at = time.monotonic()
                self.tidy()
            try:
                full = self.free() < self.min_free
            except OSError:
                full = False  # cannot tell: Gradio's own write will say
            if full:
                await drain(receive)
                await refuse(send, 507, DISK_FULL_MESSAGE)
                return
        declared = headers.get(b"content-length", b"").strip()
        if declared:
            size = int(declared) if declared.isdigit() else None
            if size is None or size > limit:
                continue_expected = headers.get(b"expect", b"").lower() == b"100-continue"
                if not continue_expected and size is not None and size <= DRAIN_BYTES:
                    await drain(receive)
                await refuse(send, 413, too_large_message(size, limit), api)
                return
            await self.app(scope, receive, send)  # the server delivers no more than declared
            return
        body, too_big, over = await read_up_to(receive, limit)  # chunked or none: count as it comes
        if too_big:
            if not over:
                await drain(receive)
            await refuse(send, 413, too_large_message(None, limit), api)
            return
        await self.app(scope, replaying(body, receive), send)


def depth(body: bytes) -> int:
    """How deeply a JSON body nests arrays and objects, counted without parsing (no recursion).

    Counted in the text Python's ``json.loads`` reads, which takes UTF-16 and UTF-32 bodies too: there a
    character's bytes may hold a quote (U+0122 is ``22 01``), which hid every bracket after it from a
    count of the raw bytes while the parser recursed through them."""
    deepest = level = 0
    encoding = json.detect_encoding(body)
    if not encoding.startswith("utf-8"):
        with contextlib.suppress(UnicodeDecodeError):  # undecodable: json.loads stops before any bracket
            body = body.decode(encoding, "surrogatepass").encode("utf-8", "surrogatepass")
    for token in TOKENS.finditer(body):
        if token[0] in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        elif token[0] in (b"]", b"}"):
            level -= 1
    return deepest


async def read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool, bool]:
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


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` (already read) once, then what the server sends (disconnects)."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def drain(receive: Receive, budget: int = DRAIN_BYTES) -> None:
    """Read and forget the rest of the body (up to ``budget`` bytes): nothing is kept or parsed."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return
        budget -= len(message.get("body", b""))


async def refuse(send: Send, status: int, message: str, api: bool = False) -> None:
    """Answer ``status`` with ``{"error": message}``; to Gradio's Python client (``api``) any refusal of
    the request (4xx) is a 422 whose ``detail`` it shows (API_CLIENT)."""
    content: dict[str, object] = {"error": message}
    if api and 400 <= status < 500:
        status = 422
        check = {"__type__": "validate", "is_valid": False, "parameter_name": "data", "message": message}
        content["detail"] = [check]
    body = json.dumps(content, ensure_ascii=False).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()), (b"connection", b"close")],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})
