"""The fourth CLI sweep's leftovers, and a fifth sweep (docs/reliability.md section 41): a line too long to
read whole, terminal escape sequences in a question, a numbered table without a header, and what a
hostile but ordinary user of the CLI met next. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import random
import subprocess
import tracemalloc
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT

ENDINGS = [b"\n", b"\r\n", b"\r"]


def test_lines_split_alike_wherever_the_blocks_are_cut() -> None:
    """The bounded reader splits the bytes it is handed in blocks: a line, a ``\\r\\n`` or a multi-byte
    character cut between two blocks reads as one, as Python's universal newlines read it."""
    from qa.batch.sources import split_lines

    rng = random.Random(7)
    for _ in range(300):
        lines = [rng.choice([b"", b"apa", b"gaji asisten menteri?", "é€😀".encode(), b"  "])
                 + rng.choice(ENDINGS) for _ in range(rng.randint(0, 12))]  # fmt: skip
        data = b"".join(lines) + rng.choice([b"", b"akhir tanpa baris"])
        cuts = sorted(rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randint(0, 6))))
        blocks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)])]
        assert list(split_lines(blocks)) == data.splitlines(keepends=True), blocks


def test_a_line_over_the_limit_is_counted_not_kept() -> None:
    """Beyond ``limit`` bytes a line is a ``LongLine``: its first bytes and its length in code points (a
    multi-byte character cut at the limit counted once); the lines around it are read as they are."""
    from qa.batch.sources import LongLine, split_lines

    long = "é" * 50 + "x" * 30
    data = b"satu\r" + long.encode() + b"\r\ndua\n" + b"y" * 11
    blocks = [data[i : i + 7] for i in range(0, len(data), 7)]
    first, cut, second, tail = split_lines(blocks, limit=10)
    assert (first, second) == (b"satu\r", b"dua\n")
    assert isinstance(cut, LongLine) and cut == long.encode()[:10] and cut.code_points == len(long)
    assert isinstance(tail, LongLine) and tail.code_points == 11


@pytest.mark.parametrize("ext", ["txt", "csv", "jsonl"])
@pytest.mark.parametrize("ending", ENDINGS, ids=["lf", "crlf", "old-mac-cr"])
def test_a_line_too_long_is_one_error_row_naming_it_and_the_rest_is_read(tmp_path, monkeypatch, ext, ending):
    """A 1 GB single-line question file was read whole (3.3 GB of memory) to become one error row; an
    old-Mac file (``\\r`` endings) was one "line" to Python's reader however many questions it held. The
    line is cut at MAX_LINE_BYTES (patched small here): an error row naming it, every other row asked."""
    from qa.batch import read_questions, sources

    monkeypatch.setattr(sources, "MAX_LINE_BYTES", 4096)
    monkeypatch.setattr(sources, "BLOCK", 1000)
    long_q = "gaji asisten menteri " * 1000  # 21,000 characters
    rows = ["Apa tugas asisten?", long_q, "Siapa atasannya?"]
    body = {"txt": rows, "csv": ["id,question", *(f'{i},"{q}"' for i, q in enumerate(rows, 1))],
            "jsonl": [json.dumps({"id": str(i), "question": q})
                      for i, q in enumerate(rows, 1)]}[ext]  # fmt: skip
    src = tmp_path / f"soal.{ext}"
    src.write_bytes(ending.join(line.encode() for line in body) + ending)
    first, cut, last = read_questions(src)
    assert (first.question, first.error, last.question, last.error) == (rows[0], None, rows[2], None)
    n = 3 if ext == "csv" else 2
    assert cut.line == n and cut.error.startswith(f"line {n} is too long (")
    assert "a question holds at most 2000" in cut.error and "not read past its first 4096 bytes" in cut.error
    assert "gaji asisten menteri" in cut.question and len(cut.question) < 300
    if ext != "txt":
        assert cut.id == "2"  # a table's or JSON line's start still gives its id where it can


