"""Second reading of the sixth CLI and batch sweep (docs/reliability.md section 63): where its new rules
misread a batch user's files or lost their data. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .cli_helpers import qa_run
from .conftest import ROOT


def _asked(out: Path) -> list[tuple[str, dict]]:
    """(question, the row's other cells) of each record of a JSONL output."""
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x.strip()]
    return [(r["question"], {k: v for k, v in r.items() if k.lower().startswith("column")}) for r in records]


@pytest.mark.parametrize(
    ("text", "asked"),
    [("Column1,Column2\n1,Apa tugas asisten?\n2,Berapa gaji asisten?\n",
      [("Apa tugas asisten?", {"Column1": "1"}), ("Berapa gaji asisten?", {"Column1": "2"})]),
     ("Gaji,A1\nNIP1,A2\n", [("Gaji", {"column_2": "A1"}), ("NIP1", {"column_2": "A2"})]),
     ("Gaji?,catatan\nNIP1,catatan2\n",
      [("Gaji?", {"column_2": "catatan"}), ("NIP1", {"column_2": "catatan2"})]),
     ("No,Teks\n1,A1\n2,K3\n", [("A1", {}), ("K3", {})]),
     ("1,COVID-19\n2,NIP1\n", [("COVID-19", {"column_1": "1"}), ("NIP1", {"column_1": "2"})])],
    ids=["power-query-header-over-numbers", "one-word-questions-beside-ids", "a-question-is-no-label",
         "one-word-questions-under-a-header", "numbered-one-word-questions"],
)  # fmt: skip
def test_the_id_rule_neither_asks_a_header_nor_eats_a_one_word_question(settings, tmp_path, text, asked):
    """The id rule (one word with a digit labels a row) read Power Query's header "Column1,Column2" over
    numbers as a row ("Column2" asked as the first question; it was a header before), took one-word
    questions over ids for a header ("Gaji,A1" over "NIP1,A2": "A2" alone asked, "Gaji" and "NIP1" lost
    into a label column), a question with its "?" for a label ("Gaji?" over "NIP1"), and refused "No,Teks"
    over one-word questions ("A1", "K3": every column a label); and in a numbered list of one-word
    questions ("1,COVID-19") the numbers were asked. A label over numbers is not a number, over ids not an
    id, and never a question; ids are labels only beside a column of text, else they are the questions."""
    src, out = tmp_path / "soal.csv", tmp_path / "jawaban.jsonl"
    src.write_text(text, encoding="utf-8")
    r = qa_run(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert _asked(out) == asked


def _ids(out: Path) -> list[str]:
    return [json.loads(x)["id"] for x in out.read_bytes().splitlines() if x.strip()]


def test_resume_finds_its_own_records_after_an_editor_or_a_line_end_conversion(settings, tmp_path) -> None:
    """Section 58 made every whole line that is not a record refused, so a torn write an editor ended (vim,
    nano and Notepad add the last line's end on save) was "line 2 is not an answer qa wrote": the user
    was sent to cut our own half record by hand. A file converted to old-Mac line ends (a lone \\r) was
    read as one torn line: resumed from nothing, every answer asked again. And a note left unended at the
    end (VS Code adds no last line end) was cut as a torn write, before section 58 and after. A torn write
    is the start of a record of ours, ended or not, on the last line; a lone \\r ends a line (real CLI)."""
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("apa tugas asisten?\nsiapa atasannya?\nberapa gaji asisten?\n", encoding="utf-8")
    assert qa_run(settings, "batch", str(src), "-o", str(out)).returncode == 0
    whole = out.read_bytes()
    first, second, third = whole.splitlines(keepends=True)
    damaged = {  # the file as found, and how many of its records are whole
        "torn, then ended by an editor": (first + second[:50] + b"\n", 1),
        "torn and CRLF, then ended": ((first + second[:50] + b"\n").replace(b"\n", b"\r\n"), 1),
        "torn within the signature, ended": (first + second + b'{"id\n\n', 2),
        "old-Mac line ends": ((first + second).replace(b"\n", b"\r"), 2),
        "a BOM, CRLF, a torn tail": (
            b"\xef\xbb\xbf" + (first + second).replace(b"\n", b"\r\n") + third[:9],
            2,
        ),
    }
    for what, (data, done) in damaged.items():
        out.write_bytes(data)
        r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
        assert r.returncode == 0 and f"{done} already done" in r.stderr, (what, r.stderr)
        assert _ids(out) == ["1", "2", "3"], what
    foreign = {  # a torn start with lines after it, or a note left unended (VS Code adds no last line end)
        "a torn start, then a record": first + second[:50] + b"\n" + third,
        "a torn start, then a note": first + second[:50] + b"\ncek lagi besok\n",
        "an unended note last": first + b"cek lagi besok",
    }
    for what, data in foreign.items():
        out.write_bytes(data)  # refused, left whole (the unended note was cut as a torn write)
        r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
        assert r.returncode == 2 and "(line 2 is not an answer qa wrote)" in r.stderr, (what, r.stderr)
        assert out.read_bytes() == data, what


def _without_privileges() -> list[str]:
    """A prefix that makes root obey file modes (no capabilities), as every other user does; [] for them."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores file modes and setpriv is not here to drop that")
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]


def test_an_output_below_a_folder_one_cannot_look_into_is_a_message_not_a_traceback(settings, tmp_path):
    """The index-folder check looked at each folder above the output: one the user may not search (mode
    0700, another user's) raised PermissionError from ``is_marked``, a traceback, where the writer said
    "cannot write output (Permission denied)" before. A folder that cannot be seen into is not known to be
    ours: the writer's message, exit 2 (real CLI, without root's capabilities)."""
    src, locked = tmp_path / "soal.txt", tmp_path / "rahasia"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    (locked / "x").mkdir(parents=True)
    locked.chmod(0)
    try:
        env = qa_env(settings.corpus_dir, settings.index_dir)
        command = [
            *_without_privileges(),
            *qa_command(real=False),
            "batch",
            str(src),
            "-o",
            str(locked / "x" / "a.jsonl"),
        ]
        r = subprocess.run(command, capture_output=True, env=env, cwd=ROOT, text=True, timeout=120)
    finally:
        locked.chmod(0o700)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "cannot write output (Permission denied)" in r.stderr


def test_resume_of_a_report_converted_to_windows_line_ends_cuts_only_its_torn_section(settings, tmp_path):
    """A Markdown report cut mid-section by a crash, then converted to CRLF (git's autocrlf, an editor):
    the torn section's start "\\r\\n### 3. " was not the "\\n### 3. " the check expects, so ``--resume``
    refused it as notes a user added. Line ends are compared as written; a note is still refused."""
    src, out = tmp_path / "soal.txt", tmp_path / "laporan.md"
    src.write_text("apa tugas asisten?\nsiapa atasannya?\nberapa gaji asisten?\n", encoding="utf-8")
    assert qa_run(settings, "batch", str(src), "-o", str(out)).returncode == 0
    whole = out.read_bytes()
    end = whole.index(b"\n", whole.index(b"<!-- qa:id=2 ")) + 1
    out.write_bytes((whole[:end] + whole[end : end + 40]).replace(b"\n", b"\r\n"))
    r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
    assert r.returncode == 0 and "2 already done" in r.stderr, r.stderr
    assert out.read_bytes().count(b"<!-- qa:id=") == 3
    noted = (whole[:end] + b"\ncek lagi besok\n").replace(b"\n", b"\r\n")
    out.write_bytes(noted)
    r = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
    assert r.returncode == 2 and "is not part of an answer qa wrote" in r.stderr, r.stderr
    assert out.read_bytes() == noted


def test_a_build_folder_copied_out_of_its_index_folder_may_hold_an_output(settings, tmp_path) -> None:
    """Section 58 refused any output inside a folder carrying qa's build marker, so a build copied aside
    (``cp -r index/<build> backup/``) was refused with "the next build removes it", which no build does:
    a build removes only the marked folders of the index folder it builds. Refused still: a build in the
    configured index folder, and in any folder holding a manifest (a copied index, usable with --index)."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    assert qa_run(settings, "index").returncode == 0
    build = next(p for p in settings.index_dir.iterdir() if p.is_dir())
    backup, copied = tmp_path / "cadangan" / build.name, tmp_path / "salinan-indeks"
    shutil.copytree(build, backup)
    shutil.copytree(settings.index_dir, copied)
    r = qa_run(settings, "batch", str(src), "-o", str(backup / "jawaban.jsonl"))
    assert r.returncode == 0 and len(_ids(backup / "jawaban.jsonl")) == 1, r.stderr
    for out in (build / "jawaban.jsonl", copied / build.name / "jawaban.jsonl"):
        r = qa_run(settings, "batch", str(src), "-o", str(out), cwd=tmp_path)
        assert r.returncode == 2 and "a folder qa made for an index" in r.stderr, r.stderr
        assert not out.exists()
