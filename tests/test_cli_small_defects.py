"""Small CLI and batch defects left by section 143 (docs/reliability.md section 144), through the real
``qa`` process (the fake-encoder harness): each test failed on the code before its fix."""

from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

from qa.batch.readers import read_questions
from scripts.trials import qa_command, qa_env

from .cli_helpers import qa_run
from .conftest import ROOT

NOTE = "catatan " * 20_000  # 160,000 characters: over the csv module's default cap of 131,072


def _ids_and_errors(out: Path) -> list[tuple[str, str | None]]:
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return [(r["id"], r.get("error")) for r in rows]


def test_a_long_note_cell_keeps_its_rows_question_and_id(settings, tmp_path: Path) -> None:
    """A 160,000-character note beside row 2's question made row 2 "question too long" with the line
    number as its id, and row 3 (id 3) then "3#4". Now the note is read whole and the question answered;
    the CSV output holding that note is resumed without answering its rows again."""
    src, out, table = tmp_path / "q.csv", tmp_path / "out.jsonl", tmp_path / "out.csv"
    src.write_text(
        f'id,question,note\n1,apa tugas asisten?,a\n2,siapa mengatur pertemuan?,"{NOTE}"\n3,apa gaji?,c\n',
        encoding="utf-8",
    )
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert _ids_and_errors(out) == [("1", None), ("2", None), ("3", None)], run.stderr
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[1])["note"] == NOTE
    assert qa_run(settings, "batch", str(src), "-o", str(table)).returncode == 0
    again = qa_run(settings, "batch", str(src), "-o", str(table), "--resume")
    assert again.returncode == 0 and "0 errors, 3 already done" in again.stderr, again.stderr


