"""``qa batch --doc NAME`` (docs/reliability.md section 163): every question of a file asked within one
document of a corpus of several, as ``qa ask --doc`` asks it. Before: ``qa batch`` had no ``--doc``, and
a host with four documents could not answer a file of questions from one of them from the command line.

A resume under another ``--doc`` (or none) is refused in words: the scope is part of the key each record
carries where it carried the corpus key, so answers from two scopes never mix in one file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qa.batch import read_questions, run_batch
from qa.batch.scope import Scope, scoped_key
from qa.errors import InputError

from ..cli_helpers import qa_run
from ..conftest import DOC, PUSTAKAWAN
from .helpers import FakeAnswer, ids_of, jsonl, write

A = "a" * 16
DOCS = ("a.md", "sub/b.md")


def _questions(tmp_path: Path, n: int) -> Path:
    return write(tmp_path / "q.txt", "".join(f"apa tugas nomor {i}?\n" for i in range(n)))


def _scope(doc: str | None) -> Scope:
    return Scope(A, doc, DOCS)


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_a_resume_under_another_doc_is_refused_in_words_and_the_same_one_goes_on(tmp_path, ext) -> None:
    out = tmp_path / f"o.{ext}"
    run_batch(
        read_questions(_questions(tmp_path, 2)), FakeAnswer(), out, k=2, corpus_key=lambda: _scope("a.md")
    )
    before, src = out.read_bytes(), _questions(tmp_path, 4)
    for other, said in (
        (None, "every document (no --doc)"),
        ("sub/b.md", "document 'sub/b.md' only (--doc)"),
    ):
        with pytest.raises(InputError) as refused:
            run_batch(
                read_questions(src), FakeAnswer(), out, k=2, resume=True, corpus_key=lambda o=other: _scope(o)
            )
        assert refused.value.message == (
            f"{out}: its answers were asked of document 'a.md' only (--doc), this run asks {said}; resuming "
            "would mix answers from two scopes"
        )
        assert refused.value.hint is not None and refused.value.hint.startswith(
            "resume with --doc 'a.md', as"
        )
        assert out.read_bytes() == before
    fake = FakeAnswer()
    s = run_batch(read_questions(src), fake, out, k=2, resume=True, corpus_key=lambda: _scope("a.md"))
    assert (s.skipped, s.answered, len(fake.asked)) == (2, 2, 2) and ids_of(out) == ["1", "2", "3", "4"]


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_an_output_of_every_document_refuses_a_resume_under_doc(tmp_path, ext) -> None:
    """Written without --doc (before this change too: the key of every document is the corpus key as it
    was), resumed with one: refused, the fix without --doc."""
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(_questions(tmp_path, 2)), FakeAnswer(), out, k=2, corpus_key=lambda: A)
    with pytest.raises(InputError) as refused:
        run_batch(read_questions(_questions(tmp_path, 3)), FakeAnswer(), out, k=2, resume=True,
                  corpus_key=lambda: _scope("sub/b.md"))  # fmt: skip
    assert (
        "asked of every document (no --doc), this run asks document 'sub/b.md' only" in refused.value.message
    )
    assert refused.value.hint is not None and refused.value.hint.startswith("resume without --doc")
    s = run_batch(read_questions(_questions(tmp_path, 3)), FakeAnswer(), out, k=2, resume=True,
                  corpus_key=lambda: _scope(None))  # fmt: skip
    assert (s.skipped, s.answered) == (2, 1)


def test_the_scope_key_is_the_corpus_key_for_every_document_and_its_own_for_one() -> None:
    assert _scope(None).key == A  # older outputs, written without --doc, resume as they did
    keys = {scoped_key(A, d) for d in DOCS}
    assert len(keys) == 2 and A not in keys and all(len(k) == 16 for k in keys)
    assert scoped_key("b" * 16, "a.md") != scoped_key(A, "a.md")
    assert "another corpus or model" in _scope("a.md").mixed("o.jsonl", scoped_key("b" * 16, "a.md")).message


def test_jsonl_records_name_the_document_and_an_input_doc_field_keeps_its_value(tmp_path) -> None:
    src = write(tmp_path / "q.jsonl", '{"question": "apa tugas?", "doc": "mine"}\n')
    out = tmp_path / "o.jsonl"
    run_batch(read_questions(src), FakeAnswer(), out, k=2, corpus_key=lambda: _scope("sub/b.md"))
    (record,) = jsonl(out)
    assert (record["doc"], record["input_doc"], record["corpus_key"]) == (
        "sub/b.md",
        "mine",
        scoped_key(A, "sub/b.md"),
    )
    plain = tmp_path / "p.jsonl"
    run_batch(read_questions(src), FakeAnswer(), plain, k=2, corpus_key=lambda: _scope(None))
    (record,) = jsonl(plain)
    assert record["doc"] == "mine" and "input_doc" not in record and record["corpus_key"] == A


def test_an_input_with_doc_and_input_doc_fields_keeps_both_under_doc(tmp_path) -> None:
    """Both names in one input: ``doc`` became ``input_doc`` beside the input's own ``input_doc``, and one
    value was lost (which one depended on the fields' order). Each gets one more ``input_`` instead."""
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "apa tugas?", "doc": "A", "input_doc": "B", "input_input_doc": "C"}\n'
        '{"question": "siapa?", "input_doc": "B2", "doc": "A2"}\n',
    )
    out = tmp_path / "o.jsonl"
    run_batch(read_questions(src), FakeAnswer(), out, k=2, corpus_key=lambda: _scope("a.md"))
    first, second = ({k: v for k, v in r.items() if k.endswith("doc")} for r in jsonl(out))
    assert first == {"input_doc": "A", "input_input_doc": "B", "input_input_input_doc": "C", "doc": "a.md"}
    assert second == {"input_input_doc": "B2", "input_doc": "A2", "doc": "a.md"}


