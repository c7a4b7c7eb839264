"""Gradio's refusals of a request's values (qa/ui/refusals.py): what the operator's log keeps."""

from __future__ import annotations

import asyncio
import errno
import traceback

import gradio as gr
import pytest

from qa.ui.refusals import CheckedBlocks


def test_a_server_side_failure_while_taking_a_value_keeps_its_cause_in_the_operators_log(monkeypatch) -> None:
    def upload(upload: str) -> str:
        return upload

    with CheckedBlocks() as demo:
        box = gr.File()
        gr.Button().click(upload, box, box, api_name="upload")

    async def full_disk(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "/srv/cache/gradio/abc")

    monkeypatch.setattr(gr.Blocks, "preprocess_data", full_disk)
    with pytest.raises(gr.Error) as caught:
        asyncio.run(demo.preprocess_data(demo.fns[0], [{"path": "x"}], None))
    said = caught.value.message
    assert "coba lagi nanti" in said and "/srv" not in said  # the visitor reads no server path
    logged = "".join(traceback.format_exception(caught.value))  # what Gradio's print_exc writes
    assert "No space left on device" in logged and "/srv/cache/gradio/abc" in logged
