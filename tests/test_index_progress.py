"""``qa index``'s progress off a terminal (docs/reliability.md section 144), through the real ``qa``
process (the fake-encoder harness): plain lines into a log, the terminal's bar as it was."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from qa.plain_progress import PlainProgress
from scripts.trials import qa_command, qa_env

from .cli_helpers import qa_run
from .conftest import ROOT


def _long_corpus(tmp_path: Path) -> dict[str, str]:
    """A corpus of ten batches of passages, and the variables of a build of it with no wait for a line."""
    corpus = tmp_path / "long_corpus"
    corpus.mkdir()
    sentences = [
        f"Asisten menteri menyiapkan laporan nomor {i} untuk rapat bilateral." for i in range(64 * 10)
    ]
    (corpus / "laporan.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    return {"QA_CORPUS": str(corpus), "QA_TEST_PROGRESS_SECONDS": "0"}


def test_a_build_into_a_log_says_its_progress_in_plain_lines(settings, tmp_path: Path) -> None:
    """``qa index 2>build.log`` (CI, nohup): the bar is not drawn off a terminal, and a long build said
    nothing until done. Now a line at each further tenth (the wait before one is cut to 0 s here, the
    harness's QA_TEST_PROGRESS_SECONDS: 10 s by default), no carriage return, and a last one when done."""
    corpus = tmp_path / "long_corpus"
    corpus.mkdir()
    sentences = [
        f"Asisten menteri menyiapkan laporan nomor {i} untuk rapat bilateral." for i in range(64 * 10)
    ]
    (corpus / "laporan.txt").write_text("\n\n".join(sentences) + "\n", encoding="utf-8")
    env = {"QA_CORPUS": str(corpus), "QA_TEST_PROGRESS_SECONDS": "0"}
    run = qa_run(settings, "index", env=env)
    assert run.returncode == 0 and "\r" not in run.stderr, run.stderr
    said = [line for line in run.stderr.splitlines() if line.startswith("embedding: ")]
    assert len(said) >= 5 and said[0].startswith("embedding: 64 of 640 passages (10%), 0:0"), run.stderr
    assert said[-1].startswith("embedding: done, 640 passages in 0:"), run.stderr


def test_a_build_on_a_terminal_still_draws_its_bar_and_no_plain_lines(settings, tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 0 columns: tqdm draws none
    env = qa_env(settings.corpus_dir, settings.index_dir, **_long_corpus(tmp_path))
    proc = subprocess.Popen([*qa_command(real=False), "index"], stderr=child, stdout=subprocess.DEVNULL,
                            env=env, cwd=ROOT)  # fmt: skip
    os.close(child)
    seen = b""
    try:
        while True:
            try:
                piece = os.read(parent, 65536)
            except OSError:  # EIO: the process ended and closed the terminal
                break
            if not piece:
                break
            seen += piece
    finally:
        os.close(parent)
        proc.wait(timeout=120)
    text = seen.decode("utf-8", "replace")
    assert proc.returncode == 0 and "embedding:" in text and "\r" in text, text  # tqdm's bar
    assert "passages (10%)" not in text and "embedding: done" not in text, text


def test_a_short_build_into_a_log_says_no_more_than_before(settings, tmp_path: Path) -> None:
    run = qa_run(settings, "index")
    assert run.returncode == 0 and "embedding" not in run.stderr, run.stderr


def test_plain_progress_waits_ten_seconds_then_a_tenth_and_beats_every_minute() -> None:
    now = [0.0]
    out = io.StringIO()
    bar = PlainProgress(1000, stream=out, clock=lambda: now[0])
    for at, n in [(5.0, 500), (11.0, 50), (15.0, 200), (22.0, 20), (33.0, 10), (83.0, 1), (90.0, 219)]:
        now[0] = at
        bar.update(n)
    bar.close()
    assert out.getvalue().splitlines() == [
        "embedding: 550 of 1,000 passages (55%), 0:11",  # none at 5 s, though half done
        "embedding: 770 of 1,000 passages (77%), 0:22",  # none at 15 s (4 s after); none at 33 s (a 100th)
        "embedding: 781 of 1,000 passages (78%), 1:23",  # a minute without a line
        "embedding: done, 1,000 passages in 1:30",
    ]
