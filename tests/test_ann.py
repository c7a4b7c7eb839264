"""FAISS index type by size: HNSW above the threshold, and its results match exact search."""

from __future__ import annotations

from dataclasses import replace

import faiss
import numpy as np
import pytest

from benchmarks.probe import recall_at_k
from benchmarks.synth import Generator, StandInEncoder
from qa import ann
from qa.ann import HNSW_PARAMS, POLICY, all_vectors, build_vector_index
from qa.assistant import Assistant
from qa.chunking import chunk_document
from qa.manifest import read_manifest

from .conftest import FakeEncoder

HNSW_ONLY = {"flat_max": 0, "hnsw": HNSW_PARAMS}


@pytest.fixture(scope="module")
def fixed_set() -> tuple[np.ndarray, np.ndarray]:
    """3,000 generated passages and 100 generated questions, embedded by the stand-in encoder."""
    gen, enc = Generator(seed=6), StandInEncoder()
    texts = [c.text for doc, text in gen.corpus(3_000) for c in chunk_document(doc, text)]
    return enc.encode_passages(texts), enc.encode_queries(gen.questions(100))


def test_small_corpora_get_an_exact_index_and_large_ones_hnsw() -> None:
    x = np.eye(8, dtype=np.float32)
    flat, desc = build_vector_index(x)
    assert isinstance(flat, faiss.IndexFlatIP) and desc["type"] == "IndexFlatIP" and desc["params"] == {}
    hnsw, desc = build_vector_index(x, HNSW_ONLY)
    assert isinstance(hnsw, faiss.IndexHNSWFlat) and desc["type"] == "IndexHNSWFlat"
    assert desc["params"] == HNSW_PARAMS and desc["ntotal"] == 8 and desc["metric"] == "inner_product"
    assert hnsw.metric_type == faiss.METRIC_INNER_PRODUCT and hnsw.hnsw.efSearch == HNSW_PARAMS["efSearch"]
    assert POLICY["flat_max"] == ann.FLAT_MAX >= 2_906  # FacQA-sized corpora keep exact search


def test_hnsw_matches_exact_search_within_the_reported_recall(fixed_set) -> None:
    x, q = fixed_set
    exact = faiss.IndexFlatIP(x.shape[1])
    exact.add(x)
    _, truth = exact.search(q, 10)
    hnsw, _ = build_vector_index(x, HNSW_ONLY)
    _, found = hnsw.search(q, 50)  # the retriever asks for 50 candidates
    assert recall_at_k(found, truth, 10) >= 0.98
    hnsw.hnsw.efSearch = 1  # the check can fail: a starved search loses neighbours
    _, poor = hnsw.search(q, 10)
    assert recall_at_k(poor, truth, 10) < 0.98


def test_hnsw_keeps_vectors_exactly_and_survives_a_round_trip(fixed_set, tmp_path) -> None:
    x, q = fixed_set
    hnsw, _ = build_vector_index(x[:500], HNSW_ONLY)
    assert np.array_equal(all_vectors(hnsw), x[:500])  # incremental builds reuse these
    assert np.array_equal(hnsw.reconstruct_batch(np.array([3, 7])), x[[3, 7]])  # the retriever's cosine
    faiss.write_index(hnsw, str(tmp_path / "v.faiss"))
    loaded = faiss.read_index(str(tmp_path / "v.faiss"))
    assert loaded.hnsw.efSearch == HNSW_PARAMS["efSearch"]
    assert np.array_equal(loaded.search(q, 10)[1], hnsw.search(q, 10)[1])


def test_recall_at_k() -> None:
    exact = np.array([[1, 2, 3], [4, 5, 6]])
    assert recall_at_k(exact, exact, 3) == 1.0
    assert recall_at_k(np.array([[1, 9, 8], [4, 5, 7]]), exact, 3) == pytest.approx(0.5)


def test_assistant_over_an_hnsw_index_answers_like_the_exact_one(settings, tmp_path, monkeypatch) -> None:
    flat = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    monkeypatch.setitem(ann.POLICY, "flat_max", 5)  # the real corpus (10 passages) now counts as large
    hnsw = replace(settings, index_dir=tmp_path / "hnsw")
    graph = Assistant(hnsw, encoder=FakeEncoder(), log=lambda m: None)
    m = read_manifest(tmp_path / "hnsw")
    assert m["faiss"]["type"] == "IndexHNSWFlat" and m["faiss"]["params"] == HNSW_PARAMS
    assert m["faiss"]["policy"]["flat_max"] == 5
    for q in ["apa tugas asisten menteri?", "komunikasi dengan negara lain", "siapa yang memutuskan"]:
        a, b = flat.ask(q, k=5), graph.ask(q, k=5)
        assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages]
        assert [p.score for p in a.passages] == pytest.approx([p.score for p in b.passages], abs=1e-6)
