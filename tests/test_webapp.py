"""The web UI's handlers and rendering, with the fake encoder (fast: no server, no model)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import gradio as gr
import pytest

from qa.ui import render as ui
from qa.ui.app import MAX_FILE_BYTES, build_demo, server_address
from tests.ui_helpers import make_app

QUESTION = "kontrol penuh dalam pengambilan keputusan"  # words of the misconception passage (#6)


@pytest.fixture
def app(settings, fake_encoder, tmp_path):
    """Always answers (threshold 0), so the answer card is what is shown."""
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)


@pytest.fixture
def shy_app(settings, fake_encoder, tmp_path):
    """Always abstains (threshold above any confidence)."""
    return make_app(settings, fake_encoder, tmp_path / "web", threshold=1.01)


def test_answer_card_shows_passage_source_confidence_and_marks(app):
    card, table, plot, context = app.ask_view(QUESTION, 3)
    assert "padahal sebenarnya mereka berperan sebagai pendamping" in card
    assert "<mark>kontrol</mark> <mark>penuh</mark>" in card and "<mark>keputusan</mark>" in card
    assert "Sumber: asisten-menteri-kerjasama-luar-negeri.txt, bagian #6" in card
    assert "Keyakinan: " in card and ui.ABSTAIN_TEXT not in card
    assert list(table.columns) == ui.PASSAGE_HEADERS and len(table) == 3
    assert list(table["#"]) == [1, 2, 3]
    assert set(table["Cocok lewat"]) <= {"makna", "kata kunci", "keduanya"}
    assert list(plot["kutipan"]) == ["#1", "#2", "#3"] and list(plot["skor"]) == list(table["Skor"])
    assert '<span class="qa-passage">Miskonsepsi tentang profesi' in context
    assert "Jika kamu tidak tertarik" in context  # the sentence before, for context


def test_k_sets_the_number_of_supporting_passages(app):
    assert len(app.ask_view(QUESTION, 5)[1]) == 5
    assert len(app.ask_view(QUESTION, 1)[1]) == 1


def test_abstention_card_says_so_and_lists_nearest_passages(shy_app):
    card, table, _, context = shy_app.ask_view(QUESTION, 3)
    assert ui.ABSTAIN_TEXT in card
    assert "untuk yang penasaran" in card and card.count("<li>") == 3
    assert "Keyakinan: rendah" in card and "<mark>" not in card
    assert len(table) == 3 and "Kutipan terdekat" in context


@pytest.mark.parametrize("question", ["", "   ", None])
def test_empty_question_is_a_friendly_message_not_an_error(app, question):
    card, table, plot, _ = app.ask_view(question, 3)
    assert ui.EMPTY_TEXT in card
    assert len(table) == 0 and len(plot) == 0


def test_empty_question_through_the_api_is_a_clear_error(app):
    with pytest.raises(gr.Error, match="Tulis pertanyaan"):
        app.ask("  ", 3)


def test_long_question_is_truncated_with_a_notice(app):
    card = app.ask_view(QUESTION + " " + "keputusan " * 300, 3)[0]
    assert "Pertanyaan terlalu panjang" in card and 'class="qa-notice"' in card
    assert "qa-notice" not in app.ask_view(QUESTION, 3)[0]


def test_core_errors_become_gr_error_with_their_message(app):
    with pytest.raises(gr.Error, match="k must be between 1 and 20"):
        app.ask_view(QUESTION, 50)


def test_api_returns_the_cli_json_shape(app):
    result = app.ask(QUESTION, 2)
    assert set(result) >= {"question", "abstained", "confidence", "answer", "message", "passages"}
    assert len(result["passages"]) == 2
    assert json.loads(json.dumps(result)) == result  # plain JSON


def test_highlight_segments_land_on_the_matched_words(app):
    answer = app.ask("kontrol keputusan", 1)["answer"]
    pieces = ui.segments(answer["text"], answer["highlights"])
    assert "".join(p for p, _ in pieces) == answer["text"]
    assert [p for p, label in pieces if label] == ["kontrol", "keputusan"]
    assert all(label in (None, ui.HIGHLIGHT_LABEL) for _, label in pieces)


def test_segments_survive_odd_spans_and_markup_is_escaped():
    text = "a <b>bold</b> & kata"
    pieces = ui.segments(text, [[16, 20], [3, 4], [2, 6], [50, 60], [5, 5]])
    assert "".join(p for p, _ in pieces) == text
    assert [p for p, label in pieces if label] == ["<b>b", "kata"]  # overlap, out of range, empty: dropped
    html = ui.marked_html(text, [[16, 20]])
    assert "<b>" not in html and "&lt;b&gt;" in html and "<mark>kata</mark>" in html
    assert ui.segments("", []) == [("", None)]


def test_answer_sentence_stands_out_from_its_neighbours():
    text = "Satu dua. Tiga empat."
    html = ui.marked_html(text, [[0, 4], [10, 14]], focus=(10, 21))
    assert html == '<span class="qa-aside"><mark>Satu</mark> dua. </span><mark>Tiga</mark> empat.'
    assert ui.marked_html(text, [], focus=(5, 99)) == text  # a nonsensical focus is ignored


@pytest.mark.parametrize(
    ("conf", "tier"), [(0.95, "tinggi"), (0.85, "tinggi"), (0.6, "sedang"), (0.2, "rendah")]
)
def test_confidence_in_words_and_number(conf, tier):
    assert ui.confidence_text(conf, 0.5) == f"Keyakinan: {tier} ({conf:.2f})"


def test_batch_writes_csv_and_jsonl_with_every_question(app, fake_encoder, tmp_path):
    upload = tmp_path / "my questions; rm -rf ~.txt"  # the name is never used as a path
    questions = ["apa tugas utama asisten?", "kontrol penuh keputusan", "", "profil orang yang cocok"]
    upload.write_text("\n".join(questions) + "\n", encoding="utf-8")
    fake_encoder.calls.clear()
    summary, preview, files = app.batch_view(str(upload), 2)
    assert summary.startswith("**3 pertanyaan**: 3 terjawab")
    assert [Path(f).name for f in files] == ["jawaban.csv", "jawaban.jsonl"]
    assert all(Path(f).resolve().is_relative_to(app.workdir.resolve()) for f in files)
    assert sum(fake_encoder.calls) == 3  # the model ran once; the CSV replays the same answers
    asked = [q for q in questions if q]
    records = [json.loads(line) for line in Path(files[1]).read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in records] == asked and all(len(r["passages"]) == 2 for r in records)
    with open(files[0], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["question"] for r in rows] == asked and [r["answer"] for r in rows] == [
        r["answer"]["text"] for r in records
    ]
    assert list(preview["Pertanyaan"]) == asked and set(preview["Status"]) == {"terjawab"}


def test_batch_api_returns_the_jsonl_file(app, tmp_path):
    upload = tmp_path / "q.jsonl"
    upload.write_text('{"id": "a", "question": "kontrol keputusan"}\n{"id": "b", "question": ""}\n')
    out = Path(app.batch_file(str(upload), 3))
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert out.name == "jawaban.jsonl" and [r["id"] for r in records] == ["a", "b"]
    assert records[1]["error"] == "empty question"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("questions.pdf", "apa tugas asisten?", "tidak didukung"),
        ("questions", "apa tugas asisten?", "tidak didukung"),
        ("empty.txt", "\n# only a comment\n", "tidak berisi satu pun pertanyaan"),
        ("binary.txt", "apa\x00tugas", "not a text file"),
    ],
)
def test_batch_refuses_bad_files_with_a_clear_message(app, tmp_path, name, content, message):
    upload = tmp_path / name
    upload.write_text(content)
    summary, preview, files = app.batch_view(str(upload), 3)
    assert summary.startswith("⚠️") and message in summary and str(app.workdir) not in summary
    assert files is None and len(preview) == 0
    with pytest.raises(gr.Error, match=message):
        app.batch_file(str(upload), 3)


def test_batch_refuses_oversized_and_missing_uploads(app, tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"apa tugas asisten?\n" * (MAX_FILE_BYTES // 19 + 10))
    assert "terlalu besar" in app.batch_view(str(big), 3)[0]
    assert "Pilih berkas" in app.batch_view(None, 3)[0]


def test_server_address_is_loopback_unless_told_or_on_spaces():
    assert server_address({}) == ("127.0.0.1", 7860)
    assert server_address({"SPACE_ID": "user/space"}) == ("0.0.0.0", 7860)
    env = {"GRADIO_SERVER_NAME": "0.0.0.0", "GRADIO_SERVER_PORT": "8080"}
    assert server_address(env) == ("0.0.0.0", 8080)
    from qa.errors import InputError

    with pytest.raises(InputError, match="GRADIO_SERVER_PORT"):
        server_address({"GRADIO_SERVER_PORT": "http"})


def test_about_tab_names_document_model_build_and_threshold(app):
    text = ui.about_markdown(app.assistant.info())
    info = app.assistant.info()
    assert "asisten-menteri-kerjasama-luar-negeri.txt" in text and "**10 kutipan**" in text
    assert info["build"]["id"] in text and info["build"]["created"] in text and "0.00" in text
    assert "fake-hash-bow" in text


def test_page_has_exactly_the_named_endpoints(app):
    demo = build_demo(app)
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert public == {"ask", "batch"}
