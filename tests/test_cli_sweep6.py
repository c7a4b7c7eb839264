"""The fifth CLI sweep's leftovers, and a sixth sweep (docs/reliability.md section 58): labelled files read
in bounded memory, id codes in a header-less table, and what a careless or hostile user of ``qa batch``
and ``qa build`` met next. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pytest

from scripts.trials import qa_command, qa_env

from .cli_helpers import qa_run
from .conftest import ROOT

GOOD = '{"question": "apa tugas asisten?", "expected": ["tugas"]}'


def test_a_labelled_file_with_a_huge_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """``qa eval`` / ``qa calibrate`` read their file whole: a 64 MB line cost 137 MB (bytes, text,
    lines; 1 GB about 2 GB) before "not valid JSON". Read as a batch file is: the line is refused by
    number, unread past MAX_LINE_BYTES, in a few blocks of memory."""
    from qa.labelled import read_jsonl

    f = tmp_path / "q.jsonl"
    with f.open("wb") as fh:
        fh.write(GOOD.encode() + b"\n")
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
        fh.write(b"\n" + GOOD.encode() + b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as exc:
            read_jsonl(f, need_expected=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.message.startswith(f"{f}:2: line is too long (67108864 code points)")
    assert "not read past its first 1048576 bytes" in exc.value.message
    assert peak < 8_000_000, peak


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "old-mac-cr"])
def test_a_labelled_file_is_read_line_by_line_whatever_its_endings_and_blocks(tmp_path, monkeypatch, ending):
    """The bounded reader keeps what the whole-file reader did: lines at ``\\n``, ``\\r\\n`` or ``\\r``
    (a raw U+2028 inside a string is no end), across block edges, a UTF-16 line that does not decode named
    by its number (it was "not valid UTF-16 text", no line)."""
    from qa.batch import sources
    from qa.labelled import read_jsonl

    monkeypatch.setattr(sources, "BLOCK", 7)
    lines = [GOOD, GOOD.replace("asisten", "asisten\u2028menteri"), "", GOOD.replace("tugas", "peran")]
    f = tmp_path / "q.jsonl"
    f.write_bytes(ending.join(line.encode() for line in lines))
    assert [i.question for i in read_jsonl(f, True)] == [json.loads(x)["question"] for x in lines if x]
    f.write_bytes((GOOD + "\r\n").encode("utf-16") + b"\x00\xd8\n\x00")  # a lone surrogate on line 2
    with pytest.raises(Exception, match=r"q.jsonl:2: not valid UTF-16 text"):
        read_jsonl(f, True)


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_eval_and_calibrate_refuse_a_line_too_long_with_one_line_and_exit_2(settings, tmp_path, command):
    """Through the real CLI: a 3 MB line is one line on stderr naming it, exit 2, no traceback."""
    f = tmp_path / "q.jsonl"
    f.write_bytes(GOOD.encode() + b"\n" + b"gaji " * 600_000 + b"\n")
    extra = ["--offtopic", str(f)] if command == "calibrate" else []
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), command, str(f), *extra], capture_output=True, env=env,
                       cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{f}:2: line is too long (3000000 code points)" in r.stderr


@pytest.mark.parametrize(
    ("text", "ids"),
    [("A1,Apa tugas asisten\nA2,Berapa gaji asisten\n", ["A1", "A2"]),
     ("Q-01,Apa tugas asisten?\nQ-02,Berapa gaji asisten?\n", ["Q-01", "Q-02"]),
     ("1.,Apa tugas asisten\n2.,Berapa gaji asisten\n", ["1.", "2."]),
     ("No.1\tApa tugas asisten\nNo.2\tBerapa gaji asisten\n", ["No.1", "No.2"])],
    ids=["letter-digit", "code-with-question-marks", "list-number-with-dot", "tab-separated"],
)  # fmt: skip
def test_an_id_column_of_codes_in_a_headerless_table_is_not_the_question(tmp_path, text, ids) -> None:
    """Section 49 left it: ids such as "A1" or "Q-01" in column 1 of a header-less table were asked (each
    "too vague"), and with question marks the whole line "Q-01,Apa …?" was. An id is one short word with a
    digit and no "?", as a number is one: a column of nothing else labels the rows, the text is asked."""
    from qa.batch import read_questions

    src = tmp_path / ("soal.tsv" if "\t" in text else "soal.csv")
    src.write_text(text, encoding="utf-8")
    notes: list[str] = []
    records = list(read_questions(src, warn=notes.append))
    assert [r.question.rstrip("?") for r in records] == ["Apa tugas asisten", "Berapa gaji asisten"]
    assert [r.extra for r in records] == [{"column_1": i} for i in ids]
    assert len(notes) == 1 and "column 1 holds only ids (one word with a digit each" in notes[0]


@pytest.mark.parametrize(
    ("text", "asked"),
    [("K3?,keselamatan kerja\nCOVID-19?,penyakit\n", ["K3?", "COVID-19?"]),  # a "?": a question
     ("Apa itu K3,A1\nApa tugas asisten,A2\n", ["Apa itu K3", "Apa tugas asisten"]),  # ids after the text
     ("A1,Apa tugas asisten\nApa itu K3,Berapa gaji\n", ["A1", "Apa itu K3"])],
    ids=["one-word-questions", "ids-in-column-2", "not-every-row-a-code"],
)  # fmt: skip
def test_text_is_never_taken_for_an_id(tmp_path, text, asked) -> None:
    """The other way round: one-word questions with their "?", a column of words beside ids, a column
    where some cell is words: column 1 is asked as before, with the warning "asking column 1"."""
    from qa.batch import read_questions

    src = tmp_path / "soal.csv"
    src.write_text(text, encoding="utf-8")
    assert [r.question for r in read_questions(src)][:2] == asked


def test_a_header_over_a_column_of_ids_is_a_header(tmp_path) -> None:
    """ "Kode,Teks" over "A1,Apa tugas asisten": the header names an id column (a label over codes, as "No"
    over numbers), so the one text column is asked; it was all asked as data, "Kode" the first question."""
    from qa.batch import read_questions

    src = tmp_path / "soal.csv"
    src.write_text("Kode,Teks\nA1,Apa tugas asisten\nA2,Berapa gaji asisten\n", encoding="utf-8")
    notes: list[str] = []
    asked = [r.question for r in read_questions(src, warn=notes.append)]
    assert asked == ["Apa tugas asisten", "Berapa gaji asisten"]
    assert len(notes) == 1 and "asking column 'Teks'" in notes[0]


def test_an_output_inside_an_index_build_folder_is_refused_before_it_breaks_the_index(settings, tmp_path):
    """``-o index/<build>/answers.jsonl``: the batch wrote its lock there, the index's own check then
    refused the index ("the files … are not the ones its manifest lists", exit 5, hint: rebuild), and the
    rebuild it advised removes the folder with whatever the user put in it. A folder qa made (marked as
    its own) is no place for an output: refused before anything, exit 2; the index still answers."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    assert qa_run(settings, "index").returncode == 0
    build = next(p for p in settings.index_dir.iterdir() if p.is_dir())
    for out in (build / "jawaban.jsonl", build / "lexical" / "baru" / "jawaban.csv"):
        r = qa_run(settings, "batch", str(src), "-o", str(out))
        assert r.returncode == 2 and "a folder qa made for an index: the next build removes it" in r.stderr
        assert "Traceback" not in r.stderr and not out.exists() and not out.parent.with_name("baru").exists()
    r = qa_run(settings, "ask", "--json", "apa tugas asisten?")
    assert r.returncode == 0, r.stderr
    r = qa_run(settings, "batch", str(src), "-o", str(settings.index_dir / "jawaban.jsonl"))
    assert r.returncode == 0, r.stderr  # beside the builds, in the index folder itself: kept by rebuilds
    assert qa_run(settings, "index", "--force").returncode == 0
    assert (settings.index_dir / "jawaban.jsonl").exists()


