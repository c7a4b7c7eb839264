"""The command line, batch files and index builds as a hostile or careless user meets them
(docs/reliability.md section 136), through the real ``qa`` process (the fake-encoder harness): each
test failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from .cli_helpers import qa_run


@pytest.mark.parametrize("target", ["manifest.json", "calibration.json", "calibration-0123456789ab.json"])
def test_an_output_linked_to_a_file_of_the_index_is_refused(settings, tmp_path: Path, target: str) -> None:
    """``-o answers.jsonl`` a link to ``index/manifest.json`` with ``--force``: the answers replaced the
    manifest, and every later command refused the index ("is not an index manifest", exit 5) until it was
    rebuilt. A link to a calibration not made yet would have become one holding answers. Now refused
    before any work (exit 2), the index untouched and still answering."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    assert qa_run(settings, "index").returncode == 0
    manifest = settings.index_dir / "manifest.json"
    before = manifest.read_bytes()
    for suffix in (".jsonl", ".csv", ".md"):
        out = tmp_path / f"jawaban{suffix}"
        out.symlink_to(settings.index_dir / target)
        run = qa_run(settings, "batch", str(src), "-o", str(out), "--force")
        assert run.returncode == 2, run.stderr
        assert f"is {settings.index_dir.resolve() / target}, a file of the index" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
        out.unlink()
    assert manifest.read_bytes() == before
    assert sorted(p.name for p in settings.index_dir.iterdir() if not p.is_dir()) == ["manifest.json"]
    assert qa_run(settings, "ask", "apa tugas asisten?", "--json").returncode == 0


def test_an_output_beside_the_index_files_is_still_written(settings, tmp_path: Path) -> None:
    """The index folder may hold the user's files (README): an output of its own name there is taken."""
    src = tmp_path / "soal.txt"
    src.write_text("apa tugas asisten?\n", encoding="utf-8")
    out = settings.index_dir / "manifest.jsonl"
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 1
