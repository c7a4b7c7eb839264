"""A served index follows a rebuild even while nobody asks (qa/live.py, docs/reliability.md section 126).

The look for a rebuilt index used to start only from a request, in the background, and that request was
answered from the index open: after a quiet spell the first visitor after a `qa index` got the old
documents (a document the rebuild added was "Dokumen tidak dikenal"), however long ago the rebuild was.
"""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import threading
import time
import weakref

import pytest

from qa.live import LiveAssistant
from scripts.trials import open_index, qa_env
from scripts.webserver import raw_ask, running_app

from .conftest import CORPUS, ROOT, FakeEncoder
from .ui_helpers import free_port, make_app

NEW = "Kantor asisten menteri berada di gedung Pancasila, Jakarta Pusat."
QUESTION = "di gedung mana kantor asisten menteri berada?"


def _wait_for(logs: list[str], text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not any(text in m for m in logs) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_watched_index_is_reopened_without_any_request(settings, tmp_path) -> None:
    logs: list[str] = []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = app.live = type(app.live)(app.live.current(), 0.05, log=logs.append)
    first = live.current()
    live.watch()
    try:
        (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
        open_index(settings, build="auto")  # `qa index` in another Assistant; nobody asks meanwhile
        _wait_for(logs, "index reopened")
        fresh = live.current()  # the first request after the rebuild
        assert fresh is not first and "kantor.txt" in fresh.documents
        assert app.check_doc("kantor.txt") == "kantor.txt"
    finally:
        live.stop()


def test_a_stopped_watcher_looks_no_more_and_an_unfollowed_index_is_never_watched(settings, tmp_path) -> None:
    logs: list[str] = []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    assert app.live.interval is None
    app.live.watch()  # the app was made without ``follow``: no thread, nothing looked at
    live = type(app.live)(app.live.current(), 0.05, log=logs.append)
    live.watch()
    live.stop()
    time.sleep(0.3)
    (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
    open_index(settings, build="auto")
    time.sleep(0.5)
    assert not any("index reopened" in m for m in logs)
    assert live.reopen_if_changed()  # a look asked for still reopens it


def _watchers() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name == "qa-watch"}


def test_one_watcher_per_assistant_and_none_once_the_assistant_is_dropped(settings, tmp_path) -> None:
    """Section 130: ``watch()`` twice started two threads; and a watcher held its assistant for good (its
    target was a bound method), so an app dropped or replaced in the same process (a second
    ``create_app``) kept its whole index in memory and looked at its folder every 2 s until the exit."""
    before = _watchers()
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = LiveAssistant(app.live.current(), 0.05, log=lambda m: None)
    live.watch()
    live.watch()
    mine = _watchers() - before
    assert len(mine) == 1
    time.sleep(0.2)  # it looks a few times meanwhile
    gone = weakref.ref(live)
    del live
    gc.collect()
    assert gone() is None
    for thread in mine:
        thread.join(5)
        assert not thread.is_alive()


def test_a_stopped_watcher_can_watch_again(settings, tmp_path) -> None:
    logs: list[str] = []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = app.live = LiveAssistant(app.live.current(), 0.05, log=logs.append)
    live.watch()
    live.stop()
    live.watch()  # a new thread, not the stopped one's event
    try:
        (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
        open_index(settings, build="auto")
        _wait_for(logs, "index reopened", 30)
        assert any("index reopened" in m for m in logs)
    finally:
        live.stop()


def test_the_server_closing_stops_its_watcher(settings, tmp_path, monkeypatch) -> None:
    """Section 130: ``launch`` (``qa serve``, ``python app.py``) closed its Gradio server on Ctrl-C or
    SIGTERM but left the watcher looking at the index of a server no longer there; a caller in the same
    process (a notebook, a library serving one app after another) kept it for good."""
    import qa.ui.app
    import qa.ui.serving

    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = LiveAssistant(app.live.current(), 0.05, log=lambda m: None)
    before, mine = _watchers(), set()

    def create_app(settings=None):  # type: ignore[no-untyped-def]
        app.live.watch()  # as the real one does, after its warm-up
        mine.update(_watchers() - before)
        return app

    def closed_at_once(demo) -> None:  # type: ignore[no-untyped-def]
        demo.close(verbose=False)
        raise KeyboardInterrupt  # Ctrl-C, as serve_until_interrupted lets it through

    monkeypatch.setattr(qa.ui.app, "create_app", create_app)
    monkeypatch.setattr(qa.ui.serving, "serve_until_interrupted", closed_at_once)
    monkeypatch.setenv("GRADIO_SERVER_PORT", str(free_port()))
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    with pytest.raises(KeyboardInterrupt):
        qa.ui.serving.launch()
    assert len(mine) == 1
    for thread in mine:
        thread.join(5)
    assert not any(t.is_alive() for t in mine)
    assert app.live.current() is not None  # the app itself is still usable by its caller


@pytest.mark.slow
def test_the_first_question_after_a_quiet_rebuild_is_answered_from_the_new_index(real_index_dir, tmp_path):
    """`python app.py` on 127.0.0.1 with the bundled model; `qa index` in another process adds a document
    while nobody asks; the server reopens it by itself, and the very first /ask (and a `doc` naming the new
    document) is answered from it."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index_dir, index)
    with running_app(index, tmp_path, corpus=corpus) as (url, _proc):
        assert NEW not in _ask(url)["message"]
        (corpus / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "qa.cli", "index"], env=qa_env(corpus, index), cwd=ROOT,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr
        log = tmp_path / "server.log"
        deadline = time.monotonic() + 120
        while "index reopened" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)  # no request meanwhile: only the server's own watcher can see the rebuild
        assert "index reopened" in log.read_text(), log.read_text()[-2000:]
        result = _ask(url, "kantor.txt")
        assert result["answer"]["source"] == "kantor.txt", result


def _ask(url: str, doc: str | None = None) -> dict:
    status, event, data = raw_ask(url, json.dumps({"data": [QUESTION, 3, *([doc] if doc else [])]}))
    assert status == 200 and event == "complete", (status, event, data)
    return json.loads(data)[0]