def test_resume_never_cuts_a_whole_line_someone_else_added_to_a_jsonl_output(settings, tmp_path) -> None:
    """A note typed into an output ("cek lagi besok") between its records was taken for a torn write:
    ``--resume`` cut the file there, the note and every record after it gone (answered again). A torn
    write of ours is only the last line, unended, or a crash's zero-filled block; a whole line that is
    neither is refused by number, the file left whole, as a foreign JSON object already was. A blank line
    between records is kept, a torn tail still cut (real CLI)."""
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("apa tugas asisten?\nsiapa atasannya?\nberapa gaji asisten?\n", encoding="utf-8")
    assert qa_run(settings, "batch", str(src), "-o", str(out)).returncode == 0
    whole = out.read_bytes()
    first, second, third = whole.splitlines(keepends=True)
    out.write_bytes(first + b"cek lagi besok\n" + second + third)
    r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
    assert r.returncode == 2 and "(line 2 is not an answer qa wrote)" in r.stderr, r.stderr
    assert out.read_bytes() == first + b"cek lagi besok\n" + second + third
    for damaged in (first + b"\n" + second + third[:40], first + second + b"\0" * 4096 + b"\n"):
        out.write_bytes(damaged)
        r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
        assert r.returncode == 0, r.stderr
        assert [json.loads(x)["id"] for x in out.read_bytes().splitlines() if x.strip()] == ["1", "2", "3"]


