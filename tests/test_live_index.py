"""A running assistant follows its index (qa/live.py, docs/reliability.md section 12): a rebuild while
serving is answered from without a restart, a request in flight keeps one index, and a rebuilt index that
cannot be opened is logged while the previous one keeps answering."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

from qa.manifest import MANIFEST
from scripts.trials import open_index, qa_env
from scripts.webserver import raw_ask, running_app

from .conftest import CORPUS, DOC, ROOT, FakeEncoder
from .ui_helpers import make_app

NEW = "Kantor asisten menteri berada di gedung Pancasila, Jakarta Pusat."
QUESTION = "di gedung mana kantor asisten menteri berada?"


def _rebuild(settings, text: str = NEW) -> None:
    (settings.corpus_dir / "kantor.txt").write_text(text + "\n", encoding="utf-8")
    open_index(settings, build="auto")  # what `qa index` does, in another Assistant


def _sources(app, question: str = QUESTION) -> list[str]:
    return [p["source"] for p in app.ask(question, 3)["passages"]]


def test_a_rebuild_while_serving_is_answered_from_without_a_restart(settings, tmp_path) -> None:
    logs: list[str] = []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=logs.append)
    assert "kantor.txt" not in _sources(app) and not app.live.reopen_if_changed()
    _rebuild(settings)
    assert app.live.reopen_if_changed() and "kantor.txt" in _sources(app)
    assert "kantor.txt" in app.documents and any("index reopened" in m for m in logs)


def test_a_rebuilt_index_that_cannot_be_opened_is_logged_and_the_previous_one_kept(settings, tmp_path):
    logs: list[str] = []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=logs.append)
    before = app.ask(QUESTION, 3)
    manifest = settings.index_dir / MANIFEST
    manifest.write_text("{half a manifest", encoding="utf-8")  # a rebuild gone wrong, a hand edit
    assert not app.live.reopen_if_changed()
    assert app.ask(QUESTION, 3) == before
    assert any("cannot be opened" in m and "still serving the previous one" in m for m in logs)
    assert not app.live.reopen_if_changed()  # not tried again at every request: after a delay (section 21)


def test_a_request_in_flight_keeps_the_index_it_started_with(settings, tmp_path) -> None:
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    with app.live.pinned() as pinned:  # a batch upload pins its assistant for the whole file
        _rebuild(settings)
        assert app.live.reopen_if_changed()
        assert app.assistant is pinned and "kantor.txt" not in _sources(app)
    assert app.assistant is not pinned and "kantor.txt" in _sources(app)


def test_the_first_look_is_due_only_after_the_interval_and_runs_in_the_background(settings, tmp_path):
    now = [0.0]
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = app.live = type(app.live)(app.live.current(), 5.0, log=lambda m: None, clock=lambda: now[0])
    first = live.current()
    _rebuild(settings)
    assert live.current() is first  # within the interval: not even a stat
    now[0] = 5.0
    assert live.current() is first  # the look starts in the background; this request is not held
    deadline = time.monotonic() + 60
    while live.current() is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "kantor.txt" in live.current().documents


@pytest.mark.slow
def test_a_real_server_answers_from_an_index_rebuilt_while_it_runs(real_index_dir, tmp_path) -> None:
    """`python app.py` on 127.0.0.1 with the bundled model; `qa index` in another process adds a
    document; within seconds /ask answers from it, with no restart. Then a manifest replaced by garbage:
    logged, and the server keeps answering from the last good index."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(real_index_dir, index)
    with running_app(index, tmp_path, corpus=corpus) as (url, _proc):
        first = _ask(url)
        assert NEW not in first["message"]
        (corpus / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "qa.cli", "index"], env=qa_env(corpus, index), cwd=ROOT,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 120
        while NEW not in (result := _ask(url))["message"] and time.monotonic() < deadline:
            time.sleep(0.5)
        assert result["answer"]["source"] == "kantor.txt", result
        (index / MANIFEST).write_text("garbage", encoding="utf-8")
        deadline = time.monotonic() + 60
        log = tmp_path / "server.log"
        while "cannot be opened" not in log.read_text() and time.monotonic() < deadline:
            _ask(url)
            time.sleep(0.5)
        assert "still serving the previous one" in log.read_text()
        assert _ask(url)["answer"]["source"] == "kantor.txt"
    assert (corpus / DOC).exists()


def _ask(url: str) -> dict:
    status, event, data = raw_ask(url, json.dumps({"data": [QUESTION, 3]}))
    assert status == 200 and event == "complete", (status, event, data)
    return json.loads(data)[0]


def test_a_question_limited_to_a_document_is_checked_and_answered_by_one_index(settings, tmp_path) -> None:
    """The document a question names is checked against the index that answers it: a rebuild that
    removed it between the check and the answer gave the core's English "no document named" error."""
    (settings.corpus_dir / "kedua.txt").write_text("Dokumen kedua membahas cuti tahunan.\n", encoding="utf-8")
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    old, check = app.live.current(), app.check_doc

    def rebuilt_meanwhile(doc):  # the swap lands between the check and the answer
        checked = check(doc)
        (settings.corpus_dir / "kedua.txt").unlink()
        open_index(settings, build="auto")
        assert app.live.reopen_if_changed()
        return checked

    app.check_doc = rebuilt_meanwhile  # type: ignore[method-assign]
    assert app.ask("cuti tahunan", 1, "kedua.txt")["passages"][0]["source"] == "kedua.txt"
    assert app.assistant is not old and "kedua.txt" not in app.documents