# ------------------------------------------------------------------------------- real processes


@pytest.fixture
def two_documents(settings):
    """The ``settings`` corpus with a second job description beside the seed document."""
    shutil.copy(PUSTAKAWAN, settings.corpus_dir / PUSTAKAWAN.name)
    return settings


def _sources(out: Path) -> set[str]:
    return {p["source"] for record in jsonl(out) for p in record["passages"]}


def test_qa_batch_doc_answers_from_that_document_only_as_qa_ask_doc_does(two_documents, tmp_path) -> None:
    """Real processes, a real index on disk of two documents (fake encoder harness)."""
    src = write(tmp_path / "q.txt", "apa tugas utama?\nsiapa yang dibantu?\n")
    everywhere = tmp_path / "all.jsonl"
    assert qa_run(two_documents, "batch", str(src), "-o", str(everywhere)).returncode == 0
    assert _sources(everywhere) == {DOC, PUSTAKAWAN.name}  # the questions reach both documents unlimited
    for name in (PUSTAKAWAN.name, str(two_documents.corpus_dir / PUSTAKAWAN.name)):  # a name, a path
        out = tmp_path / "one.jsonl"
        run = qa_run(two_documents, "batch", str(src), "-o", str(out), "--doc", name, "--force")
        assert run.returncode == 0, run.stderr
        assert _sources(out) == {PUSTAKAWAN.name} and {r["doc"] for r in jsonl(out)} == {PUSTAKAWAN.name}
    asked = qa_run(two_documents, "ask", "--json", "apa tugas utama?", "--doc", PUSTAKAWAN.name)
    first = jsonl(out)[0]
    assert {k: first[k] for k in json.loads(asked.stdout)} == json.loads(asked.stdout)


def test_an_unknown_doc_exits_2_before_any_output_is_made(two_documents, tmp_path) -> None:
    src, answers = write(tmp_path / "q.txt", "apa tugas utama?\n"), tmp_path / "answers"
    answers.mkdir()
    run = qa_run(two_documents, "batch", str(src), "-o", str(answers / "o.csv"), "--doc", "tidak-ada.txt")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-2:] == [
        "error: no document named 'tidak-ada.txt' in the corpus",
        f"hint: documents: {', '.join(sorted([DOC, PUSTAKAWAN.name]))}",
    ]
    assert list(answers.iterdir()) == []  # no output, no lock left beside it


