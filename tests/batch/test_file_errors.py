"""Each refusal of a whole question file carries its code and values beside the English the CLI prints
(reliability 138): the messages and hints are the bytes ``qa batch``, ``qa eval`` and ``qa calibrate``
printed before, the exit status 2, and a caller that words the refusal itself (the web page) reads the
code, never the sentence."""

from __future__ import annotations

import gzip
import lzma
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from qa.batch import read_questions
from qa.errors import InputError
from qa.file_errors import ENGLISH, FILE_CODES, FileError, FileRefused
from qa.labelled import read_jsonl
from scripts.trials import qa_command, qa_env
from tests.conftest import ROOT


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")


_SAVE_CSV = "open it in its spreadsheet program and save it as CSV (UTF-8), then give that file"
# (file name, its bytes or how to make it, its code and values, the English message after "PATH: ", the hint)
FILES = [
    ("dir.txt", os.mkdir, FileError("directory"), "is a directory, expected a question file", None),
    ("missing.txt", None, FileError("not_found"), "question file not found", None),
    ("fifo.txt", os.mkfifo, FileError("device"), "is a pipe or device, not a question file",
     "pipe the questions in on standard input instead: qa batch - -o OUTPUT < {path}"),
    ("q.pdf", b"apa?\n", FileError("unsupported", (".pdf",)), "unsupported question file type '.pdf'",
     "use one of: .txt, .csv, .tsv, .jsonl (or '-' for stdin)"),
    ("noext", b"apa?\n", FileError("unsupported", ("",)), "unsupported question file type '(no extension)'",
     "use one of: .txt, .csv, .tsv, .jsonl (or '-' for stdin)"),
    ("zip.csv", _zip, FileError("workbook"), "not a text file: it is a zip archive (an Excel .xlsx or "
     "OpenDocument .ods workbook saved under another name?)", _SAVE_CSV),
    ("ole.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(30), FileError("old_office"),
     "not a text file: it is an old Office file (an Excel .xls workbook?)", _SAVE_CSV),
    ("gz.txt", gzip.compress(b"apa?\n"), FileError("compressed", ("gzip",)),
     "not a text file: it is gzip-compressed",
     "decompress it first: zcat {path} > questions.txt (or zcat {path} | qa batch - -o OUTPUT)"),
    ("xz.csv", lzma.compress(b"apa?\n"), FileError("compressed", ("xz",)),
     "not a text file: it is xz-compressed",
     "decompress it first: xzcat {path} > questions.txt (or xzcat {path} | qa batch - -o OUTPUT)"),
    ("bz.txt", b"BZh91AY&SY" + bytes(10), FileError("compressed", ("bzip2",)),
     "not a text file: it is bzip2-compressed",
     "decompress it first: bzcat {path} > questions.txt (or bzcat {path} | qa batch - -o OUTPUT)"),
    ("pdf.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", FileError("pdf"), "not a text file: it is a PDF",
     "copy its questions into a .txt file, one per line"),
    ("nul.txt", b"apa\x00tugas", FileError("nul_bytes"), "not a text file (contains NUL bytes)",
     "save the questions as UTF-8 or UTF-16 text"),
    ("latin.csv", b"id,pertanyaan,catatan\xe9\n1,apa,x\n",
     FileError("undecodable_header", ("UTF-8", 1), detail="invalid continuation byte at byte 21"),
     "its header (line 1) is not valid UTF-8 (invalid continuation byte at byte 21): its column names "
     "cannot be read", "save the file as UTF-8 (a spreadsheet's \"CSV UTF-8\") or as UTF-16 text"),
    ("two.csv", b"id,question,Pertanyaan \n1,a,b\n",
     FileError("question_columns", (2, 3), ("question", "Pertanyaan")),
     "the header names 2 question columns (column 2 'question', column 3 'Pertanyaan'): which to ask is a "
     "guess",
     "keep one column named 'question' or 'pertanyaan' (rename the others), or split the file"),
    ("none.csv", b"id, [x](y) ,kolom 5 z\n1,apa,kapan\n2,siapa,mengapa\n",
     FileError("no_question_column", names=("id", "[x](y)", "kolom 5 z")),
     "no question column among the header's columns ('id', '[x](y)', 'kolom 5 z')",
     "name the question column 'question' or 'pertanyaan' in the first row"),
    ("which.csv", b"1,Budi,Apa tugas asisten\n2,Ani,Siapa atasannya\n",
     FileError("which_column", ("numbers", 2, 3)),
     "no header, column 1 holds only numbers and columns 2, 3 all hold text: which is the question?",
     "name the question column 'question' or 'pertanyaan' in a first row"),
    ("ids.csv", b"A1,Budi,Apa tugas asisten\nB2,Ani,Siapa atasannya\n",
     FileError("which_column", ("ids", 2, 3)),
     "no header, column 1 holds only ids (one word with a digit each, such as 'A1') and columns 2, 3 all "
     "hold text: which is the question?",
     "name the question column 'question' or 'pertanyaan' in a first row"),
    ("long" + "x" * 300 + ".txt", None, FileError("unreadable", detail="File name too long"),
     "cannot read question file (File name too long)", None),
]  # fmt: skip


def _make(tmp_path: Path, name: str, make: object) -> Path:
    path = tmp_path / name
    if isinstance(make, bytes):
        path.write_bytes(make)
    elif callable(make):
        make(path)
    return path


@pytest.mark.parametrize(("name", "make", "why", "said", "hint"), FILES, ids=[f[0][:12] for f in FILES])
def test_each_refused_file_says_what_it_said_before_with_its_code(
    tmp_path, name, make, why, said, hint
) -> None:
    path = _make(tmp_path, name, make)
    with pytest.raises(FileRefused) as caught:
        read_questions(path)
    refused = caught.value
    assert (refused.why, refused.message) == (why, f"{path}: {said}")
    assert refused.hint == (hint and hint.format(path=path)) and refused.exit_code == 2
    assert isinstance(refused, InputError)  # every caller that catches InputError still does


def test_eval_and_calibrate_refuse_a_folder_or_a_missing_file_alike(tmp_path) -> None:
    """``qa eval`` and ``qa calibrate`` share the rule (qa.questionfile): the same codes, the same words."""
    for name, make, why, said, _ in FILES[:2]:
        path = _make(tmp_path, name, make)
        with pytest.raises(FileRefused) as caught:
            read_jsonl(path, need_expected=False)
        assert (caught.value.why, caught.value.message) == (why, f"{path}: {said}")


def test_every_code_has_english_and_is_made_by_a_file_above() -> None:
    """A code added without a refused file above (or without its English) fails here."""
    assert set(ENGLISH) == set(FILE_CODES) == {f[2].code for f in FILES}


def test_the_cli_prints_the_same_line_and_exits_2(settings, tmp_path) -> None:
    """Through ``qa batch`` itself: one ``error:`` line and its ``hint:``, exit 2, no output made."""
    src = _make(tmp_path, "which.csv", FILES[-3][1])
    out = tmp_path / "jawaban.jsonl"
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out)], capture_output=True,
                       text=True, env=env, cwd=ROOT, timeout=120)  # fmt: skip
    assert r.returncode == 2 and not out.exists()
    assert r.stderr.splitlines()[-2:] == [
        f"error: {src}: no header, column 1 holds only numbers and columns 2, 3 all hold text: which is the "
        "question?",
        "hint: name the question column 'question' or 'pertanyaan' in a first row",
    ]
