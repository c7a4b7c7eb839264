"""Passages know where they come from (page or heading path), stay within bounds, and --doc filters."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.chunking import MAX_SENTENCE_CHARS
from qa.config import Settings
from qa.errors import IndexStaleError, InputError

from .conftest import CORPUS, DOC, ROOT, FakeEncoder
from .documents import write_docx, write_pdf

PDF_PAGES = [
    ["Bagian pertama membahas pengajuan perjalanan dinas kepada pejabat berwenang."],
    ["Uang harian perjalanan dinas ke Jepang adalah tiga ratus dolar per hari."],
    ["Laporan perjalanan diserahkan paling lambat tujuh hari setelah kembali."],
]
MARKDOWN = "# Cuti\n\n## Visa\n\nVisa diplomatik diurus oleh bagian protokol.\n\n```\nprint(1)\n```\n"


def quiet(_: str) -> None:
    pass


@pytest.fixture
def mixed(tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    shutil.copy(CORPUS / DOC, corpus / DOC)
    write_pdf(corpus / "perjalanan.pdf", PDF_PAGES)
    (corpus / "sub" / "panduan.md").write_text(MARKDOWN, encoding="utf-8")
    docx_items = [("h1", "Kepegawaian"), ("p", "Pegawai baru wajib mengikuti orientasi.")]
    write_docx(corpus / "pegawai.docx", docx_items)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_every_passage_names_its_page_or_heading_path(mixed: Settings) -> None:
    assistant = Assistant(mixed, encoder=FakeEncoder(), log=quiet)
    result = assistant.ask("uang harian perjalanan dinas ke Jepang", k=3)
    top = result.passages[0]
    assert top.source == "perjalanan.pdf" and top.location_label == "perjalanan.pdf, halaman 2"
    assert result.to_dict()["passages"][0]["location"] == {
        "label": "perjalanan.pdf, halaman 2", "page": 2, "headings": []
    }  # fmt: skip
    md = assistant.ask("visa diplomatik protokol", k=1, doc="panduan.md").passages[0]
    assert md.location == {
        "label": "sub/panduan.md › Cuti › Visa", "page": None, "headings": ["Cuti", "Visa"]
    }  # fmt: skip
    seed = assistant.ask("asisten menteri", k=1, doc=DOC).passages[0]
    assert seed.location_label == DOC
    doc_text = assistant.documents[md.source].text  # offsets stay exact against the extracted text
    assert doc_text[md.start : md.end] == md.text
    assert result.to_dict()["answer"] is None or "location" in result.to_dict()["answer"]


def test_doc_filter_searches_only_that_document(mixed: Settings) -> None:
    assistant = Assistant(mixed, encoder=FakeEncoder(), log=quiet)
    unfiltered = assistant.ask("perjalanan dinas pegawai", k=5)
    assert len({p.source for p in unfiltered.passages}) > 1
    for doc in ("pegawai.docx", "sub/panduan.md", "perjalanan.pdf", DOC):
        ranked = assistant.ask("perjalanan dinas pegawai", k=5, doc=doc).passages
        assert ranked and {p.source for p in ranked} == {doc}
    # A small document among many passages that all match better: filtering after a corpus-wide top-n
    # would find nothing of it; every channel is limited to the document first.
    filler = "\n".join(f"Asisten menteri nomor {i} mencatat rapat kerja ke-{i}." for i in range(300))
    (mixed.corpus_dir / "arsip.txt").write_text(filler, encoding="utf-8")
    assistant = Assistant(mixed, encoder=FakeEncoder(), log=quiet)
    assert all(p.source == "arsip.txt" for p in assistant.ask("asisten menteri rapat", k=20).passages)
    (only,) = assistant.ask("asisten menteri rapat", k=20, doc="pegawai.docx").passages
    assert only.text == "Pegawai baru wajib mengikuti orientasi."
    with pytest.raises(InputError, match="no document named 'cuti.pdf'") as info:
        assistant.ask("apa?", doc="cuti.pdf")
    assert "perjalanan.pdf" in info.value.hint and "sub/panduan.md" in info.value.hint


def test_a_200000_character_line_yields_bounded_passages(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "panjang.txt").write_text(" ".join(f"kata{i % 977}" for i in range(25_000))[:200_000])
    (corpus / "tabel.md").write_text("| a | b |\n|---|---|\n| " + "x" * 200_000 + " | y |\n")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "i")
    assistant = Assistant(settings, encoder=FakeEncoder(), log=quiet)
    lengths = [c.end - c.start for c in assistant.index.chunks]
    assert max(lengths) <= MAX_SENTENCE_CHARS and sum(lengths) > 300_000
    for p in assistant.ask("kata5 kata6", k=5).passages:
        assert len(p.text) <= 3 * MAX_SENTENCE_CHARS + 2  # a sentence and its neighbour on each side


def test_a_new_reader_version_makes_the_index_stale(mixed: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from qa import readers

    Assistant(mixed, encoder=FakeEncoder(), log=quiet)
    manifest = json.loads((mixed.index_dir / "manifest.json").read_text())
    assert manifest["extraction"][".pdf"]["library"].startswith("pypdf ")
    assert set(manifest["extraction"]) == {".docx", ".md", ".pdf", ".txt"}
    monkeypatch.setitem(readers.READERS, ".pdf", replace(readers.READERS[".pdf"], version="v999"))
    with pytest.raises(IndexStaleError, match=r"extraction\.\.pdf"):
        Assistant(mixed, encoder=FakeEncoder(), build="never", log=quiet)
    logs: list[str] = []
    Assistant(mixed, encoder=FakeEncoder(), log=logs.append)  # rebuilt, with every vector reused
    assert any("embedded 0 of" in m or "reused" in m for m in logs), logs


def test_cli_prints_the_location_and_lists_documents_for_an_unknown_doc(mixed: Settings) -> None:
    from scripts.trials import qa_command, qa_env

    env = qa_env(mixed.corpus_dir, mixed.index_dir)
    ask = [*qa_command(real=False), "ask", "uang harian perjalanan dinas ke Jepang"]
    r = subprocess.run([*ask, "--doc", "perjalanan.pdf"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "— perjalanan.pdf, halaman 2  [perjalanan.pdf#" in r.stdout
    r = subprocess.run([*ask, "--doc", "tidak-ada.pdf"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no document named 'tidak-ada.pdf'" in r.stderr and "sub/panduan.md" in r.stderr
