"""qa.batch.writers and outputs: formats, overwrite protection, CSV injection, output checks, disk full."""

from __future__ import annotations

import pytest

from qa.batch import read_questions, run_batch
from qa.errors import InputError

from .helpers import FakeAnswer, csv_rows, ids_of, jsonl, md_ids, write


def test_extra_fields_colliding_with_output_fields_are_prefixed(tmp_path):
    src = write(tmp_path / "q.jsonl", '{"question": "Apa?", "answer": "gold", "line": 9, "score": 1}\n')
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.jsonl")
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv")
    (out,) = jsonl(tmp_path / "o.jsonl")
    assert out["input_answer"] == "gold" and out["input_line"] == 9 and out["line"] == 1
    assert out["answer"]["text"] == "Jawaban untuk Apa?"
    (row,) = csv_rows(tmp_path / "o.csv")
    assert (
        row["input_answer"] == "gold" and row["answer"] == "Jawaban untuk Apa?" and row["input_score"] == "1"
    )


def test_refuses_to_overwrite_unless_force(tmp_path):
    src = write(tmp_path / "q.txt", "Apa itu A?\n")
    out = write(tmp_path / "out.jsonl", "precious\n")
    fake = FakeAnswer()
    with pytest.raises(InputError, match="exists; use --resume to continue it or --force to overwrite"):
        run_batch(read_questions(src), fake, out)
    assert out.read_text() == "precious\n" and fake.calls == []
    run_batch(read_questions(src), fake, out, force=True)
    assert [o["question"] for o in jsonl(out)] == ["Apa itu A?"]
    empty = write(tmp_path / "empty.jsonl", "")
    run_batch(read_questions(src), fake, empty)  # an empty file is not worth protecting
    assert len(jsonl(empty)) == 1


def test_resume_refuses_a_file_that_is_not_ours(tmp_path):
    src = write(tmp_path / "q.txt", "Apa itu A?\n")
    for name, text in [("o.jsonl", "[1, 2]\n"), ("o.csv", "name,age\nx,1\n"), ("o.md", "# My notes\n")]:
        out = write(tmp_path / name, text)
        with pytest.raises(InputError, match="does not look like a qa batch output"):
            run_batch(read_questions(src), FakeAnswer(), out, resume=True)
        assert out.read_text() == text


def test_unknown_output_extension(tmp_path):
    with pytest.raises(InputError, match=r"\.jsonl, \.csv, \.md"):
        run_batch([], FakeAnswer(), tmp_path / "out.xlsx")


def test_empty_input_still_writes_a_valid_file(tmp_path):
    for ext in ("jsonl", "csv", "md"):
        s = run_batch([], FakeAnswer(), tmp_path / f"o.{ext}")
        assert s.total == 0 and ids_of(tmp_path / f"o.{ext}") == []
    assert (tmp_path / "o.csv").read_text(encoding="utf-8-sig").startswith("id,line,question,answer,")


def test_csv_output_header_values_and_injection_neutralised(tmp_path):
    src = write(
        tmp_path / "q.csv",
        'id,question,note\nh1,"=HYPERLINK(""http://evil"",""klik"")",=1+1\nh2,@SUM(1),-0.5\n'
        "h3,Apa itu zzz?,+62 21\nh4,-5 derajat?,'x\n",
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", chunk_size=2)
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = csv_rows(tmp_path / "o.csv")
    assert list(rows[0])[:14] == [
        "id", "line", "question", "answer", "source", "location", "score", "confidence", "abstained", "error",
        "passage_1_text", "passage_1_source", "passage_1_location", "passage_1_score",
    ]  # fmt: skip
    # an answer without a location (results of older versions) is located by its document
    assert rows[0]["location"] == "doc.txt" and rows[0]["passage_2_location"] == "doc.txt › Bab 2"
    assert list(rows[0])[-1] == "note" and "passage_2_score" in rows[0]
    assert rows[0]["question"] == '\'=HYPERLINK("http://evil","klik")' and rows[0]["note"] == "'=1+1"
    assert rows[1]["question"] == "'@SUM(1)" and rows[1]["note"] == "-0.5"  # a plain number stays a number
    assert rows[2]["note"] == "'+62 21" and rows[3]["question"] == "'-5 derajat?" and rows[3]["note"] == "''x"
    assert rows[0]["score"] == "-0.25" and rows[0]["abstained"] == "false" and rows[0]["source"] == "doc.txt"
    assert rows[2]["abstained"] == "true" and rows[2]["answer"] == "" and rows[2]["confidence"] == "0.1"
    assert rows[0]["passage_1_text"].endswith("\nsecond line")
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "@") and not (
                cell.startswith("-") and cell != "-0.5" and cell != "-0.25"
            )


def test_md_report(tmp_path):
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa itu A?"}\n{"question": "zzz?"}\n[1]\n{"question": "Siapa\\nB?"}\n',
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.md")
    text = (tmp_path / "o.md").read_text()
    assert text.startswith("# Hasil tanya-jawab\n")
    assert "### 1. Apa itu A?\n\n> Jawaban untuk Apa itu A?\n" in text
    assert "Sumber: `doc.txt` · skor -0.250 · keyakinan" in text
    assert "### 2. zzz?\n\nMaaf, dokumen tidak memuat jawaban untuk pertanyaan ini." in text
    assert "### 3. [1]\n\n**Galat** (baris 3): line 3 is a JSON list, not an object" in text
    assert "### 4. Siapa B?\n" in text
    assert md_ids(tmp_path / "o.md") == ["1", "2", "3", "4"]
