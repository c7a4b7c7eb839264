"""qa.batch.destination: an output the run must not write is refused before any work, by any name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.batch.destination import check_output, open_writer, same_file
from qa.errors import InputError


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "apa tugasnya?"}\n', encoding="utf-8")
    return path


def test_the_question_file_is_refused_by_path_symlink_and_hard_link(questions: Path, tmp_path: Path) -> None:
    (tmp_path / "link.jsonl").symlink_to(questions)
    os.link(questions, tmp_path / "hard.jsonl")
    for name in ("q.jsonl", "link.jsonl", "hard.jsonl"):
        with pytest.raises(InputError, match="is the question file"):
            check_output(tmp_path / name, resume=False, force=True, source=questions)
    assert questions.read_text(encoding="utf-8") == '{"question": "apa tugasnya?"}\n'


def test_same_file_tells_one_file_from_a_copy(questions: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes(questions.read_bytes())
    assert same_file(questions, tmp_path / "." / "q.jsonl")
    assert not same_file(questions, copy)
    assert not same_file(questions, tmp_path / "missing.jsonl")


def test_kind_folder_and_existing_output(tmp_path: Path, questions: Path) -> None:
    with pytest.raises(InputError, match="unsupported output type '.txt'"):
        check_output(tmp_path / "a.txt", resume=False, force=False)
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(InputError, match="is a directory"):
        check_output(tmp_path / "d.csv", resume=False, force=False)
    done = tmp_path / "done.jsonl"
    done.write_text("{}\n", encoding="utf-8")
    with pytest.raises(InputError, match="--resume"):
        check_output(done, resume=False, force=False)
    assert check_output(done, resume=True, force=False) is True
    assert check_output(tmp_path / "new.md", resume=False, force=False) is False


def test_open_writer_reports_an_unwritable_place_as_input_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write output"):
        open_writer(tmp_path / "file" / "out.jsonl", resume=False, force=False)
    assert not (tmp_path / "file" / "out.jsonl").exists()


def test_stdin_redirected_from_the_output_is_refused(questions: Path) -> None:
    """``qa batch - -o q.jsonl < q.jsonl``: the output is the file standard input reads."""
    code = (
        "import sys; from pathlib import Path; from qa.batch.destination import check_output\n"
        "from qa.errors import InputError\n"
        "try:\n    check_output(Path(sys.argv[1]), resume=False, force=True, source='-')\n"
        "except InputError as e:\n    print('refused', e)\n"
    )
    with questions.open("rb") as stdin:
        out = subprocess.run([sys.executable, "-c", code, str(questions)], stdin=stdin, capture_output=True,
                             text=True, timeout=60, cwd=Path(__file__).parents[2])  # fmt: skip
    assert out.stdout.startswith("refused"), out.stderr


@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_output_is_refused_not_opened(tmp_path: Path, force: bool) -> None:
    """Before: opening a FIFO for writing blocked the run forever (no reader)."""
    fifo = tmp_path / "answers.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a pipe or socket"):
        open_writer(fifo, resume=False, force=force)
