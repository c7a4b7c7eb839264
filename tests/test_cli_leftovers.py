"""The CLI, batch and index leftovers of sections 23 and 28 (docs/reliability.md section 29): an
interrupt while the CLI imports, FIFOs given to eval and calibrate, a failed first build's folders,
the user's notes after a report. Each test failed on the code before its fix."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT

# The console script's own two lines, with a Ctrl-C arriving while the commands are still imported.
INTERRUPTED_IMPORT = textwrap.dedent(
    """
    import importlib.abc, os, signal, sys
    sys.path[:0] = [{root!r}]

    class CtrlC(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.startswith("qa.") and name != "qa.cli":  # the first module the entry point pulls in
                sys.meta_path.remove(self)
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlC())
    from qa.cli import main
    sys.exit(main(["--help"]))
    """
).format(root=str(ROOT))


def test_ctrl_c_while_the_cli_is_still_imported_ends_quietly_with_130() -> None:
    """A Ctrl-C in the first tenth of a second of ``qa …``, while ``qa.cli`` imported the grammar and the
    core's names, printed Python's ``KeyboardInterrupt`` traceback: no handler was running yet."""
    r = subprocess.run([sys.executable, "-c", INTERRUPTED_IMPORT], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)  # fmt: skip
    assert (r.returncode, r.stderr, r.stdout) == (130, "interrupted\n", "")


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
@pytest.mark.parametrize("command", ["eval", "calibrate-labelled", "calibrate-offtopic"])
def test_eval_and_calibrate_refuse_a_question_file_that_is_not_a_regular_file(
    settings, tmp_path, kind, command
) -> None:
    """``qa eval``/``calibrate`` given a FIFO with no writer (``mkfifo q.jsonl``) waited forever in
    ``open()``, and ``/dev/zero`` would have read until memory ran out; ``qa batch`` refused them at once
    (section 23). The same check now serves all three: one line, exit 2, before any model or index."""
    good = tmp_path / "good.jsonl"
    good.write_text('{"question": "apa tugas asisten menteri?", "expected": ["menteri"]}\n', encoding="utf-8")
    odd = {"fifo": tmp_path / "q.jsonl", "folder": tmp_path / "soal.jsonl", "device": Path("/dev/zero")}[kind]
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "folder":
        odd.mkdir()
    args = {
        "eval": ["eval", str(odd)],
        "calibrate-labelled": ["calibrate", str(odd), "--offtopic", str(good)],
        "calibrate-offtopic": ["calibrate", str(good), "--offtopic", str(odd)],
    }[command]
    r = subprocess.run([*qa_command(real=False), *args], env=qa_env(settings.corpus_dir, settings.index_dir),
                       cwd=ROOT, capture_output=True, text=True, timeout=30)  # fmt: skip
    lines = r.stderr.splitlines()
    assert r.returncode == 2 and lines[0].startswith(f"error: {odd}: is a "), r.stderr
    assert len(lines) <= 2 and "Traceback" not in r.stderr and not settings.index_dir.exists()


def _first_build(settings, index_dir: Path, hold: str = "30") -> subprocess.Popen:
    """``qa index`` into ``index_dir`` through the fake harness, paused with its temporary build written."""
    env = {**qa_env(settings.corpus_dir, index_dir), "QA_TEST_HOLD_WRITE": hold}
    proc = subprocess.Popen([*qa_command(real=False), "index"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_first_build_interrupted_removes_the_folders_it_created_and_only_those(settings, tmp_path, signum):
    """A first ``qa index`` stopped by Ctrl-C or SIGTERM removed its half-written build but left the index
    folder it had created, empty (and every missing parent of it). The folders it made go; the parent
    that was there, with the user's file in it, stays."""
    home = tmp_path / "proyek"
    home.mkdir()
    (home / "catatan.txt").write_text("milik pengguna", encoding="utf-8")
    proc = _first_build(settings, home / "data" / "indeks" / "baru")
    assert (home / "data" / "indeks" / "baru").is_dir()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, -signum) and "Traceback" not in err, err
    assert sorted(p.name for p in home.iterdir()) == ["catatan.txt"]


