"""The web UI's handlers and rendering, with the fake encoder (fast: no server, no model)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import gradio as gr
import pytest

from qa.answer import ABSTAIN_TEXT
from qa.ui import bars, pages, render
from qa.ui.bodylimit import MAX_REQUEST_BYTES
from qa.ui.layout import build_demo
from qa.ui.limits import MAX_FILE_BYTES, MAX_K, MAX_WEB_QUESTION_CHARS, server_address
from tests.ui_helpers import bar_rows, bar_values, make_app, run_to_end

QUESTION = "kontrol penuh dalam pengambilan keputusan"  # words of the misconception passage (#6)
DOC = "asisten-menteri-kerjasama-luar-negeri.txt"


@pytest.fixture
def app(settings, fake_encoder, tmp_path):
    """Always answers (threshold 0), so the answer card is what is shown."""
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)


@pytest.fixture
def shy_app(settings, fake_encoder, tmp_path):
    """Always abstains (threshold above any confidence)."""
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=1.01)


def test_answer_card_names_its_document_first_and_marks_matched_words(app):
    card, table, plot, context = app.ask_view(QUESTION, 3)
    assert "padahal sebenarnya mereka berperan sebagai pendamping" in card
    assert "<mark>kontrol</mark> <mark>penuh</mark>" in card and "<mark>keputusan</mark>" in card
    assert f'<p class="qa-source">Sumber: <b><bdi>{DOC}</bdi></b>, bagian #6</p>' in card
    assert card.index("qa-source") < card.index("qa-answer")  # the document comes before the text
    assert "Keyakinan: " in card and ABSTAIN_TEXT not in card
    assert list(table.columns) == render.PASSAGE_HEADERS and len(table) == 3
    assert list(table["#"]) == [1, 2, 3] and set(table["Sumber"]) == {DOC}
    assert set(table["Cocok lewat"]) <= {"makna", "kata kunci", "keduanya"}
    assert bar_values(plot, "score") == list(table["Skor"])  # one group of three bars per passage
    assert bar_values(plot, "dense_score") == list(table["Makna (kosinus)"])
    assert bar_values(plot, "window_score") == list(table["Kata kunci (BM25)"])
    # the column shows the BM25 the label reads: a keyword label never stands beside a 0, nor "makna" above
    assert [v > 0 for v in table["Kata kunci (BM25)"]] == [m != "makna" for m in table["Cocok lewat"]]
    assert [r for r, _, _ in bar_rows(plot)] == ["1", "1", "1", "2", "2", "2", "3", "3", "3"]
    assert '<span class="qa-passage">Miskonsepsi tentang profesi' in context
    assert "Jika kamu tidak tertarik" in context  # the sentence before, for context


def test_k_sets_the_number_of_supporting_passages(app):
    assert len(app.ask_view(QUESTION, 5)[1]) == 5
    assert len(app.ask_view(QUESTION, 1)[1]) == 1
    assert len(app.ask_view(QUESTION, float(MAX_K))[1]) > 5  # MAX_K is allowed (the corpus is small)


def test_abstention_shows_the_cosine_similarity_not_a_normalised_score(shy_app):
    card, table, plot, context = shy_app.ask_view(QUESTION, 3)
    result = shy_app.ask(QUESTION, 3)
    assert ABSTAIN_TEXT in card and "untuk yang penasaran" in card and card.count("<li>") == 3
    assert "Keyakinan: rendah" in card and "<mark>" not in card and "skor" not in card.lower()
    for p in result["passages"]:
        assert f"kemiripan {p['dense_score']:.2f}" in card
    assert bar_rows(plot) == [(str(p["rank"]), "dense_score", round(p["dense_score"], 3))
                              for p in result["passages"]]  # fmt: skip  # the cosine only
    assert "gabungan" not in plot and "Dokumen tidak menjawab" in plot
    assert len(table) == 3 and "Kutipan terdekat" in context


@pytest.mark.parametrize("question", ["", "   ", None])
def test_empty_question_is_a_friendly_message_naming_the_corpus_example(app, question):
    card, table, plot, _ = app.ask_view(question, 3)
    assert pages.empty_text(app.about) in card and app.about.examples[0] in card
    assert len(table) == 0 and bar_rows(plot) == [] and bars.EMPTY_TEXT in plot


def test_empty_question_through_the_api_is_a_clear_error(app):
    with pytest.raises(gr.Error, match="Tulis pertanyaan"):
        app.ask("  ", 3)


def test_notice_from_the_core_is_shown():
    card = render.answer_card({"abstained": True, "confidence": 0.1, "notice": "Pertanyaan <dipotong>"}, 0.5)
    assert '<div class="qa-notice">Pertanyaan &lt;dipotong&gt;</div>' in card


def test_keys_of_later_cores_are_shown_when_present():
    """``location`` (page or heading) and an abstention ``reason`` (its ``message``) are rendered."""
    p = {"rank": 1, "chunk_id": "cuti.pdf#3", "source": "cuti.pdf", "text": "Cuti 12 hari.", "score": 0.9,
         "dense_score": 0.8, "lexical_score": 1.0, "matched_by": "both",
         "location": {"label": "cuti.pdf, halaman 3", "page": 3, "headings": []}}  # fmt: skip
    answer = {
        "text": p["text"],
        "source": "cuti.pdf",
        "chunk_id": "cuti.pdf#3",
        "score": 0.9,
        "highlights": [],
    }
    card = render.answer_card({"abstained": False, "confidence": 0.9, "answer": answer, "passages": [p]}, 0.5)
    assert "Sumber: <b><bdi>cuti.pdf, halaman 3</bdi></b>" in card
    assert list(render.passage_table({"passages": [p]})["Sumber"]) == ["cuti.pdf, halaman 3"]
    why = "Dokumen tidak menyebut <gaji> asisten."
    card = render.answer_card({"abstained": True, "confidence": 0.2, "message": why, "passages": [p]}, 0.5)
    assert (
        "Dokumen tidak menyebut &lt;gaji&gt; asisten." in card
        and "(<bdi>cuti.pdf, halaman 3</bdi>, kemiripan 0.80)" in card
    )


def test_highlight_segments_land_on_the_matched_words(app):
    answer = app.ask("kontrol keputusan", 1)["answer"]
    pieces = render.segments(answer["text"], answer["highlights"])
    assert "".join(p for p, _ in pieces) == answer["text"]
    assert [p for p, label in pieces if label] == ["kontrol", "keputusan"]


def test_segments_survive_odd_spans_and_markup_is_escaped():
    text = "a <b>bold</b> & kata"
    pieces = render.segments(text, [[16, 20], [3, 4], [2, 6], [50, 60], [5, 5]])
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, label in pieces if label] == ["<b>b", "kata"]  # overlap, out of range, empty: dropped
    marked = render.marked_html(text, [[16, 20]])
    assert "<b>" not in marked and "&lt;b&gt;" in marked and "<mark>kata</mark>" in marked
    assert render.segments("", []) == [("", None)]


def test_answer_sentence_stands_out_from_its_neighbours():
    text = "Satu dua. Tiga empat."
    marked = render.marked_html(text, [[0, 4], [10, 14]], focus=(10, 21))
    assert marked == '<span class="qa-aside"><mark>Satu</mark> dua. </span><mark>Tiga</mark> empat.'
    assert render.marked_html(text, [], focus=(5, 99)) == text  # a nonsensical focus is ignored


@pytest.mark.parametrize(
    ("conf", "tier"), [(0.95, "tinggi"), (0.85, "tinggi"), (0.6, "sedang"), (0.2, "rendah")]
)
def test_confidence_in_words_and_number(conf, tier):
    assert render.confidence_text(conf, 0.5) == f"Keyakinan: {tier} ({conf:.2f})"


def test_batch_runs_the_model_once_and_writes_csv_and_jsonl_from_the_same_answers(
    app, fake_encoder, tmp_path
):
    upload = tmp_path / "my questions; rm -rf ~.txt"  # the name is never used as a path
    questions = ["apa tugas utama asisten?", "kontrol penuh keputusan", "", "profil orang yang cocok"]
    upload.write_text("\n".join(questions) + "\n", encoding="utf-8")
    fake_encoder.calls.clear()
    summary, preview, files = run_to_end(app.batch_view(str(upload), 2))
    assert summary.startswith("**3 pertanyaan**: 3 terjawab")
    assert [Path(f).name for f in files] == ["jawaban.csv", "jawaban.jsonl"]
    assert all(Path(f).resolve().is_relative_to(app.workdir.resolve()) for f in files)
    assert sum(fake_encoder.calls) == 3  # every question encoded exactly once, for both files
    asked = [q for q in questions if q]
    records = [json.loads(line) for line in Path(files[1]).read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in records] == asked and all(len(r["passages"]) == 2 for r in records)
    with open(files[0], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["question"] for r in rows] == asked
    assert [r["answer"] for r in rows] == [r["answer"]["text"] for r in records]
    assert [r["passage_2_source"] for r in rows] == [DOC] * 3
    assert list(preview["Pertanyaan"]) == asked and set(preview["Status"]) == {"terjawab"}


def test_batch_reads_the_upload_once(app, tmp_path, monkeypatch):
    import qa.ui.limits as batch  # the upload is read there (read_upload)

    reads = []
    real = batch.read_questions
    monkeypatch.setattr(batch, "read_questions", lambda src: reads.append(src) or real(src))
    upload = tmp_path / "q.csv"
    upload.write_text("id,question\na,kontrol keputusan\nb,\nc,profil\n", encoding="utf-8")
    summary, _, _, _ = app.run_file(str(upload), 3)
    assert len(reads) == 1 and (summary.total, summary.answered, summary.errors) == (3, 2, 1)


def test_batch_progress_is_reported_after_every_step(app, tmp_path):
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n" * 70, encoding="utf-8")
    updates = list(app.batch_view(str(upload), 1))
    assert updates[0][0] == pages.BATCH_CHECKING
    steps = [u[0] for u in updates[1:-1]]
    assert steps[0] == pages.batch_progress(8, 70) and steps[-1] == pages.batch_progress(70, 70)
    assert len(steps) >= 70 // 8  # one per step of 8 questions (plus one per write)
    assert updates[-1][0].startswith("**70 pertanyaan**")


def test_batch_keeps_csv_rows_with_their_error_and_duplicate_ids(app, tmp_path):
    upload = tmp_path / "q.jsonl"
    long = "x" * (MAX_WEB_QUESTION_CHARS + 1)
    lines = ['{"id": "a", "question": "kontrol keputusan"}', '{"id": "b", "question": ""}',
             '{"id": "a", "question": "profil"}', '{"id": "c", "question": "' + long + '"}']  # fmt: skip
    upload.write_text("\n".join(lines) + "\n")
    _, csv_path, jsonl_path, _ = app.run_file(str(upload), 3)
    records = [json.loads(line) for line in jsonl_path.read_text().splitlines()]
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["id"] for r in records] == [r["id"] for r in rows] == ["a", "b", "a#3", "c"]
    assert records[1]["error"] == rows[1]["error"] == "empty question"
    assert (
        rows[3]["error"]
        == f"question too long ({MAX_WEB_QUESTION_CHARS + 1} characters, limit {MAX_WEB_QUESTION_CHARS})"
    )
    assert "x" * 50 not in rows[3]["answer"]


def test_batch_preview_says_row_errors_in_indonesian(app, tmp_path):
    """The files keep qa.batch's English error (for programs); the page's Status column showed it too."""
    upload = tmp_path / "q.jsonl"
    long = "x" * (MAX_WEB_QUESTION_CHARS + 1)
    lines = ['{"question": "kontrol keputusan"}', '{"question": ""}', '{"question": 5}', "{oops",
             '{"question": "' + long + '"}']  # fmt: skip
    upload.write_text("\n".join(lines) + "\n")
    summary, preview, _ = run_to_end(app.batch_view(str(upload), 3))
    too_long = f"{MAX_WEB_QUESTION_CHARS + 1} karakter, batasnya {MAX_WEB_QUESTION_CHARS}"
    assert list(preview["Status"][1:]) == [
        "galat: pertanyaan kosong",
        "galat: pertanyaan bukan teks",
        "galat: baris 4 bukan JSON yang sah",
        f"galat: pertanyaan terlalu panjang ({too_long})",
    ], summary


def test_batch_api_returns_the_jsonl_file(app, tmp_path):
    upload = tmp_path / "q.jsonl"
    upload.write_text('{"id": "a", "question": "kontrol keputusan"}\n{"id": "b", "question": ""}\n')
    out = Path(run_to_end(app.batch_file(str(upload), 3)))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert out.name == "jawaban.jsonl" and [r["id"] for r in records] == ["a", "b"]
    assert records[1]["error"] == "empty question"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("questions.pdf", "apa tugas asisten?", "tidak didukung"),
        ("questions", "apa tugas asisten?", "tidak didukung"),
        ("empty.txt", "\n# only a comment\n", "tidak berisi satu pun pertanyaan"),
        ("binary.txt", "apa\x00tugas", "bukan berkas teks"),
        ("cols.csv", "a,b\n1,2\n", "Kolom pertanyaan tidak ditemukan"),
        ("many.txt", "apa?\n" * 2001, "batasnya 2000"),
        ("long.txt", ("k" * 450 + "\n") * 460, "karakter; batasnya 200\\.000"),
    ],
)
def test_batch_refuses_bad_files_before_any_model_work(app, fake_encoder, tmp_path, name, content, message):
    upload = tmp_path / name
    upload.write_text(content)
    fake_encoder.calls.clear()
    summary, preview, files = run_to_end(app.batch_view(str(upload), 3))
    assert summary.startswith("⚠️") and message in summary and str(app.workdir) not in summary
    assert files is None and len(preview) == 0 and fake_encoder.calls == []
    with pytest.raises(gr.Error, match=message):
        run_to_end(app.batch_file(str(upload), 3))
    assert list(app.workdir.glob("batch-*")) == []  # nothing left behind


@pytest.mark.parametrize("k", [0, 21, "Infinity", float("inf"), float("nan"), 1e400, 2.5, "tiga", None, True])
def test_batch_refuses_a_bad_k_before_reading_the_upload(app, fake_encoder, tmp_path, k):
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n")
    fake_encoder.calls.clear()
    summary, _, files = run_to_end(app.batch_view(str(upload), k))
    assert "k harus bilangan bulat antara 1 dan 20" in summary and files is None
    assert fake_encoder.calls == [] and list(app.workdir.glob("batch-*")) == []


def test_batch_refuses_oversized_and_missing_uploads(app, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"apa tugas asisten?\n" * (MAX_FILE_BYTES // 19 + 10))
    assert "terlalu besar" in run_to_end(app.batch_view(str(big), 3))[0]
    assert "Pilih berkas" in run_to_end(app.batch_view(None, 3))[0]


def test_a_batch_refusal_gives_its_hint_as_the_tanya_tabs_pop_up_does(app, tmp_path):
    """The Batch tab showed a refusal's message without its hint: "Dokumen tidak dikenal: 'x.txt'." and not
    what to do, which the Tanya tab's pop-up says ("Saran: Pilih salah satu dokumen korpus.", section 81)."""
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas asisten?\n")
    summary, _, files = run_to_end(app.batch_view(str(upload), 3, "tidak-ada.txt"))
    shown = summary.replace("\\", "")  # Markdown's escapes
    assert shown == "⚠️ Dokumen tidak dikenal: 'tidak-ada.txt'.\n\nSaran: Pilih salah satu dokumen korpus."
    assert files is None
    assert "Saran" not in run_to_end(app.batch_view(None, 3))[0]  # a refusal without a hint: none shown


