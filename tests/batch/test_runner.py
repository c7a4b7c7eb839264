"""qa.batch.runner: chunking, order, duplicate ids, resume, real kills, streaming, refusals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from qa.batch import BatchSummary, count_questions, format_summary, read_questions, run_batch
from qa.batch import question_key as key
from qa.errors import CorpusError, InputError

from .helpers import ROOT, FakeAnswer, csv_rows, fake_result, ids_of, jsonl, write


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
    assert good == {
        "id": "q0",
        "line": 1,
        "tag": 0,
        **fake_result("Pertanyaan 0?"),
        "question_sha256": key("Pertanyaan 0?"),
    }
    assert out[3]["error"].startswith("line 4 is not valid JSON") and out[3]["question"] == "{not json"
    assert out[7] == {
        "id": "empty",
        "line": 8,
        "question": "",
        "error": "empty question",
        "question_sha256": key(""),
    }
    assert s == BatchSummary(
        total=12,
        answered=10,
        abstained=0,
        errors=2,
        skipped=0,
        output=tmp_path / "out.jsonl",
        first_error=out[3]["error"],  # the first error row's own words (section 77)
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


def test_streams_a_50k_line_file_in_bounded_memory(tmp_path):
    """The file is read and answered a chunk at a time. Measured here: 6.7 MiB traced at 50k lines (11.2 at
    100k: a few dozen bytes a question are kept, the keys that find repeats), against 22 MiB for a run
    that reads the whole file into a list or keeps every result; the limit sits between. It was 50 MiB at
    100k lines, which both of those passed (section 155's reading)."""
    src = tmp_path / "big.txt"
    with src.open("w") as f:
        for i in range(50_000):
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
    assert s.total == 50_000 and s.abstained == 50_000
    assert peak < 15 * 1024 * 1024, peak
    print(f"50k questions: peak {peak / 2**20:.1f} MiB traced, {time.perf_counter() - start:.1f} s")
    with out.open("rb") as f:
        assert sum(1 for _ in f) == 50_000


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
    assert out[3] == {
        "id": "4",
        "line": 4,
        "question": "Q3?",
        "error": "the question is empty",
        "question_sha256": key("Q3?"),
    }
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
    assert not (tmp_path / "o.jsonl").exists()  # nothing created: the corrected rerun needs no --force


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


# ----------------------------------------------------------------------------------------- issue 12


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
@pytest.mark.parametrize("where", ["prepare", "first chunk"])
def test_a_failed_run_creates_nothing_and_keeps_an_old_output(tmp_path, ext, where):
    """A failed batch (missing corpus, bad settings) left a header-only output that blocked the rerun."""
    src = write(tmp_path / "q.jsonl", '[1]\n{"question": "Apa?"}\n')  # an error row first, then a question

    def broken(*_: object) -> None:
        raise CorpusError("the corpus folder is missing")

    kwargs = {"prepare": broken} if where == "prepare" else {}
    answer = FakeAnswer() if where == "prepare" else broken
    out = tmp_path / "new" / f"o.{ext}"
    with pytest.raises(CorpusError, match="corpus"):
        run_batch(read_questions(src), answer, out, k=2, **kwargs)
    assert not out.parent.exists()
    old = write(tmp_path / f"old.{ext}", "precious\n")
    with pytest.raises(CorpusError, match="corpus"):
        run_batch(read_questions(src), answer, old, force=True, k=2, **kwargs)
    assert old.read_text() == "precious\n"  # --force replaces it only once there is something to write
    s = run_batch(read_questions(src), FakeAnswer(), out, k=2)  # the corrected rerun needs no --force
    assert (s.errors, s.answered) == (1, 1)


@pytest.mark.parametrize("chunk_size", [1, 32])
def test_k_out_of_range_is_refused_before_any_work(tmp_path, chunk_size):
    """``qa batch -k 50`` exited 2 with --chunk-size 32 but wrote an error row per question with 1."""
    src = write(tmp_path / "q.txt", "Apa?\nSiapa?\n")
    loads: list[int] = []
    for k in (0, 21, 50):
        with pytest.raises(InputError, match=f"k must be between 1 and 20, got {k}"):
            run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", chunk_size=chunk_size, k=k,
                      prepare=lambda: loads.append(1))  # fmt: skip
    assert loads == [] and not (tmp_path / "o.csv").exists()


def test_several_outputs_from_one_pass(tmp_path):
    """The UI writes jawaban.jsonl and jawaban.csv: one model pass, the same bytes as two separate runs."""
    src = _questions_file(tmp_path)
    refs = []
    for ext in ("jsonl", "csv", "md"):
        refs.append(tmp_path / f"ref.{ext}")
        run_batch(read_questions(src), FakeAnswer(), refs[-1], chunk_size=7, k=2)
    outs = [tmp_path / f"both.{ext}" for ext in ("jsonl", "csv", "md")]
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, outs, chunk_size=7, k=2)
    assert fake.asked == [r.question for r in read_questions(src) if r.error is None]  # each question once
    assert [o.read_bytes() for o in outs] == [r.read_bytes() for r in refs]
    assert format_summary(s).endswith(f"→ {outs[0]}, {outs[1]}, {outs[2]}") and s.total == 40
    outs[0].write_bytes(refs[0].read_bytes()[:1000])  # cut differently: each is completed from its own tail
    outs[1].write_bytes(refs[1].read_bytes()[:5000])
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, outs, chunk_size=7, k=2, resume=True)
    assert [o.read_bytes() for o in outs] == [r.read_bytes() for r in refs]
    assert 0 < s.skipped < 40 and len(fake.asked) < 39
    with pytest.raises(InputError, match="given twice"):
        run_batch([], FakeAnswer(), [outs[0], tmp_path / "." / outs[0].name])


def test_csv_output_has_the_fields_that_only_later_jsonl_records_hold(tmp_path):
    """Before: the CSV header came from the first record alone: 'kategori' of record 2 was dropped."""
    from qa.batch.runner import MAX_INPUT_COLUMNS, input_columns

    src = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa A?"}\n{"question": "Siapa B?", "kategori": "orang"}\n'
        '{"question": "C?", "=x": 1}\n',
    )
    columns = input_columns(src)
    assert columns == ["kategori", "=x"]
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", k=1, columns=columns)
    rows = csv_rows(tmp_path / "o.csv")
    assert [(r["kategori"], r["'=x"]) for r in rows] == [("", ""), ("orang", ""), ("", "1")]
    s = run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", k=1, columns=columns, resume=True)
    assert s.skipped == 3  # the same header on resume
    many = write(tmp_path / "m.jsonl", "".join(f'{{"question": "Q{i}?", "f{i}": {i}}}\n' for i in range(500)))
    wide = input_columns(many)
    assert wide is not None and len(wide) == MAX_INPUT_COLUMNS + 1  # read no further than needed
    run_batch(read_questions(many), FakeAnswer(), tmp_path / "m.csv", k=1, columns=wide)
    assert len(csv_rows(tmp_path / "m.csv")[0]) <= 14 + 4 + MAX_INPUT_COLUMNS  # bounded, whatever the file
    assert input_columns("-") is None
