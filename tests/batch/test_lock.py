"""qa.batch.lock: one run per output file, refused at once, released however the run ends.

Before: two ``qa batch`` runs onto one output both found it missing (or resumable) and appended their
chunks into it, interleaved. The processes here are real ``qa batch`` runs (fake encoder harness)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from qa.batch import OutputBusyError, read_questions, run_batch
from qa.batch.lock import OutputLock, lock_path
from qa.errors import InputError

from ..conftest import CORPUS, ROOT
from .helpers import FakeAnswer, ids_of, write

QUESTIONS = [f"apa tugas asisten nomor {i}?" for i in range(200)]


def _batch(tmp_path: Path, out: Path, *extra: str, slow: str | None = None) -> subprocess.Popen:
    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    src = tmp_path / "q.txt"
    if not src.exists():
        src.write_text("\n".join(QUESTIONS) + "\n")
    env = harness_env(CORPUS, tmp_path / "index")
    if slow:
        env["QA_TEST_SLOW_CHUNK"] = slow
    cmd = [*qa_command(real=False), "batch", str(src), "-o", str(out), "--chunk-size", "8", *extra]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err.decode("utf-8", "replace")


def _wait_for_records(proc: subprocess.Popen, out: Path, n: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.read_bytes().count(b"\n") >= n:
            return
        time.sleep(0.01)
    raise AssertionError(f"the batch ended (rc={proc.poll()}) or stalled before writing {n} records")


@pytest.mark.parametrize("mode", [(), ("--resume",), ("--force",)])
def test_a_second_run_onto_the_same_output_is_refused_at_once(tmp_path: Path, mode: tuple[str, ...]) -> None:
    out = tmp_path / "o.jsonl"
    first = _batch(tmp_path, out, slow="0.05")
    try:
        _wait_for_records(first, out, 8)
        started = time.monotonic()
        rc, err = _finish(_batch(tmp_path, out, *mode))
        assert rc == 2, err
        assert time.monotonic() - started < 60 and first.poll() is None  # refused while the first runs
        lines = [line for line in err.splitlines() if line.startswith("error: ")]
        assert lines == [f"error: {out} is being written by another qa batch (process {first.pid})"], err
        assert "Traceback" not in err
    finally:
        rc, err = _finish(first)
    assert rc == 0, err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["question"] for r in records] == QUESTIONS  # the first run's file, whole and in order
    assert not lock_path(out).exists()


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_the_lock_never_outlives_its_run(tmp_path: Path, how: signal.Signals) -> None:
    """Ctrl-C and SIGTERM remove the sidecar; after SIGKILL it stays but blocks no one, and the next run
    removes it."""
    out = tmp_path / "o.jsonl"
    proc = _batch(tmp_path, out, slow="0.05")
    _wait_for_records(proc, out, 8)
    proc.send_signal(how)
    rc, err = _finish(proc)
    assert rc == {signal.SIGINT: 130, signal.SIGTERM: -signal.SIGTERM, signal.SIGKILL: -9}[how], err
    assert "Traceback" not in err
    assert lock_path(out).exists() == (how == signal.SIGKILL)
    rc, err = _finish(_batch(tmp_path, out, "--resume"))
    assert rc == 0, err
    assert [r["question"] for r in map(json.loads, out.read_text().splitlines())] == QUESTIONS
    assert not lock_path(out).exists()


def test_two_names_of_one_output_share_one_lock(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    (tmp_path / "alias.jsonl").symlink_to(out)
    held = OutputLock(out).acquire()
    try:
        busy = f"being written by another qa batch \\(process {os.getpid()}\\)"
        with pytest.raises(OutputBusyError, match=busy):
            OutputLock(tmp_path / "alias.jsonl").acquire()
        src = write(tmp_path / "q.txt", "Apa?\n")
        with pytest.raises(OutputBusyError):
            run_batch(read_questions(src), FakeAnswer(), tmp_path / "alias.jsonl")
        assert not out.exists()
    finally:
        held.release()
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "alias.jsonl")
    assert ids_of(out) == ["1"] and not lock_path(out).exists()


def test_a_sidecar_removed_under_a_waiting_run_is_not_locked_twice(tmp_path: Path, monkeypatch) -> None:
    """The holder removes the sidecar between another run's open and its lock: that run must lock a new
    sidecar file, not the removed one (two runs would then each hold "the" lock)."""
    import fcntl

    out = tmp_path / "o.jsonl"
    real_flock, calls = fcntl.flock, []

    def flock(fd: int, op: int) -> None:
        calls.append(os.fstat(fd).st_ino)
        if len(calls) == 1:  # as if the previous holder finished right now
            os.unlink(lock_path(out))
        real_flock(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    lock = OutputLock(out).acquire()
    try:
        assert len(calls) == 2 and os.fstat(lock.fd).st_ino == lock_path(out).stat().st_ino
        monkeypatch.setattr(fcntl, "flock", real_flock)
        with pytest.raises(OutputBusyError):
            OutputLock(out).acquire()
    finally:
        lock.release()
    assert not lock_path(out).exists()


def test_a_name_too_long_for_the_affixes_and_a_device_output_still_run(tmp_path: Path) -> None:
    """A 250-byte output name is a valid file name, but ``.NAME.qa-lock`` is not: the lock must not make
    such an output unwritable. A link to a device (``/dev/null``) takes no sidecar in ``/dev``."""
    src = write(tmp_path / "q.txt", "Apa?\n")
    long = tmp_path / ("j" * 244 + ".jsonl")
    run_batch(read_questions(src), FakeAnswer(), long)
    assert ids_of(long) == ["1"] and len(lock_path(long).name) < 50 and not lock_path(long).exists()
    (tmp_path / "null.jsonl").symlink_to(os.devnull)
    seen: list[bool] = []

    def answer(questions: list[str]) -> list[dict]:
        seen.append(lock_path(tmp_path / "null.jsonl").exists())  # mid-run: a sidecar in /dev?
        return FakeAnswer()(questions)

    s = run_batch(read_questions(src), answer, tmp_path / "null.jsonl")
    assert s.answered == 1 and seen == [False]


@pytest.mark.parametrize("planted", ["folder", "symlink"])
def test_a_lock_path_taken_by_something_else_is_named_never_followed(tmp_path: Path, planted: str) -> None:
    out, victim = tmp_path / "o.jsonl", tmp_path / "victim.txt"
    victim.write_text("keep")
    if planted == "folder":
        lock_path(out).mkdir()
    else:
        lock_path(out).symlink_to(victim)
    src = write(tmp_path / "q.txt", "Apa?\n")
    with pytest.raises(InputError, match=f"its lock file {lock_path(out)} is a folder or a symbolic link"):
        run_batch(read_questions(src), FakeAnswer(), out)
    assert victim.read_text() == "keep" and not out.exists()


def test_two_hard_links_of_one_output_share_one_lock(tmp_path: Path) -> None:
    """A hard link is a second name with its own sidecar: before, both names could be written at once.
    The existing output file is now locked itself too, and the refused run leaves no sidecar behind."""
    out, alias = tmp_path / "o.jsonl", tmp_path / "alias.jsonl"
    out.write_text('{"id": "0"}\n')
    os.link(out, alias)
    held = OutputLock(out).acquire()
    try:
        with pytest.raises(OutputBusyError, match="under another name of the same file"):
            OutputLock(alias).acquire()
        assert not lock_path(alias).exists()
        src = write(tmp_path / "q.txt", "Apa?\n")
        with pytest.raises(OutputBusyError):
            run_batch(read_questions(src), FakeAnswer(), alias, resume=True)
        assert out.read_text() == '{"id": "0"}\n'
    finally:
        held.release()
    OutputLock(alias).acquire().release()  # free again once the first holder is done


def test_a_real_run_through_a_hard_link_is_refused_while_the_other_name_is_written(tmp_path: Path) -> None:
    out, alias = tmp_path / "o.jsonl", tmp_path / "alias.jsonl"
    first = _batch(tmp_path, out, slow="0.05")
    _wait_for_records(first, out, 8)
    first.send_signal(signal.SIGINT)
    assert _finish(first)[0] == 130
    os.link(out, alias)
    resumed = _batch(tmp_path, out, "--resume", slow="0.05")
    try:
        _wait_for_records(resumed, out, 24)
        rc, err = _finish(_batch(tmp_path, alias, "--resume"))
        assert rc == 2 and "Traceback" not in err, err
        assert [line for line in err.splitlines() if line.startswith("error: ")] == [
            f"error: {alias} is being written by another qa batch, under another name of the same file"
        ]
    finally:
        rc, err = _finish(resumed)
    assert rc == 0, err
    assert [r["question"] for r in map(json.loads, out.read_text().splitlines())] == QUESTIONS
    assert not lock_path(alias).exists()


@pytest.mark.parametrize("existing", [True, False], ids=["force-replaced", "created"])
def test_the_file_a_run_writes_is_the_file_it_locks(tmp_path: Path, existing: bool) -> None:
    """``--force`` writes its first chunk beside the output and renames it over it; a new output is
    created by the run. Before, the lock stayed on the file found at the start (or on none): a hard link
    made to the file being written let a second run append into it, while a name of the replaced old
    file (no longer this run's) stayed refused. Checked from inside the run, after its first chunk."""
    out, old, new = tmp_path / "o.jsonl", tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    if existing:
        out.write_text('{"id": "0"}\n')
        os.link(out, old)
    seen: list[str] = []

    def answer(questions: list[str]) -> list[dict]:
        if len(seen) == 1:  # the first chunk is written (and renamed over the old file)
            os.link(out, new)
            with pytest.raises(OutputBusyError, match="under another name of the same file"):
                OutputLock(new).acquire()
            if existing:
                OutputLock(old).acquire().release()  # the old file is another file now, and free
        seen.extend(questions)
        return FakeAnswer()(questions)

    src = write(tmp_path / "q.txt", "Apa satu?\nApa dua?\n")
    run_batch(read_questions(src), answer, out, force=True, chunk_size=1)
    assert seen == ["Apa satu?", "Apa dua?"] and len(out.read_text().splitlines()) == 2
    assert old.read_text() == '{"id": "0"}\n' if existing else not old.exists()
    OutputLock(new).acquire().release()  # free once the run is done


def test_a_run_ending_leaves_a_sidecar_made_after_its_own_was_deleted(tmp_path: Path) -> None:
    """A sidecar deleted while its run goes on (a user tidying hidden files) lets a second run make and
    lock a new one. Before, the first run removed that new sidecar when it ended, by name: a third run then
    made another and wrote beside the second, interleaved. A run removes only the sidecar it locked."""
    out = tmp_path / "o.jsonl"
    first = OutputLock(out).acquire()
    lock_path(out).unlink()
    second = OutputLock(out).acquire()
    try:
        first.release()
        assert lock_path(out).read_text() == f"{os.getpid()}\n"
        with pytest.raises(OutputBusyError):
            OutputLock(out).acquire()
    finally:
        second.release()
    assert not lock_path(out).exists()