def test_closing_the_batch_generator_stops_the_work_and_removes_its_folder(app, tmp_path, monkeypatch):
    """What Gradio does when the visitor has gone: it closes the handler's generator."""
    import threading

    # Orders, not seconds: the second step is in flight when the visitor goes, and stays so until then
    # (a fixed 0.05 s a step let a test paused for 0.1 s on a loaded machine see a fourth step).
    real, steps, in_flight, closed = app.answer_batch, [], threading.Event(), threading.Event()

    def slow(questions, k, doc):
        steps.append(len(questions))
        if len(steps) > 1:
            in_flight.set()
            assert closed.wait(60)
        return real(questions, k, doc)

    monkeypatch.setattr(app, "answer_batch", slow)
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n" * 200, encoding="utf-8")
    gen = app.batch_view(str(upload), 1)
    assert next(gen)[0] == pages.BATCH_CHECKING
    assert next(gen)[0] == pages.batch_progress(8, 200)  # the first step of 8 questions
    assert in_flight.wait(60)
    gen.close()
    closed.set()
    workers = [t for t in threading.enumerate() if t.name == "qa-batch"]
    for t in workers:
        t.join(60)
    assert not any(t.is_alive() for t in workers)
    assert steps == [8, 8]  # of 25: stopped after the step in flight
    assert list(app.workdir.glob("batch-*")) == []


