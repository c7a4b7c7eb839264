"""Small trips left in docs/reliability.md's Left lists (section 149), through the real ``qa`` process (the
fake-encoder harness): each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .cli_helpers import qa_run
from .conftest import ROOT


@pytest.mark.parametrize("encoding", [None, "utf-8:strict", "ascii"])
def test_a_path_that_is_not_utf8_is_shown_one_way_on_both_streams(settings, tmp_path: Path, encoding) -> None:
    """``qa index --index idx\\xff`` said ``idx\\udcff`` on standard error ("no index in …", "index: …")
    and wrote the raw byte on standard output ("index ready: … in idx" and U+FFFD on a terminal)."""
    index = Path(os.fsdecode(os.fsencode(tmp_path) + b"/idx-\xff"))
    env = qa_env(settings.corpus_dir, index, LC_ALL="C.UTF-8")
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    run = subprocess.run(
        [*qa_command(real=False), "index"], env=env, cwd=ROOT, capture_output=True, timeout=120
    )
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert b"no index in " in run.stderr and b"index ready: " in run.stdout
    for stream in (run.stdout, run.stderr):
        named = [line for line in stream.splitlines() if b"idx-" in line]
        assert named and all(b"idx-\\xff" in line for line in named), stream
        assert b"\\udcff" not in stream and b"\xff" not in stream


def _from_subfolder(settings, *doc: str) -> subprocess.CompletedProcess:
    """``qa ask --json … --doc …`` run from ``corpus/x``, over a corpus of ``sama.md`` and ``x/sama.md``."""
    for name, text in (
        ("sama.md", "Asisten menteri mengatur rapat."),
        ("x/sama.md", "Asisten menulis laporan."),
    ):
        (settings.corpus_dir / name).parent.mkdir(exist_ok=True)
        (settings.corpus_dir / name).write_text(text + "\n", encoding="utf-8")
    args = [arg for name in doc for arg in ("--doc", name)]
    return qa_run(settings, "ask", "--json", "apa tugas asisten?", *args, cwd=settings.corpus_dir / "x")


@pytest.mark.parametrize(
    ("doc", "source"),
    [
        (["./sama.md"], "x/sama.md"),  # was sama.md: the id before the path
        (["./sama.md", "x/sama.md"], "x/sama.md"),  # one document named two ways (was refused as two)
        (["sama.md"], "sama.md"),  # a bare name keeps its meaning: the id
        (["../sama.md"], "sama.md"),
    ],
)
def test_a_doc_written_as_a_path_from_inside_the_corpus_is_that_path(settings, doc, source) -> None:
    """Run from ``corpus/x``, ``--doc ./sama.md`` answered from the top-level ``sama.md`` (the id
    ``sama.md``, read before the path), not from ``x/sama.md``, the file the shell completed."""
    run = _from_subfolder(settings, *doc)
    assert run.returncode == 0, run.stderr
    assert {p["source"] for p in json.loads(run.stdout)["passages"]} == {source}


@pytest.mark.parametrize(
    ("doc", "said"),
    [
        (["./x/sama.md"], "no document named './x/sama.md' in the corpus"),  # was x/sama.md, the id
        (["./sama.md", "sama.md"], "names two documents, x/sama.md and sama.md"),  # was taken as one
    ],
)
def test_a_doc_written_as_a_path_naming_no_document_there_is_refused(settings, doc, said) -> None:
    run = _from_subfolder(settings, *doc)
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert said in run.stderr, run.stderr
