"""Issue 12, corpus side: symbolic links are followed or refused by name, never skipped silently, and
invisible or look-alike characters in the corpus or the question do not change the answer."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa.assistant import Assistant, clean_question
from qa.config import Settings
from qa.corpus import load_corpus
from qa.errors import CorpusError
from qa.indexing import passage_text
from qa.normalize import normalize_text

from .conftest import CORPUS, DOC, FakeEncoder

QUESTION = "apa tugas asisten menteri?"
# The same question as a careless paste or a hostile visitor types it: a zero-width space and a soft
# hyphen inside words, Cyrillic а/е/о/с in Latin words, a ligature, full-width letters, a BOM.
DISGUISED = "\ufeffapa tu\u200bgas аsistеn m\u00adеnteri\u2060?"
DISGUISED_2 = "ａｐａ tugas as\u200disten mеntеri?"


def test_a_symlinked_folder_is_part_of_the_corpus(tmp_path: Path) -> None:
    shared, corpus = tmp_path / "shared", tmp_path / "corpus"
    shared.mkdir()
    corpus.mkdir()
    (shared / "b.txt").write_text("Dokumen bersama.", encoding="utf-8")
    (corpus / "a.txt").write_text("Dokumen sendiri.", encoding="utf-8")
    (corpus / "bersama").symlink_to(shared, target_is_directory=True)
    assert [d.id for d in load_corpus(corpus)] == ["a.txt", "bersama/b.txt"]


@pytest.mark.parametrize("name", ["hilang.txt", "Hilang.MD", "folder-hilang"])
def test_a_dangling_link_stops_the_build_by_name(tmp_path: Path, name: str) -> None:
    (tmp_path / "a.txt").write_text("Baik.", encoding="utf-8")
    (tmp_path / name).symlink_to(tmp_path / "tidak-ada" / name)
    with pytest.raises(CorpusError, match="points to nothing") as info:
        load_corpus(tmp_path)
    assert name in str(info.value)


def test_a_link_loop_is_refused_not_followed_forever(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Baik.", encoding="utf-8")
    (tmp_path / "sub" / "ke-atas").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(CorpusError, match="loops back") as info:
        load_corpus(tmp_path)
    assert "sub/ke-atas" in str(info.value)
    (tmp_path / "sub" / "ke-atas").unlink()
    (tmp_path / "diri.txt").symlink_to(tmp_path / "diri.txt")  # a link to itself: ELOOP
    with pytest.raises(CorpusError, match="diri.txt"):
        load_corpus(tmp_path)


def test_a_fifo_named_like_a_document_is_refused_not_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Baik.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipa.txt")  # reading it would block the build forever
    with pytest.raises(CorpusError, match="pipa.txt is not a regular file"):
        load_corpus(tmp_path)


def test_questions_are_normalised_like_the_corpus() -> None:
    assert clean_question(DISGUISED) == QUESTION == clean_question(DISGUISED_2)
    assert clean_question("ﬁle Ｂank") == "file Bank"
    # whole words of another script are theirs: a Russian or Greek word is not "folded"
    assert clean_question("Привет, Москва и Αθήνα") == "Привет, Москва и Αθήνα"


def test_corpus_text_is_normalised_and_offsets_stay_exact(tmp_path: Path, fake_encoder) -> None:
    clean = (CORPUS / DOC).read_text(encoding="utf-8")
    noisy = clean.replace("asisten", "as\u200bisten").replace("menteri", "mеnteri")
    noisy = noisy.replace("tugas", "tu\u00adgas")
    assert noisy != clean
    for name, text in (("clean", clean), ("noisy", noisy)):
        (tmp_path / name).mkdir()
        (tmp_path / name / DOC).write_text(text, encoding="utf-8")
    answers = {}
    for name in ("clean", "noisy"):
        settings = Settings(corpus_dir=tmp_path / name, index_dir=tmp_path / f"{name}-index")
        qa = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        doc = qa.documents[DOC]
        assert doc.text == clean  # the document the index sees, whatever invisible noise the file has
        assert all(doc.text[c.start : c.end] == c.text for c in qa.index.chunks)
        answers[name] = [(p.chunk_id, p.text) for p in qa.ask(DISGUISED, k=3).passages]
        assert passage_text(qa.index.chunks[0], qa.documents) in doc.text
    assert answers["clean"] == answers["noisy"]
    # the hash stays of the raw bytes, so editing only invisible characters still makes the index stale
    assert load_corpus(tmp_path / "clean")[0].sha256 != load_corpus(tmp_path / "noisy")[0].sha256


@pytest.mark.slow
def test_disguised_question_gets_the_same_answer_from_the_real_model(real_assistant) -> None:
    plain = real_assistant.ask(QUESTION)
    for disguised in (DISGUISED, DISGUISED_2):
        got = real_assistant.ask(disguised)
        assert [p.chunk_id for p in got.passages] == [p.chunk_id for p in plain.passages]
        assert got.confidence == pytest.approx(plain.confidence)


def test_an_index_from_before_normalisation_is_stale_and_keeps_its_vectors(fake_assistant, settings) -> None:
    import json

    from qa.errors import IndexStaleError
    from qa.manifest import MANIFEST, read_manifest

    m = read_manifest(settings.index_dir)
    del m["text"]  # as the previous release wrote it
    (settings.index_dir / MANIFEST).write_text(json.dumps(m))
    with pytest.raises(IndexStaleError, match="text.normalization"):
        Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    Assistant(settings, encoder=FakeEncoder(), build="auto", log=lambda m: None)
    stats = read_manifest(settings.index_dir)["build"]["incremental"]
    assert stats["embedded"] == 0 and stats["reused"] == stats["passages"]


def test_normalisation_is_linear_in_a_long_word() -> None:
    """A pattern that backtracked quadratically took seconds on one 18,000-letter word; CPU time, loosely."""
    import time

    from qa.normalize import normalize_text

    for text in ("ＡＢＣ" * 20_000, "а" + "b" * 60_000, "x " * 30_000 + "рar"):
        start = time.process_time()
        out = normalize_text(text)
        assert time.process_time() - start < 1.0 and len(out) <= len(text)
    assert normalize_text("а" + "b" * 10) == "a" + "b" * 10  # a look-alike in a Latin word is folded


def test_control_characters_in_a_document_become_spaces(tmp_path: Path) -> None:
    """An escape sequence in a document would recolour (or retitle, or clear) the terminal that prints
    the passage; NUL, BEL and C1 controls are never text either. Tabs and line breaks stay."""
    raw = "Uang harian\x1b[2J\x1b]0;judul\x07 tiga ratus\x9b dolar.\tTab tetap.\x0cHalaman baru.\n"
    (tmp_path / "kontrol.txt").write_text(raw, encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    assert len(doc.text) == len(raw)  # one for one: offsets into the file's text still hold
    controls = [ch for ch in doc.text if ord(ch) < 0x20 and ch not in "\t\x0c\n" or 0x7F <= ord(ch) < 0xA0]
    assert controls == []
    assert doc.text.split() == "Uang harian [2J ]0;judul tiga ratus dolar. Tab tetap. Halaman baru.".split()
    assert normalize_text("apa\x1b[31m uang harian") == "apa [31m uang harian"  # questions alike


def test_a_heading_is_normalised_as_the_text_is(tmp_path: Path) -> None:
    """A Markdown heading kept its control characters: the location printed under every answer it
    locates carried an escape sequence that retitled the terminal (and a zero-width space split a word
    that the text itself had whole)."""
    raw = "# Cuti\x1b]0;judul-jendela\x07 \x1b[31mmerah\n\n## Vi\u200bsa\x9b \x07\n\nPegawai berhak cuti.\n"
    (tmp_path / "judul.md").write_text(raw, encoding="utf-8")
    (doc,) = load_corpus(tmp_path)
    label = doc.locate(0).label
    assert label == "judul.md › Cuti ]0;judul-jendela [31mmerah › Visa"