def test_a_question_cell_over_the_cap_is_still_refused_under_its_own_id(settings, tmp_path: Path) -> None:
    src, out = tmp_path / "q.csv", tmp_path / "out.jsonl"
    src.write_text(f'id,question\n1,apa tugas asisten?\n2,"{NOTE}"\n3,apa gaji?\n', encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    long = "question too long (over 131072 code points, limit 2000 characters)"
    assert run.returncode == 0 and _ids_and_errors(out) == [("1", None), ("2", long), ("3", None)], run.stderr


def test_reading_a_table_leaves_the_process_wide_field_cap_as_it_was(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text(f'id,question,note\n1,apa?,"{NOTE}"\n', encoding="utf-8")
    before = csv.field_size_limit()
    assert [r.question for r in read_questions(src)] == ["apa?"]
    assert csv.field_size_limit() == before


@pytest.mark.parametrize(
    ("head", "line"),
    [
        (b"id,pertanyaan,catatan\xe9\n", 1),  # a note column's name in Windows-1252: read as "catatan\ufffd"
        (b"id,pertanyaan\xe9\n", 1),  # the question column's own name: asked with a guess and a warning
        (b"sep=;\n\nid;pertanyaan;catatan\xe9\n", 3),  # Excel's delimiter line and a blank line before it
    ],
)
def test_a_header_that_is_not_utf8_is_refused_saying_so(
    settings, tmp_path: Path, head: bytes, line: int
) -> None:
    """A header not valid UTF-8 was read silently, a replacement character in a column name written into
    every answer. Now the file is refused before anything is asked (exit 2, nothing written), naming the
    header's line, as a row's bad bytes are told; a bad first line of a table without a header stays
    that row's own error."""
    src, out = tmp_path / "q.csv", tmp_path / "out.jsonl"
    delimiter = ";" if head.startswith(b"sep") else ","
    src.write_bytes(head + f"1{delimiter}apa tugas asisten?{delimiter}x\n".encode())
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 2 and not out.exists(), run.stderr
    said = f"error: {src}: its header (line {line}) is not valid UTF-8 ("
    assert said in run.stderr and "its column names cannot be read" in run.stderr, run.stderr
    assert 'hint: save the file as UTF-8 (a spreadsheet\'s "CSV UTF-8")' in run.stderr
    assert "warning" not in run.stderr and "Traceback" not in run.stderr


def test_a_headerless_tables_bad_first_line_is_that_rows_error(settings, tmp_path: Path) -> None:
    src, out = tmp_path / "q.csv", tmp_path / "out.jsonl"
    src.write_bytes(b"apa tugas asisten\xe9?,x\napa gaji?,y\n")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0 and "first error: line 1 is not valid UTF-8" in run.stderr, run.stderr


NINES = "9" * 300
CUT = "9" * 19 + "…"


@pytest.mark.parametrize(
    ("env", "argv", "said"),
    [
        ({"QA_WINDOW": NINES}, [], f"error: window must be between 0 and 10, got {CUT} (set by QA_WINDOW)"),
        ({}, ["--window", NINES], f"error: window must be between 0 and 10, got {CUT}"),
        ({"QA_WINDOW": "x" + NINES}, [], f"error: QA_WINDOW must be a whole number, got 'x{CUT[1:]}'"),
        ({}, ["--window", "x" + NINES], f"argument --window: must be a whole number, got 'x{CUT[1:]}'"),
        (
            {"QA_WINDOW": "9" * 5000},
            [],
            f"error: window must be between 0 and 10, got {CUT} (set by QA_WINDOW)",
        ),
        ({}, ["--window", "9" * 5000], f"argument --window: must be between 0 and 10, got {CUT}"),
    ],
    ids=["env-range", "flag-range", "env-text", "flag-text", "env-5000-digits", "flag-5000-digits"],
)
def test_a_huge_window_is_cut_in_its_message(settings, env: dict, argv: list[str], said: str) -> None:
    """Before: "window must be between 0 and 10, got 999…9" with all 300 nines (and argparse's "invalid int
    value" or "QA_WINDOW must be a whole number" with all of a 5,000-character value)."""
    run = qa_run(settings, "info", *argv, env=env)
    assert run.returncode == 2 and run.stdout == "", run.stderr
    lines = [line for line in run.stderr.splitlines() if "error:" in line]
    assert len(lines) == 1 and lines[0].endswith(said) and len(lines[0]) < 150, run.stderr


def _calibrate_files(tmp_path: Path) -> list[str]:
    labelled, offtopic = tmp_path / "lab.jsonl", tmp_path / "off.jsonl"
    labelled.write_text('{"question": "apa tugas asisten?", "expected": ["asisten"]}\n', encoding="utf-8")
    offtopic.write_text('{"question": "bagaimana cara membuat nasi goreng?"}\n', encoding="utf-8")
    return ["calibrate", str(labelled), "--offtopic", str(offtopic)]


def _hint(run: subprocess.CompletedProcess) -> str:
    assert run.returncode == 6 and "Traceback" not in run.stderr, run.stderr
    assert "; the threshold was not saved" in run.stderr, run.stderr
    return run.stderr.splitlines()[-1]


def test_calibrate_under_a_file_size_limit_is_not_told_to_free_space(settings, tmp_path: Path) -> None:
    """Before: "make the index folder writable (and free some space)" whatever the errno; EFBIG
    (``ulimit -f``) is lifted by neither."""
    assert qa_run(settings, "index").returncode == 0

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    hint = _hint(qa_run(settings, *_calibrate_files(tmp_path), preexec_fn=limit))
    assert hint == (
        "hint: raise the file-size limit (ulimit -f) or write to a file system that takes larger files, "
        "then run qa calibrate again"
    )


def _mount_namespace() -> bool:
    """Whether this test may mount in a private mount namespace (root, with ``unshare``)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


# Run inside a private mount namespace: $1 the folder mounted, $2 "ro" or "full", then the qa command.
_MOUNTED = """
set -e
dir=$1; how=$2; shift 2
if [ "$how" = ro ]; then
    mount --bind "$dir" "$dir"; mount -o remount,ro,bind "$dir"
else
    cp -r "$dir/index" "$dir/../kept"
    mount -t tmpfs -o size=2m tmpfs "$dir"
    cp -r "$dir/../kept" "$dir/index"
    dd if=/dev/zero of="$dir/filler" bs=4k 2>/dev/null || true
fi
exec "$@"
"""


@pytest.mark.skipif(not _mount_namespace(), reason="needs root and unshare -m for a read-only or full mount")
@pytest.mark.parametrize(
    ("how", "hint"),
    [
        ("ro", "hint: make the index folder writable, then run qa calibrate again"),
        ("full", "hint: free some space, then run qa calibrate again"),
    ],
)
def test_calibrate_on_a_read_only_or_full_folder_gets_the_hint_that_fits(
    settings, tmp_path: Path, how: str, hint: str
) -> None:
    """Before: both were told "make the index folder writable (and free some space)"."""
    folder = tmp_path / "mounted"
    index = folder / "index"
    assert qa_run(settings, "index", env={"QA_INDEX": str(index)}).returncode == 0
    command = [*qa_command(real=False), *_calibrate_files(tmp_path)]
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", _MOUNTED, "sh", str(folder), how, *command],
        env=qa_env(settings.corpus_dir, index), cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert _hint(run) == hint


FLAG = "\U0001f1ee\U0001f1e9"  # one character, two code points (regional indicators)


def test_the_first_errors_cut_does_not_split_a_flag(settings, tmp_path: Path) -> None:
    """The first error is cut at 300 code points: a field name named twice, its flag at 299 and 300, left
    half the flag (another flag to a reader, or a box) before the ellipsis. Now the flag goes whole."""
    name = "k" * 285 + FLAG + "z" * 40  # after "line 1 names '" (14): the flag's code points 299 and 300
    src, out = tmp_path / "q.jsonl", tmp_path / "out.jsonl"
    pair = f'"{name}": 1, "{name}": 2'
    src.write_text('{"question": "apa tugas?", ' + pair + "}\n", encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert f"first error: line 1 names '{'k' * 285}…; each error row of" in run.stderr, run.stderr


@pytest.mark.parametrize("whole", [FLAG, "e\u0301"], ids=["flag", "combining-mark"])
def test_a_long_questions_heading_in_markdown_is_cut_between_characters(
    settings, tmp_path: Path, whole: str
) -> None:
    """A question's heading in the .md report is cut at 300 code points: a flag there lost its second
    half, an "é" (e and a combining acute) its accent. Now the cut falls before the whole character."""
    question = "apa tugas asisten menteri " + "x" * 273 + whole + " lagi" * 20  # `whole` at 299 and 300
    src, out = tmp_path / "q.txt", tmp_path / "out.md"
    src.write_text(question + "\n", encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    (heading,) = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("### ")]
    assert heading == f"### 1. apa tugas asisten menteri {'x' * 273}…", heading
