"""Section 144's batch readers and write hints read a second time (docs/reliability.md section 151):
each test failed on the code before its fix."""

from __future__ import annotations

import csv
import errno
import os
from pathlib import Path

import pytest

from qa.batch import run_batch
from qa.batch.readers import read_questions
from qa.batch.sources import BLOCK
from qa.calibration import calibration_path
from qa.errors import OutputError
from qa.file_errors import FileRefused

from .batch.helpers import FakeAnswer
from .cli_helpers import qa_run

NOTE = "catatan " * 20_000  # 160,000 characters: over the csv module's default cap of 131,072


def test_a_stray_quote_beside_a_long_note_is_read_as_text_not_lost(tmp_path: Path) -> None:
    """A row the strict reader refuses (a stray quote) is read again with its quotes as text; that second
    read ran at the csv module's default cap, so a long note beside it made the row "malformed CSV", its
    question and id lost (and with another thread's table being read at that moment, it did not)."""
    src = tmp_path / "q.csv"
    src.write_text(f'id,question,note\n1,"apa" gaji?,{NOTE}\n2,apa lagi?,x\n', encoding="utf-8")
    before = csv.field_size_limit()
    rows = [(r.id, r.question, r.error, r.extra.get("note") == NOTE) for r in read_questions(src)]
    assert rows == [("1", '"apa" gaji?', None, True), ("2", "apa lagi?", None, False)]
    assert csv.field_size_limit() == before


def test_a_long_question_read_again_is_still_refused_under_its_id(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text(f'id,question\n1,"apa" {NOTE}\n2,apa lagi?\n', encoding="utf-8")
    rows = [(r.id, r.question, r.error) for r in read_questions(src)]
    long = "question too long (over 131072 code points, limit 2000 characters)"
    assert rows == [("1", None, long), ("2", "apa lagi?", None)]


@pytest.mark.parametrize(("char", "into"), [("é", 1), ("€", 1), ("€", 2), ("😀", 1), ("😀", 2), ("😀", 3)])
def test_a_header_longer_than_the_sample_cut_inside_a_character_is_read(
    tmp_path: Path, char: str, into: int
) -> None:
    """The layout is read from the file's first 64 KiB; a valid header longer than that, the cut falling
    inside a character, was refused as "not valid UTF-8 (unexpected end of data)"."""
    encoded = char.encode()
    prefix = b"id,pertanyaan,"
    name = b"c" * (BLOCK - len(prefix) - into) + encoded
    src = tmp_path / "q.csv"
    src.write_bytes(prefix + name + b"\n1,apa?,x\n")
    rows = [(r.id, r.question, r.error, r.extra) for r in read_questions(src)]
    assert rows == [("1", "apa?", None, {name.decode(): "x"})]


def test_a_long_header_with_a_bad_byte_is_still_refused(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_bytes(b"id,pertanyaan,cat\xe9," + b"c" * BLOCK + b"\n1,apa?,x,y\n")
    with pytest.raises(FileRefused, match=r"its header \(line 1\) is not valid UTF-8"):
        list(read_questions(src))


def test_a_bad_byte_on_a_quoted_headers_second_line_is_refused(tmp_path: Path) -> None:
    """A header name holding a line break (a spreadsheet's Alt+Enter) spans two lines; only the first was
    checked, so a code-page byte on the second became "(wajib\\ufffd)" in the column's name, in silence."""
    src = tmp_path / "q.csv"
    src.write_bytes(b'id,pertanyaan,"catatan\n(wajib\xe9)"\n1,apa?,x\n')
    with pytest.raises(FileRefused, match=r"its header \(line 2\) is not valid UTF-8"):
        list(read_questions(src))
    src.write_bytes('id,pertanyaan,"catatan\n(wajib é)"\n1,apa?,x\n'.encode())
    assert [(r.question, r.extra) for r in read_questions(src)] == [("apa?", {"catatan\n(wajib é)": "x"})]


def test_calibrate_onto_a_folder_of_its_files_name_is_told_to_move_it(settings, tmp_path: Path) -> None:
    """A folder named as the calibration file in the index folder: the write failed "(Is a directory)"
    and the hint was "check that the index folder is writable and has free space", neither of which
    helps; now it says to move that folder out of the way."""
    assert qa_run(settings, "index").returncode == 0
    in_the_way = calibration_path(settings)
    in_the_way.mkdir()
    (in_the_way / "kept.txt").write_text("a user's file\n", encoding="utf-8")
    labelled, offtopic = tmp_path / "lab.jsonl", tmp_path / "off.jsonl"
    labelled.write_text('{"question": "apa tugas asisten?", "expected": ["asisten"]}\n', encoding="utf-8")
    offtopic.write_text('{"question": "bagaimana cara membuat nasi goreng?"}\n', encoding="utf-8")
    run = qa_run(settings, "calibrate", str(labelled), "--offtopic", str(offtopic))
    assert run.returncode == 6 and "Traceback" not in run.stderr, run.stderr
    assert "(Is a directory); the threshold was not saved" in run.stderr, run.stderr
    hint = "hint: move the folder of that name out of the way, then run qa calibrate again"
    assert run.stderr.splitlines()[-1] == hint
    assert (in_the_way / "kept.txt").read_text(encoding="utf-8") == "a user's file\n"
    assert sorted(p.name for p in in_the_way.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_a_quota_exceeded_is_said_so_not_disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """EDQUOT was said "disk full", though the disk may have room and only the user's quota is spent."""
    import qa.batch.writers

    src, out = tmp_path / "q.txt", tmp_path / "o.jsonl"
    src.write_text("Apa A?\nSiapa B?\n", encoding="utf-8")

    def over_quota(fd: int) -> None:
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(qa.batch.writers.os, "fsync", over_quota)
    with pytest.raises(OutputError) as raised:
        run_batch(read_questions(src), FakeAnswer(), out)
    hint = "hint: free some space (or choose another output folder), then run the same command again"
    assert str(raised.value) == f"{os.strerror(errno.EDQUOT)} writing {out}; nothing was written\n{hint}"
