"""The answerability model's training rows: question-level signals of each question's reranked pool.

The per-candidate features are cached by ``dataset.collect_cached``; the signals read from the whole
pool and the paragraphs (``qa.qpp``) need the pool itself, which is recomputed here (a FAISS and two
BM25 searches per question, about a minute per FacQA index).
"""

from __future__ import annotations

import numpy as np

from qa.answer import written_in_another_language
from qa.answerability import signals
from qa.features import Candidates
from qa.passage_table import PassageTable
from qa.qpp import corpus_centroid, pool_signals
from qa.question import analyze
from qa.rerank import Reranked
from qa.translation import FOREIGN_SIGNALS, foreign_signals

from . import rank_model
from .dataset import Collected


def reranked(col: Collected, i: int, raw: np.ndarray, weight: float) -> Reranked:
    """Question ``i`` of ``col`` ordered by the blend of ``raw`` reranker scores and its fused scores."""
    score = rank_model.blend(raw, col.fused[i], weight)
    order = np.lexsort((col.rows[i], -score))
    return Reranked(Candidates(np.arange(len(raw)), col.rows[i], col.x[i]), raw, score, order)


def signal_rows(col: Collected, raws: list[np.ndarray], weight: float) -> tuple[np.ndarray, np.ndarray]:
    """(questions, len(SIGNALS)) as ``TrustedSearch.search`` computes them over ``col``'s index, of its
    questions as the runtime reads them there (``col.questions``, ``col.qvecs``), and (questions,
    len(FOREIGN_SIGNALS)): a question in another language's words read through the dictionary (0 for
    the others, which the foreign stack never reads)."""
    qvecs = col.qvecs
    assistant = col.assistant
    retriever = assistant.retriever  # type: ignore[attr-defined]
    table = col.table or PassageTable(assistant.index, retriever.passage_texts)  # type: ignore[attr-defined]
    centroid = corpus_centroid(assistant.index.vectors)  # type: ignore[attr-defined]
    n = retriever.candidates  # the pool depth ``collect`` used and the runtime scores on
    out, read = [], []
    for start in range(0, len(col.questions), 64):
        batch = col.questions[start : start + 64]
        pools = retriever.pools([q.question for q in batch], qvecs[start : start + 64], n)
        for j, (q, pool) in enumerate(zip(batch, pools)):
            i = start + j
            known = assistant.index.lexical.query_terms(q.question)  # type: ignore[attr-defined]
            foreign = written_in_another_language(q.question, known)
            # a question in another language keeps the fused order, as ``qa.rerank.Reranker.rerank``
            ranked = reranked(col, i, raws[i], 0.0 if foreign else weight)
            at = {int(r): k for k, r in enumerate(pool.rows.tolist())}
            best = np.array([at[int(r)] for r in col.rows[i][ranked.order[:3]]], dtype=np.int64)
            facts = analyze(q.question)
            context = pool_signals(table, centroid, pool, qvecs[i], facts, best)
            out.append(signals(ranked, foreign, context))
            none = np.zeros(len(FOREIGN_SIGNALS))
            read.append(foreign_signals(table, q.question, facts, pool.rows[best]) if foreign else none)
    return np.array(out), np.array(read).reshape(len(out), len(FOREIGN_SIGNALS))
