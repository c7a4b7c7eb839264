"""An upload row the batch reader refused for its length is said at the page's cap (reliability 128).

The page says a question holds 500 characters; a row over the reader's own 2,000 said "batasnya 2000", a
line over 1 MiB and a CSV field over the csv module's cap were shown in English ("galat: line 2 is too
long (…; a question holds at most 2000 characters) …"). Read through the real reader; the page says
such a row from the counts the record carries (section 129), whatever the reader's words.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.batch import Record
from qa.ui import limits, pages
from qa.ui.limits import MAX_WEB_QUESTION_CHARS, read_upload
from scripts.fakes import FakeEncoder
from tests.ui_helpers import make_app, run_to_end

MARK = "\u0301"  # a combining acute: one character with the letter it follows, one more code point


def _errors(path: Path) -> list[str | None]:
    return [r.error for r in read_upload(path)]


def test_a_row_over_the_readers_characters_says_the_pages_cap(tmp_path: Path) -> None:
    upload = tmp_path / "q.txt"
    rows = ["apa tugas?", "y" * 2100, ("e" + MARK * 14) * 600, "a" + MARK * 8001, "x" * 600]
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert MAX_WEB_QUESTION_CHARS == 500 and _errors(upload) == [
        None,
        "question too long (2100 characters, limit 500)",  # was "…, limit 2000)"
        "question too long (600 characters, limit 500)",  # was "… but 9000 code points, limit 8000 …"
        "question too long (1 character but 8002 code points, limit 2000 code points)",  # was "… 8000 …"
        "question too long (600 characters, limit 500)",  # the page's own refusal, as before
    ]


def test_a_line_over_a_mebibyte_is_said_in_the_pages_words(tmp_path: Path) -> None:
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas?\n" + "x" * 1_100_000 + "\n", encoding="utf-8")
    row = read_upload(upload)[1]
    error = row.error
    assert error == "question too long (1100000 code points, limit 2000 code points)", error
    assert pages._status({"error": error}, row.why) == (  # said from the row's code (section 133)
        "galat: pertanyaan terlalu panjang (1100000 titik kode Unicode; batasnya 2000 titik kode)"
    )


def test_a_csv_field_over_the_csv_modules_cap_is_said_in_the_pages_words(tmp_path: Path) -> None:
    upload = tmp_path / "q.csv"
    upload.write_text(f'id,question\n1,"a{MARK * (csv.field_size_limit() + 5)}"\n', encoding="utf-8")
    (row,) = read_upload(upload)
    error = row.error
    assert error == f"question too long (over {csv.field_size_limit()} code points, limit 2000 code points)"
    assert pages._status({"error": error}, row.why) == (
        f"galat: pertanyaan terlalu panjang (lebih dari {csv.field_size_limit()} titik kode Unicode; "
        "batasnya 2000 titik kode)"
    )


def test_the_pages_words_do_not_depend_on_the_readers(tmp_path: Path, monkeypatch) -> None:
    """Section 129: the page matched the reader's English sentences with four regular expressions, so a
    reworded refusal reached the page as the reader said it (here "ROW REFUSED: …", in the reader's
    limit). Said from the counts the record carries, the page's words hold whatever the reader's are."""
    real = limits.read_questions

    def reworded(source: Path) -> Iterator[Record]:
        for r in real(source):
            yield dataclasses.replace(r, error=r.error and f"ROW REFUSED: {r.error.upper()}")

    monkeypatch.setattr(limits, "read_questions", reworded)
    upload = tmp_path / "q.txt"
    rows = ["apa tugas?", "y" * 2100, ("e" + MARK * 14) * 600, "a" + MARK * 8001, "x" * 1_100_000, "-"]
    upload.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _errors(upload) == [
        None,
        "question too long (2100 characters, limit 500)",
        "question too long (600 characters, limit 500)",
        "question too long (1 character but 8002 code points, limit 2000 code points)",
        "question too long (1100000 code points, limit 2000 code points)",
        "ROW REFUSED: EMPTY QUESTION",  # not a length refusal: as the reader says it
    ]
    table = tmp_path / "q.csv"
    table.write_text(f'id,question\n1,"a{MARK * (csv.field_size_limit() + 5)}"\n', encoding="utf-8")
    assert _errors(table) == [
        f"question too long (over {csv.field_size_limit()} code points, limit 2000 code points)"
    ]


@pytest.fixture
def app(settings, tmp_path):
    return make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)


def test_the_preview_says_no_limit_but_the_pages(app, tmp_path: Path) -> None:
    """Through the Batch tab's handler: every refused row's Status is Indonesian and names 500 characters
    or the page's 2,000 code points, none the reader's 2,000 characters."""
    upload = tmp_path / "q.txt"
    upload.write_text("apa tugas asisten?\n" + "y" * 2100 + "\n" + "x" * 1_100_000 + "\n", encoding="utf-8")
    summary, preview, _ = run_to_end(app.batch_view(str(upload), 2))
    assert list(preview["Status"]) == [
        "terjawab",
        "galat: pertanyaan terlalu panjang (2100 karakter, batasnya 500)",
        "galat: pertanyaan terlalu panjang (1100000 titik kode Unicode; batasnya 2000 titik kode)",
    ]
    assert summary.startswith("**3 pertanyaan**: 1 terjawab, 0 tidak terjawab, 2 galat."), summary
