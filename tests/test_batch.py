"""Batch mode: readers, writers, chunking, overwrite protection, CSV injection, resume and real kills."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from qa.batch import (
    MAX_QUESTION_CHARS,
    BatchSummary,
    count_questions,
    format_summary,
    read_questions,
    run_batch,
)
from qa.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def fake_result(question: str) -> dict:
    """Deterministic, schema-shaped result; questions containing 'zzz' abstain."""
    n = sum(map(ord, question)) % 97
    passages = [
        {
            "rank": r,
            "chunk_id": n + r,
            "source": "doc.txt",
            "text": f"passage {r} for {question}\nsecond line",
            "score": round(0.9 - r / 10, 3),
            "start": 10 * r,
            "end": 10 * r + 9,
            "dense_score": 0.5,
            "matched_by": ["dense", "lexical"],
            "location": {"label": f"doc.txt › Bab {r}", "page": None, "headings": [f"Bab {r}"]},
        }
        for r in (1, 2)
    ]
    abstained = "zzz" in question
    return {
        "question": question,
        "abstained": abstained,
        "confidence": 0.1 if abstained else round(0.5 + n / 200, 4),
        "answer": None
        if abstained
        else {"text": f"Jawaban untuk {question}", "source": "doc.txt", "chunk_id": n, "score": -0.25},
        "passages": passages,
    }


class FakeAnswer:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, questions: list[str]) -> list[dict]:
        self.calls.append(list(questions))
        return [fake_result(q) for q in questions]

    @property
    def asked(self) -> list[str]:
        return [q for call in self.calls for q in call]


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def md_ids(path: Path) -> list[str]:
    return [
        line[len("<!-- qa:id=") : -len(" -->")] for line in path.read_text().splitlines() if "qa:id=" in line
    ]


def ids_of(path: Path) -> list[str]:
    if path.suffix == ".jsonl":
        return [o["id"] for o in jsonl(path)]
    if path.suffix == ".csv":
        return [r["id"] for r in csv_rows(path)]
    return md_ids(path)


# ----------------------------------------------------------------------------------------- readers


def test_txt_skips_blank_and_comment_lines_and_uses_line_numbers(tmp_path):
    src = write(tmp_path / "q.txt", "\ufeffApa itu A?\n\n  # komentar\n  Siapa B?  \r\n\nKapan C?")
    recs = list(read_questions(src))
    assert [(r.line, r.id, r.question, r.error) for r in recs] == [
        (1, "1", "Apa itu A?", None),
        (4, "4", "Siapa B?", None),
        (6, "6", "Kapan C?", None),
    ]
    assert count_questions(src) == 3


def test_jsonl_id_and_extra_fields_carried(tmp_path):
    src = write(
        tmp_path / "q.jsonl",
        '{"id": "a1", "question": "Apa itu A?", "topic": "x", "n": 3}\n\n{"question": "Siapa B?"}\n'
        '{"id": 7, "Question": "Kapan C?", "answer": "mine"}\n',
    )
    recs = list(read_questions(src))
    assert [(r.line, r.id, r.question) for r in recs] == [
        (1, "a1", "Apa itu A?"),
        (3, "3", "Siapa B?"),
        (4, "7", "Kapan C?"),
    ]
    assert recs[0].extra == {"topic": "x", "n": 3}
    assert recs[2].extra == {"answer": "mine"}
    assert all(r.error is None for r in recs)


@pytest.mark.parametrize(
    ("name", "text", "expected_q", "expected_extra", "ids"),
    [
        (
            "bom.csv",
            "\ufeffid,question,topic\nq1,Apa itu A?,x\nq2,Siapa B?,y\n",
            ["Apa itu A?", "Siapa B?"],
            {"topic": "x"},
            True,
        ),
        (
            "semi.csv",
            "ID;Question;kategori\nq1;Apa itu A, B?;x\nq2;Siapa B?;y\n",
            ["Apa itu A, B?", "Siapa B?"],
            {"kategori": "x"},
            True,
        ),
        (
            "quoted.csv",
            'question,id\n"Apa itu\nA?",q1\n"Siapa ""B""?",q2\n',
            ["Apa itu\nA?", 'Siapa "B"?'],
            {},
            True,
        ),
        (
            "pipe.csv",
            "no|question\n1|Apa itu A?\n2|Siapa B?\n",
            ["Apa itu A?", "Siapa B?"],
            {"no": "1"},
            False,
        ),
        (
            "tab.tsv",
            "question\tid\tx\nApa itu A?\tq1\t1\nSiapa B?\tq2\t2\n",
            ["Apa itu A?", "Siapa B?"],
            {"x": "1"},
            True,
        ),
        ("pertanyaan.csv", "Pertanyaan\r\nApa itu A?\r\nSiapa B?\r\n", ["Apa itu A?", "Siapa B?"], {}, False),
    ],
)
def test_csv_variants(tmp_path, name, text, expected_q, expected_extra, ids):
    recs = list(read_questions(write(tmp_path / name, text)))
    assert [r.question for r in recs] == expected_q
    assert all(r.error is None for r in recs)
    assert recs[0].extra == expected_extra
    assert [r.id for r in recs] == (["q1", "q2"] if ids else ["2", "3"])


def test_csv_line_numbers_are_physical_start_lines(tmp_path):
    src = write(tmp_path / "q.csv", 'id,question\na,"Apa\nitu\nA?"\n\nb,Siapa B?\n')
    assert [(r.id, r.line) for r in read_questions(src)] == [("a", 2), ("b", 6)]


def test_csv_without_question_header_uses_first_column_and_keeps_first_row(tmp_path):
    src = write(tmp_path / "q.csv", "Apa itu A?,x\nSiapa B?,y\n")
    recs = list(read_questions(src))
    assert [(r.id, r.question, r.extra) for r in recs] == [
        ("1", "Apa itu A?", {"column_2": "x"}),
        ("2", "Siapa B?", {"column_2": "y"}),
    ]


def test_single_column_csv_with_commas_in_questions(tmp_path):
    src = write(tmp_path / "q.csv", "Apa itu A?\nSiapa, dan kapan, B?\n")
    assert [r.question for r in read_questions(src)] == ["Apa itu A?", "Siapa, dan kapan, B?"]


def test_bad_rows_become_error_records(tmp_path):
    long_q = "x" * (MAX_QUESTION_CHARS + 1)
    txt = write(tmp_path / "q.txt", b"Apa itu A?\nbad \xff\xfe bytes\n" + long_q.encode() + b"\nSiapa B?\n")
    recs = list(read_questions(txt))
    assert [r.question for r in recs][0::3] == ["Apa itu A?", "Siapa B?"]
    assert "not valid UTF-8" in recs[1].error and recs[1].line == 2
    assert "too long" in recs[2].error
    assert recs[0].error is None and recs[3].error is None

    js = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa itu A?"}\n{"question": "broken\n[1, 2]\n{"question": ""}\n{"id": "x"}\n'
        '{"question": 42}\n{"question": "Siapa B?"}\n',
    )
    recs = list(read_questions(js))
    assert [r.error is None for r in recs] == [True, False, False, False, False, False, True]
    assert "not valid JSON" in recs[1].error
    assert "not an object" in recs[2].error
    assert recs[3].error == "empty question"
    assert recs[4].error == "no question field/column" and recs[4].id == "x"
    assert "not a string" in recs[5].error

    cs = write(
        tmp_path / "q.csv", b"id,topic,question\na,t,Apa itu A?\nb,t\nc,t,\nd,t,caf\xe9?\ne,t,Siapa B?\n"
    )
    recs = list(read_questions(cs))
    assert [r.id for r in recs] == ["a", "b", "c", "d", "e"]
    assert recs[1].error == "no question field/column"
    assert recs[2].error == "empty question"
    assert "not valid UTF-8" in recs[3].error
    assert recs[4].error is None


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b'\n{"id": "j1", "question": "Apa itu A?"}\n{"question": "Siapa B?"}\n', "jsonl"),
        (b"Apa itu A?\nSiapa B?\n", "txt"),
    ],
)
def test_stdin_detects_jsonl_or_txt(monkeypatch, payload, kind):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8"))
    recs = list(read_questions("-"))
    assert [r.question for r in recs] == ["Apa itu A?", "Siapa B?"]
    assert recs[0].id == ("j1" if kind == "jsonl" else "1")
    assert count_questions("-") is None


def test_stdin_undecodable_line_is_an_error_record(monkeypatch):
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Apa?\n\xff\xff\nSiapa?\n"), encoding="utf-8")
    )
    assert [r.error is None for r in read_questions("-")] == [True, False, True]


def test_unreadable_files_raise_input_error_naming_the_file(tmp_path):
    cases = {
        tmp_path / "missing.txt": "not found",
        tmp_path: "directory",
        write(tmp_path / "q.pdf", "x"): "unsupported",
        write(tmp_path / "bin.txt", b"\x00\x01\x02PK\x00"): "not a text file",
    }
    (tmp_path / "dir.csv").mkdir()
    cases[tmp_path / "dir.csv"] = "directory"
    for path, words in cases.items():
        with pytest.raises(InputError, match=words) as exc:
            read_questions(path)
        assert str(path) in str(exc.value)
        assert exc.value.exit_code == 2


def test_jsonl_lines_no_writer_could_write_are_error_rows(tmp_path):
    """Lone surrogate escapes and absurd nesting parse as JSON but crash UTF-8 writers and json.dumps."""
    deep = "[" * 5000 + "]" * 5000
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "apa\\ud800?"}\n{"question": "ok?", "id": "x\\udfff"}\n'
        f'{{"question": "ok?", "m": {deep}}}\n{{"question": "ok?", "m": {"[" * 70 + "]" * 70}}}\n'
        '{"question": "\\ud83d\\ude00 emoji?", "m": [[1]]}\n',
    )
    recs = list(read_questions(src))
    assert [r.error is None for r in recs] == [False, False, False, False, True]
    assert "lone surrogate" in recs[0].error and "lone surrogate" in recs[1].error
    assert "nested too deeply" in recs[2].error and "nested deeper than 64" in recs[3].error
    assert recs[4].question == "\U0001f600 emoji?"
    for ext in ("jsonl", "csv", "md"):
        s = run_batch(read_questions(src), FakeAnswer(), tmp_path / f"o.{ext}")
        assert (s.errors, s.answered) == (4, 1)
        assert ids_of(tmp_path / f"o.{ext}") == ["1", "2", "3", "4", "5"]
        (tmp_path / f"o.{ext}").read_bytes().decode("utf-8")  # valid UTF-8 throughout


# ----------------------------------------------------------------------------------------- run_batch


def test_jsonl_output_order_ids_extras_and_chunked_calls(tmp_path):
    lines = [json.dumps({"id": f"q{i}", "question": f"Pertanyaan {i}?", "tag": i}) for i in range(10)]
    lines.insert(3, "{not json")
    lines.insert(7, json.dumps({"id": "empty", "question": "  "}))
    src = write(tmp_path / "q.jsonl", "\n".join(lines) + "\n")
    fake, seen = FakeAnswer(), []
    s = run_batch(read_questions(src), fake, tmp_path / "out.jsonl", chunk_size=4, on_progress=seen.append)
    assert [len(c) for c in fake.calls] == [4, 4, 2]
    assert fake.asked == [f"Pertanyaan {i}?" for i in range(10)]
    out = jsonl(tmp_path / "out.jsonl")
    assert [o["id"] for o in out] == [
        "q0",
        "q1",
        "q2",
        "4",
        "q3",
        "q4",
        "q5",
        "empty",
        "q6",
        "q7",
        "q8",
        "q9",
    ]
    assert [o["line"] for o in out] == list(range(1, 13))
    good = out[0]
    assert list(good)[:4] == ["id", "line", "tag", "question"]
    assert good["tag"] == 0 and good["passages"][0]["matched_by"] == ["dense", "lexical"]
    assert good == {"id": "q0", "line": 1, "tag": 0, **fake_result("Pertanyaan 0?")}
    assert out[3]["error"].startswith("line 4 is not valid JSON") and out[3]["question"] == "{not json"
    assert out[7] == {"id": "empty", "line": 8, "question": "", "error": "empty question"}
    assert s == BatchSummary(
        total=12, answered=10, abstained=0, errors=2, skipped=0, output=tmp_path / "out.jsonl"
    )
    assert seen[-1] == 12 and seen == sorted(seen)
    assert format_summary(s) == f"12 questions: 10 answered, 0 abstained, 2 errors → {tmp_path / 'out.jsonl'}"


def test_all_error_rows_never_call_answer(tmp_path):
    src = write(tmp_path / "q.jsonl", "[1]\n[2]\n")
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, tmp_path / "o.jsonl")
    assert fake.calls == [] and s.errors == 2 and len(jsonl(tmp_path / "o.jsonl")) == 2


def test_duplicate_ids_made_unique_deterministically(tmp_path):
    src = write(tmp_path / "q.csv", "id,question\na,Satu?\nb,Dua?\na,Tiga?\na,Empat?\n")
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.jsonl")
    assert [o["id"] for o in jsonl(tmp_path / "o.jsonl")] == ["a", "b", "a#4", "a#5"]
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.jsonl", resume=True)
    assert [o["id"] for o in jsonl(tmp_path / "o.jsonl")] == ["a", "b", "a#4", "a#5"]


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


# ----------------------------------------------------------------------------------------- resume


QUESTIONS = [f"Pertanyaan nomor {i}{' zzz' if i % 5 == 0 else ''}?" for i in range(40)]


def _questions_file(tmp_path: Path, n: int = 40) -> Path:
    lines = [json.dumps({"id": f"id-{i}", "question": q, "k": i}) for i, q in enumerate(QUESTIONS[:n])]
    lines[6] = "{broken"
    return write(tmp_path / "q.jsonl", "\n".join(lines) + "\n")


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_resume_after_torn_tail_is_byte_identical_to_a_clean_run(tmp_path, ext):
    src = _questions_file(tmp_path)
    ref = tmp_path / f"ref.{ext}"
    run_batch(read_questions(src), FakeAnswer(), ref, chunk_size=7)
    full = ref.read_bytes()
    out = tmp_path / f"out.{ext}"
    for cut in [0, 1, 5, *range(17, len(full), max(1, len(full) // 45)), len(full) - 1, len(full)]:
        write(out, full[:cut])
        fake = FakeAnswer()
        s = run_batch(read_questions(src), fake, out, resume=True, chunk_size=7)
        assert out.read_bytes() == full, cut
        assert s.total == 40 and s.skipped + s.answered + s.abstained + s.errors == 40
        assert fake.asked == [r.question for r in list(read_questions(src))[s.skipped :] if r.error is None]
    assert s.skipped == 40 and fake.calls == []


def test_resume_skips_done_ids_and_only_asks_the_rest(tmp_path):
    src = _questions_file(tmp_path)
    out = tmp_path / "o.jsonl"
    run_batch(list(read_questions(src))[:15], FakeAnswer(), out)
    with out.open("ab") as f:
        f.write(b'{"id": "id-15", "line": 16, "quest')  # killed mid-write
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, out, resume=True)
    assert fake.asked == QUESTIONS[15:]
    assert ids_of(out) == [o.id for o in read_questions(src)]
    assert (s.total, s.skipped) == (40, 15)
    assert "15 already done" in format_summary(s)


def test_resume_without_an_existing_file_just_runs(tmp_path):
    src = _questions_file(tmp_path, 10)
    s = run_batch(read_questions(src), FakeAnswer(), tmp_path / "new.csv", resume=True)
    assert s.skipped == 0 and len(csv_rows(tmp_path / "new.csv")) == 10


KILL_SCRIPT = """
import sys, time
from pathlib import Path
from qa.batch import read_questions, run_batch

