"""The third Ctrl-C (a forced stop: :func:`qa.termination._leaving`) landing at the worst instants of a
normal path: it removes what the stop was taking back, never what the run had finished (docs/reliability.md
section 97). Section 95's tests slow a step before it starts, so the press lands between steps; here it
lands inside one, just before and just after the switch that commits it.

What the forced stop leaves is read when it ends the process (its ``_exit``), before anything else could
run: in a real process nothing does."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import qa.writing
from qa import termination
from qa.batch import read_questions, run_batch
from qa.manifest import MANIFEST, read_manifest
from scripts.trials import answers, open_index

from .batch.helpers import FakeAnswer


class Ended(BaseException):
    """The process ended by the forced stop (``os._exit``)."""


@contextlib.contextmanager
def _stopped_before_the_end() -> Iterator[None]:
    """The first Ctrl-C these tests raise must not reach pytest (it would end the whole session)."""
    try:
        yield
    except KeyboardInterrupt:
        pytest.fail("the forced stop never came: the first Ctrl-C ended the run")


@pytest.fixture
def forced_stop() -> Iterator[Callable[[Callable[[], object]], None]]:
    """``stop(look)``: the third Ctrl-C, here and now; ``look()`` reads what it left as the process ends.
    Only this test's registrations run (another test's web app folder is not this one's to remove), and
    the test process keeps its own SIGINT handler."""
    saved = termination._FINISHING[:]
    termination._FINISHING.clear()

    def stop(look: Callable[[], object]) -> None:
        def end(status: int) -> None:
            look()
            raise Ended(status)

        quiet = {"_signal": lambda *a: None}  # the test process keeps its SIGINT handler
        termination._leaving(signal.SIGINT, None, _presses=[signal.SIGINT], _exit=end, **quiet)

    yield stop
    termination._FINISHING[:] = saved


@pytest.mark.parametrize("switched", [False, True], ids=["just-before-the-switch", "just-after-the-switch"])
def test_a_forced_stop_at_a_builds_commit_leaves_a_whole_index(settings, monkeypatch, forced_stop, switched):
    """Just before ``manifest.json`` is replaced, the new build (renamed into place, complete) is not yet
    the index: it goes, the previous one stays. Just after, it is the index: it stays whole."""
    before = answers(open_index(settings, build="auto"))
    previous = read_manifest(settings.index_dir)["build"]["id"]
    real_replace, seen = os.replace, {}

    def look() -> None:
        seen["manifest"] = read_manifest(settings.index_dir)["build"]["id"]
        seen["folders"] = sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir())

    def commit(src, dst) -> None:  # noqa: ANN001
        if Path(dst).name != MANIFEST:
            return real_replace(src, dst)
        if switched:
            real_replace(src, dst)
        forced_stop(look)

    monkeypatch.setattr(qa.writing.os, "replace", commit)
    with pytest.raises(Ended):
        open_index(settings, build="force")
    monkeypatch.undo()
    if switched:
        assert seen["manifest"] != previous and seen["manifest"] in seen["folders"], seen
    else:
        assert seen["manifest"] == previous and seen["folders"] == [previous], seen  # nothing of the new one
    assert answers(open_index(settings)) == before


def test_a_forced_stop_just_after_force_replaced_the_output_keeps_the_new_answers(tmp_path, monkeypatch,
                                                                                    forced_stop):  # fmt: skip
    """``--force``: the first chunk is written beside the old output and renamed over it. Stopped just
    after the rename, before the writer noted it, the clean-up finds no new file to drop: the output holds
    the new chunk, whole, and neither the lock's sidecar nor a ``.qa-new`` file is left."""
    import qa.batch.writers

    src, out = tmp_path / "q.txt", tmp_path / "jawaban.jsonl"
    src.write_text("".join(f"pertanyaan ke-{i}?\n" for i in range(5)), encoding="utf-8")
    out.write_text('{"id": "lama"}\n', encoding="utf-8")
    real_replace, seen = os.replace, {}

    def look() -> None:
        seen["files"] = sorted(p.name for p in tmp_path.iterdir())
        seen["ids"] = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]

    def replaced_then_stopped(new, old) -> None:  # noqa: ANN001
        real_replace(new, old)
        forced_stop(look)

    monkeypatch.setattr(qa.batch.writers.os, "replace", replaced_then_stopped)
    with pytest.raises(Ended):
        run_batch(read_questions(src), FakeAnswer(), out, force=True, chunk_size=2)
    assert seen["files"] == ["jawaban.jsonl", "q.txt"], seen
    assert seen["ids"] == ["1", "2"], seen