def test_server_address_is_loopback_unless_told_or_on_spaces():
    assert server_address({}) == ("127.0.0.1", 7860)
    assert server_address({"SPACE_ID": "user/space"}) == ("0.0.0.0", 7860)
    env = {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8080"}
    assert server_address(env) == ("0.0.0.0", 8080)
    from qa.errors import InputError

    with pytest.raises(InputError, match="GRADIO_SERVER_PORT"):
        server_address({"GRADIO_SERVER_PORT": "http"})


def test_about_tab_names_document_model_build_and_threshold(app):
    info = app.assistant.info()
    text = pages.about_html(info, app.about)
    assert f"<code><bdi>{DOC}</bdi></code>" in text and "<b>10 kutipan</b>" in text
    assert app.about.about in text
    assert info["build"]["id"] in text and info["build"]["created"] in text and "0.00" in text
    assert "fake-hash-bow" in text
    assert "Penyimpanan: lokal (FAISS + bm25s)" in text
    # Gradio hides its footer's API link on a phone: the tab names the endpoints itself, and where the link is
    assert "<code>/ask</code> untuk satu pertanyaan" in text and "Di layar lebar, tautan" in text


def test_page_has_exactly_the_named_endpoints_and_one_k_maximum(app):
    demo = build_demo(app)
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert public == {"ask", "batch"}
    sliders = [b for b in demo.blocks.values() if isinstance(b, gr.Slider)]
    assert len(sliders) == 2 and {s.maximum for s in sliders} == {MAX_K}
    boxes = [b for b in demo.blocks.values() if isinstance(b, gr.Textbox) and b.label == "Pertanyaan"]
    # the browser cuts at max_length, silently: over the cap, so that whatever it cuts is refused (with its
    # length) rather than asked cut; and short enough that the cut body (\uXXXX escapes) passes BodyLimit
    ((box,),) = [boxes]
    assert box.max_length > MAX_WEB_QUESTION_CHARS and 6 * box.max_length + 1024 < MAX_REQUEST_BYTES


HOSTILE_HEADER = (
    "id,[Klik untuk hasil](https://evil.example/x),![t](https://evil.example/t.png),<b>x</b>,# Judul"
)


def test_an_error_quoting_an_uploads_header_is_inert_text_short_and_escaped(app, tmp_path):
    """The reader's "no question column" message quotes the header cells; the Batch tab shows it in
    Markdown (html.escape alone left links, images and headings live), /batch in its error's text, which
    an API client reads as written. Both show the cells as characters, cut short (a header can be
    megabytes)."""
    from markdown_it import MarkdownIt

    upload = tmp_path / "q.csv"
    wide = ",".join(f"kolom{i}" for i in range(50_000))
    for header in (HOSTILE_HEADER, f"{HOSTILE_HEADER},{wide}"):
        upload.write_text(f"{header}\n1,apa,kapan,siapa,mengapa\n", encoding="utf-8")
        summary = run_to_end(app.batch_view(str(upload), 3))[0]
        shown = MarkdownIt("commonmark").render(summary)
        assert "Kolom pertanyaan tidak ditemukan" in summary and len(summary) < 1000
        assert "https://" not in summary  # nor a bare address that Gradio's renderer would make a link
        assert not any(tag in shown for tag in ("<a ", "<img", "<b>", "<h1")), shown
        assert "[Klik untuk hasil](https://evil.example/x)" in shown.replace("&amp;", "&")
        with pytest.raises(gr.Error) as info:
            run_to_end(app.batch_file(str(upload), 3))
        # plain text for the API client (the page's events escape it: tests/test_ui_error_text.py)
        assert "<b>x</b>" in info.value.message and "&lt;" not in info.value.message
        assert len(info.value.message) < 1000


def test_a_full_disk_during_an_upload_names_no_server_path(app, tmp_path, monkeypatch):
    """The writer's message ("disk full writing /tmp/qa-web-…/jawaban.jsonl; … rerun with --resume")
    named the server's folder and gave advice for the CLI; then the page only guessed "(penyimpanan
    penuh?)" (section 145): a full disk is said, with what to do, and that nothing was kept."""
    import errno
    import os

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n", encoding="utf-8")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(gr.Error, match="Penyimpanan server penuh") as info:
        run_to_end(app.batch_file(str(upload), 3))
    assert str(app.workdir) not in info.value.message and "--resume" not in info.value.message
    assert "tidak ada yang tersimpan" in info.value.message and "Saran: coba lagi" in info.value.message
    said, table, files = run_to_end(app.batch_view(str(upload), 3))  # the page: in its summary, which stays
    said = said.replace("\\", "")  # Markdown's escapes
    assert said.startswith("⚠️ Penyimpanan server penuh") and "Saran: coba lagi nanti" in said, said
    assert files is None and len(table) == 0
    assert list(app.workdir.glob("batch-*")) == []


def test_a_new_run_clears_the_previous_runs_files_before_anything_else(app, tmp_path):
    """Gradio keeps a component's value until a handler sends a new one: while a second upload waited
    or worked (progress lines only) or after it failed, the first run's jawaban.csv stayed on screen,
    ready to be downloaded as the new run's answers."""
    first, second = tmp_path / "a.txt", tmp_path / "b.csv"
    first.write_text("kontrol keputusan\n", encoding="utf-8")
    second.write_text("id,question\n1,kontrol\n" * 3, encoding="utf-8")
    assert run_to_end(app.batch_view(str(first), 1))[2] is not None
    for upload in (second, first, tmp_path / "hilang.txt"):
        updates = list(app.batch_view(str(upload), 1))
        shown = [u for u in updates if not isinstance(u[2], dict)]  # gr.skip() is a dict
        assert shown[0][2] is None and len(shown[0][1]) == 0, shown[0]  # cleared first
        assert all(u[2] is None for u in shown[:-1])


@pytest.mark.parametrize("question", ["-", "...", "\u200b\u200b", "\u202e\u202c", "\u0301\u0301", "?!"])
def test_a_question_with_nothing_to_ask_gets_the_pages_own_hint(app, question):
    """The core refuses a dash or invisible characters in English with the shipped corpus's example
    ('type a question, e.g. "apa tugas asisten menteri?"'): the page answered another corpus's visitor
    with a pop-up naming a document it does not have. Now: the card, with this corpus's example."""
    import dataclasses

    app.about = dataclasses.replace(app.about, examples=("berapa lama cuti tahunan?",))
    card, table, _, _ = app.ask_view(question, 3)
    assert "berapa lama cuti tahunan?" in card and len(table) == 0
    with pytest.raises(gr.Error) as info:
        app.ask(question, 3)
    assert (
        info.value.message.startswith("Tulis pertanyaan dulu") and "asisten menteri" not in info.value.message
    )


@pytest.mark.parametrize(("line", "message"), [("{}", "lebih dari 2000 pertanyaan"),
                                                ("k" * 499, "lebih dari 200\\.000 karakter")])  # fmt: skip
def test_an_upload_over_the_bounds_is_refused_as_soon_as_they_are_passed(
    app, tmp_path, monkeypatch, line, message
):
    """The bounds were checked after reading the whole file: 1.7 million ``{}`` lines (5 MB) took 20 s
    of CPU to parse, for a file refused anyway. Now reading stops one record past a bound."""
    import qa.ui.limits as web_limits

    pulled = []

    def counting(src):
        for record in web_batch_read(src):
            pulled.append(record)
            yield record

    web_batch_read = web_limits.read_questions
    monkeypatch.setattr(web_limits, "read_questions", counting)
    upload = tmp_path / "banyak.jsonl"
    upload.write_text(f"{line}\n" * 100_000 if line == "{}" else f'{{"question": "{line}"}}\n' * 1000)
    summary = run_to_end(app.batch_view(str(upload), 3))[0]
    assert message in summary and len(pulled) <= 2001, len(pulled)


def test_a_result_folder_that_vanishes_while_pruning_does_not_fail_the_upload(app, tmp_path, monkeypatch):
    """Uploads prune old result folders while other uploads remove theirs (a refused file's folder is
    removed at once): a folder listed, then gone before its ``stat``, raised FileNotFoundError, which
    ended this visitor's upload as Gradio's bare ``{"error": null}``."""
    from pathlib import Path as P

    real_glob = P.glob

    def glob(self, pattern):
        found = list(real_glob(self, pattern))
        return iter([*found, self / "batch-gone"]) if self == app.workdir else iter(found)

    monkeypatch.setattr(P, "glob", glob)
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n", encoding="utf-8")
    assert "1 pertanyaan" in run_to_end(app.batch_view(str(upload), 3))[0]


def _upload_vanishes(monkeypatch, then_a_folder: bool) -> None:
    """Our copy of the upload removed (or replaced by a folder) just before it is read."""
    import qa.ui.uploadrun

    read = qa.ui.uploadrun.read_upload

    def vanished(src: Path):
        src.unlink()
        if then_a_folder:
            src.mkdir()
        return read(src)

    monkeypatch.setattr(qa.ui.uploadrun, "read_upload", vanished)


def _unwritable_results(monkeypatch) -> None:
    import qa.batch.destination

    monkeypatch.setattr(
        qa.batch.destination.os, "access", lambda *args, **kwargs: False
    )  # root ignores chmod


def _copy_fails(monkeypatch) -> None:
    import errno

    import qa.ui.runs

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qa.ui.runs.shutil, "copyfile", full)


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("folder", "Yang diunggah adalah folder, bukan berkas"),
        ("copy-vanished", "Berkas yang diunggah tidak ditemukan"),
        ("copy-became-a-folder", "Yang diunggah adalah folder, bukan berkas"),
        ("results-unwritable", "Server tidak bisa menyimpan hasilnya"),
        ("copy-fails", "Penyimpanan server penuh"),  # ENOSPC: said as such (section 145)
    ],
)
def test_rare_file_errors_of_an_upload_are_indonesian_and_name_no_server_path(
    app, tmp_path, monkeypatch, capsys, case, said
):
    """A folder, our copy gone, a result folder the server cannot write, a full disk while copying: the
    page showed "berkas yang diunggah: is a directory, expected a question file", "…: question file not
    found", "/tmp/qa-web-…/jawaban.jsonl: cannot write output (Permission denied)" or nothing at all
    (an OSError). Each is one Indonesian line; a problem on the server's side is logged for its operator."""
    upload = tmp_path / "q.txt"
    if case == "folder":
        upload.mkdir()
    else:
        upload.write_text("kontrol keputusan\n", encoding="utf-8")
    if case.startswith("copy-") and case != "copy-fails":
        _upload_vanishes(monkeypatch, then_a_folder=case == "copy-became-a-folder")
    elif case == "results-unwritable":
        _unwritable_results(monkeypatch)
    elif case == "copy-fails":
        _copy_fails(monkeypatch)
    with pytest.raises(gr.Error) as info:
        run_to_end(app.batch_file(str(upload), 3))
    try:
        shown = run_to_end(app.batch_view(str(upload), 3))[0]
    except gr.Error as exc:  # the server's side is a pop-up, as a full disk while writing always was
        shown = exc.message
    for text in (info.value.message, shown.replace("\\", "")):
        assert said in text, text
        assert str(app.workdir) not in text and "/tmp" not in text and "cannot" not in text
        assert not any(english in text for english in ("directory", "not found", "question file", "output"))
    server_side = said.startswith(("Server", "Penyimpanan server"))
    assert (str(app.workdir) in capsys.readouterr().err) is server_side  # the operator reads where
    assert list(app.workdir.glob("batch-*")) == []


