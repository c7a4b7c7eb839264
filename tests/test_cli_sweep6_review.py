"""Second reading of the sixth CLI and batch sweep (docs/reliability.md section 63): where its new rules
misread a batch user's files or lost their data. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT


def _qa(settings, *args: str, **kw) -> subprocess.CompletedProcess:  # noqa: ANN003 - subprocess.run's
    env = qa_env(settings.corpus_dir, settings.index_dir, **kw.pop("env", {}))
    kw.setdefault("cwd", ROOT)
    return subprocess.run([*qa_command(real=False), *args], capture_output=True, env=env, text=True,
                          timeout=kw.pop("timeout", 120), **kw)  # fmt: skip


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
      [("Gaji?", {"column_2": "catatan"}), ("NIP1", {"column_2": "catatan2"})])],
    ids=["power-query-header-over-numbers", "one-word-questions-beside-ids", "a-question-is-no-label"],
)  # fmt: skip
def test_the_id_rule_neither_asks_a_header_nor_eats_a_one_word_question(settings, tmp_path, text, asked):
    """The id rule (one word with a digit labels a row) read Power Query's header "Column1,Column2" over
    numbers as a row ("Column2" asked as the first question; it was a header before), took one-word
    questions over ids for a header ("Gaji,A1" over "NIP1,A2": "A2" alone asked, "Gaji" and "NIP1" lost
    into a label column), and a question with its "?" for a label ("Gaji?" over "NIP1"). A label over
    numbers is not a number, over ids not an id, and never a question; a header asks a column of text."""
    src, out = tmp_path / "soal.csv", tmp_path / "jawaban.jsonl"
    src.write_text(text, encoding="utf-8")
    r = _qa(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert _asked(out) == asked
