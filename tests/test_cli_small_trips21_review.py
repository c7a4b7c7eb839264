"""Second reading of reliability 149 (section 153): ``--doc`` written as a path when the corpus folder is
reached through a symbolic link."""

from __future__ import annotations

import dataclasses
import json
import os

import pytest

from .cli_helpers import qa_run


@pytest.mark.parametrize(
    ("doc", "source"),
    [
        ("./sama.md", "x/sama.md"),  # was sama.md: the top-level id, the path read as outside the corpus
        ("../x/sama.md", "x/sama.md"),  # was "no document named" too
        ("../sama.md", "sama.md"),  # was "no document named": outside the link as spelled
    ],
)
def test_a_doc_written_as_a_path_through_a_linked_corpus_is_that_path(
    settings, tmp_path, doc, source
) -> None:
    """``QA_CORPUS=link`` (``link -> corpus``), run from ``link/x``: the working folder is the
    linked-to one, so ``./sama.md`` lay "outside" ``link`` and was read as the id ``sama.md`` (149's trip)."""
    for name, text in (
        ("sama.md", "Asisten menteri mengatur rapat."),
        ("x/sama.md", "Asisten menulis laporan."),
    ):
        (settings.corpus_dir / name).parent.mkdir(exist_ok=True)
        (settings.corpus_dir / name).write_text(text + "\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(settings.corpus_dir, target_is_directory=True)
    linked = dataclasses.replace(settings, corpus_dir=link)
    run = qa_run(linked, "ask", "--json", "apa tugas asisten?", "--doc", doc, cwd=link / "x")
    assert run.returncode == 0, run.stderr
    assert {p["source"] for p in json.loads(run.stdout)["passages"]} == {source}


def test_a_doc_name_that_is_not_utf8_is_shown_as_other_paths_are(settings) -> None:
    """``--doc $'x\\xff.md'`` was refused as ``no document named 'x\\udcff.md'`` (repr's escape), where
    every other line shows such a byte ``\\xff`` since section 149; the hint still lists the ids."""
    run = qa_run(settings, "ask", "apa tugas asisten?", "--doc", os.fsdecode(b"x\xff.md"))
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert "no document named 'x\\xff.md' in the corpus" in run.stderr, run.stderr
    assert "udcff" not in run.stderr


def test_a_quoted_name_keeps_a_typed_backslash_u_as_typed() -> None:
    """Only repr's escape of a byte becomes ``\\xNN``: a name holding the six characters ``\\udcff``
    (its backslash doubled by repr) is quoted as repr quotes it."""
    from qa.printable import quoted_path

    assert quoted_path(os.fsdecode(b"x\xff.md")) == "'x\\xff.md'"
    assert quoted_path("a\\udcff") == repr("a\\udcff")
    assert quoted_path("a\\" + os.fsdecode(b"\xff")) == "'a\\\\\\xff'"
