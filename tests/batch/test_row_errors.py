"""Each row error the readers make carries its code and values beside the English the files write
(reliability 133): the sentences are the bytes ``qa batch`` wrote before, and a caller that words the row
itself (the web page) reads the code, never the sentence."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qa.batch import RowError, TooLong, read_questions
from qa.batch.readers import MAX_QUESTION_CHARS

MARK = "\u0301"
CAP = csv.field_size_limit()


def _rows(tmp_path: Path, name: str, data: bytes) -> list[tuple[str | None, str, int, tuple]]:
    path = tmp_path / name
    path.write_bytes(data)
    return [
        (r.error, r.why.code, r.why.line, r.why.args) if r.why else (r.error, "", 0, ())
        for r in read_questions(path)
    ]


def test_the_jsonl_errors_are_the_sentences_written_before_with_their_codes(tmp_path: Path) -> None:
    deep = b'{"question": "a", "m": ' + b"[" * 70 + b"]" * 70 + b"}"
    lines = [b'{"question": ""}', b'{"id": "x"}', b'{"question": 5}', b"{oops", b'["a"]',
             b'{"question": "a", "question": "b"}', b'{"question": "a", "Pertanyaan": "b"}',
             b'{"question": "\\ud800"}', b'{"question": "a", "n": NaN}', deep, b"null",
             b'{"question": "caf\xe9"}', b'{"question": "' + b"y" * 2100 + b'"}']  # fmt: skip
    assert _rows(tmp_path, "q.jsonl", b"\n".join(lines) + b"\n") == [
        ("empty question", "empty", 0, ()),
        ("no question field/column", "no_question", 0, ()),
        ("question is not a string", "not_text", 0, ()),
        ("line 4 is not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 "
         "(char 1))", "not_json", 4, ()),
        ("line 5 is a JSON array, not an object", "not_object", 5, ("array",)),
        ("line 6 names 'question' twice in one object (JSON keeps one value, the other is dropped)",
         "name_twice", 6, ("'question'",)),
        ("line 7 has 2 question fields ('question', 'Pertanyaan'): keep one",
         "question_fields", 7, (2, "'question', 'Pertanyaan'")),
        ("line 8 has an invalid Unicode escape (a lone surrogate such as \\ud800)", "bad_escape", 8, ()),
        ("line 9 has a number JSON cannot hold (NaN or infinite)", "bad_number", 9, ()),
        ("line 10 is nested deeper than 64 levels", "too_deep", 10, (64,)),
        ("line 11 is a JSON null, not an object", "not_object", 11, ("null",)),
        ("line 12 is not valid UTF-8 (invalid continuation byte at byte 17)", "undecodable", 12, ("UTF-8",)),
        ("question too long (2100 characters, limit 2000)", "too_long", 0, ()),
    ]  # fmt: skip


def test_the_text_and_table_errors_are_the_sentences_written_before_with_their_codes(tmp_path: Path) -> None:
    txt = b"-\ncaf\xe9 apa?\n" + b"x" * 1_100_000 + b"\n" + ("a" + MARK * 8001).encode() + b"\n"
    assert _rows(tmp_path, "q.txt", txt) == [
        ("empty question", "empty", 0, ()),
        ("line 2 is not valid UTF-8 (invalid continuation byte at byte 3)", "undecodable", 2, ("UTF-8",)),
        ("line 3 is too long (1100000 code points; a question holds at most 2000 characters): not read past "
         "its first 1048576 bytes", "long_line", 3, (1_100_000, 2000, 1_048_576)),
        ("question too long (1 character but 8002 code points, limit 8000 code points)", "too_long", 0, ()),
    ]  # fmt: skip
    table = b"id,question,x\nb,Apa tugas, dan gaji?,y\nc\n" + f'e,"a{MARK * (CAP + 5)}",z\n'.encode()
    assert _rows(tmp_path, "q.csv", table) == [
        ("line 2: 4 cells but the header has 3 (a ',' inside an unquoted cell?)", "misfit", 2, (4, 3, "','")),
        ("no question field/column", "no_question", 0, ()),
        (f"question too long (over {CAP} code points, limit 2000 characters)", "long_field", 0, (CAP, 2000)),
    ]  # fmt: skip


def test_a_length_refusal_carries_its_counts_and_no_other_does(tmp_path: Path) -> None:
    path = tmp_path / "q.txt"
    path.write_bytes(b"-\n" + b"y" * 2100 + b"\n")
    empty, long = read_questions(path)
    assert empty.why == RowError("empty") and empty.too_long is None
    assert long.too_long == TooLong(2100, MAX_QUESTION_CHARS, 2100) == long.why.counts  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="takes counts exactly when"):
        RowError("too_long")
    with pytest.raises(ValueError, match="takes counts exactly when"):
        RowError("empty", counts=TooLong(1, 1))
