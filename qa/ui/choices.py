"""The document drop-downs of the Tanya and Batch tabs, which follow the served index.

``qa serve`` reopens a rebuilt index without a restart (:mod:`qa.live`), so the documents a page was
built with may be gone, and new ones missing. The choices are read again at each page load, and the
value a request carries is checked by the handler against the index that answers it.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from . import pages
from .app import WebApp


def _unchecked(payload: Any) -> Any:
    return payload


def doc_choice(app: WebApp) -> gr.Dropdown:
    choice = gr.Dropdown(
        app.document_choices(),
        value=pages.ALL_DOCUMENTS,
        label="Dokumen",
        visible=app.can_limit_to_document,
        interactive=True,
    )
    # The handler checks the value (WebApp.check_doc) against the index that answers. Gradio's own check
    # is against the choices the page was built with, which a rebuild makes stale: it refused a new
    # document, in English, listing every name. (A subclass would do, but Gradio writes a .pyi stub
    # beside the module of any component class it sees defined.)
    choice.preprocess = _unchecked  # type: ignore[method-assign]
    return choice


def follow_documents(demo: gr.Blocks, app: WebApp, choices: list[gr.Dropdown]) -> None:
    """At each page load, the drop-downs offer the documents of the index served now (a rebuild may
    have added or removed some since start-up). Unchanged, nothing is sent (nor kept per session)."""
    built = (app.document_choices(), app.can_limit_to_document)

    def refresh() -> list[Any]:
        now = (app.document_choices(), app.can_limit_to_document)
        if now == built:
            return [gr.skip()] * len(choices)
        return [gr.Dropdown(choices=now[0], visible=now[1]) for _ in choices]

    demo.load(refresh, None, choices, api_visibility="private")
