"""What the web edge accepts (k, question, document, port) and the model lock's order: fast, no server."""

from __future__ import annotations

import socket
import threading
import time

import gradio as gr
import pytest

from qa.errors import InputError
from qa.ui import pages
from qa.ui.limits import MAX_K, MAX_WEB_QUESTION_CHARS, check_port_free, check_question, parse_k
from qa.ui.scheduler import PriorityLock
from tests.ui_helpers import make_app, run_to_end, serving

BAD_K = [0, -1, MAX_K + 1, 10**400, float("inf"), float("-inf"), float("nan"), 1e400, 2.5, "Infinity",
         "1e400", "NaN", "tiga", "", None, True, [3], {"k": 3}]  # fmt: skip


@pytest.fixture
def app(settings, fake_encoder, tmp_path):
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)


@pytest.mark.parametrize("value", BAD_K)
def test_a_bad_k_is_one_clear_input_error(value):
    with pytest.raises(InputError, match=f"k harus bilangan bulat antara 1 dan {MAX_K}"):
        parse_k(value)


@pytest.mark.parametrize(
    ("value", "said"),
    [(10**30, "bukan '1000000000000000000…'"), (-(10**25), "bukan '-100000000000000000…'"),
     ("9" * 40, "bukan '9999999999999999999…'"), (21, "bukan '21'"), ("x" * 20, f"bukan '{'x' * 20}'")],
)  # fmt: skip
def test_a_k_too_long_to_quote_whole_is_cut_visibly_not_turned_into_another_number(value, said):
    """10**30 was quoted as '10000000000000000000' (10**19): a cut number read as another number."""
    with pytest.raises(InputError) as refused:
        parse_k(value)
    assert str(refused.value).endswith(said), refused.value


@pytest.mark.parametrize(
    ("value", "k"), [(1, 1), (3.0, 3), ("7", 7), (" 4 ", 4), (MAX_K, MAX_K), ("20.0", 20)]
)
def test_good_k_values_from_sliders_and_raw_calls(value, k):
    assert parse_k(value) == k


@pytest.mark.parametrize("value", [float("inf"), 1e400, float("nan"), "Infinity", 50])
def test_ask_refuses_a_bad_k_before_touching_the_model(app, fake_encoder, value):
    fake_encoder.calls.clear()
    with pytest.raises(gr.Error, match="k harus bilangan bulat"):
        app.ask("kontrol keputusan", value)
    assert fake_encoder.calls == []


def test_question_cap_is_counted_before_anything_else():
    assert check_question("x" * MAX_WEB_QUESTION_CHARS) == "x" * MAX_WEB_QUESTION_CHARS
    with pytest.raises(InputError, match=r"terlalu panjang \(501 karakter\); batasnya 500 karakter"):
        check_question("x" * (MAX_WEB_QUESTION_CHARS + 1))
    with pytest.raises(InputError, match="harus berupa teks"):
        check_question(["apa"])


def test_the_web_cap_is_a_named_constant_no_looser_than_the_core():
    from qa.batch import MAX_QUESTION_CHARS

    assert MAX_WEB_QUESTION_CHARS == 500 and MAX_QUESTION_CHARS == 2000
    assert MAX_WEB_QUESTION_CHARS <= MAX_QUESTION_CHARS


def test_a_5_mb_question_is_refused_at_once_without_the_model(app, fake_encoder):
    fake_encoder.calls.clear()
    with pytest.raises(gr.Error, match="terlalu panjang") as info:
        app.ask("kontrol keputusan " * 300_000, 3)
    assert fake_encoder.calls == []  # refused before the encoder (tokenising) was touched at all
    assert "kontrol keputusan kontrol" not in str(info.value)  # the question is never echoed back


def test_an_errors_hint_is_given_in_indonesian_not_as_the_clis_hint(app):
    """The page's pop-up and /ask's message read "Saran: …"; they read "… hint: Persingkat pertanyaannya.",
    the CLI's English label in an Indonesian sentence (section 76)."""
    with pytest.raises(gr.Error) as info:
        app.ask("x" * (MAX_WEB_QUESTION_CHARS + 1), 3)
    said = info.value.message
    assert said == (
        "Pertanyaan terlalu panjang (501 karakter); batasnya 500 karakter.\nSaran: Persingkat pertanyaannya."
    )
    with pytest.raises(gr.Error) as info:
        app.ask("apa tugasnya?", 3, "tidak-ada.txt")
    assert info.value.message.endswith("\nSaran: Pilih salah satu dokumen korpus.")
    with pytest.raises(gr.Error) as info:
        app.ask("apa tugasnya?", 0)
    assert "\n" not in info.value.message  # no hint, no label