def test_a_failed_build_never_removes_a_folder_that_was_there(settings, tmp_path, monkeypatch) -> None:
    """The same on a full disk, from the library; an index folder (or a parent) that existed before the
    build, even empty, is kept, and so is a folder the build made if someone else put a file in it."""
    import errno

    import qa.writing
    from qa.errors import IndexError_
    from scripts.trials import open_index

    def full(vectors, path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qa.writing, "_write_faiss", full)
    fresh = tmp_path / "a" / "b" / "index"
    existing = tmp_path / "kosong"
    existing.mkdir()
    for index_dir in (fresh, existing):
        with pytest.raises(IndexError_, match="disk is full|No space left"):
            open_index(replace(settings, index_dir=index_dir), build="auto")
    assert not (tmp_path / "a").exists() and existing.is_dir() and not list(existing.iterdir())

    def full_after_a_visitor(vectors, path) -> None:  # a file someone else puts beside the build meanwhile
        (fresh.parent / "punya-orang.txt").write_text("x", encoding="utf-8")
        full(vectors, path)

    monkeypatch.setattr(qa.writing, "_write_faiss", full_after_a_visitor)
    with pytest.raises(IndexError_):
        open_index(replace(settings, index_dir=fresh), build="auto")
    assert not fresh.exists() and (fresh.parent / "punya-orang.txt").is_file()


def test_resume_of_a_report_with_the_users_notes_after_it_refuses_and_cuts_nothing(tmp_path) -> None:
    """``--resume`` of a ``.md`` report cut everything after its last section as a torn write: notes the
    user had written at its end were lost (section 11 left it). Markdown has no row shape, but a torn
    write has one: the start of the next numbered section. Anything else is refused, by line, and the
    file left whole; a real torn write, blank lines and notes between sections still resume."""
    from qa.batch import read_questions, run_batch
    from qa.errors import InputError

    from .batch.helpers import FakeAnswer, md_ids, write

    two = write(tmp_path / "q2.txt", "Apa itu A?\nSiapa B?\n")
    three = write(tmp_path / "q3.txt", "Apa itu A?\nSiapa B?\nKapan C?\n")
    out = tmp_path / "laporan.md"
    run_batch(read_questions(two), FakeAnswer(), out)
    whole = out.read_bytes()
    for notes in ("\n## Catatan saya\n\nJawaban 2 perlu dicek.\n", "Catatan tanpa judul", "\n### Catatan\n"):
        out.write_bytes(whole + notes.encode())
        with pytest.raises(InputError, match=r"laporan\.md: line \d+ is not part of an answer qa wrote"):
            run_batch(read_questions(three), FakeAnswer(), out, resume=True)
        assert out.read_bytes() == whole + notes.encode()

    empty = write(tmp_path / "kosong.txt", "")  # a report of no answers yet: its title only, then notes
    run_batch(read_questions(empty), FakeAnswer(), tmp_path / "judul.md")
    (tmp_path / "judul.md").write_bytes((tmp_path / "judul.md").read_bytes() + b"catatan\n")
    with pytest.raises(InputError, match="line 2 is not part of an answer"):
        run_batch(read_questions(three), FakeAnswer(), tmp_path / "judul.md", resume=True)

    for tail in ("\n### 3. Kapan C?\n\n> jawab", "\n### 3", "\n\n\n"):  # torn writes, blank lines: resumed
        out.write_bytes(whole + tail.encode())
        s = run_batch(read_questions(three), FakeAnswer(), out, resume=True)
        assert s.skipped == 2 and md_ids(out) == ["1", "2", "3"]
        assert out.read_bytes().startswith(whole) and out.read_text().count("### 3. Kapan C?") == 1

    middle = whole.replace(b"\n### 2.", b"\nCatatan di tengah.\n\n### 2.")  # between sections: kept
    out.write_bytes(middle)
    run_batch(read_questions(three), FakeAnswer(), out, resume=True)
    assert out.read_bytes().startswith(middle) and md_ids(out) == ["1", "2", "3"]
