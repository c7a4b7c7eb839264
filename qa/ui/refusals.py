"""Gradio's own checks of a request's values, answered with a message a client can act on.

Gradio checks and converts every value before a handler runs (enough values sent, a file that was
uploaded to this server, a FileData shaped as it expects, a number a slider can hold). When one of those
checks fails it answers ``{"error": null}``: the client learns nothing, unless the app launches with
``show_error=True``, which would send Gradio's own text: object reprs, pydantic dumps and the server's
working folder ("Cannot move /srv/app/x to the gradio cache dir"); a few checks raise their own English
``gradio.Error`` ("Value 100 is greater than maximum value 20."), logged with a traceback.
:class:`CheckedBlocks` turns these failures into one :class:`gradio.Error` in the page's language that
names what the endpoint takes (or the value a slider cannot hold), and no traceback is logged for them (a
stranger's malformed request is not the server's fault). Trailing values a raw call leaves out are
taken from the handler's defaults first, as ``gradio_client`` does (:func:`with_defaults`); values a call
of a public endpoint sends beyond those it takes are refused (:func:`too_many`), where Gradio drops them.

Gradio has no public hook for this; ``Blocks.preprocess_data`` (stable since Gradio 4) is the one
place every queued call's values pass through. ``tests/test_ui_server.py`` checks it through a real
server, so a Gradio that moves it fails there, not in front of users.
"""

from __future__ import annotations

import inspect
from typing import Any

import gradio as gr
from gradio.exceptions import Error, InvalidPathError

from .limits import for_page, quoted

TITLE = "Permintaan tidak sah"
HOW_TO_SEND_A_FILE = (
    "unggah dulu lewat handle_file(...) di gradio_client, atau POST /gradio_api/upload, lalu kirim path "
    'yang dijawabnya sebagai {"path": ..., "meta": {"_type": "gradio.FileData"}}'
)
FILE = "berkas"
KINDS = {"str": "teks", "str | None": "teks", "int": "bilangan bulat", "float": "bilangan", "textbox": "teks"}


def _kind(block: Any, annotation: Any) -> str:
    """What a value must be: by its component, or (``gr.api``) by its handler's type hint."""
    name = block.get_block_name() if hasattr(block, "get_block_name") else ""
    if name == "file":
        return FILE
    if name == "slider":
        return f"bilangan {block.minimum:g}-{block.maximum:g}"
    return KINDS.get(name) or KINDS.get(str(annotation), "nilai")


def expected(block_fn: Any) -> str:
    """What an endpoint takes, in order: ``upload (berkas), k (bilangan 1-20), doc (teks, opsional)``."""
    try:
        params = list(inspect.signature(block_fn.fn).parameters.values())
    except (TypeError, ValueError):
        params = []
    said = [
        f"{params[i].name} ({_kind(block, params[i].annotation)}"
        f"{', opsional' if params[i].default is not inspect.Parameter.empty else ''})" if i < len(params)
        else f"nilai ke-{i + 1} ({_kind(block, None)})"
        for i, block in enumerate(block_fn.inputs)
    ]  # fmt: skip
    return ", ".join(said)


def _off_slider(block_fn: Any, inputs: list[Any]) -> str | None:
    """What is wrong with a value a slider cannot hold (``k`` of 100, ``"3"``, ``Infinity``), in the words
    ``/ask`` uses for its own ``k``; None when every slider's value is a number in its range."""
    try:
        names = [p.name for p in inspect.signature(block_fn.fn).parameters.values()]
    except (TypeError, ValueError):
        names = []
    for i, block in enumerate(block_fn.inputs[: len(inputs)]):
        if _kind(block, None).startswith("bilangan "):
            value, low, high = inputs[i], block.minimum, block.maximum
            if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
                continue
            name = names[i] if i < len(names) else f"nilai ke-{i + 1}"
            whole = " bulat" if block.step == 1 else ""
            return f"{name} harus bilangan{whole} antara {low:g} dan {high:g}, bukan {quoted(value)}."
    return None


def refusal(block_fn: Any, inputs: list[Any], exc: Exception) -> Error:
    """Gradio's failed check ``exc`` as one clear error for the client."""
    endpoint = f"/{block_fn.api_name}" if isinstance(block_fn.api_name, str) else "Permintaan ini"
    if isinstance(exc, OSError):  # the server's side (a full disk while caching an upload): logged
        return gr.Error("Server tidak bisa menerima berkasnya saat ini; coba lagi nanti.")
    takes = expected(block_fn)
    off = None if len(inputs) < len(block_fn.inputs) else _off_slider(block_fn, inputs)
    if off is not None:
        text = off
    elif len(inputs) < len(block_fn.inputs):
        text = f"{endpoint} menerima {takes}; yang dikirim {len(inputs)} nilai."
    elif isinstance(exc, InvalidPathError):
        text = f"Berkas itu tidak diunggah ke server ini; {HOW_TO_SEND_A_FILE}."
    else:
        text = f"Nilai yang dikirim tidak sah; {endpoint} menerima {takes}."
        if f"({FILE})" in takes:
            text += f" Berkas: {HOW_TO_SEND_A_FILE}."
    return gr.Error(text, title=TITLE, print_exception=False)


