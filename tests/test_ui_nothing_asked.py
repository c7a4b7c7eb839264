"""An upload holding no question says why on the page (docs/reliability.md section 132), as ``qa batch``
warns since section 131: a CSV of its header only (the wrong sheet exported), an empty ``.txt`` or one of
blank and ``#`` lines, an empty ``.jsonl`` were all "Berkas tidak berisi satu pun pertanyaan." with no word
of why, where the terminal says "q.csv has no question rows, a header at most (the wrong sheet?)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.fakes import FakeEncoder
from tests.ui_helpers import make_app, run_to_end

TABLE = "paling banyak baris judulnya saja (lembar yang salah?)"
TEXT = "kosong, atau hanya baris kosong dan baris berawalan #"
LINES = 'kosong, atau hanya baris kosong. Tulis {"question": "…"}, satu per baris'


@pytest.fixture
def app(settings, tmp_path):
    return make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("q.csv", "id,question\n", TABLE),
        ("Q.TSV", "pertanyaan\n\n", TABLE),
        ("q.csv", "", TABLE),  # 0 bytes: the reader does not tell it from a header only (section 131)
        ("q.txt", "", TEXT),
        ("q.txt", "\n# komentar\n   \n", TEXT),
        ("q.jsonl", "\n\n", LINES),
    ],
)
def test_an_upload_with_no_question_says_why(app, tmp_path: Path, name: str, text: str, said: str) -> None:
    """Through the Batch tab's handler: the page's warning for an upload problem names the likely cause
    and what to upload; no table rows and nothing to download."""
    upload = tmp_path / name
    upload.write_text(text, encoding="utf-8")
    summary, preview, files = run_to_end(app.batch_view(str(upload), 2))
    summary = re.sub(r"\\(.)", r"\1", summary)  # as shown: the page's Markdown escapes undone
    assert summary.startswith("⚠️ Berkas tidak berisi satu pun pertanyaan: ") and said in summary, summary
    assert len(preview) == 0 and files is None


def test_an_upload_with_questions_is_summed_up_as_before(app, tmp_path: Path) -> None:
    upload = tmp_path / "q.csv"
    upload.write_text("question\napa tugas asisten menteri?\n", encoding="utf-8")
    summary, preview, files = run_to_end(app.batch_view(str(upload), 2))
    assert summary.startswith("**1 pertanyaan**: 1 terjawab") and "satu pun" not in summary
    assert len(preview) == 1 and len(files) == 2


def test_a_header_only_csv_sent_to_the_real_server_says_why(settings, tmp_path: Path, capfd) -> None:
    """A real Gradio server on 127.0.0.1 and a real ``gradio_client``: the /batch API's error names the
    cause too (it raises the same ``InputError`` as the page), no traceback on the server."""
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    from tests.ui_helpers import serving

    upload = tmp_path / "q.csv"
    upload.write_text("id,question\n", encoding="utf-8")
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        with pytest.raises(AppError, match=r"satu pun pertanyaan.*lembar yang salah"):
            client.predict(handle_file(str(upload)), 3, None, api_name="/batch")
    assert "Traceback" not in capfd.readouterr().err