def test_a_huge_single_line_file_is_read_in_bounded_memory(tmp_path) -> None:
    """The real size of the case, scaled: a 64 MB line cost 64 MB and more to read (1 GB cost 3.3 GB);
    now a few blocks and the line's first MAX_LINE_BYTES, whatever its length."""
    from qa.batch import read_questions

    src = tmp_path / "satu-baris.txt"
    with src.open("wb") as f:
        for _ in range(64):
            f.write(b"apa tugas asisten menteri " * 40_330)  # ~1 MB each
        f.write(b"\nSiapa atasannya?\n")
    tracemalloc.start()
    try:
        cut, ok = read_questions(src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cut.error.startswith(f"line 1 is too long ({64 * 26 * 40_330} code points")
    assert ok.question == "Siapa atasannya?"
    assert peak < 8 << 20, peak


def test_batch_over_a_file_with_a_line_too_long_answers_the_rest(settings, tmp_path) -> None:
    """Through the real CLI: a 3 MB line among questions is one error row naming its line, the others are
    answered, exit 0."""
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_bytes(b"Apa tugas asisten?\n" + b"gaji " * 600_000 + b"\nSiapa atasannya?\n")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out)], capture_output=True,
                       env=env, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec.get("error") is None for rec in records] == [True, False, True]
    assert records[1]["error"].startswith("line 2 is too long (3000000 code points")
    assert out.stat().st_size < 50_000


COLOURED = [
    ("\x1b[1;31mgaji\x1b[0m asisten menteri?", "gaji asisten menteri?"),  # SGR, as `grep --color` leaves it
    ("apa \x1b]0;judul jendela\x07tugas asisten?", "apa tugas asisten?"),  # OSC title, ended by BEL
    ("\x1b]8;;https://contoh.id\x1b\\tugas\x1b]8;;\x1b\\ asisten", "tugas asisten"),  # a link, ended by ST
    ("\x9b31mtugas\x9b0m asisten", "tugas asisten"),  # the one-byte CSI of C1
    ("tugas\x1b(B asisten\x1b[K", "tugas asisten"),  # a charset switch, erase to the end of the line
]


@pytest.mark.parametrize(("typed", "read"), COLOURED)
def test_terminal_escape_sequences_in_a_question_are_dropped_not_read_as_words(typed, read) -> None:
    """A question pasted from a terminal with its colours ("\\x1b[31mgaji\\x1b[0m") kept the sequences'
    letters as words: "[31mgaji", "[0m" (the ESC alone became a space). They are gone, as on the screen."""
    from qa.question_text import clean_question

    assert clean_question(typed) == read


def test_an_unended_or_hostile_escape_costs_no_more_than_its_length() -> None:
    """An OSC string without its end, or thousands of introducers, is read in one pass: a string stops at
    the next control character, so no try scans past it."""
    import time

    from qa.question_text import SCAN_CHARS, clean_question

    assert clean_question("tugas \x1b]0;tanpa ujung") == "tugas 0;tanpa ujung"  # the rest is still read
    start = time.process_time()
    n = SCAN_CHARS
    hostile = ["\x1b]" * n, "\x9d" * n, ("\x1b]" + "a" * 200) * 400, "\x1b[" + "0" * n]
    for text in hostile:
        clean_question(text)
    assert time.process_time() - start < 1.0


def test_no_stored_question_holds_an_escape_sequence() -> None:
    """Dropping escape sequences cannot change how any stored question (evaluation or training) reads."""
    from qa.question_text import _ESCAPES

    stored = [q for path in sorted((ROOT / "data").rglob("*.jsonl"))
              for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
              for q in [json.loads(line).get("question")] if isinstance(q, str)]  # fmt: skip
    assert len(stored) > 3000 and not [q for q in stored if _ESCAPES.search(q)]