def test_a_rebuild_committed_while_the_server_opened_is_seen_and_a_no_op_index_is_not(settings, tmp_path):
    """The first stamp is taken after the assistant opened: a rebuild committed in between would have
    been missed for good. A `qa index` with nothing to do rewrites nothing, so nothing is reopened."""
    from qa.live import LiveAssistant, index_stamp

    opened = open_index(settings, build="auto")
    _rebuild(settings)  # committed after `opened` read the index, before the server took its stamp
    live = LiveAssistant(opened, 0.0, log=lambda m: None)
    assert live.reopen_if_changed() and "kantor.txt" in live.current().documents
    before = index_stamp(settings)
    open_index(settings, build="auto")  # `qa index` on a current index
    assert index_stamp(settings) == before and not live.reopen_if_changed()


def test_a_document_a_page_offered_and_a_rebuild_removed_is_named_as_gone(settings, tmp_path) -> None:
    """The page's choices may be older than the index (section 17): a removed document is told apart
    from a name the server never offered, and a page opened now offers the new documents."""
    from qa.errors import InputError

    (settings.corpus_dir / "kedua.txt").write_text("Dokumen kedua membahas cuti tahunan.\n", encoding="utf-8")
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    (settings.corpus_dir / "kedua.txt").unlink()
    _rebuild(settings)
    assert app.live.reopen_if_changed()
    with pytest.raises(InputError, match="sudah tidak ada di indeks") as gone:
        app.check_doc("kedua.txt")
    assert "Muat ulang halaman" in (gone.value.hint or "")
    with pytest.raises(InputError, match="Dokumen tidak dikenal"):
        app.check_doc("ketiga.txt")
    assert "kantor.txt" in app.document_choices() and "kedua.txt" not in app.document_choices()
    assert app.check_doc("kantor.txt") == "kantor.txt"


def test_a_page_loaded_after_a_rebuild_offers_its_documents_and_shows_the_choice(settings, tmp_path) -> None:
    """A one-document corpus has no drop-down; after a rebuild adds a second document, the page's load
    event sends both drop-downs the new choices, visible (section 17). Unchanged, it sends nothing."""
    import gradio as gr

    from qa.ui.layout import build_demo

    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    demo = build_demo(app)
    (refresh,) = [f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "refresh"]
    assert refresh() == [gr.skip(), gr.skip()]
    _rebuild(settings)
    assert app.live.reopen_if_changed()
    updates = refresh()
    assert len(updates) == 2
    for update in updates:
        assert update.visible and ("kantor.txt", "kantor.txt") in update.choices


def test_a_look_whose_thread_cannot_start_serves_the_request_and_a_later_look_still_runs(
    settings, tmp_path, monkeypatch
) -> None:
    import threading

    now, logs = [0.0], []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = app.live = type(app.live)(app.live.current(), 5.0, log=logs.append, clock=lambda: now[0])
    first = live.current()
    _rebuild(settings)
    start = threading.Thread.start

    def no_thread(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    now[0] = 5.0
    assert live.current() is first  # the request is answered, not failed by the look's thread
    assert any("can't start new thread" in m for m in logs)
    monkeypatch.setattr(threading.Thread, "start", start)
    now[0] = 10.0
    live.current()  # the next look is not locked out by the one that never ran
    deadline = time.monotonic() + 60
    while live.current() is first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "kantor.txt" in live.current().documents


def test_an_assistant_replaced_by_a_reopen_is_freed(settings, tmp_path) -> None:
    import gc
    import weakref

    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    _rebuild(settings)
    assert app.live.reopen_if_changed()
    replaced = weakref.ref(app.live.current())
    app.ask(QUESTION, 3)  # a request pinned it on a thread, then let go
    _rebuild(settings, "Kantor asisten menteri pindah ke gedung Garuda.")
    assert app.live.reopen_if_changed()
    gc.collect()
    assert replaced() is None  # a server that follows many rebuilds does not keep every index in memory


def test_a_reopened_index_comes_with_its_own_words_read_before_it_serves(settings, tmp_path) -> None:
    """The speller follows the index (docs/reliability.md section 40): the rebuilt corpus's words are
    read in the background reopen (seconds for 10 MB of text), not by the first visitor after it."""
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = type(app.live)(app.live.current(), 0.0, log=lambda m: None)
    old = app.live.current()
    typed = "kantor di gedung pancsila?"
    assert old.speller.correct(typed) == typed  # the corpus has no "Pancasila" yet
    _rebuild(settings)
    assert app.live.reopen_if_changed()
    fresh = app.live.current()
    assert "speller" in vars(fresh)  # built by the reopen, before any question
    assert fresh.speller.correct(typed) == "kantor di gedung pancasila?"
    assert old.speller.correct(typed) == typed  # a request pinned to the old index reads it as before