@pytest.mark.parametrize("below", [False, True], ids=["the-link", "a-folder-below-it"])
def test_an_index_folder_through_a_dangling_link_says_so(settings, tmp_path, below) -> None:
    """``QA_INDEX`` a symbolic link to a folder not there (a moved or unmounted disk): the build said
    "cannot write the index folder …: No such file or directory", hint "make it writable", which fits
    nothing. It names the link and where it points; nothing is made, the link is left as it was."""
    link = tmp_path / "idx"
    link.symlink_to(tmp_path / "disk" / "qa-index")
    index = link / "sub" if below else link
    r = qa_run(settings, "index", env={"QA_INDEX": str(index)})
    assert r.returncode == 5 and "Traceback" not in r.stderr, r.stderr
    assert f"a symbolic link to {tmp_path / 'disk' / 'qa-index'}, which is not there" in r.stderr
    assert "create the folder it points to" in r.stderr and not (tmp_path / "disk").exists()


def test_an_output_on_a_read_only_file_system_says_so(tmp_path, monkeypatch) -> None:
    """An output folder on a read-only mount (a write-protected USB stick, a container's read-only
    layer) was refused as "Permission denied", which sends a user to ``chmod``, which cannot help."""
    from qa.batch import destination
    from qa.errors import InputError

    real = os.statvfs
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    monkeypatch.setattr(os, "statvfs", lambda p: SimpleNamespace(f_flag=real(p).f_flag | os.ST_RDONLY))
    with pytest.raises(InputError, match=r"cannot write output \(Read-only file system\)") as caught:
        destination.open_writer(tmp_path / "sub" / "jawaban.jsonl", resume=False, force=False)
    assert caught.value.hint == "choose another output path with -o"


def test_a_real_read_only_mount_is_named_for_an_output_and_an_index(settings, tmp_path) -> None:
    """The same on a real read-only tmpfs (needs the right to mount: root in a container, else skipped)."""
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)],
                      capture_output=True).returncode != 0:  # fmt: skip
        pytest.skip("cannot mount a file system here")
    try:
        src = tmp_path / "soal.txt"
        src.write_text("apa tugas asisten?\n", encoding="utf-8")
        r = qa_run(settings, "batch", str(src), "-o", str(ro / "jawaban.jsonl"))
        assert r.returncode == 2 and "cannot write output (Read-only file system)" in r.stderr, r.stderr
        r = qa_run(settings, "index", env={"QA_INDEX": str(ro / "idx")})
        assert r.returncode == 5 and "Read-only file system" in r.stderr and "Traceback" not in r.stderr
    finally:
        subprocess.run(["umount", str(ro)], check=True)