def test_a_coloured_question_in_a_batch_file_and_on_the_command_line_is_read_clean(settings, tmp_path):
    """Through the real CLI (fake encoder): the answered question carries no sequence and no "[31m" in
    ``qa ask --json`` or in a batch's output, and a row holding only a colour code is an empty question."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "ask", "--json", COLOURED[0][0]], capture_output=True,
                       env=env, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["question"] == COLOURED[0][1], r.stderr
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("".join(f"{typed}\n" for typed, _ in COLOURED) + "\x1b[0m\n", encoding="utf-8")
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out)], capture_output=True,
                       env=env, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec["question"] for rec in records[:-1]] == [read for _, read in COLOURED]
    assert records[-1]["error"] == "empty question"


@pytest.mark.slow
def test_real_model_a_coloured_question_is_answered_as_the_plain_one(real_assistant) -> None:
    """Bundled e5, the real index: a question in terminal colours gets exactly the plain question's answer,
    and what the document does not state names no escape residue ("Dokumen tidak menyebut 31mkota")."""
    for plain in ("apakah asisten menteri bisa memutuskan kebijakan?", "di kota mana kantor asisten berada?"):
        words = plain.split()
        coloured = f"\x1b[1;31m{words[0]}\x1b[0m " + " ".join(f"\x1b[32m{w}\x1b[39m" for w in words[1:])
        assert real_assistant.ask(coloured).to_dict() == real_assistant.ask(plain).to_dict()


@pytest.mark.parametrize(
    ("text", "asked"),
    [("1,Apa tugas asisten\n2,Berapa gaji asisten\n", ["Apa tugas asisten", "Berapa gaji asisten"]),
     ("1,Apa tugas asisten?\n2,Berapa gaji?\n", ["Apa tugas asisten?", "Berapa gaji?"]),
     ("sep=;\n1;Apa tugas asisten\n2;Siapa atasannya\n", ["Apa tugas asisten", "Siapa atasannya"]),
     ("1\tApa tugas asisten\n2\tSiapa atasannya\n", ["Apa tugas asisten", "Siapa atasannya"])],
    ids=["numbered", "numbered-with-question-marks", "excel-sep-line", "tab-separated"],
)  # fmt: skip
def test_a_numbered_table_without_a_header_asks_its_text_not_its_numbers(tmp_path, text, asked) -> None:
    """Section 35 left it: a header-less numbered table ("1,Apa tugas asisten") asked column 1, the numbers
    (each "too vague"), with a warning saying so; with its question marks the whole line "1,Apa …?" was
    asked. A column of numbers alone is never the question column: the text beside it is asked, the
    number carried along, and the warning says so."""
    from qa.batch import read_questions

    src = tmp_path / ("soal.tsv" if "\t" in text else "soal.csv")
    src.write_text(text, encoding="utf-8")
    notes: list[str] = []
    records = list(read_questions(src, warn=notes.append))
    assert [r.question for r in records] == asked and [r.extra for r in records] == [
        {"column_1": "1"},
        {"column_1": "2"},
    ]
    assert len(notes) == 1 and "column 1 holds only numbers, asking column 2" in notes[0]


def test_a_numbered_table_with_two_text_columns_is_refused_not_guessed(tmp_path) -> None:
    """Beside the numbers, two text columns ("1,Budi,Apa tugas asisten"): which is the question is a guess,
    refused before any model loads, as a header naming no question column is (it asked the numbers)."""
    from qa.batch import read_questions
    from qa.errors import InputError

    src = tmp_path / "soal.csv"
    src.write_text("1,Budi,Apa tugas asisten\n2,Ani,Siapa atasannya\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns 2, 3 all hold text") as caught:
        read_questions(src)
    assert "'question'" in (caught.value.hint or "")


@pytest.mark.parametrize("feed", ["/dev/zero", "binary"])
def test_batch_refuses_standard_input_that_is_not_text_as_it_refuses_such_a_file(settings, tmp_path, feed):
    """A file with NUL bytes is refused ("not a text file"); standard input was not checked: ``qa batch -
    < /dev/zero`` read NULs forever in silence, and a binary piped in became rows of errors, exit 0. Now
    one line, exit 2, before any model loads, and no output is made."""
    out = tmp_path / "jawaban.jsonl"
    source = Path(feed) if feed == "/dev/zero" else tmp_path / "gambar.bin"
    if feed == "binary":
        source.write_bytes(bytes(range(256)) * 16)
    with source.open("rb") as stdin:
        r = subprocess.run([*qa_command(real=False), "batch", "-", "-o", str(out)], stdin=stdin,
                           capture_output=True, env=qa_env(settings.corpus_dir, settings.index_dir), cwd=ROOT,
                           text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and r.stderr.startswith("error: standard input is not text"), r.stderr
    assert not out.exists() and not settings.index_dir.exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("QA_INDEX", " {tmp}/indeks"), ("QA_INDEX", "{tmp}/indeks\r"), ("QA_CORPUS", "{tmp}/korpus\r")],
    ids=["leading-space", "windows-line-ending", "corpus-line-ending"],
)
def test_a_folder_name_with_an_unseen_space_or_line_ending_is_refused(settings, tmp_path, variable, value):
    """``QA_INDEX=/data/idx`` in an env file saved with Windows line endings is ``/data/idx\\r``, and
    ``QA_INDEX=" /data/idx"`` a folder named " " in the current one: the first ``qa ask`` built an index
    in a folder no one would find (``ls`` shows ``idx?``). Refused when it is not there, naming it."""
    cwd = tmp_path / "di-sini"
    cwd.mkdir()
    env = {**qa_env(settings.corpus_dir, settings.index_dir), variable: value.format(tmp=tmp_path)}
    r = subprocess.run([*qa_command(real=False), "ask", "apa tugas asisten?"], capture_output=True, env=env,
                       cwd=cwd, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "starts or ends with white space or holds a control character" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["di-sini", settings.corpus_dir.name])
    assert not list(cwd.iterdir())


def test_a_folder_whose_odd_name_is_really_there_is_used(settings, tmp_path) -> None:
    """The check is for mistakes only: an index folder that exists under a name ending in a space is used."""
    from qa.config import Settings

    odd = tmp_path / "indeks "
    odd.mkdir()
    assert Settings(corpus_dir=settings.corpus_dir, index_dir=odd).index_dir == odd


def _closing(fd: int):  # noqa: ANN202 - a preexec_fn
    import os

    return lambda: os.close(fd)


def test_a_closed_standard_error_neither_breaks_a_build_nor_spills_into_the_json(settings, tmp_path) -> None:
    """``qa ask --json Q 2>&-`` (a job started without standard error): Python sets ``sys.stderr`` to None,
    so the log lines ("no index …; building it now") went to stdout, before the JSON, and the build's
    ``sys.stderr.isatty()`` raised AttributeError: exit 1, no index, the traceback nowhere. Now the
    closed streams get the null device: one JSON object, exit 0, the index built, a batch output whole."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    ask = [*qa_command(real=False), "ask", "--json", "apa tugas asisten?"]
    r = subprocess.run(ask, stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True, timeout=120,
                       preexec_fn=_closing(2))  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["question"] == "apa tugas asisten?", r.stdout
    assert (settings.index_dir / "manifest.json").is_file()
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("apa tugas asisten?\nsiapa atasan asisten?\n", encoding="utf-8")
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out)], stdout=subprocess.PIPE,
                       env=env, cwd=ROOT, text=True, timeout=120, preexec_fn=_closing(2))  # fmt: skip
    assert r.returncode == 0 and len([json.loads(line) for line in out.read_text().splitlines()]) == 2