def too_many(block_fn: Any, inputs: list[Any]) -> Error | None:
    """A call of a public endpoint with more values than it takes (``gradio_client``'s
    ``predict(q, 3, None, "x", api_name="/ask")``): Gradio drops the extra ones in silence, so a caller who
    meant the fourth value for something never learns it was not read. Refused, naming what it takes.
    The page's own events (private) are left to Gradio: a ``js=`` step may hand them more values, which is
    why Gradio ignores extras at all."""
    if len(inputs) <= len(block_fn.inputs) or getattr(block_fn, "api_visibility", "public") != "public":
        return None
    endpoint = f"/{block_fn.api_name}" if isinstance(block_fn.api_name, str) else "Permintaan ini"
    text = f"{endpoint} menerima {expected(block_fn)}; yang dikirim {len(inputs)} nilai."
    return gr.Error(text, title=TITLE, print_exception=False)


def with_defaults(block_fn: Any, inputs: list[Any]) -> list[Any]:
    """``inputs`` with the trailing values a raw call left out filled in from its handler's defaults, as
    ``gradio_client`` fills them: ``/ask`` ``[question, k]`` (no ``doc``) is answered over every document
    as before ``doc`` was always offered. A value left out with no default is still refused by name."""
    missing = len(block_fn.inputs) - len(inputs)
    if missing <= 0:
        return inputs
    try:
        params = list(inspect.signature(block_fn.fn).parameters.values())[len(inputs) : len(block_fn.inputs)]
    except (TypeError, ValueError):
        return inputs
    if len(params) != missing or any(p.default is inspect.Parameter.empty for p in params):
        return inputs
    return [*inputs, *(p.default for p in params)]


def _no_example(block: Any, value: Any) -> bool:
    """An examples table (``gr.Dataset``) sent no example: the page sends the index of the one clicked,
    and Gradio's loader failed on null with a logged ``TypeError`` (``{"error": null}`` to the client)."""
    return value is None and hasattr(block, "get_block_name") and block.get_block_name() == "dataset"


class CheckedBlocks(gr.Blocks):
    """``gr.Blocks`` whose refusals of a request's values say why (see the module docstring)."""

    async def preprocess_data(
        self, block_fn: Any, inputs: list[Any], state: Any, *args: Any, **kwargs: Any
    ) -> Any:
        extra = too_many(block_fn, inputs)
        if extra is not None:
            raise extra
        inputs = with_defaults(block_fn, inputs)
        try:
            if any(_no_example(block, value) for block, value in zip(block_fn.inputs, inputs, strict=False)):
                raise ValueError("no example chosen")
            return await super().preprocess_data(block_fn, inputs, state, *args, **kwargs)
        except Error as exc:  # Gradio's own (a slider's range, a file outside its cache): English, and logged
            raise _said(block_fn, refusal(block_fn, inputs, exc)) from None
        except OSError as exc:  # the server's side: the operator's log keeps the cause (the visitor does not)
            raise _said(block_fn, refusal(block_fn, inputs, exc)) from exc
        except Exception as exc:  # noqa: BLE001 - every failed check of a value, whatever Gradio raised
            raise _said(block_fn, refusal(block_fn, inputs, exc)) from None

    async def call_function(self, block_fn: Any, *args: Any, **kwargs: Any) -> Any:
        """The handler's own errors: plain text for API clients, escaped for the page (see :func:`_said`).
        A generator's every step comes through here too."""
        try:
            return await super().call_function(block_fn, *args, **kwargs)
        except Error as exc:
            raise _said(self.fns[block_fn] if isinstance(block_fn, int) else block_fn, exc) from None


def _said(block_fn: Any, error: Error) -> Error:
    """``error`` as its client reads it. The page's events are the private ones (no API page or client
    library offers them), and Gradio's page renders an Error's message as HTML: those are escaped
    (:func:`for_page`).
    A public endpoint's client (``gradio_client``, ``curl``) gets the plain text: "&lt;b&gt;" is no name."""
    private = getattr(block_fn, "api_visibility", "public") == "private"
    return for_page(error) if private else error  # type: ignore[return-value]
