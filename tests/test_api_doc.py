"""``doc`` is always a parameter of /ask and /batch, checked against the index served when the request
comes (docs/reliability.md section 21). Before, the endpoints took it only when the corpus held several
documents at start-up: after a rebuild added documents (qa/live.py follows rebuilds), ``doc`` was refused
by /ask ("menerima 2 nilai") and by /batch, and the API page listed the documents of start-up.

Through a real Gradio server on 127.0.0.1 (in this process, over the fake encoder, so the test can
rebuild the index it serves), with gradio_client and raw HTTP as a curl user would send."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from qa.errors import InputError
from qa.live import LiveAssistant
from scripts.trials import open_index

from .conftest import DOC, FakeEncoder
from .ui_helpers import call_result, make_app, serving

NEW = "kantor.txt"
QUESTION = "di gedung mana kantor asisten menteri berada?"


def _raw(url: str, api: str, data: list) -> tuple[str, object]:
    """(event, data) of a /call/ request, as curl sends it."""
    event_id = httpx.post(f"{url}gradio_api/call/{api}", json={"data": data}).json()["event_id"]
    event, data = call_result(httpx.get(f"{url}gradio_api/call/{api}/{event_id}", timeout=60).text)
    return event, json.loads(data)


def _sources(result: dict) -> set[str]:
    return {p["source"] for p in result["passages"]}


@pytest.fixture
def one_document_server(settings, tmp_path, capfd):
    """A server started on a one-document corpus (no drop-down at start-up), following its index."""
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = LiveAssistant(app.live.current(), 1e9, log=lambda m: None)  # reopened by hand below
    assert app.documents == [DOC] and not app.can_limit_to_document
    with serving(app) as (url, _demo):
        yield url, app, settings
    assert "Traceback" not in capfd.readouterr().err  # a client's mistake is not the server's failure


def test_a_document_added_by_a_rebuild_can_be_named_through_the_api(one_document_server, tmp_path) -> None:
    from gradio_client import Client, handle_file

    url, app, settings = one_document_server
    client = Client(url, verbose=False, analytics_enabled=False, download_files=str(tmp_path / "dl"))
    (settings.corpus_dir / NEW).write_text(
        "Kantor asisten menteri berada di gedung Pancasila, Jakarta Pusat.\n", encoding="utf-8"
    )
    open_index(settings, build="auto")  # `qa index` while the server runs
    assert app.live.reopen_if_changed()

    assert _sources(client.predict(QUESTION, 3, NEW, api_name="/ask")) == {NEW}
    event, data = _raw(url, "ask", [QUESTION, 3, NEW])
    assert event == "complete" and _sources(data[0]) == {NEW}  # type: ignore[index]
    questions = tmp_path / "pertanyaan.txt"
    questions.write_text(f"{QUESTION}\napa tugas asisten menteri?\n", encoding="utf-8")
    path = client.predict(handle_file(str(questions)), 2, NEW, api_name="/batch")
    records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and all(_sources(r) == {NEW} for r in records)

    # the parameter is documented as a name, not as the documents of start-up
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    for api in ["/ask", "/batch"]:
        (doc,) = [p for p in endpoints[api]["parameters"] if p["parameter_name"] == "doc"]
        assert "enum" not in json.dumps(doc["type"]) and DOC not in json.dumps(doc), doc
    # and what /batch gives back is named on the API page (it read 'the "value_31" File component')
    (returned,) = endpoints["/batch"]["returns"]
    assert returned["label"] == "Hasil (JSONL, satu objek per pertanyaan)", returned


def test_an_unknown_document_is_one_clear_message_and_leaving_doc_out_still_answers(
    one_document_server, tmp_path
) -> None:
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    url, _app, _settings = one_document_server
    client = Client(url, verbose=False, analytics_enabled=False, download_files=str(tmp_path / "dl"))
    with pytest.raises(AppError, match="Dokumen tidak dikenal: 'cuti.txt'"):
        client.predict(QUESTION, 3, "cuti.txt", api_name="/ask")
    questions = tmp_path / "pertanyaan.txt"
    questions.write_text(f"{QUESTION}\n", encoding="utf-8")
    with pytest.raises(AppError, match="Dokumen tidak dikenal: 'cuti.txt'"):
        client.predict(handle_file(str(questions)), 2, "cuti.txt", api_name="/batch")
    event, data = _raw(url, "ask", [QUESTION, 3, "cuti.txt"])
    assert event == "error" and "Dokumen tidak dikenal" in data["error"]  # type: ignore[index]
    event, data = _raw(url, "ask", [QUESTION, 3, {"nama": "x"}])  # not a name at all
    assert event == "error" and "Dokumen tidak dikenal" in data["error"]  # type: ignore[index]

    # a client written before doc was always offered: [question, k], or the question alone; a blank
    # field of a form (spaces, a newline) means every document, as an empty one does
    for sent in (
        [QUESTION, 3],
        [QUESTION],
        [QUESTION, 3, " "],
        [QUESTION, 3, "\n"],
        [QUESTION, 3, " Semua dokumen"],
    ):
        event, data = _raw(url, "ask", sent)
        assert event == "complete" and _sources(data[0]) == {DOC}, (sent, data)  # type: ignore[index]
    assert _sources(client.predict(QUESTION, 3, api_name="/ask")) == {DOC}
    path = client.predict(handle_file(str(questions)), 2, api_name="/batch")
    assert Path(path).read_text(encoding="utf-8").count("\n") == 1
    event, data = _raw(url, "ask", [])  # a value with no default left out: still named, not null
    assert event == "error" and "/ask menerima question (teks), k (bilangan bulat, opsional)" in data["error"]  # type: ignore[index]


def test_a_document_named_as_a_client_types_it_is_found(settings, tmp_path) -> None:
    """A name typed in another Unicode form than the file's (a corpus copied from a Mac keeps decomposed
    names: ``cafe`` + U+0301), with a space pasted around it, or a file name without its folder (as
    ``qa ask --doc`` takes it) was "Dokumen tidak dikenal"; each now names its one document."""
    decomposed = "cafe\u0301.txt"
    (settings.corpus_dir / decomposed).write_text(
        "Kafe di lantai dua buka pukul tujuh pagi.\n", encoding="utf-8"
    )
    (settings.corpus_dir / "sub").mkdir()
    (settings.corpus_dir / "sub" / "panduan.md").write_text(
        "# Panduan\n\nLayanan perpustakaan tersedia setiap hari kerja.\n", encoding="utf-8"
    )
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    assert decomposed in app.documents and "sub/panduan.md" in app.documents
    with serving(app) as (url, _demo):
        for typed, meant in [("café.txt", decomposed), (" sub/panduan.md\n", "sub/panduan.md"),
                             ("panduan.md", "sub/panduan.md")]:  # fmt: skip
            event, data = _raw(url, "ask", ["kapan buka?", 3, typed])
            assert event == "complete" and _sources(data[0]) == {meant}, (typed, data)  # type: ignore[index]
    with pytest.raises(InputError, match="Dokumen tidak dikenal"):
        app.check_doc("PANDUAN.MD")  # not guessed beyond that: another case is another name
    (settings.corpus_dir / "lain").mkdir()
    (settings.corpus_dir / "lain" / "panduan.md").write_text("Panduan kedua.\n", encoding="utf-8")
    app = make_app(settings, FakeEncoder(), tmp_path / "web2", threshold=0.0)
    with pytest.raises(InputError, match="cocok dengan 2 dokumen"):
        app.check_doc("panduan.md")  # two documents have that file name: neither is guessed
    assert app.check_doc("lain/panduan.md") == "lain/panduan.md"


def test_a_name_two_documents_share_is_told_as_such_not_as_unknown(settings, tmp_path) -> None:
    """A file name two folders share (``panduan.md`` in ``sub/`` and ``lain/``), or a name two files
    share once normalised: before, "Dokumen tidak dikenal", untrue, and silent on the way out (the
    path). Names that only look like paths are still refused, never resolved against the disk."""
    for folder in ("sub", "lain"):
        (settings.corpus_dir / folder).mkdir()
        (settings.corpus_dir / folder / "panduan.md").write_text(f"Panduan {folder}.\n", encoding="utf-8")
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        event, data = _raw(url, "ask", ["apa isi panduan?", 3, "panduan.md"])
        assert event == "error" and "tidak dikenal" not in data["error"], data  # type: ignore[index]
        assert "cocok dengan 2 dokumen: 'lain/panduan.md', 'sub/panduan.md'" in data["error"], data  # type: ignore[index]
        event, data = _raw(url, "ask", ["apa isi panduan?", 3, "sub/panduan.md"])
        assert event == "complete" and _sources(data[0]) == {"sub/panduan.md"}, data  # type: ignore[index]
    for hostile in ("../sub/panduan.md", str(settings.corpus_dir / "sub" / "panduan.md"), "sub/panduan.md\0",
                    "./sub/panduan.md", "sub//panduan.md", "/panduan.md"):  # fmt: skip
        with pytest.raises(InputError, match="Dokumen tidak dikenal"):
            app.check_doc(hostile)


def test_the_api_page_names_asks_values_not_1st_2nd_3rd(one_document_server) -> None:
    """``gr.api`` labelled /ask's values "1st", "2nd", "3rd" (and its result "1st") on the API page; they
    carry the Batch tab's words for the same values now, and the parameter names stay as they were."""
    from gradio_client import Client

    url, _app, _settings = one_document_server
    client = Client(url, verbose=False, analytics_enabled=False)
    ask = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/ask"]
    labels = [(p["label"], p["parameter_name"]) for p in ask["parameters"]]
    assert labels == [("Pertanyaan", "question"), ("Jumlah kutipan (k)", "k"),
                      ("Dokumen (nama, opsional)", "doc")]  # fmt: skip
    assert [r["label"] for r in ask["returns"]] == ["Jawaban (objek JSON, seperti qa ask --json)"]
