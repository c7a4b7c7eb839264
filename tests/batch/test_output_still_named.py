"""The check that stops a batch whose output was deleted or moved (qa/batch/durable.py, section 136) on
file systems where an open file's device and inode are not what its path's stat says (section 140): a
false alarm stops a healthy run, which is worse than the defect the check mends."""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path

import pytest

from qa.batch import durable, read_questions, run_batch
from qa.errors import OutputError

from .helpers import FakeAnswer, ids_of


def _questions(tmp_path: Path) -> Path:
    src = tmp_path / "soal.txt"
    src.write_text("".join(f"pertanyaan {i}?\n" for i in range(10)), encoding="utf-8")
    return src


def _os_with(**calls: object) -> types.SimpleNamespace:
    """``os`` as durable.py sees it, with ``calls`` in place of its own."""
    return types.SimpleNamespace(
        **{**{n: getattr(os, n) for n in dir(os) if not n.startswith("__")}, **calls}
    )


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".md"])
def test_an_open_file_given_another_device_than_its_path_runs_to_its_end(
    monkeypatch, tmp_path: Path, ext: str
):
    """overlayfs before Linux 4.19 (a container's files) gives an open file's fstat the upper layer's
    device and its path's stat the overlay's: the run stopped at its first chunk, "moved or replaced"."""

    def fstat(fd: int) -> os.stat_result:
        st = list(os.fstat(fd)[:10])
        st[2] += 1  # st_dev
        return os.stat_result(st)

    monkeypatch.setattr(durable, "os", _os_with(fstat=fstat))
    out = tmp_path / f"jawaban{ext}"
    run_batch(read_questions(_questions(tmp_path)), FakeAnswer(), out, chunk_size=2)
    assert ids_of(out) == [str(i) for i in range(1, 11)]


def test_a_path_that_cannot_be_looked_up_stops_no_run(monkeypatch, tmp_path: Path) -> None:
    """A folder made unreadable mid-run (or a stale network handle) fails the path's stat while the file
    open is written as before: it was told "moved or replaced", which it was not."""
    out, real_stat, fake = tmp_path / "jawaban.jsonl", os.stat, FakeAnswer()

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if len(fake.calls) > 1 and Path(str(path)) == out:  # once a chunk is written
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    run_batch(read_questions(_questions(tmp_path)), fake, out, chunk_size=2)
    monkeypatch.undo()
    assert ids_of(out) == [str(i) for i in range(1, 11)]


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".md"])
def test_an_output_replaced_by_another_file_still_stops_the_run(tmp_path: Path, ext: str) -> None:
    """A guard: moved away and another file put in its place (an editor's save, a sync client), the path
    names a file of another size, and the run stops as before (exit 6), the answers in the moved file."""
    src = _questions(tmp_path)
    out, moved = tmp_path / f"jawaban{ext}", tmp_path / f"pindah{ext}"
    fake = FakeAnswer()

    def answer(questions: list[str]) -> list[dict]:
        if len(fake.calls) == 2:
            out.rename(moved)
            out.write_text("catatan saya\n", encoding="utf-8")
        return fake(questions)

    with pytest.raises(OutputError) as refused:
        run_batch(read_questions(src), answer, out, chunk_size=2)
    assert refused.value.exit_code == 6 and len(fake.calls) == 3
    assert "was moved or replaced while this run wrote it; the 6 answers written are in" in str(refused.value)
    assert ids_of(moved) == [str(i) for i in range(1, 7)]
    assert out.read_text(encoding="utf-8") == "catatan saya\n"
