"""A second reading of the fourth CLI sweep (docs/reliability.md section 35): what section 29 changed,
met in ordinary use. Each test failed on the code before its fix."""

from __future__ import annotations

import os
import re
from dataclasses import replace

import pytest


@pytest.mark.parametrize(
    ("text", "asked"),
    [("1,Pertanyaan tentang gaji asisten\n2,Cuti hamil berapa lama\n",
      ["Pertanyaan tentang gaji asisten", "Cuti hamil berapa lama"]),  # numbers are not asked (section 41)
     ("Pertanyaan soal cuti;3\nGaji asisten;4\n", ["Pertanyaan soal cuti", "Gaji asisten"]),
     ("Questionnaire deadline\nCuti hamil\n", ["Questionnaire deadline", "Cuti hamil"])],
    ids=["numbered-table", "number-after", "a-longer-word"],
)  # fmt: skip
def test_a_first_question_is_not_taken_for_a_loose_header(tmp_path, text, asked) -> None:
    """Section 29's loose header rule ("Pertanyaan Saya" names the question column) took the first row of
    a numbered table without a header ("1,Pertanyaan tentang gaji asisten") for the header, and a first
    question holding a longer word ("Questionnaire …"): that question was dropped, with only a warning.
    A header holds no plain number where the rows below hold theirs, and it names the word itself."""
    from qa.batch import read_questions

    src = tmp_path / "soal.csv"
    src.write_text(text, encoding="utf-8")
    notes: list[str] = []
    records = list(read_questions(src, warn=notes.append))
    assert [r.question for r in records] == asked  # every row kept
    rows = [re.split("[,;]", line) for line in text.splitlines()]
    assert all(cell in str(vars(r)) for row, r in zip(rows, records) for cell in row)
    assert not any("the one named so" in n for n in notes)


def test_a_build_whose_parent_folder_another_failed_build_removes_meanwhile_makes_it_again(
    settings, tmp_path, monkeypatch
) -> None:
    """Section 29: a failed first build removes the folders it made. A second build of another index under
    the same new parent (``kb/a`` failing while ``kb/b`` starts) could find ``kb`` there, see it removed,
    and fail on its own ``mkdir`` or ``open``: "cannot write the index folder kb/b: No such file or
    directory", hint "make it writable", for a folder nothing was wrong with. Its folders are made again."""
    import pathlib

    from scripts.trials import open_index

    parent = tmp_path / "kb"
    parent.mkdir()  # made by the other build, which is failing
    real_mkdir = pathlib.Path.mkdir
    removed: list[pathlib.Path] = []

    def mkdir_after_the_other_build_cleaned_up(self, *args, **kwargs) -> None:
        if self.parent == parent and not removed:  # between our look at kb and our mkdir of kb/b
            parent.rmdir()
            removed.append(parent)
        real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir_after_the_other_build_cleaned_up)
    index_dir = parent / "b"
    open_index(replace(settings, index_dir=index_dir), build="auto")
    open_index(replace(settings, index_dir=index_dir), build="never")  # built whole: it opens as it is
    assert removed and (index_dir / "manifest.json").is_file()


def test_batch_from_a_closed_standard_input_is_one_line_and_exit_2(settings, tmp_path) -> None:
    """Section 29 told a terminal on standard input how to end the questions. A closed standard input
    (``qa batch - -o OUT <&-``, a job started without one) ended in a ``TypeError`` traceback, exit 1:
    Python has no ``sys.stdin`` then. One line, exit 2, nothing written."""
    import subprocess

    from scripts.trials import qa_command, qa_env

    from .conftest import ROOT

    out = tmp_path / "jawaban.jsonl"
    r = subprocess.run([*qa_command(real=False), "batch", "-", "-o", str(out)], stdin=subprocess.DEVNULL,
                       env=qa_env(settings.corpus_dir, settings.index_dir), cwd=ROOT, capture_output=True,
                       text=True, timeout=60, preexec_fn=lambda: os.close(0))  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("error: no standard input to read the questions from") and not out.exists()


def test_an_output_named_as_a_folder_that_does_not_exist_yet_says_so(settings, tmp_path) -> None:
    """Section 29 named ``-o FOLDER`` for a folder that exists; ``-o hasil/`` for one not made yet still
    said "unsupported output type '(no extension)'" (the slash is gone once the name is a path). It is
    named a folder, with a file in it to use; exit 2, nothing made."""
    import subprocess

    from scripts.trials import qa_command, qa_env

    from .conftest import ROOT

    work = tmp_path / "kerja"
    work.mkdir()
    src = work / "soal.txt"
    src.write_text("Apa tugas asisten?\n", encoding="utf-8")
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", "hasil/"], cwd=work,
                       env={**qa_env(settings.corpus_dir, settings.index_dir), "PYTHONPATH": str(ROOT)},
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert "hasil/ names a folder" in r.stderr and "hasil/answers.jsonl" in r.stderr
    assert sorted(p.name for p in work.iterdir()) == ["soal.txt"]
