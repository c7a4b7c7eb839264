"""The fifth CLI sweep's leftovers, and a sixth sweep (docs/reliability.md section 58): labelled files read
in bounded memory, id codes in a header-less table, and what a careless or hostile user of ``qa batch``
and ``qa build`` met next. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import subprocess
import tracemalloc
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .conftest import ROOT

GOOD = '{"question": "apa tugas asisten?", "expected": ["tugas"]}'


def test_a_labelled_file_with_a_huge_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    """``qa eval`` / ``qa calibrate`` read their file whole: a 64 MB line cost 137 MB (bytes, text,
    lines; 1 GB about 2 GB) before "not valid JSON". Read as a batch file is: the line is refused by
    number, unread past MAX_LINE_BYTES, in a few blocks of memory."""
    from qa.labelled import read_jsonl

    f = tmp_path / "q.jsonl"
    with f.open("wb") as fh:
        fh.write(GOOD.encode() + b"\n")
        for _ in range(64):
            fh.write(b"x" * (1 << 20))
        fh.write(b"\n" + GOOD.encode() + b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(Exception) as exc:
            read_jsonl(f, need_expected=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert exc.value.message.startswith(f"{f}:2: line is too long (67108864 characters)")
    assert "not read past its first 1048576 bytes" in exc.value.message
    assert peak < 8_000_000, peak


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "old-mac-cr"])
def test_a_labelled_file_is_read_line_by_line_whatever_its_endings_and_blocks(tmp_path, monkeypatch, ending):
    """The bounded reader keeps what the whole-file reader did: lines at ``\\n``, ``\\r\\n`` or ``\\r``
    (a raw U+2028 inside a string is no end), across block edges, a UTF-16 line that does not decode named
    by its number (it was "not valid UTF-16 text", no line)."""
    from qa.batch import sources
    from qa.labelled import read_jsonl

    monkeypatch.setattr(sources, "BLOCK", 7)
    lines = [GOOD, GOOD.replace("asisten", "asisten\u2028menteri"), "", GOOD.replace("tugas", "peran")]
    f = tmp_path / "q.jsonl"
    f.write_bytes(ending.join(line.encode() for line in lines))
    assert [i.question for i in read_jsonl(f, True)] == [json.loads(x)["question"] for x in lines if x]
    f.write_bytes((GOOD + "\r\n").encode("utf-16") + b"\x00\xd8\n\x00")  # a lone surrogate on line 2
    with pytest.raises(Exception, match=r"q.jsonl:2: not valid UTF-16 text"):
        read_jsonl(f, True)


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_eval_and_calibrate_refuse_a_line_too_long_with_one_line_and_exit_2(settings, tmp_path, command):
    """Through the real CLI: a 3 MB line is one line on stderr naming it, exit 2, no traceback."""
    f = tmp_path / "q.jsonl"
    f.write_bytes(GOOD.encode() + b"\n" + b"gaji " * 600_000 + b"\n")
    extra = ["--offtopic", str(f)] if command == "calibrate" else []
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), command, str(f), *extra], capture_output=True, env=env,
                       cwd=ROOT, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert f"{f}:2: line is too long (3000000 characters)" in r.stderr
