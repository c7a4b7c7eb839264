"""Four small things a user tripped on (docs/reliability.md section 131), through the real ``qa`` process
(the fake-encoder harness): each test failed on the code before its fix."""

from __future__ import annotations

import json
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


MARKED = ["apa **tugas** asisten?", "# siapa `diplomat` [itu](http://x.test)?", "kapan ~~rapat~~ a_b \\ c|d?"]
SHOWN = ["apa \\*\\*tugas\\*\\* asisten?", "\\# siapa \\`diplomat\\` \\[itu\\](http://x.test)?",
         "kapan \\~\\~rapat\\~\\~ a\\_b \\\\ c\\|d?"]  # fmt: skip


def _jsonl(questions: list[str]) -> str:
    """A question file keeping a leading ``#`` (a .txt reads such a line as a comment)."""
    return "".join(json.dumps({"question": q}) + "\n" for q in questions)


def test_the_md_report_shows_a_questions_markdown_as_typed(settings, tmp_path: Path) -> None:
    """A question's ``**bold**``, backquotes, link or leading ``#`` rendered as Markdown in its heading
    (only ``<`` and ``&`` were escaped): now backslash-escaped, and a Markdown renderer shows it as typed."""
    from markdown_it import MarkdownIt

    src, out = tmp_path / "q.jsonl", tmp_path / "out.md"
    src.write_text(_jsonl(MARKED), encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    text = out.read_text(encoding="utf-8")
    for n, shown in enumerate(SHOWN, 1):
        assert f"\n### {n}. {shown}\n" in text
    html = MarkdownIt("commonmark").enable("strikethrough").render(text)
    for question in MARKED:
        assert question.replace("&", "&amp;") in html  # the text as typed, no <strong>, <code>, <a>, <s>
    assert not any(tag in html for tag in ("<strong>", "<code>", "<a ", "<s>", "<em>"))


def test_a_report_written_before_the_escaping_is_resumed(settings, tmp_path: Path) -> None:
    """``--resume`` reads the markers, never the headings: a report whose headings were written raw (before
    section 131) keeps its sections byte for byte, and only the new question is answered, escaped."""
    src, out = tmp_path / "q.jsonl", tmp_path / "out.md"
    src.write_text(_jsonl(MARKED[:2]), encoding="utf-8")
    assert qa_run(settings, "batch", str(src), "-o", str(out)).returncode == 0
    old = out.read_text(encoding="utf-8")
    for question, shown in zip(MARKED[:2], SHOWN[:2], strict=True):
        old = old.replace(f". {shown}\n", f". {question}\n")  # as the report was written before
    assert MARKED[0] in old
    out.write_text(old, encoding="utf-8")
    src.write_text(_jsonl(MARKED), encoding="utf-8")
    run = qa_run(settings, "batch", str(src), "-o", str(out), "--resume")
    assert run.returncode == 0, run.stderr
    assert "3 questions: " in run.stderr and "2 already done" in run.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(old) and f"\n### 3. {SHOWN[2]}\n" in text[len(old) :]
