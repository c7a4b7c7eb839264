"""The batch CSV says why a question was not answered: a ``message`` column (reliability 108).

Before: the JSONL and the Markdown report carried the assistant's message for an abstention ("Dokumen
tidak menyebut lokasi kantor.", the vague-question hint); the CSV had only ``abstained``, so a spreadsheet
showed an empty answer with no reason. An output written before the column is resumed in its own layout:
every row keeps the header's cells, none shifts.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from qa.abstention import VAGUE_TEXT
from qa.answer import ABSTAIN_TEXT, Passage, Result
from qa.batch import read_questions, run_batch
from qa.batch.cells import CSV_COLUMNS
from qa.errors import InputError

from ..conftest import CORPUS
from .helpers import FakeAnswer, csv_rows, fake_result, write

A = "a" * 16
MISSING = "Dokumen tidak menyebut lokasi kantor."
OLD_COLUMNS = [c for c in CSV_COLUMNS if c not in ("message", "notice")]  # every qa before the column


def _passage(text: str) -> Passage:
    return Passage(1, "c1", "doc.txt", text, 0.8, 0, len(text), 0, len(text), 0.5, 1.0, 0.1, "dense", text, 0,
                   len(text), location={"label": "doc.txt › Bab 1"})  # fmt: skip


def real_shaped(question: str) -> dict:
    """What ``Result.to_dict`` gives (the CLI's answerer): the reason of an on-topic abstention, the vague
    hint, a message starting with "=", an answer (whose message is its own text)."""
    if "kantor" in question:
        return Result(question, True, 0.12, [_passage("Asisten menteri bertugas.")], reason=MISSING).to_dict()
    if "itu" in question:
        return Result(question, True, 0.0, [], reason=VAGUE_TEXT).to_dict()
    if "rumus" in question:
        return Result(question, True, 0.1, [], reason="=1+1 tidak disebut.").to_dict()
    return Result(question, False, 0.9, [_passage(f"Jawaban {question}")]).to_dict()


def _answer(questions: list[str]) -> list[dict]:
    return [real_shaped(q) for q in questions]


def test_a_fresh_csv_says_why_each_question_was_not_answered(tmp_path: Path) -> None:
    asked = ["di mana lokasi kantor?", "apa itu?", "siapa penanggung jawab?", "rumus?"]
    src = write(tmp_path / "q.jsonl", "".join(f'{{"question": "{q}"}}\n' for q in asked) + "[1]\n")
    out = tmp_path / "o.csv"
    run_batch(read_questions(src), _answer, out, k=1)
    rows = csv_rows(out)
    assert list(rows[0])[8:12] == ["abstained", "message", "notice", "error"]
    assert [(r["abstained"], r["message"]) for r in rows] == [
        ("true", MISSING),  # on topic: what the document does not state
        ("true", VAGUE_TEXT),  # too vague to search
        ("false", ""),  # answered: its message is the answer cell, not repeated
        ("true", "'=1+1 tidak disebut."),  # spreadsheet-safe like every cell
        ("", ""),  # an error row: its error column says why
    ]
    assert rows[2]["answer"] == "Jawaban siapa penanggung jawab?" and rows[4]["error"]
    # an answerer whose results carry no message (an older library caller's) gets the report's sentence
    fake = tmp_path / "fake.csv"
    run_batch(read_questions(write(tmp_path / "z.txt", "zzz?\nApa?\n")), FakeAnswer(), fake, k=1)
    assert [r["message"] for r in csv_rows(fake)] == [ABSTAIN_TEXT, ""]


def _old_csv(path: Path, questions: list[str], keyed: bool) -> bytes:
    """An output as qa wrote it before the ``message`` column (and, unkeyed, before the corpus key)."""
    header = OLD_COLUMNS + [f"passage_1_{f}" for f in ("text", "source", "location", "score")]
    header += ["corpus_key"] * keyed
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for i, q in enumerate(questions, 1):
        res = fake_result(q)
        p = res["passages"][0]
        ans = res["answer"] or {}
        where = ans.get("source", "")
        row = [
            i,
            i,
            q,
            ans.get("text", ""),
            where,
            where,
            ans.get("score", ""),
            res["confidence"],
            str(res["abstained"]).lower(),
            "",
            p["text"],
            p["source"],
            p["location"]["label"],
            p["score"],
        ]
        row += [A] * keyed  # fmt: skip
        w.writerow(row)
    data = ("\ufeff" + buf.getvalue()).encode()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "before-corpus-key"])
def test_an_output_from_before_the_column_resumes_in_its_layout_and_no_row_shifts(tmp_path, keyed):
    questions = ["apa tugas A?", "zzz B?", "apa tugas C?", "zzz D?", "apa tugas E?"]
    out = tmp_path / "o.csv"
    old = _old_csv(out, questions[:2], keyed)
    src = write(tmp_path / "q.txt", "".join(q + "\n" for q in questions))
    notes: list[str] = []
    s = run_batch(read_questions(src), FakeAnswer(), out, k=1, resume=True, corpus_key=lambda: A,
                  warn=notes.append, chunk_size=2)  # fmt: skip
    assert (s.skipped, s.answered, s.abstained) == (2, 2, 1)
    data = out.read_bytes()
    assert data.startswith(old)  # the old rows untouched
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[: len(OLD_COLUMNS)] == OLD_COLUMNS and "message" not in header
    assert all(len(r) == len(header) for r in rows) and len(rows) == 5
    for i, (q, row) in enumerate(zip(questions, rows, strict=True), 1):  # every cell under its own name
        cell = dict(zip(header, row, strict=True))
        assert (cell["id"], cell["question"], cell["error"]) == (str(i), q, "")
        assert cell["abstained"] == str("zzz" in q).lower()
        assert cell["passage_1_source"] == "doc.txt" and float(cell["passage_1_score"]) == 0.8
        assert cell.get("corpus_key", A) == A
    assert any("without the message and notice columns" in n for n in notes), notes


def test_a_header_only_old_file_is_started_over_with_the_column(tmp_path: Path) -> None:
    out = write(tmp_path / "o.csv", "\ufeff" + ",".join(OLD_COLUMNS) + "\r\n")  # what a failed old run left
    src = write(tmp_path / "q.txt", "zzz A?\n")
    notes: list[str] = []
    run_batch(read_questions(src), FakeAnswer(), out, k=1, resume=True, warn=notes.append)
    assert csv_rows(out)[0]["message"] == ABSTAIN_TEXT and notes == []


def test_a_csv_of_columns_no_qa_writes_is_refused_not_replaced(tmp_path: Path) -> None:
    """A file under our ``id,line,question`` header with another layout (a newer qa's) was replaced
    whole by ``--resume``: its answers gone. Now it is refused and left as it was."""
    out = tmp_path / "o.csv"
    run_batch(read_questions(write(tmp_path / "q.txt", "Apa A?\nApa B?\n")), FakeAnswer(), out, k=1)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("error")
    buf = io.StringIO()
    csv.writer(buf).writerows([*r[:at], "verdict" if n == 0 else "ok", *r[at:]] for n, r in enumerate(rows))
    before = write(out, "\ufeff" + buf.getvalue()).read_bytes()  # well formed, just not our layout
    with pytest.raises(InputError, match="its columns are not ones this qa writes") as exc:
        run_batch(read_questions(tmp_path / "q.txt"), FakeAnswer(), out, k=1, resume=True)
    assert "replace its 2 rows" in exc.value.message
    assert out.read_bytes() == before


@pytest.mark.slow
def test_the_bundled_model_says_why_in_the_csv(real_index_dir: Path, tmp_path: Path, capsys) -> None:
    """``qa batch`` over the real corpus and index (bundled e5): a seed question it answers and an on-topic
    one the document does not answer (data/eval/own/seed_unanswerable.jsonl)."""
    from qa.commands import run

    answerable, missing = (
        "siapa yang mengatur pertemuan bilateral?",
        "berapa tunjangan kinerja asisten menteri?",
    )
    src = write(tmp_path / "q.txt", f"{answerable}\n{missing}\n")
    out = tmp_path / "answers.csv"
    assert (
        run(["batch", str(src), "-o", str(out), "--corpus", str(CORPUS), "--index", str(real_index_dir)]) == 0
    )
    capsys.readouterr()
    got, lacking = csv_rows(out)
    assert got["abstained"] == "false" and got["answer"] and got["message"] == ""
    assert lacking["abstained"] == "true" and lacking["answer"] == ""
    assert lacking["message"].startswith("Dokumen tidak menyebut"), lacking["message"]


def test_a_keyed_csv_resumed_without_a_corpus_key_keeps_its_layout(tmp_path: Path) -> None:
    """A library caller passing no ``corpus_key`` resumed a CLI-written file (its header ends with
    ``corpus_key``) in that layout until section 108 listed only layouts without the key; then it was
    refused ("unexpected corpus_key"). Its rows go on under the file's header, the key cell empty."""
    out = tmp_path / "o.csv"
    first = read_questions(write(tmp_path / "a.txt", "Apa A?\n"))
    run_batch(first, FakeAnswer(), out, k=1, corpus_key=lambda: A)
    ask = FakeAnswer()
    s = run_batch(read_questions(write(tmp_path / "q.txt", "Apa A?\nzzz B?\n")), ask, out, k=1, resume=True)
    assert (s.skipped, s.answered, s.abstained) == (1, 0, 1) and ask.asked == ["zzz B?"]
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[-1] == "corpus_key" and "message" in header and all(len(r) == len(header) for r in rows)
    assert [dict(zip(header, r, strict=True))["corpus_key"] for r in rows] == [A, ""]
    assert dict(zip(header, rows[1], strict=True))["message"] == ABSTAIN_TEXT


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "before-corpus-key"])
def test_an_older_csv_of_another_k_is_refused_naming_only_the_passages(tmp_path: Path, keyed: bool) -> None:
    """The refusal of a file written with another ``-k`` named what the file's own qa never wrote:
    "missing message" (and, unkeyed, "corpus_key"), which no ``-k`` can fix, beside the passages that
    were the real difference. It names the passages alone now; the file is left as it was."""
    out = tmp_path / "o.csv"
    before = _old_csv(out, ["apa tugas A?"], keyed)
    with pytest.raises(InputError) as exc:
        run_batch(read_questions(write(tmp_path / "q.txt", "apa tugas A?\napa B?\n")), FakeAnswer(), out, k=2,
                  resume=True, corpus_key=lambda: A)  # fmt: skip
    passages = "passage_2_location, passage_2_score, passage_2_source, passage_2_text"
    assert f"(missing {passages})" in exc.value.message, exc.value.message
    assert out.read_bytes() == before