def test_a_closed_standard_output_is_refused_where_the_result_is_what_is_printed(settings) -> None:
    """``qa ask Q >&-``: the answer was computed, then ``sys.stdout.flush()`` on None raised AttributeError,
    a traceback and exit 1. Said at once instead, exit 2, before the model loads."""
    for args in (["ask", "apa tugas asisten?"], ["info"]):
        r = subprocess.run([*qa_command(real=False), *args], stderr=subprocess.PIPE, cwd=ROOT, text=True,
                           env=qa_env(settings.corpus_dir, settings.index_dir), timeout=120,
                           preexec_fn=_closing(1))  # fmt: skip
        assert r.returncode == 2 and r.stderr.startswith("error: standard output is closed"), r.stderr
    assert not settings.index_dir.exists()


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be-bom"])
@pytest.mark.parametrize("ext", ["txt", "csv", "jsonl"])
def test_a_utf32_question_file_with_its_mark_is_read_not_taken_for_utf16(tmp_path, encoding, ext) -> None:
    """UTF-32 (PowerShell's ``Out-File -Encoding utf32``) opens with FF FE 00 00, which was taken for
    UTF-16 starting with a NUL: every question was asked as "a p a   t u g a s ?", silently. Its mark is
    UTF-32's; ``qa eval`` reads such a file too."""
    from qa.batch import read_questions
    from qa.labelled import read_jsonl

    rows = ["apa tugas asisten?", "siapa atasannya?"]
    body = {"txt": rows, "csv": ["question", *rows], "jsonl": [json.dumps({"question": q, "expected": ["x"]})
                                                                 for q in rows]}[ext]  # fmt: skip
    text = "".join(f"{line}\r\n" for line in body)
    data = text.encode("utf-32") if encoding == "utf-32" else b"\0\0\xfe\xff" + text.encode("utf-32-be")
    src = tmp_path / f"soal.{ext}"
    src.write_bytes(data)
    assert [(r.question, r.error) for r in read_questions(src)] == [(q, None) for q in rows]
    if ext == "jsonl":
        assert [item.question for item in read_jsonl(src, need_expected=True)] == rows