def test_an_ambiguous_doc_exits_2(settings, tmp_path) -> None:
    """One file name in two folders: ``--doc`` of that name alone names neither, as for ``qa ask``; the
    error names both and how to choose (it said "no document named", reliability 165)."""
    for folder in ("satu", "dua"):
        (settings.corpus_dir / folder).mkdir()
        shutil.copy(PUSTAKAWAN, settings.corpus_dir / folder / "p.txt")
    src, out = write(tmp_path / "q.txt", "apa tugas utama?\n"), tmp_path / "o.jsonl"
    run = qa_run(settings, "batch", str(src), "-o", str(out), "--doc", "p.txt")
    assert run.returncode == 2, run.stderr
    assert "error: 'p.txt' names 2 documents of the corpus: dua/p.txt, satu/p.txt" in run.stderr
    assert "hint: give the one meant with its folder, e.g. --doc dua/p.txt" in run.stderr
    assert not out.exists()
    run = qa_run(settings, "batch", str(src), "-o", str(out), "--doc", "dua/p.txt")
    assert run.returncode == 0 and _sources(out) == {"dua/p.txt"}


def test_qa_batch_resume_under_another_doc_is_one_error_and_exit_2(two_documents, tmp_path) -> None:
    out = tmp_path / "o.csv"
    run = qa_run(two_documents, "batch", str(_questions(tmp_path, 2)), "-o", str(out), "--doc", DOC)
    assert run.returncode == 0, run.stderr
    before = out.read_bytes()
    run = qa_run(two_documents, "batch", str(_questions(tmp_path, 4)), "-o", str(out), "--resume")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if line.startswith("error: ")] == [
        f"error: {out}: its answers were asked of document '{DOC}' only (--doc), this run asks every "
        "document (no --doc); resuming would mix answers from two scopes"
    ]
    assert out.read_bytes() == before
    run = qa_run(
        two_documents, "batch", str(_questions(tmp_path, 4)), "-o", str(out), "--resume", "--doc", DOC
    )
    assert run.returncode == 0 and "2 already done" in run.stderr


@pytest.mark.slow
def test_the_real_model_answers_a_file_from_the_document_named(tmp_path) -> None:
    """The bundled e5 on a real index of two job descriptions: the seed document's own questions, asked
    within the other document, are answered from that one only; asked unlimited, from the seed document.
    A wrong name exits 2 with the message and leaves no output."""
    from scripts.trials import qa_command, qa_env

    from ..conftest import CORPUS, MISSION, ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    shutil.copy(PUSTAKAWAN, corpus / PUSTAKAWAN.name)
    src = write(tmp_path / "q.csv", f"id,question\nm,{MISSION}\nt,apa tugas asisten menteri?\n")

    def batch(out: Path, *args: str) -> subprocess.CompletedProcess:
        command = [*qa_command(real=True), "batch", str(src), "-o", str(out), *args]
        env = qa_env(corpus, tmp_path / "index")
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)

    run = batch(tmp_path / "all.jsonl")
    assert run.returncode == 0, run.stderr
    assert {r["answer"]["source"] for r in jsonl(tmp_path / "all.jsonl") if r["answer"]} == {DOC}
    run = batch(tmp_path / "one.jsonl", "--doc", PUSTAKAWAN.name)
    assert run.returncode == 0, run.stderr
    records = jsonl(tmp_path / "one.jsonl")
    assert [r["id"] for r in records] == ["m", "t"] and {r["doc"] for r in records} == {PUSTAKAWAN.name}
    assert _sources(tmp_path / "one.jsonl") == {PUSTAKAWAN.name}
    run = batch(tmp_path / "none.csv", "--doc", "menteri.txt")
    assert run.returncode == 2 and "error: no document named 'menteri.txt' in the corpus" in run.stderr
    assert not (tmp_path / "none.csv").exists()
