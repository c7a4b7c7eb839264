"""The question handlers Gradio calls (the Tanya tab and ``/ask``): each waits for its visitor's turn
(:mod:`qa.ui.turns`), then answers in a worker thread with :class:`~qa.ui.app.WebApp`.

They are registered without a concurrency limit, so a question never waits in Gradio's first-come,
first-served queue: the turns decide who goes next, and bound how many wait. A question whose visitor
left while it waited is dropped unanswered (:func:`client_gone`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import gradio as gr

from ..errors import InputError
from .app import WebApp
from .limits import DEFAULT_K, ui_error
from .turns import Busy, Gone, Left, TooMany, Turns, Visitor

# Questions one session may have waiting (a page asks one at a time; an API client sending more at
# once is told to wait or to upload them), and in all (each costs a coroutine, no thread).
PER_SESSION, LINE = 8, 64
TOO_MANY = InputError(
    f"Terlalu banyak pertanyaan Anda yang masih menunggu ({PER_SESSION}); tunggu jawabannya dulu.",
    "Untuk banyak pertanyaan sekaligus, unggah berkas di tab Batch (atau endpoint /batch).",
)
BUSY = InputError(f"Server sedang sibuk: {LINE} pertanyaan sedang menunggu; coba lagi sebentar lagi.")
LEFT = InputError("Pertanyaan dibatalkan: koneksi Anda terputus saat menunggu giliran; kirim ulang.")


def visitor(request: gr.Request | None) -> Visitor:
    """(network address, session) of a request, as far as the server can tell (see qa.ui.turns)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", None) or "?"), str(getattr(request, "session_hash", None) or "")


def client_gone() -> Gone | None:
    """A check whether the client of the Gradio event being handled has gone, or None outside one.

    Gradio does not cancel a handler whose client left (a closed tab, a dropped ``/call/`` stream, a
    ``gradio_client`` that stopped): its queue marks the event ``alive = False`` (``Queue.clean_events``,
    when the event's message stream disconnects) and stops sending it messages. ``gr.Request`` only wraps
    the HTTP request that *submitted* the event, long answered, so the event is what is asked. Read
    defensively: a Gradio without these names gives None, and questions are answered as before.
    """
    from gradio.context import LocalContext

    event_id = LocalContext.event_id.get(None)
    queue = getattr(LocalContext.blocks.get(None), "_queue", None)
    event = getattr(queue, "event_ids_to_events", {}).get(event_id) if event_id else None
    if event is None or not isinstance(getattr(event, "alive", None), bool):
        return None
    return lambda: not event.alive


class FairAsk:
    """``WebApp``'s question handlers, each in its visitor's turn."""

    def __init__(self, app: WebApp, turns: Turns | None = None) -> None:
        self.app = app
        self.turns = turns or Turns(PER_SESSION, LINE)

    async def _in_turn(self, request: gr.Request | None, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            async with self.turns.turn(visitor(request), client_gone()):
                return await anyio.to_thread.run_sync(fn, *args)
        except TooMany:
            raise ui_error(TOO_MANY) from None
        except Busy:
            raise ui_error(BUSY) from None
        except Left:  # nobody is listening: a quiet refusal that Gradio does not log
            raise ui_error(LEFT) from None

    async def ask(
        self, question: str, k: int = DEFAULT_K, doc: str | None = None, request: gr.Request | None = None
    ) -> dict:
        """/ask: one question, the same JSON object as ``qa ask --json``. ``doc`` (optional: a document's
        name) limits it to that document, checked against the index that answers."""
        return await self._in_turn(request, self.app.ask, question, k, doc)

    async def ask_view(
        self, question: str | None, k: float, doc: str | None = None, request: gr.Request | None = None
    ) -> tuple[str, Any, str, str]:
        """The Tanya tab (``WebApp.ask_view``)."""
        return await self._in_turn(request, self.app.ask_view, question, k, doc)
