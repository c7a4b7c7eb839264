"""The command line, batch files and index builds as a hostile or careless user meets them
(docs/reliability.md section 136), through the real ``qa`` process (the fake-encoder harness): each
test failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_helpers import qa_run


@pytest.mark.parametrize("target", ["manifest.json", "calibration.json", "calibration-0123456789ab.json"])
def test_an_output_linked_to_a_file_of_the_index_is_refused(settings, tmp_path: Path, target: str) -> None:
    """``-o answers.jsonl`` a link to ``index/manifest.json`` with ``--force``: the answers replaced the
    manifest, and every later command refused the index ("is not an index manifest", exit 5) until it was
    rebuilt. A link to a calibration not made yet would have become one holding answers. Now refused
    before any work (exit 2), the index untouched and still answering."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    assert qa_run(settings, "index").returncode == 0
    manifest = settings.index_dir / "manifest.json"
    before = manifest.read_bytes()
    for suffix in (".jsonl", ".csv", ".md"):
        out = tmp_path / f"jawaban{suffix}"
        out.symlink_to(settings.index_dir / target)
        run = qa_run(settings, "batch", str(src), "-o", str(out), "--force")
        assert run.returncode == 2, run.stderr
        assert f"is {settings.index_dir.resolve() / target}, a file of the index" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
        out.unlink()
    assert manifest.read_bytes() == before
    assert sorted(p.name for p in settings.index_dir.iterdir() if not p.is_dir()) == ["manifest.json"]
    assert qa_run(settings, "ask", "apa tugas asisten?", "--json").returncode == 0


def test_an_output_beside_the_index_files_is_still_written(settings, tmp_path: Path) -> None:
    """The index folder may hold the user's files (README): an output of its own name there is taken."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    out = settings.index_dir / "manifest.jsonl"
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--index", "{index}", "ask", "apa tugas asisten?"], "--index goes after the command's name"),
        (["--index", "index", "ask", "apa tugas asisten?"], "qa ask --index …"),
        (["-k", "3", "ask", "apa tugas asisten?"], "qa ask -k …"),
        (["--corpus={corpus}", "index"], "qa index --corpus …"),
        (["--force", "index"], "qa index --force …"),
    ],
)
def test_an_option_before_the_command_is_named_as_misplaced(settings, argv: list[str], said: str) -> None:
    """``qa --index idx ask …`` (the README's settings read as git's ``-C``): argparse took ``idx`` for the
    command ("invalid choice: 'idx'"), ``-k 3`` for "invalid choice: '3'", or ``--index index`` ran the
    index command's parser on to "unrecognized arguments: --index ask …". Now the option is named as going
    after the command (exit 2); nothing is built."""
    args = [a.format(index=settings.index_dir, corpus=settings.corpus_dir) for a in argv]
    run = qa_run(settings, *args)
    assert run.returncode == 2 and said in run.stderr, run.stderr
    assert "invalid choice" not in run.stderr and "unrecognized" not in run.stderr
    assert not settings.index_dir.exists()


def test_a_binary_txt_in_the_corpus_is_told_what_a_document_may_be(settings) -> None:
    """A binary file named ``.txt`` was refused with the hint "only UTF-8 text files (.txt, .md) can be
    documents", though PDF, Word and HTML files are documents too and UTF-16 text is read."""
    (settings.corpus_dir / "program.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200) + b"ld-linux")
    run = qa_run(settings, "index")
    assert run.returncode == 3 and "corpus file program.txt looks binary" in run.stderr, run.stderr
    assert "only UTF-8 text files" not in run.stderr
    assert "(UTF-8, UTF-16 or UTF-32)" in run.stderr and ".pdf, .docx, .html are read too" in run.stderr


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".md"])
@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_an_output_deleted_or_moved_mid_run_stops_the_run_saying_so(
    tmp_path: Path, ext: str, how: str
) -> None:
    """``rm answers.jsonl`` (or of its folder) while ``qa batch`` ran: the run wrote on into the deleted
    file and ended "200 questions: … → answers.jsonl", exit 0, with no such file and every answer lost;
    moved away, the summary named a file holding none. Now the run stops after the chunk that finds it
    (exit 6), saying what became of the answers written."""
    from qa.batch import read_questions, run_batch
    from qa.errors import OutputError

    from .batch.helpers import FakeAnswer, ids_of

    src = tmp_path / "soal.txt"
    src.write_text("".join(f"pertanyaan {i}?\n" for i in range(10)), encoding="utf-8")
    out, moved = tmp_path / f"jawaban{ext}", tmp_path / f"pindah{ext}"
    fake = FakeAnswer()

    def answer(questions: list[str]) -> list[dict]:
        if len(fake.calls) == 2:  # two chunks written
            out.unlink() if how == "deleted" else out.rename(moved)
        return fake(questions)

    with pytest.raises(OutputError) as refused:
        run_batch(read_questions(src), answer, out, chunk_size=2)
    assert refused.value.exit_code == 6 and len(fake.calls) == 3  # stopped at the chunk that found it
    said = str(refused.value)
    if how == "deleted":
        assert f"{out} was deleted while this run wrote it, and the 6 answers written went with it" in said
        assert not out.exists()
    else:
        assert f"{out} was moved or replaced while this run wrote it; the 6 answers written are in" in said
        assert ids_of(moved) == [str(i) for i in range(1, 7)]
        moved.rename(out)  # moved back, it resumes as the hint says
        run_batch(read_questions(src), FakeAnswer(), out, chunk_size=2, resume=True)
        assert ids_of(out) == [str(i) for i in range(1, 11)]


def test_a_chunk_size_too_large_to_hold_is_refused_before_any_work(settings, tmp_path: Path) -> None:
    """``--chunk-size 1000000`` (bigger is faster, a user may think) was taken: a chunk's answers are held
    until written (about 100 KB a question with the real model), so a large file grew the process until
    the system killed it, nothing written, and the crash guarantee ("at most the chunk in flight") was the
    whole run. Now 1 to 1,024 (exit 2, nothing made); 1,024 itself runs."""
    src, out = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    for size in ("1025", "1000000"):
        run = qa_run(settings, "batch", str(src), "-o", str(out), "--chunk-size", size)
        assert run.returncode == 2, run.stderr
        assert f"--chunk-size: must be a whole number from 1 to 1024, got '{size}'" in run.stderr
        assert not out.exists() and not settings.index_dir.exists()
    run = qa_run(settings, "batch", str(src), "-o", str(out), "--chunk-size", "1024")
    assert run.returncode == 0 and out.read_text(encoding="utf-8").count("\n") == 1, run.stderr


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["ask", "apa?", "-k", "9" * 5000], "whole number from 1 to 20, got '" + "9" * 19 + "…'"),
        (["ask", "apa?", "-k", "9" * 4000], "-k: must be between 1 and 20, got " + "9" * 19 + "…"),
        (["batch", "q.txt", "-o", "o.jsonl", "--chunk-size", "7" * 5000], "got '" + "7" * 19 + "…'"),
        (["ask", "apa?", "-k", "e\u0301" * 15], "got '" + "e\u0301" * 9 + "…'"),  # whole letters, marks kept
    ],
)
def test_a_huge_k_or_chunk_size_is_cut_in_its_message(settings, argv: list[str], said: str) -> None:
    """Before: a 5,000-digit ``-k`` or ``--chunk-size`` was echoed whole in its one-line message."""
    run = qa_run(settings, *argv)
    error = run.stderr.splitlines()[-1]
    assert run.returncode == 2 and said in error and len(error) < 150, run.stderr
