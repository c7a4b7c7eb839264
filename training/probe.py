"""A fingerprint of what the shipped models read, so a code change that alters it demands a retrain.

The models record the hash of their training files, but a change to the question analysis, the
features or the signals changes their inputs just as much. ``fingerprint`` computes the reranker's
features and the answerability signals of a few fixed questions over a tiny fixed document, with the
deterministic fake encoder (no model, a second or so), rounded and hashed; training stores it in each
model file and ``tests/test_answerability.py`` recomputes it. The stand-in reranker score is the
fused score, so the fingerprint depends on the code only, not on a trained model.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np

DOCUMENT = """Balai Konservasi Tirta didirikan di Kota Palu pada 12 Maret 1998 oleh Yayasan Sumber Air.
Balai itu merawat 14 mata air dan dua danau kecil. Kepala balai saat ini adalah Ratna Wulandari.

Setiap tahun balai menanam sekitar 3.500 bibit pohon di daerah tangkapan air. Penanaman dilakukan pada
musim hujan karena tanah lebih lembap. Relawan datang dari sekolah dan kampus di Sulawesi Tengah.

Pengunjung boleh datang hari Sabtu pukul 08.00 sampai 12.00. Biaya masuk Rp 5.000 untuk dewasa.
"""
QUESTIONS = (
    "kapan balai konservasi tirta didirikan?",
    "siapa kepala balai sekarang?",
    "berapa bibit pohon yang ditanam setiap tahun?",
    "mengapa penanaman dilakukan pada musim hujan?",
    "di kota mana kantor cabang balai berada?",
    "Who founded the water conservation office?",
    "resep rendang padang",
)


def _digest(x: np.ndarray) -> str:
    rounded = np.round(np.asarray(x, dtype=np.float64), 4) + 0.0  # + 0.0: -0.0 and 0.0 hash alike
    return "sha256:" + hashlib.sha256(rounded.tobytes()).hexdigest()


def fingerprint() -> dict[str, str]:
    """{"features": ..., "signals": ...}: hashes of the probe's feature matrices and signal vectors."""
    from qa.answer import written_in_another_language
    from qa.answerability import signals
    from qa.features import POOL, candidate_features
    from qa.passage_table import PassageTable
    from qa.qpp import corpus_centroid, pool_signals
    from qa.question import analyze
    from qa.rerank import Reranked
    from qa.translation import FOREIGN_SIGNALS, foreign_signals
    from scripts.fakes import FakeEncoder

    from .data import open_assistant

    encoder = FakeEncoder()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        (corpus / "probe.txt").write_text(DOCUMENT, encoding="utf-8")
        assistant = open_assistant(corpus, Path(tmp) / "index", encoder)
        retriever, vectors = assistant.retriever, assistant.index.vectors
        table = PassageTable(assistant.index, retriever.passage_texts)
        centroid = corpus_centroid(vectors)
        asked = [assistant.read(q).searched for q in QUESTIONS]  # as the runtime reads them
        qvecs = encoder.encode_queries(asked)
        pools = retriever.pools(asked, qvecs, retriever.candidates)
        features, sigs = [], []
        for question, qvec, pool in zip(asked, qvecs, pools):
            facts = analyze(question)
            c = candidate_features(table, vectors, question, qvec, pool, facts, POOL)
            raw = pool.fused[c.pool_index].astype(np.float64)
            ranked = Reranked(c, raw, raw, np.lexsort((c.rows, -raw)))
            best = c.pool_index[ranked.order[:3]]
            context = pool_signals(table, centroid, pool, qvec, facts, best)
            features.append(c.x)
            known = assistant.index.lexical.query_terms(question)
            foreign = written_in_another_language(question, known)
            none = np.zeros(len(FOREIGN_SIGNALS))  # never read for a question in the corpus's language
            read = foreign_signals(table, question, facts, pool.rows[best]) if foreign else none
            sigs.append(np.r_[signals(ranked, foreign, context), read])
    return {"features": _digest(np.concatenate(features)), "signals": _digest(np.array(sigs))}