@pytest.mark.parametrize(
    ("question", "said"),
    [("x" * 1_998, "(1.998 karakter)"), ("x" * 1_999, "(setidaknya 1.999 karakter)"),
     ("x" * 2_000, "(setidaknya 2.000 karakter)"), ("😀" * 999, "(999 karakter)"),
     ("a" + "😀" * 999, "(setidaknya 1.000 karakter)"), ("😀" * 1_000, "(setidaknya 1.000 karakter)")],
)  # fmt: skip
def test_a_question_filling_the_box_is_refused_as_at_least_its_length(app, fake_encoder, question, said):
    """The browser cuts a paste at the box's bound (2,000 UTF-16 units: an emoji is two), silently: a
    70,000-character paste was refused as "2.000 karakter". A question that leaves no room in the box for
    one more character is said to be "at least" that long; the count itself is the visitor's (an emoji is
    one character, section 81)."""
    fake_encoder.calls.clear()
    with pytest.raises(gr.Error) as info:
        app.ask_view(question, 3)
    said = f"Pertanyaan terlalu panjang {said}; batasnya 500 karakter."
    assert info.value.message.startswith(said), info.value
    assert fake_encoder.calls == []


def test_the_api_has_no_box_and_says_the_length_it_got(app):
    """/ask's question is never cut by a browser: its length is the true one, whatever it is."""
    for n, said in ((70_000, "70.000"), (2_000, "2.000")):
        with pytest.raises(gr.Error) as info:
            app.ask("x" * n, 3)
        assert info.value.message.startswith(f"Pertanyaan terlalu panjang ({said} karakter);"), info.value


def test_document_choice_is_checked(app):
    assert app.check_doc(None) is None and app.check_doc(pages.ALL_DOCUMENTS) is None
    with pytest.raises(InputError, match="Dokumen tidak dikenal"):
        app.check_doc("../../etc/passwd")
    assert not app.can_limit_to_document  # one document: the dropdown stays hidden


def test_with_a_core_that_takes_doc_the_dropdown_limits_the_question(settings, fake_encoder, tmp_path):
    """The docs branch adds ``Assistant.ask_many(..., doc=)``; the UI passes the choice through."""
    (settings.corpus_dir / "kedua.txt").write_text("Dokumen kedua membahas cuti tahunan.", encoding="utf-8")
    app = make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)
    seen = []
    real = app.assistant.ask_many

    def ask_many(questions, k=3, doc=None):
        seen.append(doc)
        return real(questions, k)

    app.assistant.ask_many = ask_many
    app.supports_doc = "doc" in __import__("inspect").signature(ask_many).parameters
    assert app.can_limit_to_document
    app.ask("cuti", 1, "kedua.txt")
    app.ask("cuti", 1, pages.ALL_DOCUMENTS)
    assert seen == ["kedua.txt", None]


