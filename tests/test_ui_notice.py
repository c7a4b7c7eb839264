"""The page's Batch tab says which questions were cut, and counts an upload's refused row once (reliability
125), with the fake encoder (fast: no server, no model; the real page is tests/test_browser.py's).

Before: the preview's Status said only *terjawab* / *tidak terjawab*, so a question answered from its first
part (the JSONL's ``notice``, the CSV's column) looked answered whole on the page; and a row over the web's
500 characters had its characters counted twice (the cap, then its message).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from qa.assistant import TOO_LONG
from qa.batch import RowError
from qa.question_text import code_point_cap
from qa.ui import pages
from qa.ui.limits import MAX_WEB_QUESTION_CHARS, read_upload
from scripts.fakes import FakeEncoder
from tests.ui_helpers import make_app, run_to_end

WINDOW = 60  # the fake model's window, in characters: a longer question is cut, as e5's 512 tokens cut one
SAID = "pertanyaan terlalu panjang; hanya bagian awalnya yang dipakai"
CUT_SAID = (  # the summary's count of the cut questions (section 128)
    "Di antara yang terjawab dan tidak terjawab, {} pertanyaan dipotong karena terlalu panjang bagi model"
)


class SmallWindow(FakeEncoder):
    """The fake encoder with a window of WINDOW characters (under the web's cap: the real one is in
    tokens, and a 480-character question of flags fills it twice)."""

    def truncate(self, text: str) -> tuple[str, bool]:
        return (text[:WINDOW], True) if len(text) > WINDOW else (text, False)


@pytest.fixture
def app(settings, tmp_path):
    return make_app(settings, SmallWindow(), tmp_path / "web", threshold=0.0)


def test_the_preview_and_the_summary_say_which_questions_were_cut(app, tmp_path: Path) -> None:
    long = "apa tugas utama asisten menteri dalam " + "kerja sama luar negeri dan " * 4 + "protokol?"
    assert WINDOW < len(long) <= MAX_WEB_QUESTION_CHARS
    upload = tmp_path / "q.txt"
    upload.write_text(f"apa tugas asisten?\n{long}\n\n", encoding="utf-8")
    summary, preview, files = run_to_end(app.batch_view(str(upload), 2))
    assert list(preview["Status"]) == ["terjawab", f"terjawab ({SAID})"]
    assert CUT_SAID.format(1) in summary, summary
    with open(files[0], encoding="utf-8-sig", newline="") as f:  # the downloads say it too
        assert [r["notice"] for r in csv.DictReader(f)] == ["", TOO_LONG]
    records = [json.loads(line) for line in Path(files[1]).read_text(encoding="utf-8").splitlines()]
    assert [r.get("notice") for r in records] == [None, TOO_LONG]


def test_the_summary_counts_the_cut_questions_apart_from_the_refused_long_ones(app, tmp_path: Path) -> None:
    """A file of mixed rows: one question cut to the model's window, two refused as over the page's cap
    (their Status: *galat: pertanyaan terlalu panjang (…)*). The summary said "1 pertanyaan terlalu
    panjang; …" beside three rows saying *terlalu panjang*: read as the count of long questions, it was
    wrong. It counts the cut ones among the answered and unanswered (section 128)."""
    long = "apa tugas utama asisten menteri dalam " + "kerja sama luar negeri dan " * 4 + "protokol?"
    upload = tmp_path / "q.txt"
    upload.write_text(f"apa tugas asisten?\n{long}\n{'x' * 600}\n{'e' * 700}\n", encoding="utf-8")
    summary, preview, _ = run_to_end(app.batch_view(str(upload), 2))
    statuses = list(preview["Status"])
    assert sum("terlalu panjang" in s for s in statuses) == 3 and sum(SAID in s for s in statuses) == 1
    assert summary.startswith("**4 pertanyaan**: 2 terjawab, 0 tidak terjawab, 2 galat. ")
    assert CUT_SAID.format(1) in summary, summary
    assert re.findall(r"(\d+) pertanyaan terlalu panjang", summary) in ([], ["3"]), summary


def test_an_upload_with_no_cut_question_is_summed_up_as_before(app, tmp_path: Path) -> None:
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas asisten?\nprofil orang yang cocok\n", encoding="utf-8")
    summary, preview, _ = run_to_end(app.batch_view(str(upload), 2))
    assert set(preview["Status"]) == {"terjawab"} and "terlalu panjang" not in summary
    assert summary == pages.batch_summary(2, 2, 0, 0, 2)


@pytest.mark.parametrize(
    ("record", "status"),
    [
        ({"abstained": True, "notice": TOO_LONG}, f"tidak terjawab ({SAID})"),
        ({"abstained": False, "notice": " Dipotong\ndi sini. "}, "terjawab (dipotong di sini)"),
        ({"abstained": False, "notice": None}, "terjawab"),
        ({"error": "empty question", "notice": TOO_LONG}, "galat: pertanyaan kosong"),  # nothing was asked
    ],
)
def test_a_rows_status_names_its_notice_beside_the_outcome(tmp_path: Path, record: dict, status: str) -> None:
    out = tmp_path / "jawaban.jsonl"
    out.write_text(json.dumps({"id": "1", "line": 1, "question": "q", **record}) + "\n", encoding="utf-8")
    codes = {1: RowError("empty")}  # what the reader made of line 1, when it is an error row (section 133)
    assert list(pages.preview_table(out, codes)["Status"]) == [status]


def test_a_summary_counts_the_cut_questions_beyond_the_preview() -> None:
    said = pages.batch_summary(200, 190, 8, 2, 50, cut=3)
    counts = "**200 pertanyaan**: 190 terjawab, 8 tidak terjawab, 2 galat. "
    assert said.startswith(f"{counts}{CUT_SAID.format(3)}:")
    assert "Pratinjau menampilkan 50 baris pertama." in said


def test_an_uploads_refused_row_is_counted_once_as_an_accepted_one_is(tmp_path: Path, monkeypatch) -> None:
    """A row over the web's 500 characters had its characters (a grapheme scan) counted twice on the
    page's pass over the upload, once for the cap and once for its message, as section 119 fixed for the
    CLI; now once, as an accepted row is (plus the batch reader's own count of every row, at 2,000)."""
    import qa.batch.too_long
    import qa.question_text

    counted: list[str] = []
    real = qa.question_text.chars

    def counting(text: str) -> int:
        counted.append(text)
        return real(text)

    monkeypatch.setattr(qa.question_text, "chars", counting)
    monkeypatch.setattr(qa.batch.too_long, "chars", counting)
    accepted = "apa " + "e\u0301" * 400  # 404 characters, 804 code points: within the web's cap
    over_chars = "\u00e9" * 600  # 600 characters
    over_code_points = "a" + "\u0301" * 2100  # one character, over the web's 2,000 code points of work
    upload = tmp_path / "q.jsonl"
    rows = (accepted, over_chars, over_code_points)
    upload.write_text("".join(json.dumps({"question": q}) + "\n" for q in rows))
    records = read_upload(upload)
    assert MAX_WEB_QUESTION_CHARS == 500 and [r.error for r in records] == [
        None,
        f"question too long (600 characters, limit {MAX_WEB_QUESTION_CHARS})",
        f"question too long (1 character but 2101 code points, limit {code_point_cap(500)} code points)",
    ]
    assert counted.count(over_chars) == counted.count(accepted) == 2  # was 3: reader, cap, message
    assert counted.count(over_code_points) == 2