def test_a_forced_stop_while_a_failed_first_build_takes_its_folders_back_removes_them_all(
    tmp_path, monkeypatch, forced_stop
):
    """A first build made ``new/deeper/index``; stopped, its lock takes the three back, innermost first.
    The third Ctrl-C after the first was gone found nothing registered (the lock forgot its clean-up
    before running it) and left ``new/deeper``; run again, the clean-up stopped at the folder already
    gone. Now the lock's clean-up stays registered while it runs, and goes on past a folder gone."""
    from qa.buildlock import build_lock

    index, seen = tmp_path / "new" / "deeper" / "index", {}
    real_rmdir = Path.rmdir

    def rmdir_then_stopped(self: Path) -> None:
        real_rmdir(self)
        if self == index:  # the first removed; the third press lands here
            forced_stop(lambda: seen.update(left=sorted(p.name for p in tmp_path.iterdir())))

    monkeypatch.setattr(Path, "rmdir", rmdir_then_stopped)
    with pytest.raises(Ended), _stopped_before_the_end(), build_lock(index):
        assert index.is_dir()
        raise KeyboardInterrupt  # the first Ctrl-C, during the build
    assert seen == {"left": []}, seen


def test_a_forced_stop_right_after_the_output_lock_closed_its_file_still_removes_the_sidecar(
    tmp_path, monkeypatch, forced_stop
):
    """A batch stopped by Ctrl-C releases its output's lock: the output's own descriptor closed, then the
    sidecar removed. A third Ctrl-C landing as that close returned (a slow network disk) ran the release
    again, which closed the same descriptor twice (EBADF) and ended before the sidecar went."""
    import qa.batch.lock

    src, out = tmp_path / "q.txt", tmp_path / "jawaban.jsonl"
    src.write_text("".join(f"pertanyaan ke-{i}?\n" for i in range(6)), encoding="utf-8")
    seen: dict[str, list[str]] = {}
    real_close = os.close

    def close(fd: int) -> None:
        real_close(fd)
        if sys._getframe(1).f_code.co_name == "release" and not seen:  # the lock's first close, returned
            forced_stop(lambda: seen.update(files=sorted(p.name for p in tmp_path.iterdir())))

    asked = FakeAnswer()

    def answer(questions: list[str]) -> list[dict]:
        if asked.calls:
            raise KeyboardInterrupt  # the first Ctrl-C, on the second chunk
        return asked(questions)

    monkeypatch.setattr(qa.batch.lock.os, "close", close)
    with pytest.raises(Ended), _stopped_before_the_end():
        run_batch(read_questions(src), answer, out, chunk_size=2)
    monkeypatch.undo()
    assert seen == {"files": ["jawaban.jsonl", "q.txt"]}, seen
    assert [r["id"] for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())] == ["1", "2"]


def test_a_forced_stop_between_a_folders_marker_and_the_folder_leaves_no_unmarked_folder(
    built, monkeypatch, forced_stop
):
    """A build stopped by Ctrl-C takes its temporary folder back, marker last: the marker removed, then the
    folder (two system calls). A third Ctrl-C landing between them found the folder no longer marked, so
    neither the forced stop nor any later build removed the empty ``.qa-tmp-<id>`` left."""
    import qa.passage_table

    settings, manifest, reference = built
    seen: dict[str, list[str]] = {}
    real_rmdir, pressed = Path.rmdir, []

    def stopped_before_rmdir(self: Path) -> None:
        if self.name.startswith(".qa-tmp-") and not pressed:  # its marker just removed
            assert not (self / ".qa-build").exists() and not any(self.iterdir())
            pressed.append(self)
            forced_stop(lambda: seen.update(left=sorted(p.name for p in settings.index_dir.iterdir())))
        real_rmdir(self)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # the first Ctrl-C, during the build

    monkeypatch.setattr(qa.passage_table, "save_table", interrupted)
    monkeypatch.setattr(Path, "rmdir", stopped_before_rmdir)
    with pytest.raises(Ended), _stopped_before_the_end():
        open_index(settings, build="force")
    monkeypatch.undo()
    assert seen == {"left": sorted([MANIFEST, manifest["build"]["id"]])}, seen
    assert answers(open_index(settings)) == reference
