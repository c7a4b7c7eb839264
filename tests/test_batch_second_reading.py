"""Section 144's batch readers read a second time (docs/reliability.md section 151): each test failed on
the code before its fix."""

from __future__ import annotations

import csv
from pathlib import Path

from qa.batch.readers import read_questions

NOTE = "catatan " * 20_000  # 160,000 characters: over the csv module's default cap of 131,072


def test_a_stray_quote_beside_a_long_note_is_read_as_text_not_lost(tmp_path: Path) -> None:
    """A row the strict reader refuses (a stray quote) is read again with its quotes as text; that second
    read ran at the csv module's default cap, so a long note beside it made the row "malformed CSV", its
    question and id lost (and with another thread's table being read at that moment, it did not)."""
    src = tmp_path / "q.csv"
    src.write_text(f'id,question,note\n1,"apa" gaji?,{NOTE}\n2,apa lagi?,x\n', encoding="utf-8")
    before = csv.field_size_limit()
    rows = [(r.id, r.question, r.error, r.extra.get("note") == NOTE) for r in read_questions(src)]
    assert rows == [("1", '"apa" gaji?', None, True), ("2", "apa lagi?", None, False)]
    assert csv.field_size_limit() == before


def test_a_long_question_read_again_is_still_refused_under_its_id(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text(f'id,question\n1,"apa" {NOTE}\n2,apa lagi?\n', encoding="utf-8")
    rows = [(r.id, r.question, r.error) for r in read_questions(src)]
    long = "question too long (over 131072 code points, limit 2000 characters)"
    assert rows == [("1", None, long), ("2", "apa lagi?", None)]