@pytest.mark.parametrize("how", ["stdin-twice", "a-link"])
def test_eval_refuses_one_file_named_for_two_kinds_of_question(settings, tmp_path, how) -> None:
    """``qa eval /dev/stdin --offtopic /dev/stdin < set.jsonl`` (or the set and a link to it): every question
    was scored as answerable and as off-topic at once, the report's off-topic worst cases the answerable
    questions, exit 0. One file is one kind of question: refused before the model loads, exit 2
    (``qa calibrate`` already refused the shared questions). Two files sharing a question stay allowed:
    the FacQA half-corpus sets ask one question of two passages."""
    f = tmp_path / "set.jsonl"
    f.write_text(GOOD + "\n", encoding="utf-8")
    if how == "a-link":
        (tmp_path / "off.jsonl").symlink_to(f)
        r = qa_run(settings, "eval", str(f), "--unanswerable", str(tmp_path / "off.jsonl"))
    else:
        with f.open("rb") as stdin:
            r = qa_run(settings, "eval", "/dev/stdin", "--offtopic", "/dev/stdin", stdin=stdin)
    assert r.returncode == 2 and "is the same file as FILE" in r.stderr, r.stderr
    assert not settings.index_dir.exists()  # refused before any index is built


def test_resume_refuses_a_foreign_output_with_a_huge_line_in_bounded_memory(tmp_path, monkeypatch) -> None:
    """Section 41 left it: ``--resume`` scanned the output with Python's line reader, so a foreign file
    named as the output (a 1 GB log line) was read whole before it was refused. Lines are read in blocks,
    kept up to SCAN_LINE_BYTES (patched small here; 32 MiB, far above any record of ours): one longer is
    someone else's, refused by number, the file left whole."""
    from qa.batch import outputs
    from qa.errors import InputError

    monkeypatch.setattr(outputs, "SCAN_LINE_BYTES", 1 << 20)
    out = tmp_path / "jawaban.jsonl"
    with out.open("wb") as fh:
        fh.write(b"x" * (64 << 20) + b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"line 1 is longer than any answer qa writes"):
            outputs.JsonlWriter(out, resume=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000, peak
    assert out.stat().st_size == (64 << 20) + 1


def test_a_long_line_is_gathered_in_linear_time() -> None:
    """A line of many blocks was gathered by copying the line so far at each block (``head += piece`` on
    bytes): 64 MiB took over a minute to read; now in place."""
    import time

    from qa.batch.sources import LongLine, split_lines

    start = time.process_time()
    (line,) = split_lines((b"x" * (1 << 16) for _ in range(512)), limit=64 << 20)  # 32 MiB, never ended
    assert not isinstance(line, LongLine) and len(line) == 32 << 20
    assert time.process_time() - start < 2.0


@pytest.mark.parametrize("ext", ["csv", "md"])
def test_ctrl_c_mid_batch_leaves_a_readable_output_that_resumes_to_the_whole_run(tmp_path, ext) -> None:
    """Ctrl-C part-way through a CSV or Markdown batch (the JSONL case is tests/batch/test_lock.py's): exit
    130, no traceback, the output readable as it is (whole rows, whole sections), and ``--resume`` ends
    with exactly what an uninterrupted run writes (held: no fix needed)."""
    import signal

    from tests.batch.test_lock import _batch, _finish, _wait_for_records

    out, whole = tmp_path / f"jawaban.{ext}", tmp_path / f"utuh.{ext}"
    proc = _batch(tmp_path, out, slow="0.05")
    _wait_for_records(proc, out, 20)
    proc.send_signal(signal.SIGINT)
    rc, err = _finish(proc)
    assert rc == 130 and "Traceback" not in err, err
    cut = out.read_text(encoding="utf-8-sig")
    if ext == "csv":
        import csv
        import io

        rows = list(csv.reader(io.StringIO(cut)))
        assert 1 < len(rows) < 201 and len({len(r) for r in rows}) == 1
    else:
        assert cut.rstrip().endswith("-->")  # the marker that closes a whole section
    assert _finish(_batch(tmp_path, out, "--resume"))[0] == 0
    assert _finish(_batch(tmp_path, whole))[0] == 0
    assert out.read_bytes() == whole.read_bytes()
