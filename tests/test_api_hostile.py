"""Hostile values through the web API that Gradio's own checks refuse (docs/reliability.md section 21):
each gets one Indonesian line naming what was wrong, and the server logs no traceback for it.

Through a real Gradio server on 127.0.0.1 (in this process, over the fake encoder), as curl sends them."""

from __future__ import annotations

import httpx
import pytest

from .conftest import FakeEncoder
from .ui_helpers import make_app, serving


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
    text = httpx.get(f"{url}gradio_api/call/{api}/{event_id.json()['event_id']}", timeout=60).text
    last = text.strip().split("\n\n")[-1]
    return last.split("event: ", 1)[1].split("\n", 1)[0], last.split("data: ", 1)[1]


def test_a_k_the_batch_slider_cannot_hold_is_named_in_indonesian(served) -> None:
    """/batch's k is a slider: Gradio refused 100 in English ("Value 100 is greater than maximum value
    20.", titled "Error") and logged a traceback for every such request; "3" was blamed on the file."""
    import json

    url, upload = served
    for k in ["100", "0", "-1", "Infinity", '"3"', "[3]"]:
        event, data = _call(url, "batch", f'{{"data": [{json.dumps(upload)}, {k}]}}')
        error = json.loads(data)["error"]
        assert event == "error" and error.startswith("k harus bilangan bulat antara 1 dan 20, bukan "), (
            k,
            error,
        )
        assert "Value" not in error and "Berkas" not in error
