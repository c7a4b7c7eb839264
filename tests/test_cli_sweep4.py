"""A fourth hostile sweep of the CLI, batch and index (docs/reliability.md section 29): odd folders,
odd question files and outputs, a terminal for a pipe, a full disk at the first write. Each test
failed on the code before its fix."""

from __future__ import annotations

import json
import os
import select
import subprocess
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [("QA_INDEX", "/", "the index folder / is the root"), ("QA_INDEX", "/tmp/..", "the index folder /tmp/.."),
     ("QA_CORPUS", "/", "the corpus folder / is the root")],
    ids=["index", "index-spelled-otherwise", "corpus"],
)  # fmt: skip
def test_the_root_of_the_file_system_is_refused_as_the_index_or_corpus_folder(
    settings, variable, value, says
) -> None:
    """``QA_INDEX="$BASE/"`` with ``BASE`` unset is ``/``: the first ``qa ask`` built its index there, a
    build folder and ``manifest.json`` among the system's folders (as root; exit 5 elsewhere, as a folder
    it could not write). ``QA_CORPUS=/`` is the same mistake. Refused first: one line, exit 2."""
    before = sorted(os.listdir("/"))
    env = {**qa_env(settings.corpus_dir, settings.index_dir), variable: value}
    for args in (["ask", "apa tugas asisten menteri?"], ["info"]):
        r = subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, capture_output=True,
                           text=True, timeout=60)  # fmt: skip
        assert r.returncode == 2 and r.stderr.startswith(f"error: {says}") and "Traceback" not in r.stderr
    assert sorted(os.listdir("/")) == before and not settings.index_dir.exists()


@pytest.mark.parametrize(
    ("text", "asked", "extra"),
    [("Nama,Pertanyaan Saya,Kategori\nBudi,Apa tugas asisten?,umum\nAni,Siapa atasannya?,umum\n",
      ["Apa tugas asisten?", "Siapa atasannya?"], {"Nama": "Budi", "Kategori": "umum"}),
     ("Pertanyaan Saya\nApa tugas asisten?\nSiapa atasannya?\n",
      ["Apa tugas asisten?", "Siapa atasannya?"], {}),
     ("No;Daftar pertanyaan;Catatan\n1;Apa tugas asisten?;x\n2;Siapa atasannya?;y\n",
      ["Apa tugas asisten?", "Siapa atasannya?"], {"No": "1", "Catatan": "x"}),
     ("Questions\nApa tugas asisten?\nSiapa atasannya?\n", ["Apa tugas asisten?", "Siapa atasannya?"], {})],
    ids=["three-columns", "one-column", "semicolons-and-a-number-column", "english-plural"],
)  # fmt: skip
def test_a_question_column_named_loosely_is_the_header_with_a_warning(tmp_path, text, asked, extra) -> None:
    """A CSV whose question column is named otherwise than ``question``/``pertanyaan`` ("Pertanyaan Saya",
    "Questions", as people name it): its header was asked as a question, silently, and a table without an
    id or number column was read as one question per line, "Budi,Apa tugas asisten?,umum" asked whole."""
    from qa.batch import read_questions

    src = tmp_path / "soal.csv"
    src.write_text(text, encoding="utf-8")
    notes: list[str] = []
    records = list(read_questions(src, warn=notes.append))
    assert [r.question for r in records] == asked and all(r.error is None for r in records)
    assert records[0].extra == extra
    assert len(notes) == 1 and "asking column" in notes[0] and "the one named so" in notes[0]


def test_a_first_question_that_merely_mentions_questions_is_still_asked(tmp_path) -> None:
    """The loose header rule wants a short label without a question mark: real first questions stay."""
    from qa.batch import read_questions

    long = "Jelaskan pertanyaan wawancara untuk posisi asisten"
    for first in ("Apa pertanyaan yang sering diajukan?", long):
        src = tmp_path / "soal.csv"
        src.write_text(f"{first}\nSiapa atasannya?\n", encoding="utf-8")
        assert [r.question for r in read_questions(src)] == [first, "Siapa atasannya?"]