def test_priority_lock_lets_waiting_questions_go_before_batch_steps():
    lock, order = PriorityLock(), []

    def batch_step(name):
        with lock.background():
            order.append(name)

    def question(name):
        with lock.interactive():
            order.append(name)

    with lock.interactive():  # the model is busy; then two batch steps and two questions queue up
        threads = [
            threading.Thread(target=batch_step, args=("b1",)),
            threading.Thread(target=batch_step, args=("b2",)),
        ]
        threads += [
            threading.Thread(target=question, args=("q1",)),
            threading.Thread(target=question, args=("q2",)),
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 5
        while lock.waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    for t in threads:
        t.join(5)
    assert sorted(order[:2]) == ["q1", "q2"] and sorted(order[2:]) == ["b1", "b2"]


def test_a_port_in_use_is_one_clear_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        with pytest.raises(InputError, match=f"port {port} on 127.0.0.1 is already in use") as info:
            check_port_free("127.0.0.1", port)
    assert "GRADIO_SERVER_PORT" in info.value.hint
    check_port_free("127.0.0.1", port)  # free again once closed


def test_a_question_asked_during_an_upload_goes_before_the_uploads_remaining_steps(app, tmp_path):
    """Issue 12 (ordering, not seconds): a visitor waits for the batch step in flight, never for the rest."""
    from qa.ui.uploadrun import STEP_QUESTIONS

    upload = tmp_path / "pertanyaan.txt"
    upload.write_text("".join(f"kontrol keputusan nomor {i}\n" for i in range(5 * STEP_QUESTIONS)), "utf-8")
    log: list[str] = []
    in_first_step, release = threading.Event(), threading.Event()
    real = app._call

    def call(questions, k, doc):
        kind = "ask" if questions == ["pertanyaan pengunjung"] else "batch"
        if kind == "batch" and not in_first_step.is_set():
            in_first_step.set()
            assert release.wait(60), "the test never released the first step"
        log.append(kind)
        return real(questions, k, doc)

    app._call = call
    batch = threading.Thread(target=app.run_file, args=(upload, 3))
    batch.start()
    assert in_first_step.wait(60)  # generous bounds: they only catch a hang
    visitor = threading.Thread(target=app.ask, args=("pertanyaan pengunjung", 3))
    visitor.start()
    deadline = time.monotonic() + 60
    while app.lock.waiting < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    visitor.join(60)
    batch.join(60)
    assert not visitor.is_alive() and not batch.is_alive()
    assert log == ["batch", "ask"] + ["batch"] * 4, log  # the step in flight, the visitor, then the rest


def test_admission_holds_slots_keeps_a_line_in_order_and_refuses_beyond_it():
    from qa.ui.scheduler import Admission, Cancelled, Full

    gate, order, places = Admission(slots=1, line=2), [], []
    release = threading.Event()

    def upload(name, cancel=None):
        try:
            with gate.enter(cancel, places.append if name == "c" else None):
                order.append(name)
                assert release.wait(10)
        except Cancelled:
            order.append(f"{name} left")

    first = threading.Thread(target=upload, args=("a",))
    first.start()
    deadline = time.monotonic() + 10
    while gate.load != (1, 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    leaving = threading.Event()
    waiting = [
        threading.Thread(target=upload, args=("b", leaving)),
        threading.Thread(target=upload, args=("c",)),
    ]
    for t in waiting:
        t.start()
        while gate.load[1] < waiting.index(t) + 1 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert gate.load == (1, 2)
    with pytest.raises(Full), gate.enter():  # one holding, two in line: the next is turned away at once
        pass
    leaving.set()  # "b" leaves the line (its visitor went away); "c" moves up
    while (gate.load != (1, 1) or places[-1] != 1) and time.monotonic() < deadline:
        time.sleep(0.01)  # "c" is told its new place before "a" lets go (else it may go straight in)
    release.set()
    for t in [first, *waiting]:
        t.join(10)
    assert order == ["a", "b left", "c"] and places[0] == 2 and places[-1] == 1 and gate.load == (0, 0)


def test_uploads_beyond_the_line_are_refused_at_once_without_model_work(app, fake_encoder, tmp_path):
    """Uploads wait in the app, not in Gradio's shared queue (whose "Queue is full" would turn every
    visitor's question away); when the app's line is full too, the next upload is refused at once."""
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n", encoding="utf-8")
    holders = [app.uploads.enter() for _ in range(app.uploads.slots)]
    for h in holders:
        h.__enter__()
    try:
        app.uploads.line = 0
        fake_encoder.calls.clear()
        start = time.monotonic()
        summary, _, files = run_to_end(app.batch_view(str(upload), 3))
        assert "antreannya penuh" in summary and files is None and time.monotonic() - start < 5
        with pytest.raises(gr.Error, match="antreannya penuh"):
            run_to_end(app.batch_file(str(upload), 3))
        assert fake_encoder.calls == [] and list(app.workdir.glob("batch-*")) == []
        app.uploads.line = 1  # room in line: it waits and says so, then runs once a slot is free
        gen = app.batch_view(str(upload), 3)
        assert next(gen)[0] == pages.BATCH_CHECKING and next(gen)[0] == pages.batch_waiting(1)
    finally:
        for h in holders:
            h.__exit__(None, None, None)
    assert "1 pertanyaan" in run_to_end(gen)[0]


def test_the_tanya_tab_refuses_an_over_long_question_before_reading_it(app, monkeypatch):
    """The page's "nothing to ask" check reads the question (normalising, analysing); it must come after
    the length cap, as every other reading does (a 64 KB question took 0.16 s to analyse)."""
    import qa.ui.limits as limits

    seen = []
    real = limits.clean_question
    monkeypatch.setattr(limits, "clean_question", lambda q: seen.append(len(q)) or real(q))
    with pytest.raises(gr.Error, match="terlalu panjang"):
        app.ask_view("apa tugas asisten menteri? " * 2400, 3)
    assert seen == []
    app.ask_view("-", 3)
    assert seen == [1]


def test_a_page_slow_to_answer_at_start_does_not_end_the_start(app, monkeypatch):
    """On a loaded machine Gradio's "is localhost reachable?" HEAD timed out (3 s) and the start ended in
    "a shareable link must be created" (seen on CI at load 14): the served page must start anyway."""
    import httpx
    from gradio import networking

    def timed_out(*args, **kwargs):
        raise httpx.TimeoutException("timed out")

    monkeypatch.setattr(networking.httpx, "head", timed_out)
    with serving(app) as (url, _demo):
        monkeypatch.undo()
        assert httpx.get(url, timeout=60).status_code == 200


FLAG = "\U0001f1ee\U0001f1e9"  # 🇮🇩: two code points, one character


def _across_the_cut(letters: int) -> str:
    return "k" * letters + FLAG + "x" * 10


def _quoted() -> tuple[str, str]:
    from qa.ui.limits import quoted

    return quoted(_across_the_cut(18), 20), "'" + "k" * 18 + "…'"


def _pop_up() -> tuple[str, str]:
    from qa.errors import QAError
    from qa.ui.limits import ui_error

    return str(ui_error(QAError(_across_the_cut(598)), 600).message), "k" * 598 + "…"


def _summary() -> tuple[str, str]:
    letters = pages.MESSAGE_CHARS - 2
    return pages.markdown_text(_across_the_cut(letters)), "k" * letters + "…"


@pytest.mark.parametrize("cut", [_quoted, _pop_up, _summary], ids=["quoted", "ui_error", "markdown_text"])
def test_the_pages_cuts_fall_between_two_characters(cut):
    """The page's three cuts at a code point (a quoted value, a pop-up's message, the Batch summary) kept the
    first half of a flag (U+1F1EE alone, another character) before the ellipsis (section 145): they are
    question_text.shortened's now, as the row and file words are."""
    said, whole = cut()
    assert said == whole, said[-6:]
