"""Answerability signals read from the question's whole pool and from its best passages' paragraphs.

A top cosine of 0.85 means little on its own: over thousands of sentences the best of many unrelated
ones is high by chance, over ten it is not. Query-performance prediction (the IR literature's WIG)
compares the top scores with the score of the corpus as a whole; for inner products the mean cosine
of a question with every stored vector is its product with their mean, the corpus centroid, so the
question pays one dot product. The keyword channel's best window score is read against the most
the question's terms could score (their IDF mass), and coverage is also read over the whole paragraph
of the best candidates: a FacQA-style question is written from one paragraph, and its answer may sit
beyond the sentence's neighbour window.
"""

from __future__ import annotations

import numpy as np

from .exact import weighted_share
from .features import QuestionFacts, question_terms
from .passage_table import PassageTable
from .retrieval import Pool

K = 10  # top dense scores WIG averages
SAMPLE = 4096  # stored vectors read for the centroid: all of them up to this, evenly spaced rows above
BATCH = 1024  # vectors per read (a Milvus ``get`` stays small)
NAMES = ("wig", "bm25_win_top", "paragraph_cov_best3")


def corpus_centroid(vectors) -> np.ndarray:
    """Mean of the stored passage vectors (FAISS index or Milvus adapter: anything with
    ``reconstruct_batch``, ``ntotal`` and ``d``). Above ``SAMPLE`` passages, the mean of ``SAMPLE``
    evenly spaced rows: its error on a mean cosine (~0.001) is far below the signal's spread, and
    opening a 100k-passage store then reads 4k vectors, not all of them."""
    n, d = int(vectors.ntotal), int(vectors.d)
    if n == 0:
        return np.zeros(d, dtype=np.float64)
    rows = np.unique(np.linspace(0, n - 1, min(n, SAMPLE)).round().astype(np.int64))
    total = np.zeros(d, dtype=np.float64)
    for start in range(0, len(rows), BATCH):
        total += np.asarray(vectors.reconstruct_batch(rows[start : start + BATCH]), np.float64).sum(axis=0)
    return total / len(rows)


def best_paragraph_coverage(
    table: PassageTable, terms: list[str], idf: np.ndarray, rows: np.ndarray
) -> float:
    """The highest IDF-weighted share of the question's stems found anywhere in one paragraph, among the
    paragraphs of ``rows``: a passage's window may miss what its paragraph states a few sentences on.
    Read in one presence call."""
    if not terms or float(idf.sum()) <= 0 or len(rows) == 0:
        return 0.0
    starts = rows - table.position[rows].astype(np.int64)
    sizes = table.paragraph_size[rows].astype(np.int64)
    members = np.concatenate([np.arange(a, a + n, dtype=np.int64) for a, n in zip(starts, sizes)])
    presence, _ = table.sentence_terms.presence(terms, members)
    found = np.maximum.reduceat(presence, np.r_[0, np.cumsum(sizes)[:-1]], axis=0)  # per paragraph
    return float(weighted_share(found, idf).max())  # not ``f @ idf``: that follows the CPU's BLAS


def pool_signals(
    table: PassageTable,
    centroid: np.ndarray,
    pool: Pool,
    qvec: np.ndarray,
    facts: QuestionFacts,
    best: np.ndarray,
) -> np.ndarray:
    """The ``NAMES`` signals of one question; ``best``: pool positions of its reranked top three."""
    if len(pool.rows) == 0:
        return np.zeros(len(NAMES), dtype=np.float64)
    top = np.sort(pool.dense.astype(np.float64))[::-1][:K]
    q = np.asarray(qvec, np.float64)
    wig = float(top.mean()) - float((q * centroid).sum())  # numpy's own sum, not BLAS's kernel-chosen one
    terms, *_ = question_terms(facts)
    mass = float(table.window_terms.idf_of(terms).sum())
    bm25 = float(pool.window.max()) / mass if mass > 0 else 0.0
    idf = table.sentence_terms.idf_of(terms)
    rows = pool.rows[np.asarray(best, dtype=np.int64)[:3]]
    cov = best_paragraph_coverage(table, terms, idf, rows)
    return np.array([wig, bm25, cov], dtype=np.float64)