@pytest.mark.parametrize(
    ("output", "says"),
    [("-", "error: the answers go to a file, not to standard output (-o -)"),
     ("antwoorden", "error: antwoorden: is a directory, expected an output file"),
     ("map.jsonl", "error: map.jsonl: is a directory, expected an output file")],
    ids=["stdout", "folder", "folder-with-an-extension"],
)  # fmt: skip
def test_an_output_that_is_stdout_or_a_folder_is_named_as_such(settings, tmp_path, output, says) -> None:
    """``-o -`` (answers to a pipe, as ``-`` reads questions from one) and ``-o FOLDER`` were both
    "unsupported output type '(no extension)'": true, and no help to see the mistake."""
    (tmp_path / "antwoorden").mkdir()
    (tmp_path / "map.jsonl").mkdir()
    (tmp_path / "q.txt").write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    r = subprocess.run([*qa_command(real=False), "batch", "q.txt", "-o", output], cwd=tmp_path,
                       env=qa_env(settings.corpus_dir, settings.index_dir), capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 2 and r.stderr.startswith(says + "\nhint: ") and len(r.stderr.splitlines()) == 2
    assert r.stdout == "" and not settings.index_dir.exists()


def test_batch_reading_questions_from_a_terminal_says_so(settings, tmp_path) -> None:
    """``qa batch - -o OUT`` typed without a pipe read the terminal in silence: it looked hung. It now
    says how to end the questions, and answers what was typed."""
    import pty

    parent, child = pty.openpty()
    proc = subprocess.Popen([*qa_command(real=False), "batch", "-", "-o", "out.jsonl"], stdin=child,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, text=True,
                            env=qa_env(settings.corpus_dir, settings.index_dir))  # fmt: skip
    os.close(child)
    try:
        assert proc.stderr is not None and select.select([proc.stderr], [], [], 30)[0], "silent"
        said = proc.stderr.readline()
        assert said == "reading questions from the terminal, one per line; end with Ctrl-D\n"
        os.write(parent, b"apa tugas asisten menteri?\n\x04")
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(parent)
        if proc.poll() is None:  # a failed check above: never leave it waiting on the terminal
            proc.kill()
            proc.wait()
    assert proc.returncode == 0 and "1 question" in err, err
    assert json.loads((tmp_path / "out.jsonl").read_text())["question"] == "apa tugas asisten menteri?"


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_a_full_disk_before_anything_was_written_says_so_and_leaves_no_file(tmp_path, monkeypatch, ext):
    """A full disk at a new output's first chunk said "0 answers kept, rerun with --resume" and left an
    empty file behind (section 23 left it): true, and it sent the user the long way round. Now it says
    nothing was written and removes the file it had just created; the folders made for it go too."""
    from qa.batch import read_questions, run_batch
    from qa.errors import OutputError

    from .batch.helpers import FakeAnswer, disk_full_at, write

    src = write(tmp_path / "q.txt", "Apa itu A?\nSiapa B?\n")
    out = tmp_path / "baru" / f"jawaban.{ext}"
    with monkeypatch.context() as m:
        disk_full_at(m, 1)
        with pytest.raises(OutputError) as exc:
            run_batch(read_questions(src), FakeAnswer(), out)
    assert exc.value.message == f"disk full writing {out}; nothing was written"
    assert "run the same command again" in (exc.value.hint or "") and exc.value.exit_code == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.txt"]
    run_batch(read_questions(src), FakeAnswer(), out)  # the same command again just works


@pytest.mark.parametrize("where", ["a-file", "a-file/index", "/dev/null"])
def test_an_index_path_that_is_not_a_folder_gets_a_hint_that_fits(settings, tmp_path, where) -> None:
    """``QA_INDEX`` naming a file, a path under one, or a device: "not a folder", whose hint was "make
    it writable or choose another": no chmod helps a file."""
    (tmp_path / "a-file").write_text("milik pengguna", encoding="utf-8")
    index = Path(where) if where.startswith("/") else tmp_path / where
    r = subprocess.run([*qa_command(real=False), "ask", "apa tugas asisten menteri?"], cwd=ROOT,
                       env=qa_env(settings.corpus_dir, index), capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert r.returncode == 5 and r.stderr == (
        f"error: the index path {index} is not a folder\nhint: choose a folder with --index / QA_INDEX\n"
    )
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "milik pengguna"
