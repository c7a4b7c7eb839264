"""A ``/call/`` stream's result is its last message (docs/reliability.md section 57). Gradio sends a
question that waits longer than its heartbeat interval (15 s) ``heartbeat`` messages first; the slow
tests read the first message as the result, and on a loaded machine a flood question in
tests/test_fair_turns_server.py "ended" in a heartbeat. Through a real Gradio server on 127.0.0.1 (in
this process, over the fake encoder), with the interval shortened below one question's time."""

from __future__ import annotations

import json

from scripts.webserver import raw_ask

from .ui_helpers import SlowQuestions, correct, make_app, serving


def test_a_question_outlasting_the_heartbeat_is_read_from_its_last_message(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("GRADIO_HEARTBEAT_INTERVAL", "0.2")  # read by Gradio as each stream opens
    encoder = SlowQuestions()
    encoder.delay = 1.0  # a question outlasts five heartbeats
    app = make_app(settings, encoder, tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        status, event, data = raw_ask(url, json.dumps({"data": ["apa tugas asisten menteri?", 3]}))
    assert (status, event) == (200, "complete"), (event, data[:200])
    assert correct(json.loads(data)[0], ("asisten",))