def slow(questions):
    time.sleep(0.02)
    return [{"question": q, "abstained": False, "confidence": 0.5,
             "answer": {"text": "A " * 200 + q, "source": "doc.txt", "chunk_id": 1, "score": 0.5},
             "passages": [{"rank": 1, "chunk_id": 1, "source": "doc.txt", "text": "P " * 500, "score": 0.5,
                           "start": 0, "end": 1}]} for q in questions]

run_batch(read_questions(sys.argv[1]), slow, Path(sys.argv[2]), chunk_size=3, progress=False)
"""


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_real_sigkill_then_resume(tmp_path, ext):
    src = write(tmp_path / "q.txt", "".join(f"Pertanyaan {i}?\n" for i in range(200)))
    out = tmp_path / f"out.{ext}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(src), str(out)], env=env, cwd=ROOT)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and b"Pertanyaan 60?" in out.read_bytes():  # 20 chunks in, 47 to go
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the batch finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, out, resume=True, chunk_size=16)
    assert ids_of(out) == [str(i + 1) for i in range(200)]  # every id exactly once, in input order
    assert 0 < s.skipped < 200 and s.total == 200
    assert fake.asked == [f"Pertanyaan {i}?" for i in range(s.skipped, 200)]


# ----------------------------------------------------------------------------------------- streaming


def test_streams_a_100k_line_file_in_bounded_memory(tmp_path):
    src = tmp_path / "big.txt"
    with src.open("w") as f:
        for i in range(100_000):
            f.write(f"Pertanyaan nomor {i} tentang tugas asisten menteri?\n")
    out = tmp_path / "big.jsonl"

    def trivial(questions: list[str]) -> list[dict]:
        return [
            {"question": q, "abstained": True, "confidence": 0.0, "answer": None, "passages": []}
            for q in questions
        ]

    start = time.perf_counter()
    tracemalloc.start()
    try:
        s = run_batch(read_questions(src), trivial, out, chunk_size=1000, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert s.total == 100_000 and s.abstained == 100_000
    assert peak < 50 * 1024 * 1024, peak
    print(f"100k questions: peak {peak / 2**20:.1f} MiB traced, {time.perf_counter() - start:.1f} s")
    with out.open("rb") as f:
        assert sum(1 for _ in f) == 100_000


# ----------------------------------------------------------------------------------------- misc


def test_interrupt_keeps_finished_chunks_and_resume_completes(tmp_path):
    src = _questions_file(tmp_path)
    out = tmp_path / "o.csv"

    class Interrupting(FakeAnswer):
        def __call__(self, questions):
            if len(self.calls) == 2:
                raise KeyboardInterrupt
            return super().__call__(questions)

    with pytest.raises(KeyboardInterrupt):
        run_batch(read_questions(src), Interrupting(), out, chunk_size=5)
    assert len(csv_rows(out)) == 11  # two chunks of 5 questions + the malformed row 7
    s = run_batch(read_questions(src), FakeAnswer(), out, resume=True, chunk_size=5)
    assert ids_of(out) == [r.id for r in read_questions(src)] and s.skipped == 11


def test_a_question_the_answerer_refuses_is_an_error_row_not_the_end(tmp_path):
    """``Assistant.ask_many`` raises InputError for the whole chunk; only that question may fail."""
    src = write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(7)))

    class Refusing(FakeAnswer):
        def __call__(self, questions):
            if "Q3?" in questions:
                raise InputError("the question is empty")
            return super().__call__(questions)

    fake = Refusing()
    s = run_batch(read_questions(src), fake, tmp_path / "o.jsonl", chunk_size=4)
    out = jsonl(tmp_path / "o.jsonl")
    assert [o["id"] for o in out] == [str(i) for i in range(1, 8)]
    assert out[3] == {"id": "4", "line": 4, "question": "Q3?", "error": "the question is empty"}
    assert (s.answered, s.errors) == (6, 1)
    assert fake.asked == ["Q0?", "Q1?", "Q2?", "Q4?", "Q5?", "Q6?"]


def test_an_answerer_refusing_every_question_alike_ends_the_batch(tmp_path):
    """A refusal that is not about the questions (bad settings met when the model loads) must not turn
    into an error row per question and exit status 0."""
    src = write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(6)))

    def broken(questions: list[str]) -> list[dict]:
        raise InputError("QA_WINDOW must be a whole number, got 'abc'")

    with pytest.raises(InputError, match="QA_WINDOW"):
        run_batch(read_questions(src), broken, tmp_path / "o.jsonl", chunk_size=4)
    assert jsonl(tmp_path / "o.jsonl") == []


def test_control_characters_alone_are_an_empty_question(tmp_path):
    """The assistant treats control characters as blanks; the reader must agree, or a row of them would
    reach the model and be refused there."""
    src = write(
        tmp_path / "q.jsonl", '{"question": "\\u0000\\u0001 \\u007f\\u0085"}\n{"question": "a\\u0000b?"}\n'
    )
    recs = list(read_questions(src))
    assert [r.error for r in recs] == ["empty question", None]
    assert recs[1].question == "a\x00b?"


def test_answer_returning_the_wrong_count_is_a_bug_not_silence(tmp_path):
    src = write(tmp_path / "q.txt", "Satu?\nDua?\n")
    with pytest.raises(ValueError, match="1 results for 2 questions"):
        run_batch(read_questions(src), lambda qs: [fake_result(qs[0])], tmp_path / "o.jsonl")


def test_progress_bar_on_stderr_only_when_asked_or_a_tty(tmp_path, capsys):
    src = write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(10)))
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "a.jsonl", chunk_size=3)
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    run_batch(
        read_questions(src), FakeAnswer(), tmp_path / "b.jsonl", progress=True, total=count_questions(src)
    )
    err = capsys.readouterr().err
    assert "qa batch" in err and "10/10" in err


def test_count_questions_matches_records(tmp_path):
    src = write(tmp_path / "q.csv", 'question\n"multi\nline"\n\nB?\n   \n')
    assert count_questions(src) == len(list(read_questions(src))) == 2
    assert count_questions(tmp_path / "missing.txt") is None
