"""A seventh sweep of the command line and batch files (docs/reliability.md section 72): what a careless
or hostile user hands ``qa batch`` and ``qa ask`` next. Each test failed on the code before its fix."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .batch.helpers import jsonl
from .cli_helpers import qa_run
from .conftest import ROOT


@pytest.mark.parametrize(
    ("text", "found"),
    [("question,question\nApa tugas asisten?,Berapa gaji asisten?\n",
      "column 1 'question', column 2 'question'"),
     ("id\tPertanyaan\tquestion\n1\tApa tugas asisten?\tWhat does the assistant do?\n",
      "column 2 'Pertanyaan', column 3 'question'"),
     ("sep=;\nQuestion;pertanyaan\nWhat does the assistant do?;Apa tugas asisten?\n",
      "column 1 'Question', column 2 'pertanyaan'")],
    ids=["the-same-name-twice", "two-languages-tsv", "excel-sep-line"],
)  # fmt: skip
def test_a_header_naming_two_question_columns_is_refused_not_guessed(settings, tmp_path, text, found) -> None:
    """``question,question`` (two sheets pasted side by side, a bilingual file): column 1 was asked and the
    other carried unasked as ``question_2``, no word said. Refused before anything, naming both."""
    src = tmp_path / ("soal.tsv" if "\t" in text else "soal.csv")
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "jawaban.jsonl"
    r = qa_run(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"the header names 2 question columns ({found})" in r.stderr
    assert not out.exists() and not settings.index_dir.exists()


def test_a_jsonl_line_with_two_questions_is_an_error_row_the_rest_answered(settings, tmp_path) -> None:
    """``{"question": "a", "question": "b"}``: JSON keeps the last value, so the first question was dropped
    in silence; ``{"question": …, "Pertanyaan": …}`` asked one and carried the other. Each is now an error
    row naming the field, as a malformed line is, and the lines around it are answered."""
    src = tmp_path / "soal.jsonl"
    src.write_text('{"id": "a", "question": "Apa tugas asisten?"}\n'
                   '{"id": "b", "question": "Berapa gaji?", "question": "Siapa atasannya?"}\n'
                   '{"id": "c", "question": "Berapa gaji?", "Pertanyaan": "Siapa atasannya?"}\n'
                   '{"id": "d", "question": "Apa tugas asisten?", "meta": {"x": 1, "x": 2}}\n'
                   '{"id": "e", "question": "Siapa atasannya?", "Question_2": "Berapa gaji?"}\n',
                   encoding="utf-8")  # fmt: skip
    out = tmp_path / "jawaban.jsonl"
    r = qa_run(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    errors = {rec["line"]: rec.get("error") for rec in jsonl(out)}
    assert errors == {
        1: None,
        2: "line 2 names 'question' twice in one object (JSON keeps one value, the other is dropped)",
        3: "line 3 has 2 question fields ('question', 'Pertanyaan'): keep one",
        4: "line 4 names 'x' twice in one object (JSON keeps one value, the other is dropped)",
        5: None,  # "Question_2" is no question key: carried, as any other field
    }


def test_a_jsonl_line_that_is_no_object_and_an_id_that_is_no_string_are_said_in_json_words(tmp_path) -> None:
    """Python's type names reached the output: "line 3 is a JSON NoneType", "a JSON int", "a JSON str";
    an id ``true`` was "True" and ``{"n": 1}`` was ``{'n': 1}``, neither the JSON the user wrote."""
    from qa.batch.readers import read_questions

    src = tmp_path / "soal.jsonl"
    src.write_text('["Apa tugas?"]\n5\nnull\n"Apa tugas?"\ntrue\n2.5\n'
                   '{"id": true, "question": "Apa tugas asisten?"}\n'
                   '{"id": {"n": 1}, "question": "Apa tugas?"}\n'
                   '{"id": [1, "é"], "question": "Apa tugas?"}\n{"id": 7, "question": "Apa tugas?"}\n',
                   encoding="utf-8")  # fmt: skip
    records = list(read_questions(src))
    assert [r.error for r in records[:6]] == [
        f"line {n} is a JSON {kind}, not an object"
        for n, kind in enumerate(["array", "number", "null", "string", "boolean", "number"], 1)
    ]
    assert [r.id for r in records[6:]] == ["true", '{"n": 1}', '[1, "é"]', "7"]


def _zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")


QUESTION = b"Apa tugas asisten?\n"
SAMPLES = {
    "xlsx-as-csv": ("soal.csv", _zip, "a zip archive (an Excel .xlsx or OpenDocument .ods workbook"),
    "gzip-as-txt": ("soal.txt", lambda p: p.write_bytes(gzip.compress(QUESTION)), "gzip-compressed"),
    "bzip2-as-csv": ("soal.csv", lambda p: p.write_bytes(bz2.compress(QUESTION)), "bzip2-compressed"),
    "xz-as-jsonl": ("soal.jsonl", lambda p: p.write_bytes(lzma.compress(b'{"question": "Apa?"}\n')),
                    "xz-compressed"),
    "xls-as-tsv": ("soal.tsv", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
                   "an old Office file"),
}  # fmt: skip


@pytest.mark.parametrize("sample", SAMPLES, ids=list(SAMPLES))
def test_a_workbook_or_compressed_question_file_is_named_for_what_it_is(settings, tmp_path, sample) -> None:
    """An ``.xlsx`` renamed ``.csv``, a ``.csv.gz`` renamed or piped in without ``zcat``: each was "not a
    text file (contains NUL bytes)", hint "save the questions as UTF-8 or UTF-16 text", leaving the user to
    guess what the file was. Its signature names it, and the hint the way out (quoted for the shell)."""
    name, make, what = SAMPLES[sample]
    src = tmp_path / "dari kantor" / name
    src.parent.mkdir()
    make(src)
    out = tmp_path / "jawaban.jsonl"
    r = qa_run(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith(f"error: {src}: not a text file: it is {what}"), r.stderr
    if "compressed" in what:
        assert f"cat '{src}' > questions.txt" in r.stderr  # quoted: the folder's name holds a space
    with src.open("rb") as stdin:  # the same bytes piped in
        r = qa_run(settings, "batch", "-", "-o", str(out), stdin=stdin)
    assert r.returncode == 2 and r.stderr.startswith(f"error: standard input is not text: it is {what}")
    assert not out.exists() and not settings.index_dir.exists()


def test_a_question_starting_like_a_signature_is_still_a_question(tmp_path) -> None:
    """The signatures hold control bytes (or bzip2's block magic after ``BZh``): text never starts so."""
    from qa.batch.binary import binary_kind

    for text in ("BZh apa itu?", "PK itu apa?", "%PDF apa itu", "Apa tugas asisten?"):
        assert binary_kind(text.encode()) is None


def test_ask_dash_says_where_standard_input_is_read(settings) -> None:
    """``echo "apa tugas?" | qa ask -``: "the question is empty" (the hint: type a question), though one was
    typed and piped. ``-`` alone is named for what it is, and the way to ask from standard input given."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "ask", "-"], input="apa tugas asisten?\n", env=env, cwd=ROOT,
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "'-' (standard input) is for qa batch" in r.stderr and "qa batch - -o" in r.stderr
    assert not settings.index_dir.exists()  # refused before the index is built
    r = qa_run(settings, "ask", "--json", "-", "apa tugas asisten?")  # a dash among words is a word
    assert r.returncode == 0 and json.loads(r.stdout)["question"] == "- apa tugas asisten?", r.stderr


def _with_stderr_broken(settings, how: str, *args: str) -> int:  # noqa: ANN001 - the settings fixture
    """The exit status of ``qa ARGS`` whose standard error is a pipe no one reads any more (its reader
    gone, as after ``2>&1 | head -1``) or ``/dev/full``: every message it writes fails."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    if how == "broken-pipe":
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before the first message: EPIPE on each write
        stderr = os.fdopen(write_end, "wb")
    else:
        stderr = open("/dev/full", "wb")  # noqa: SIM115 - closed below
    with stderr:
        return subprocess.run([*qa_command(real=False), *args], stdout=subprocess.DEVNULL, stderr=stderr,
                              env=env, cwd=ROOT, timeout=120).returncode  # fmt: skip


@pytest.mark.parametrize("how", ["broken-pipe", "dev-full"])
def test_a_message_that_cannot_be_written_never_stops_the_work(settings, tmp_path, how) -> None:
    """``qa index 2>&1 | head -1``: head took "no index …; building it now" and left, the next message
    raised BrokenPipeError, read as "the reader has what it wanted": exit 0, no index built, no answers
    written, nothing said. ``2>/dev/full`` ended the batch with a traceback no one saw (exit 1). Messages
    are dropped now; the index is built, the answers written, and a refusal keeps its exit status."""
    src = tmp_path / "soal.csv"  # no header: a warning is printed before the first answer
    src.write_text("1,Apa tugas asisten\n2,Berapa gaji asisten\n", encoding="utf-8")
    out = tmp_path / "jawaban.jsonl"
    assert _with_stderr_broken(settings, how, "batch", str(src), "-o", str(out)) == 0
    assert [r["question"] for r in jsonl(out)] == ["Apa tugas asisten", "Berapa gaji asisten"]
    assert (settings.index_dir / "manifest.json").is_file()  # built on the way, its log lines dropped
    shutil.rmtree(settings.index_dir)
    assert _with_stderr_broken(settings, how, "index") == 0
    assert (settings.index_dir / "manifest.json").is_file()
    assert _with_stderr_broken(settings, how, "batch", str(tmp_path / "tidak-ada.csv"), "-o", "x.jsonl") == 2
