"""A batch output records which corpus and model answered it; ``--resume`` onto another's is refused.

Before: resuming an output written against another corpus (or after the corpus changed) silently appended
answers from the new corpus to those of the old, in one file that said nothing of it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qa.batch import read_questions, run_batch
from qa.errors import InputError
from qa.manifest import corpus_key

from ..conftest import CORPUS, ROOT
from .helpers import FakeAnswer, csv_rows, ids_of, jsonl, write

A, B = "a" * 16, "b" * 16


def _questions(tmp_path: Path, n: int) -> Path:
    return write(tmp_path / "q.txt", "".join(f"apa tugas nomor {i}?\n" for i in range(n)))


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_a_resume_onto_answers_of_another_corpus_is_refused_and_the_same_one_goes_on(tmp_path, ext):
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(_questions(tmp_path, 3)), FakeAnswer(), out, k=2, corpus_key=lambda: A)
    before = out.read_bytes()
    src = _questions(tmp_path, 5)
    with pytest.raises(InputError, match=f"another corpus or model \\(corpus key {A}, this run's is {B}\\)"):
        run_batch(read_questions(src), FakeAnswer(), out, k=2, resume=True, corpus_key=lambda: B)
    assert out.read_bytes() == before
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, out, k=2, resume=True, corpus_key=lambda: A)
    assert (s.skipped, s.answered, len(fake.asked)) == (3, 2, 2)
    assert ids_of(out) == ["1", "2", "3", "4", "5"]
    if ext == "jsonl":
        assert {o["corpus_key"] for o in jsonl(out)} == {A}
    elif ext == "csv":
        assert [r["corpus_key"] for r in csv_rows(out)] == [A] * 5
    else:
        assert out.read_text().count(f" c={A} -->") == 5


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_an_output_from_before_the_corpus_key_is_resumed_with_a_warning(tmp_path, ext):
    """Refusing it would strand every output written by an older qa; its question keys are still checked."""
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(_questions(tmp_path, 2)), FakeAnswer(), out, k=2)  # no key: an older file
    notes: list[str] = []
    s = run_batch(read_questions(_questions(tmp_path, 4)), FakeAnswer(), out, k=2, resume=True,
                  corpus_key=lambda: A, warn=notes.append)  # fmt: skip
    assert (s.skipped, s.answered) == (2, 2) and ids_of(out) == ["1", "2", "3", "4"]
    assert notes == [f"{out}: its records do not say which corpus answered them (an older qa wrote them); "
                     "resuming without that check"]  # fmt: skip
    if ext == "csv":  # the rows keep the file's header: no column appears half-way
        assert "corpus_key" not in csv_rows(out)[0] and len({len(r) for r in csv_rows(out)}) == 1


def test_the_corpus_key_names_the_corpus_files_and_model_not_the_build(tmp_path):
    manifest = {"corpus": {"a.txt": "sha256:1"}, "encoder": {"model": "e5", "dim": 8}, "build": {"id": "x"}}
    same = {**manifest, "build": {"id": "y"}, "encoder": {"model": "e5", "dim": 8, "runtime": "other"}}
    assert corpus_key(manifest) == corpus_key(same)
    assert corpus_key(manifest) != corpus_key({**manifest, "corpus": {"a.txt": "sha256:2"}})
    assert corpus_key(manifest) != corpus_key({**manifest, "encoder": {"model": "e5-large"}})
    assert len(corpus_key(manifest)) == 16


def test_qa_batch_resume_against_a_changed_corpus_is_one_line_and_exit_2(tmp_path):
    """Real processes, real FAISS indexes on disk (fake encoder harness): a corpus file changes between
    the run and its resume; the index is rebuilt for the new corpus, and the resume refuses."""
    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "o.jsonl"

    def qa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*qa_command(real=False), "batch", *args, "-o", str(out)], capture_output=True,
                              env=harness_env(corpus, tmp_path / "index"), cwd=ROOT, timeout=120)  # fmt: skip

    r = qa(str(_questions(tmp_path, 2)))
    assert r.returncode == 0, r.stderr
    written = {o["corpus_key"] for o in jsonl(out)}
    assert len(written) == 1
    doc = next(p for p in corpus.iterdir() if p.suffix == ".txt")
    doc.write_text(doc.read_text() + "\nKantor berada di Jakarta.\n")
    before = out.read_bytes()
    r = qa(str(_questions(tmp_path, 4)), "--resume")
    err = r.stderr.decode()
    assert r.returncode == 2 and "Traceback" not in err, err
    assert [line for line in err.splitlines() if line.startswith("error: ")] == [
        f"error: {out}: its answers come from another corpus or model (corpus key {written.pop()}, "
        f"this run's is {_key(tmp_path)}); "
        "resuming would mix the two"
    ]
    assert out.read_bytes() == before
    r = qa(str(_questions(tmp_path, 4)), "--force")
    assert r.returncode == 0 and {o["corpus_key"] for o in jsonl(out)} == {_key(tmp_path)}


def _key(tmp_path: Path) -> str:
    return corpus_key(json.loads((tmp_path / "index" / "manifest.json").read_text()))


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_a_callers_own_corpus_key_resumes_and_is_still_checked(tmp_path, ext):
    """A library caller's key need not be 16 hex digits. Before: in a report its marker no longer parsed, so
    a resume answered every question again (duplicates); in a CSV a key starting with ``+`` came back with
    the spreadsheet guard ``'`` and a good resume was refused as another corpus."""
    out, mine = tmp_path / f"o.{ext}", "+v2 corpus --> x"
    run_batch(read_questions(_questions(tmp_path, 2)), FakeAnswer(), out, k=2, corpus_key=lambda: mine)
    fake = FakeAnswer()
    src = _questions(tmp_path, 3)
    s = run_batch(read_questions(src), fake, out, k=2, resume=True, corpus_key=lambda: mine)
    assert (s.skipped, s.answered, len(fake.asked)) == (2, 1, 1) and ids_of(out) == ["1", "2", "3"]
    with pytest.raises(InputError, match="another corpus or model"):
        run_batch(read_questions(_questions(tmp_path, 4)), FakeAnswer(), out, k=2, resume=True,
                  corpus_key=lambda: A)  # fmt: skip
