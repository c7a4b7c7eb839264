"""A row the reader refuses for its length carries what it counted as data (reliability 129): the counts,
the unit it was refused by, a lower bound, the limit. The error text the CLI writes is the same bytes."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from qa.batch import MAX_QUESTION_CHARS, read_questions
from qa.batch.too_long import TooLong

MARK = "\u0301"  # a combining acute: one more code point, no more characters


def _rows(path: Path, text: str) -> list[tuple[str | None, TooLong | None]]:
    path.write_text(text, encoding="utf-8")
    return [(r.error, r.too_long) for r in read_questions(path)]


def test_a_txt_row_and_a_long_line_carry_their_counts_beside_the_same_words(tmp_path: Path) -> None:
    rows = ["apa tugas?", "y" * 2100, "a" + MARK * 8001, "x" * 1_100_000, ""]
    assert _rows(tmp_path / "q.txt", "\n".join(rows)) == [
        (None, None),
        ("question too long (2100 characters, limit 2000)", TooLong(2100, 2000, 2100)),
        ("question too long (1 character but 8002 code points, limit 8000 code points)",
         TooLong(8002, 2000, 1)),
        ("line 4 is too long (1100000 code points; a question holds at most 2000 characters): not read past "
         "its first 1048576 bytes", TooLong(1_100_000, 2000)),
    ]  # fmt: skip


def test_a_jsonl_row_and_a_csv_field_over_the_csv_modules_cap(tmp_path: Path) -> None:
    (row,) = _rows(tmp_path / "q.jsonl", '{"question": "%s"}\n' % ("\u00e9" * 2001))
    assert row == ("question too long (2001 characters, limit 2000)", TooLong(2001, 2000, 2001))
    cap = csv.field_size_limit()
    ((error, counted),) = _rows(tmp_path / "q.csv", f'id,question\n1,"a{MARK * (cap + 5)}"\n')
    assert error == f"question too long (over {cap} code points, limit 2000 characters)"
    assert counted == TooLong(cap, MAX_QUESTION_CHARS, over=True) and counted.unit == "code points"


def test_a_long_line_in_a_csv_keeps_its_counts_with_its_error(tmp_path: Path) -> None:
    ((error, counted),) = _rows(tmp_path / "q.csv", "id,question\n1," + "x" * 1_100_000 + "\n")
    assert error is not None and error.startswith("line 2 is too long (1100002 code points")
    assert counted == TooLong(1_100_002, MAX_QUESTION_CHARS)


@pytest.mark.parametrize(
    "text",
    [b"\xff" + b"y" * 2100 + b"\n", b'{"question": 5}\n', b"- \n", b"\x01" * 9000 + b"\n"],
)
def test_a_row_refused_for_anything_else_carries_no_counts(tmp_path: Path, text: bytes) -> None:
    """An undecodable line that is also long says why it did not decode (as before), without counts that
    would let a caller restate it as a length refusal."""
    path = tmp_path / ("q.jsonl" if text.startswith(b"{") else "q.txt")
    path.write_bytes(text)
    records = list(read_questions(path))
    assert records and all(r.error and r.too_long is None for r in records), records


def test_the_counts_are_said_at_another_cap_in_its_own_unit() -> None:
    marks = TooLong(9000, 2000, 600)  # 600 characters of 14 marks each: over the code points at 2,000
    assert (marks.unit, marks.at(500).unit) == ("code points", "characters")
    assert marks.at(500).said() == "question too long (600 characters, limit 500)"
    streamed = TooLong(1_100_000, 2000).at(
        500
    )  # counted in code points only: said so, at the page's work cap
    assert streamed.said() == "question too long (1100000 code points, limit 2000 code points)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        marks.limit = 500  # type: ignore[misc]