def _second_steps_held(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A 200-question upload, and the batch answering held at each run's second step until ``gate`` is
    set (orders, not seconds): the threads' idents of every step taken are in ``steps``."""
    import threading

    real, steps, gate = app.answer_batch, [], threading.Event()

    def held(questions, k, doc):  # type: ignore[no-untyped-def]
        steps.append(threading.get_ident())
        if steps.count(threading.get_ident()) == 2:
            assert gate.wait(60)
        return real(questions, k, doc)

    monkeypatch.setattr(app, "answer_batch", held)
    upload = tmp_path / "q.txt"
    upload.write_text("kontrol keputusan\n" * 200, encoding="utf-8")
    return steps, gate, upload


def test_hentikan_stops_its_own_pages_upload_only_and_says_so(app, tmp_path, monkeypatch):
    """The Batch tab's Hentikan: the run of the page that pressed it (its session) stops after the step
    in flight, its folder is removed and the page says how far it got; another page's run goes on."""
    import threading
    from types import SimpleNamespace

    # Orders, not seconds: both runs are in the middle of their files when Hentikan is pressed
    steps, gate, upload = _second_steps_held(app, tmp_path, monkeypatch)
    mine, other = SimpleNamespace(session_hash="a"), SimpleNamespace(session_hash="b")
    gen, theirs = app.batch_view(str(upload), 1, request=mine), app.batch_view(str(upload), 1, request=other)
    assert next(gen)[0] == next(theirs)[0] == pages.BATCH_CHECKING
    assert next(gen)[0] == next(theirs)[0] == pages.batch_progress(8, 200)  # the first step of each
    app.stop_batch(mine)
    gate.set()
    shown = run_to_end(gen)
    assert shown[0].startswith("Dihentikan setelah ") and "dari 200 pertanyaan" in shown[0], shown[0]
    assert shown[2] is None and len(shown[1]) == 0
    assert "a" not in app.running
    summary, _, files = run_to_end(theirs)  # the other page's run went on to the end
    assert summary.startswith("**200 pertanyaan**: 200 terjawab") and len(files) == 2, summary
    assert len(steps) == 25 + 2  # the stopped run answered its first step and the one in flight
    for t in [t for t in threading.enumerate() if t.name == "qa-batch"]:
        t.join(60)
    assert len(list(app.workdir.glob("batch-*"))) == 1  # the finished run's folder only
    app.stop_batch(mine)  # nothing running for this page: nothing happens


def test_hentikan_stops_every_run_of_its_session(app, tmp_path, monkeypatch):
    """Two runs sent under one session (a hand-made client: the page's button sends one at a time):
    Hentikan stopped only the later one, the first went on to the end out of the page's reach; both
    stop now, and the session leaves nothing behind in ``running``."""
    import threading
    from types import SimpleNamespace

    steps, gate, upload = _second_steps_held(app, tmp_path, monkeypatch)
    mine = SimpleNamespace(session_hash="a")
    first, second = app.batch_view(str(upload), 1, request=mine), app.batch_view(str(upload), 1, request=mine)
    assert next(first)[0] == next(second)[0] == pages.BATCH_CHECKING
    assert next(first)[0] == next(second)[0] == pages.batch_progress(8, 200)
    app.stop_batch(mine)
    gate.set()
    for gen in (first, second):
        shown = run_to_end(gen)
        assert shown[0].startswith("Dihentikan setelah ") and shown[2] is None, shown[0]
    assert app.running == {}
    for t in [t for t in threading.enumerate() if t.name == "qa-batch"]:
        t.join(60)
    assert list(app.workdir.glob("batch-*")) == []


def test_batch_preview_says_the_json_and_csv_row_errors_in_indonesian(app, tmp_path):
    """Section 72's row errors (a field named twice, two question fields, a line that is no object) and the
    older JSON ones reached the page's Status column in English, the only English on an Indonesian page."""
    upload = tmp_path / "q.jsonl"
    deep = '{"question": "profil", "m": ' + "[" * 70 + "]" * 70 + "}"
    lines = ['{"question": "kontrol keputusan"}', '{"question": "a", "question": "b"}',
             '{"question": "a", "Pertanyaan": "b"}', '["kontrol keputusan"]', "null", '"kontrol"',
             '{"question": "profil", "n": NaN}', '{"question": "\\ud800"}', deep,
             '{"question": "profil", "' + "k" * 300 + '": 1, "' + "k" * 300 + '": 2}']  # fmt: skip
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary, preview, _ = run_to_end(app.batch_view(str(upload), 3))
    assert list(preview["Status"][1:]) == [
        "galat: baris 2 menyebut 'question' dua kali dalam satu objek (JSON hanya menyimpan satu nilainya)",
        "galat: baris 3 punya 2 kolom pertanyaan ('question', 'Pertanyaan'); sisakan satu",
        "galat: baris 4 berisi array (daftar) JSON, bukan objek {...}",
        "galat: baris 5 berisi null JSON, bukan objek {...}",
        "galat: baris 6 berisi teks JSON, bukan objek {...}",
        "galat: baris 7 memuat angka yang tidak bisa disimpan JSON",
        "galat: baris 8 memuat escape Unicode yang tidak sah",
        "galat: baris 9 bersarang lebih dari 64 tingkat",
        f"galat: baris 10 menyebut '{'k' * 78}… dua kali dalam satu objek"
        " (JSON hanya menyimpan satu nilainya)",
    ], summary
    table = tmp_path / "q.csv"
    table.write_text("question,id,catatan\nkontrol keputusan,a,x\nApa tugas, dan gaji?,b,y\n",
                     encoding="utf-8")  # fmt: skip
    _, preview, _ = run_to_end(app.batch_view(str(table), 3))
    assert list(preview["Status"][1:]) == [
        "galat: baris 3: 4 sel, padahal baris judul punya 3 (ada ',' di dalam sel tanpa tanda kutip?)"
    ]


def _gzip(path: Path) -> None:
    import gzip

    path.write_bytes(gzip.compress(b"Apa tugas asisten?\n"))


def _xlsx(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [("q.csv", lambda p: p.write_text("question,Pertanyaan\nApa tugas?,Apa gaji?\n"),
      "Baris pertama menamai 2 kolom pertanyaan (kolom 1 'question', kolom 2 'Pertanyaan'); sisakan satu"),
     ("q.txt", _gzip, "Berkas yang diunggah terkompresi gzip; ekstrak dulu"),
     ("q.csv", _xlsx, "Berkas yang diunggah adalah arsip zip (buku kerja Excel .xlsx atau OpenDocument .ods"),
     ("q.txt", lambda p: p.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "adalah PDF")],
    ids=["two-question-columns", "gzip-as-txt", "xlsx-as-csv", "pdf-as-txt"],
)  # fmt: skip
def test_section_72s_file_refusals_are_said_in_indonesian(app, fake_encoder, tmp_path, name, make, message):
    """Two question columns in a header was the CLI's English on the page ("the header names 2 question
    columns (column 1 …)"); a workbook or a gzip file renamed was "not text; save it as UTF-8 text", what
    it is (which section 72 names) not said."""
    upload = tmp_path / name
    make(upload)
    fake_encoder.calls.clear()
    summary, preview, files = run_to_end(app.batch_view(str(upload), 3))
    assert summary.startswith("⚠️") and message in summary.replace("\\", ""), summary  # Markdown's escapes
    assert "column" not in summary and "zcat" not in summary and str(upload.parent) not in summary
    assert files is None and len(preview) == 0 and fake_encoder.calls == []


def test_a_run_its_page_stopped_before_it_was_sent_answers_nothing_and_says_so(app, tmp_path, monkeypatch):
    """Hentikan pressed while the file was still uploading: the page sends the run as stopped
    (eventjs.RUN_SENT, checked in a browser by tests/test_browser_fixes.py); nothing is read or
    answered, no folder is made, and the page says so."""
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    monkeypatch.setattr(app, "answer_batch", lambda *a: pytest.fail("a stopped run was answered"))
    ((said, table, files),) = list(app.batch_view(str(upload), 3, None, True))
    assert said == pages.batch_stopped(0, 0) and len(table) == 0 and files is None
    assert not list(app.workdir.glob("batch-*"))


def test_a_run_the_page_asked_for_again_answers_nothing_and_leaves_the_page(app, tmp_path, monkeypatch):
    """The same file, k and document asked for again while its run was on its way (eventjs.RUN_SENT's
    ``again``, checked in a browser by tests/test_browser_once.py): nothing is read, answered or shown."""
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    monkeypatch.setattr(app, "answer_batch", lambda *a: pytest.fail("a repeated run was answered"))
    updates = list(app.batch_view(str(upload), 3, None, False, True))
    assert updates == [(gr.skip(), gr.skip(), gr.skip())]
    assert not list(app.workdir.glob("batch-*"))
