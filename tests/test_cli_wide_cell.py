"""A CSV cell over CELL_CAP (4,194,304 code points, section 144's Left; docs/reliability.md section 159),
through the real ``qa batch`` process (the fake-encoder harness) and the real reader. Before, the row was
"question too long" under its line number whichever cell it was, its other cells lost, and the long
cell's later lines were read as rows of their own."""

from __future__ import annotations

import csv
import json
import time
import tracemalloc
from pathlib import Path

from qa.batch.csv_fields import CELL_CAP
from qa.batch.readers import read_questions

from .cli_helpers import qa_run

LINE = "catatan panjang " * 50_000  # 800,000 code points: a line under the readers' 1 MB line bound
NOTE = "\n".join([LINE] * 10)  # 8,000,009: over the cap in its sixth line, four more lines after it
LONG_NOTE = f"column 'note' too long (over {CELL_CAP} code points): the row is not asked"
LONG_QUESTION = f"question too long (over {CELL_CAP} code points, limit 2000 characters)"


def _asked(settings, src: Path, out: Path) -> tuple[list[dict], str]:
    """``qa batch SRC -o OUT`` to its end: the JSONL's rows and what standard error said."""
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()], run.stderr


def test_a_note_cell_over_the_cap_is_its_rows_error_under_its_own_id(settings, tmp_path: Path) -> None:
    """The id after the long cell, the question before it: both kept, the column named, the next row
    answered under its id; the CSV output's header holds the note column and ``--resume`` finds it done."""
    src, out, table = tmp_path / "q.csv", tmp_path / "out.jsonl", tmp_path / "out.csv"
    src.write_text(
        f'question,note,id\nsiapa mengatur pertemuan?,"{NOTE}",a2\napa tugas asisten?,c,a3\n',
        encoding="utf-8",
    )
    rows, _ = _asked(settings, src, out)
    assert [(r["id"], r["line"], r.get("error")) for r in rows] == [("a2", 2, LONG_NOTE), ("a3", 12, None)]
    assert rows[0]["question"] == "siapa mengatur pertemuan?" and rows[0]["note"] == ""
    assert rows[1]["note"] == "c" and "confidence" in rows[1]  # asked
    assert qa_run(settings, "batch", str(src), "-o", str(table)).returncode == 0
    with table.open(encoding="utf-8-sig", newline="") as f:
        written = list(csv.DictReader(f))
    assert [(r["id"], r["note"], r["error"]) for r in written] == [("a2", "", LONG_NOTE), ("a3", "c", "")]
    again = qa_run(settings, "batch", str(src), "-o", str(table), "--resume")
    assert again.returncode == 0 and "0 errors, 2 already done" in again.stderr, again.stderr


def test_a_question_cell_over_the_cap_is_refused_under_its_own_id(settings, tmp_path: Path) -> None:
    src, out = tmp_path / "q.csv", tmp_path / "out.jsonl"
    src.write_text(f'id,question,note\nb1,"{NOTE}",x\nb2,apa tugas asisten?,y\n', encoding="utf-8")
    rows, said = _asked(settings, src, out)
    assert [(r["id"], r.get("error"), r["note"]) for r in rows] == [
        ("b1", LONG_QUESTION, "x"),
        ("b2", None, "y"),
    ]
    assert "first error: " + LONG_QUESTION in said


def test_the_long_rows_other_cells_are_read_as_the_csv_module_reads_them(tmp_path: Path) -> None:
    """Quoted cells with a doubled quote, a delimiter and a line end inside them, on either side of the
    long cell, on a TSV; the row after it is the reader's own."""
    src = tmp_path / "q.tsv"
    src.write_text(
        f'id\tquestion\tnote\tmore\n"x""1\ty"\t"apa\ttugas?"\t"{NOTE}"\t"a\nb"\nx2\tapa gaji?\t"n""2"\tm\n',
        encoding="utf-8",
    )
    first, second = read_questions(src)
    assert (first.id, first.question, first.extra, first.error) == (
        'x"1\ty',
        "apa\ttugas?",
        {"note": "", "more": "a\nb"},
        LONG_NOTE,
    )
    assert (second.id, second.line, second.question, second.extra) == (
        "x2",
        13,
        "apa gaji?",
        {"note": 'n"2', "more": "m"},
    )


def test_a_stray_quote_in_a_large_file_costs_no_row_and_bounded_memory(tmp_path: Path) -> None:
    """A quote opening a cell that never closes, 21 MB before the file ends: every line after it is a row
    of its own, as in a small file (it lost the 2,680 rows of its first 4,194,304 code points before, and
    every row after it once a long cell was read to its end); the lines are held up to twice the cap, not
    to the end of the file."""
    src = tmp_path / "q.csv"
    question = "apa tugas asisten menteri " * 60  # 1,560 characters: few lines, the test stays quick
    with src.open("w", encoding="utf-8") as f:
        f.write('id,question\n1,apa?\n2,"apa tugas?\n')
        f.writelines(f"{n},{question}\n" for n in range(3, 14_000))
    tracemalloc.start()
    try:
        asked = [(r.id, r.error) for r in read_questions(src)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert asked == [(str(n), None) for n in range(1, 14_000)]
    assert peak < 32 * 2**20, peak  # 25 MiB here; 39 MiB when the lines are held to the end of the file


def test_a_long_rows_line_of_many_cells_is_read_in_linear_time(tmp_path: Path) -> None:
    """The line closing the long cell holds 450,000 more cells (900 KB, under the line bound): read again
    past the csv module in one scan, not one scan to the line's end per cell (8.4 s for such a line
    before, 1.2 s now; a web upload is read by the same reader)."""
    src = tmp_path / "q.csv"
    note = "\n".join(["catatan panjang " * 3_125] * 90)  # 4,500,089 code points, lines of 50,000
    with src.open("w", encoding="utf-8") as f:
        f.write(f'question,note,id\napa?,"{note}",a2' + ",m" * 450_000 + "\napa tugas asisten?,c,a3\n")
    began = time.perf_counter()
    asked = [(r.id, r.line, r.error is None) for r in read_questions(src)]
    took = time.perf_counter() - began
    assert asked == [("a2", 2, False), ("a3", 92, True)]
    assert took < 4, took  # 1.2 s here; 8.4 s with a scan to the line's end for each cell
