"""Requests naming an event, an endpoint or a component function the page does not have, refused at the door.

Gradio looks up what such a request names before checking it: ``/queue/join`` with an ``fn_index`` it
does not hold (``KeyError``, 500) or the index of a JavaScript-only event (``IndexError: function has no
backend method``, then ``{"error": null}``), ``/call/nope``, ``/run/nope`` or ``/api/nope``
(``FnIndexInferError``, 500), ``/call/v2/nope`` (``KeyError``), ``/call/v2/ask`` with a parameter it does
not take or without its question (``TypeError``, 500), ``/component_server`` naming any component (this
page has no component functions: ``KeyError``, 500). Each logged a full traceback, so a stranger could fill
the operator's log with them, and learned nothing from the answer. :class:`RouteCheck` reads the body of
those few routes (it sits inside :class:`~qa.ui.bodylimit.BodyLimit`, so the body is bounded), checks the
name against the page's own events and answers 404 or 422 with one Indonesian line; every other request,
and every request naming what exists, passes untouched to Gradio, whose own checks follow. A call of
Gradio's Python client is refused as a 422 whose ``detail`` holds that line, the one body it shows
(:func:`~qa.ui.bodylimit.refuse`).

An upload whose ``files`` part is a plain field, not a file, is a 400 with one line too (Gradio raised a
``TypeError``: 500), and so is one whose multipart boundary the parser refuses to start on (longer than
its 256 characters: ``FormParserError``, 500). A body of those routes nested deeper than MAX_DEPTH is a
400 before any JSON parser sees it: 1,000 brackets in 4 KB were a ``RecursionError`` here (500).

A message stream opened for a session or an event the queue does not hold
(``/queue/data?session_hash=…``, ``/call/ask/<unknown id>``) is told so inside the stream by Gradio,
which then raises its 404 into the response it already started (``RuntimeError: Caught handled
exception, but response already started``, logged, and the client's stream cut without its end). That
stream is ended here, quietly.

Only Gradio's public names are read: ``Blocks.fns`` (``fn``, ``api_name``, ``api_visibility``),
``Blocks.blocks``, ``Blocks.get_api_info`` and ``PredictBody``, the queue's own model of a body.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from python_multipart.exceptions import FormParserError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .bodylimit import MAX_DEPTH, MAX_REQUEST_BYTES, TOO_DEEP, api_call, depth, read_up_to, refuse, replaying
from .limits import quoted
from .refusals import expected
from .unread import Unread

API = "/gradio_api/"  # gradio.route_utils.API_PREFIX
INFO_PATH = API + "info"  # Gradio's list of the public endpoints, their parameters and returns (JSON)
NAMED = re.compile(
    r"(?:(?P<join>queue/join)|call/v2/(?P<v2>[^/]+)|call/(?P<name>[^/]+)|(?:run|api)/(?P<direct>[^/]+)"
    r"|(?P<component>component_server))/?"
)
STREAMS = re.compile(r"(?:queue/data|call/(?:v2/)?[^/]+/[^/]+)/?")
UPLOAD = re.compile(r"upload/?")
HEARTBEAT = re.compile(r"heartbeat/(?P<session>[^/]*)/?")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # what no URL may hold (Gradio puts the session back into one)
BAD_FORM = "Unggahan tidak sah: batas (boundary) multipart/form-data-nya rusak atau terlalu panjang."
BAD_SESSION = "Sesi tidak sah: session_hash tidak boleh berisi karakter kendali."
NOT_A_FILE = (
    "Unggahan tidak sah: bagian 'files' harus berupa berkas (multipart/form-data dengan nama berkas), "
    "misalnya curl -F 'files=@pertanyaan.txt'."
)


def _route(path: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    at = path.rfind(API)
    return pattern.fullmatch(path, at + len(API)) if at >= 0 else None


def _session(body: bytes) -> str | None:
    """The ``session_hash`` a join or ``/call`` body names (none: Gradio makes one)."""
    try:
        sent = json.loads(body)
    except ValueError:
        return None
    session = sent.get("session_hash") if isinstance(sent, dict) else None
    return session if isinstance(session, str) else None


def _has_component_functions(blocks: Any) -> bool:
    """Whether any component of the page has a function ``/component_server`` may call (class-level
    ``@server`` methods: no property of a component is evaluated)."""
    return any(
        getattr(value, "_is_server_fn", False)
        for block in getattr(blocks, "blocks", {}).values()
        for cls in type(block).__mro__
        for value in vars(cls).values()
    )


class RouteCheck:
    """``FastAPI(middleware=[..., Middleware(RouteCheck, blocks=demo)])``: see the module docstring."""

    def __init__(self, app: ASGIApp, blocks: Any) -> None:
        self.app, self.blocks = app, blocks
        self.component_functions = _has_component_functions(blocks)
        self._parameters: dict[str, list[dict[str, Any]]] | None = None
        self.unread = Unread(blocks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = str(scope.get("path", "")), scope.get("method")
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif method == "GET" and (beat := _route(path, HEARTBEAT)) and CONTROL.search(beat["session"]):
            await refuse(send, 400, BAD_SESSION)  # Gradio's clean-up at its end: httpx.InvalidURL, logged
        elif method == "GET" and _route(path, STREAMS):
            await self._stream(scope, receive, send)
        elif method == "POST" and _route(path, UPLOAD):
            await self._upload(scope, receive, send)
        elif method == "POST" and (named := _route(path, NAMED)):
            body, too_big, _ = await read_up_to(receive, MAX_REQUEST_BYTES)
            if too_big:
                problem: tuple[int, str] | None = (413, "Permintaan terlalu besar.")
            else:
                problem = (400, TOO_DEEP) if depth(body) > MAX_DEPTH else self.problem(named, body)
            if problem is None and (named["join"] or named["name"] or named["v2"]):
                refused = self.unread.join(None if named["v2"] else _session(body))
                problem = (429, refused) if refused else None
            if problem is not None:
                await refuse(send, *problem, api_call(scope))  # gradio_client reads a 422's detail
            else:
                await self.app(scope, replaying(body, receive), send)
        else:
            await self.app(scope, receive, send)

    def problem(self, named: re.Match[str], body: bytes) -> tuple[int, str] | None:
        """(status, message) for a request naming what the page lacks; None to let Gradio answer it."""
        if named["join"] or named["direct"]:
            from gradio.data_classes import PredictBody
            from pydantic import ValidationError

            try:
                index = PredictBody.model_validate_json(body).fn_index
            except ValidationError:
                return None  # Gradio's own 422 names the field
            if index is not None:  # names the event; a direct route's name is then a placeholder
                if self._runs(self.blocks.fns.get(index)):  # ("/run/predict": the page's unqueued events)
                    return None
                return 404, f"Tidak ada fungsi nomor {quoted(index)} di server ini; {self.endpoints()}"
            if named["join"]:
                return None  # Gradio's own 400: "No function index provided."
        if named["component"]:
            return None if self.component_functions else (404, "Halaman ini tidak punya fungsi komponen.")
        name = named["v2"] or named["name"] or named["direct"]
        fn: Any = next((f for f in self.blocks.fns.values() if f.api_name == name), None)
        if not self._runs(fn) or (named["v2"] and fn.api_visibility != "public"):
            return 404, f"Endpoint {quoted('/' + name, 80)} tidak ada di server ini; {self.endpoints()}"
        return self._keywords(fn, name, body) if named["v2"] else None

    def endpoints(self) -> str:
        fns = self.blocks.fns.values()
        public = [f"/{f.api_name}" for f in fns if self._runs(f) and f.api_visibility == "public"]
        # the list as JSON: Gradio 6.31's page does not open its API page from "/?view=api" (checked in
        # chromium, on this page and on a bare Blocks), which this message named until section 76
        return f"API-nya: {', '.join(public)} (daftar lengkapnya: {INFO_PATH})."

    def _keywords(self, fn: Any, name: str, body: bytes) -> tuple[int, str] | None:
        """``/call/v2/<name>`` takes the endpoint's parameters by name: one it does not take, or a required
        one left out, is refused by name (Gradio raised a TypeError in the route: 500)."""
        try:
            sent = json.loads(body)
        except ValueError:
            return None  # Gradio's own 422
        if not isinstance(sent, dict):
            return None
        params = self.parameters().get(name, [])
        names = [p.get("parameter_name") for p in params]
        unknown = [quoted(k, 40) for k in sent if k not in names and k != "oauth_token"]
        missing = [str(p.get("parameter_name") or f"nilai ke-{i + 1}") for i, p in enumerate(params)
                   if not p.get("parameter_has_default") and p.get("parameter_name") not in sent]  # fmt: skip
        takes = f"/{name} menerima {expected(fn)}."
        if unknown:
            return 422, f"/{name} tidak menerima {', '.join(unknown[:5])}; {takes}"
        if missing:
            return 422, f"/{name} perlu {', '.join(missing)}; {takes}"
        return None

    def parameters(self) -> dict[str, list[dict[str, Any]]]:
        """Each public endpoint's parameters as Gradio's API page (and ``/call/v2``) describes them."""
        if self._parameters is None:
            named = self.blocks.get_api_info().get("named_endpoints", {})
            self._parameters = {k.lstrip("/"): list(v.get("parameters", [])) for k, v in named.items()}
        return self._parameters

    @staticmethod
    def _runs(fn: Any) -> bool:
        return fn is not None and getattr(fn, "fn", None) is not None

    async def _stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = self._stream_session(scope)
        self.unread.opened(session)
        try:
            await self._streaming(scope, receive, send)
        finally:
            self.unread.closed(session)

    def _stream_session(self, scope: Scope) -> str | None:
        """The session whose inbox a stream reads: ``?session_hash=`` or the session of ``/call``'s event."""
        path = str(scope.get("path", ""))
        if path.rstrip("/").endswith("queue/data"):
            from urllib.parse import parse_qs

            query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
            return query.get("session_hash", [None])[-1]
        return self.unread.session_of(path.rstrip("/").rsplit("/", 1)[-1])

    async def _streaming(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = Started(send)
        try:
            await self.app(scope, receive, started)
        except RuntimeError as exc:
            # Gradio's "no such session" 404, raised after the stream told the client so: end it there
            cause = exc.__cause__
            if not (started.yes and isinstance(cause, HTTPException) and cause.status_code == 404):
                raise
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A ``files`` part that is a plain form field (no file name: ``-F files=x``, or an empty name)
        raised ``TypeError: File is not an instance of GradioUploadFile`` in Gradio's upload: a 500 and a
        logged traceback. It is a 400 with one line; file parts written before it are Gradio's ``tmp…``
        files, which ``BodyLimit`` removes once abandoned."""
        started = Started(send)
        try:
            await self.app(scope, receive, started)
        except TypeError as exc:
            if started.yes or "GradioUploadFile" not in str(exc):
                raise
            await refuse(send, 400, NOT_A_FILE)
        except FormParserError:  # raised where the parser is made, before Gradio's own 400s
            if started.yes:
                raise
            await refuse(send, 400, BAD_FORM)


class Started:
    """A ``send`` that remembers whether the response has started (an error after that cannot be
    answered with a response of its own)."""

    def __init__(self, send: Send) -> None:
        self.send, self.yes = send, False

    async def __call__(self, message: Message) -> None:
        self.yes = self.yes or message["type"] == "http.response.start"
        await self.send(message)
