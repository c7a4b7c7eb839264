"""An error's text as each client reads it (docs/reliability.md section 88): plain for an API client, escaped
for the page, whose pop-up Gradio renders as HTML. The page itself is checked in a real browser in
tests/test_browser_visitors.py."""

from __future__ import annotations

import asyncio

import gradio as gr
import pytest

from qa.ui.layout import build_demo
from tests.conftest import MISSION
from tests.ui_helpers import make_app

HOSTILE = '<img src=x onerror="window.__hit=1"> & "b"'


@pytest.fixture
def app(settings, fake_encoder, tmp_path):
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)


def _handler(demo: gr.Blocks, name: str):
    return next(f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def test_an_api_client_reads_the_quoted_name_as_sent_not_html_escaped(app):
    """/ask's refusal of an unknown document quoted it as ``&lt;img src=x …&gt; &amp; …``: the text a
    ``gradio_client`` or ``curl`` user read, not the name they had sent."""
    with pytest.raises(gr.Error) as info:
        app.ask(MISSION, 3, HOSTILE)
    said = info.value.message
    assert HOSTILE in said and "&lt;" not in said and "&amp;" not in said, said


def test_through_the_app_the_page_event_escapes_and_the_public_endpoint_does_not(app):
    """The same refusal through the served app's Blocks: the page's own event (Tanya) gets it escaped,
    as its pop-up renders HTML; /ask, the public endpoint, gets the plain text."""
    demo = build_demo(app)
    for name, escaped in (("ask_view", True), ("ask", False)):
        with pytest.raises(gr.Error) as info:
            asyncio.run(demo.call_function(_handler(demo, name), [MISSION, 3, HOSTILE]))
        said = info.value.message
        if escaped:
            assert "&lt;img src=x" in said and "<img" not in said and "&amp;" in said, said
        else:
            assert HOSTILE in said and "&lt;" not in said, said


def test_a_refused_value_is_quoted_plain_to_the_api_and_escaped_on_the_page(app):
    """A value refused by its check is quoted: on the page by Gradio's own checks (a slider's ``k``,
    CheckedBlocks.preprocess_data), escaped; sent to /ask, by the handler, plain (this test asserted the
    page's half only)."""
    demo = build_demo(app)
    with pytest.raises(gr.Error) as info:
        asyncio.run(demo.preprocess_data(_handler(demo, "ask_view"), [MISSION, "<b>3</b>", None], None))
    assert "&lt;b&gt;3" in info.value.message and "<b>" not in info.value.message
    with pytest.raises(gr.Error) as info:
        asyncio.run(demo.call_function(_handler(demo, "ask"), [MISSION, "<b>3</b>", None]))
    assert "bukan '<b>3</b>'" in info.value.message and "&lt;" not in info.value.message
