"""Four small things a user tripped on (docs/reliability.md section 131), through the real ``qa`` process
(the fake-encoder harness): each test failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_helpers import qa_run


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("q.csv", "id,question\n", "q.csv has no question rows, a header at most (the wrong sheet?)"),
        ("q.tsv", "question\n", "q.tsv has no question rows, a header at most"),
        ("q.txt", "\n# a comment\n\n", "q.txt holds no question (it is empty, or blank or # lines only)"),
        ("q.jsonl", "", "q.jsonl holds no question (it is empty, or blank lines only)"),
    ],
)
def test_a_file_holding_no_question_is_processed_with_a_warning(
    settings, tmp_path: Path, name, text, said
) -> None:  # noqa: E501
    """A header-only CSV (the wrong sheet exported) wrote an empty output and exited 0 with "0 questions"
    alone. It still does (the file was processed, docs/cli.md), and now says on stderr that nothing was
    asked, as an empty .txt or .jsonl does too."""
    src, out = tmp_path / name, tmp_path / "out.jsonl"
    src.write_text(text, encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert f"warning: {tmp_path / said}" in run.stderr and "nothing was asked" in run.stderr
    assert "Traceback" not in run.stderr and out.read_text() == ""


def test_a_file_with_questions_gets_no_such_warning(settings, tmp_path: Path) -> None:
    src, out = tmp_path / "q.csv", tmp_path / "out.jsonl"
    src.write_text("id,question\n1,apa tugas asisten?\n", encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0 and "nothing was asked" not in run.stderr, run.stderr
    run = qa_run(settings, "batch", "-", "-o", str(tmp_path / "two.jsonl"), input="")
    assert run.returncode == 0 and "warning: standard input held no question" in run.stderr, run.stderr
