"""A stray ESC in a question (docs/reliability.md section 58; section 49 left it): it took the next
character with it ("\\x1bgaji" was read as "aji", "apa \\x1b tugas" as "apa ugas", "tugas\\x1b?" lost its
"?"). The sequences a program writes are still dropped whole. Each test failed on the code before."""

from __future__ import annotations

import json
import subprocess

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT

STRAY = [
    ("apa \x1b tugas asisten?", "apa tugas asisten?"),  # before a space: "ESC SP t" ate the "t"
    ("\x1bgaji asisten menteri", "gaji asisten menteri"),  # before a word: "ESC g" ate the "g"
    ("apa\x1bMenteri", "apa Menteri"),  # an upper-case letter too ("ESC M" is reverse index, alone)
    ("apa tugas asisten\x1b?", "apa tugas asisten ?"),  # before the final "?": no sequence ends so
    ("gaji tahun \x1b2024?", "gaji tahun 2024?"),  # before a number: "ESC 2" ate the "2" (section 63)
    ("gaji \x1b5 juta", "gaji 5 juta"),  # a digit no terminal reads after ESC (only DEC's 6-9)
]
STILL_DROPPED = [
    ("\x1b7tugas asisten\x1b8", "tugas asisten"),  # save and restore the cursor
    ("tugas\x1b7 50%\x1b8", "tugas 50%"),  # the same around a number: no digit glued to the 7
    ("tugas \x1bc asisten", "tugas asisten"),  # reset, on its own
    ("tugas\x1b(B asisten", "tugas asisten"),  # a charset switch, as tput sgr0 writes it
    ("\x1b=tugas\x1b>", "tugas"),  # keypad modes
    ("gaji\x1bM", "gaji"),  # a letter final at the end
]


@pytest.mark.parametrize(("typed", "read"), STRAY + STILL_DROPPED)
def test_a_stray_escape_takes_nothing_with_it_and_real_sequences_still_go(typed: str, read: str) -> None:
    from qa.question_text import clean_question

    assert clean_question(typed) == read


def test_a_stray_escape_on_the_command_line_and_in_a_batch_file_is_read_as_a_space(settings, tmp_path):
    """Through the real CLI (fake encoder): the question answered is the one typed, ESC aside."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "ask", "--json", STRAY[1][0]], capture_output=True,
                       env=env, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0 and json.loads(r.stdout)["question"] == STRAY[1][1], r.stderr
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("".join(f"{typed}\n" for typed, _ in STRAY), encoding="utf-8")
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out)], capture_output=True,
                       env=env, cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec["question"] for rec in records] == [read for _, read in STRAY]


@pytest.mark.slow
def test_real_model_a_question_with_a_stray_escape_is_answered_as_the_plain_one(real_assistant) -> None:
    """Bundled e5, the real index: a stray ESC before a word or a space gets exactly the plain question's
    answer (it was read "sisten menteri", the "a" eaten)."""
    plain = "apakah asisten menteri bisa memutuskan kebijakan?"
    for stray in ("apakah \x1basisten menteri bisa memutuskan kebijakan?",
                  "apakah \x1b asisten menteri bisa memutuskan kebijakan?"):  # fmt: skip
        assert real_assistant.ask(stray).to_dict() == real_assistant.ask(plain).to_dict()
    plain = "berapa gaji asisten menteri tahun 2024?"  # a number after the ESC keeps its first digit (§63)
    stray = "berapa gaji asisten menteri tahun \x1b2024?"
    assert real_assistant.ask(stray).to_dict() == real_assistant.ask(plain).to_dict()
