"""Second reading of reliability 149 (section 153): ``--doc`` written as a path when the corpus folder is
reached through a symbolic link."""

from __future__ import annotations

import dataclasses
import json

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
    """``QA_CORPUS_DIR=link`` (``link -> corpus``), run from ``link/x``: the working folder is the
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
