"""The Milvus bench's shared passage vectors and its table (its measurements run in `make bench`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.milvus import table
from benchmarks.synth import StandInEncoder, write_corpus
from benchmarks.vector_cache import CachedStandIn, write
from qa.config import Settings
from qa.corpus import load_corpus
from qa.indexing import chunk_corpus


def _sentences(corpus: Path) -> list[str]:
    return [c.text for c in chunk_corpus(load_corpus(corpus), Settings().window)]


def test_shared_vectors_are_the_stand_in_encoders_and_written_once(tmp_path: Path) -> None:
    corpus, path = tmp_path / "corpus", tmp_path / "work" / "vectors.npz"
    write_corpus(corpus, 600)
    assert write(corpus, path) == 600 and write(corpus, path) == 0  # current: nothing embedded again
    texts = _sentences(corpus)
    cached = CachedStandIn(path)
    assert (cached.model, cached.dim) == (
        StandInEncoder.model,
        384,
    )  # same manifest as the encoder
    np.testing.assert_array_equal(
        cached.encode_passages(texts[::7]), StandInEncoder().encode_passages(texts[::7])
    )
    new = ["Kalimat yang tidak ada di berkas itu."]  # not in the file: embedded on the spot
    np.testing.assert_allclose(cached.encode_passages(new), StandInEncoder().encode_passages(new), atol=1e-6)
    (corpus / "synth-00000.txt").write_text("Satu kalimat baru saja.\n", encoding="utf-8")
    assert write(corpus, path) == len(set(_sentences(corpus)))  # the corpus changed: the file is rewritten


def test_table_has_a_ratio_line_per_store_and_size() -> None:
    base = {"passages": 10, "open_s": 1.0, "p50_ms": 2.0, "p95_ms": 4.0, "rss_mb": 100.0, "recall10": 1.0}
    rows = [
        {**base, "size": "10k", "store": "local", "build_s": 2.0, "qps": 100.0, "bm25_overlap10": 1.0},
        {**base, "size": "10k", "store": "milvus-lite", "build_s": 6.0, "qps": 4.0, "bm25_overlap10": 0.9},
    ]
    ratio_line = table(rows).splitlines()[-1]
    assert ratio_line == "| 10k | milvus-lite | 3.0x | 1.0x | 1.0x | 1.0x | 0.04x | 1.0x |"
