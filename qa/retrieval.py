"""Dense + lexical search over a loaded index, and the fusion of the evidence.

Each channel fails on different questions (e5 on rare names and numbers, BM25 on
paraphrase and on other languages), so every candidate either channel finds is scored
by both before fusing. The unit is a sentence; its neighbour window (within the line)
adds keyword evidence, because a factoid's answer often sits one sentence away from
the words the question repeats. docs/quality.md has the measurements behind each choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .analysis import tokenize
from .chunking import Chunk
from .store import StoredIndex

CANDIDATES = 50  # per channel; fusion re-scores the union


@dataclass(frozen=True)
class Hit:
    row: int
    score: float  # fused, in [0, 1]
    dense_score: float  # cosine similarity of question and sentence
    lexical_score: float  # BM25 of the sentence (0 when no question term occurs in it)
    window_score: float  # BM25 of the sentence's neighbour window
    matched_by: str  # "meaning", "keywords" or "both"


@dataclass(frozen=True)
class Ranking:
    hits: list[Hit]
    best_dense: float  # the highest cosine of any sentence: how close the corpus comes at all


@dataclass(frozen=True)
class Pool:
    """The fused candidates of one question, as parallel arrays (the reranker's input)."""

    rows: np.ndarray  # int64 passage rows, ascending
    dense: np.ndarray  # cosine of question and sentence
    sentence: np.ndarray  # BM25 of the sentence (0 when it holds no question term)
    window: np.ndarray  # BM25 of the neighbour window
    fused: np.ndarray  # the fused score in [0, 1]
    coverage: float  # share of the question's content words the corpus knows


@dataclass(frozen=True)
class FusionSettings:
    """How the channels are combined; the defaults won the comparison in docs/quality.md."""

    method: str = "convex"  # "convex": min-max cosine + max-scaled BM25; "rrf": reciprocal ranks
    dense_weight: float = 0.5  # share of the dense channel when the corpus knows the question's words
    window_weight: float = 0.5  # share of the window's BM25 within the lexical channel
    coverage_knee: float = 0.5  # below this share of known question words the lexical weight shrinks
    rrf_k: int = 60

    def lexical_weight(self, coverage: float) -> float:
        """Weight of the keyword channel: full once enough question words are known to the corpus."""
        trust = min(1.0, coverage / self.coverage_knee) if self.coverage_knee > 0 else 1.0
        return (1 - self.dense_weight) * trust


def _scaled_max(x: np.ndarray) -> np.ndarray:
    top = x.max() if len(x) else 0.0
    return x / top if top > 0 else np.zeros_like(x)


def _min_max(x: np.ndarray) -> np.ndarray:
    spread = x.max() - x.min() if len(x) else 0.0
    return (x - x.min()) / spread if spread > 1e-6 else np.ones_like(x)


def _rrf(channels: list[np.ndarray], weights: list[float], k: int) -> np.ndarray:
    """Weighted reciprocal-rank fusion, scaled so a passage first in every channel scores 1."""
    total = np.zeros_like(channels[0])
    for x, weight in zip(channels, weights):
        rank = np.argsort(np.argsort(-x, kind="stable"), kind="stable")
        total += weight * np.where(x > 0, 1.0 / (k + 1 + rank), 0.0)
    return total * (k + 1) / max(sum(weights), 1e-9)


def _gather(rows: np.ndarray, ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One channel's scores aligned with ``rows`` (ascending), 0 where the channel did not return the
    row, and the mask of the rows it returned; ``ids`` of -1 (a short result) are skipped."""
    ids = np.asarray(ids)
    keep = ids >= 0
    out = np.zeros(len(rows), dtype=np.float32)
    seen = np.zeros(len(rows), dtype=bool)
    at = np.searchsorted(rows, ids[keep])
    out[at] = np.asarray(scores)[keep]
    seen[at] = True
    return out, seen


class Retriever:
    """Searches one loaded index; ``passage_texts[row]`` is the window text a row answers with."""

    def __init__(
        self,
        index: StoredIndex,
        passage_texts: Sequence[str],
        fusion: FusionSettings | None = None,
        candidates: int = CANDIDATES,
    ) -> None:
        self.index = index
        self.passage_texts = passage_texts
        self.fusion = fusion or FusionSettings()
        self.candidates = candidates
        self._terms: dict[int, frozenset[str]] = {}

    def terms(self, row: int) -> frozenset[str]:
        if row not in self._terms:
            self._terms[row] = frozenset(tokenize(self.passage_texts[row]))
        return self._terms[row]

    def matched_share(self, question: str, rows: Sequence[int]) -> np.ndarray:
        """Share of the question's content words that occur in each row's window (0 when it has none)."""
        terms = set(tokenize(question))
        if not terms:
            return np.zeros(len(rows), dtype=np.float32)
        return np.array([len(terms & self.terms(r)) / len(terms) for r in rows], dtype=np.float32)

    def coverage(self, question: str) -> float:
        """Share of the question's content words the corpus knows at all.

        An English question over an Indonesian corpus matches almost no term, so whatever few it
        does match (names, loanwords) must not outvote the multilingual dense channel.
        """
        terms = set(tokenize(question))
        return len(set(self.index.lexical_window.query_terms(question))) / len(terms) if terms else 0.0

    def _dense(self, qvecs: np.ndarray, n: int, rows: tuple[int, int] | None) -> tuple[Any, Any]:
        """FAISS top-``n`` per question, among the rows lo..hi-1 only when ``rows`` is given."""
        import faiss

        vectors, qvecs = self.index.vectors, np.ascontiguousarray(qvecs, dtype=np.float32)
        if rows is None:
            return vectors.search(qvecs, min(n, vectors.ntotal))
        if hasattr(vectors, "search_rows"):  # a store that limits the rows itself (qa.milvus)
            return vectors.search_rows(qvecs, min(n, rows[1] - rows[0]), rows)
        selector = faiss.IDSelectorRange(*rows)
        if isinstance(vectors, faiss.IndexHNSW):
            # faiss's SWIG bindings have both; its type stubs know neither
            params = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
                sel=selector, efSearch=max(vectors.hnsw.efSearch, n)
            )
        else:
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        return vectors.search(qvecs, min(n, rows[1] - rows[0]), params=params)

    def search(
        self, questions: Sequence[str], qvecs: np.ndarray, k: int, rows: tuple[int, int] | None = None
    ) -> list[Ranking]:
        """Top-``k`` fused hits per question, no hit inside a better hit's window."""
        pools = self.pools(questions, qvecs, max(self.candidates, 3 * k), rows)
        return [self.select(p, p.fused, k) for p in pools]

    def pools(
        self, questions: Sequence[str], qvecs: np.ndarray, n: int, rows: tuple[int, int] | None = None
    ) -> list[Pool]:
        """Every passage any channel ranks in its top ``n``, scored by all channels and fused.

        ``rows`` = (lo, hi) searches only the passages lo..hi-1 (one document's: a document's passages
        are consecutive rows); every channel is limited before its top-n, so none comes back short.
        """
        index = self.index
        d_scores, d_ids = self._dense(qvecs, n, rows)
        s_ids, s_scores = index.lexical.search(questions, n, rows)
        w_ids, w_scores = index.lexical_window.search(questions, n, rows)
        pools = []
        for qi, question in enumerate(questions):
            found = np.unique(np.concatenate([d_ids[qi], s_ids[qi], w_ids[qi]]))
            found = found[found >= 0].astype(np.int64)
            dense, seen = _gather(found, d_ids[qi], d_scores[qi])
            missing = found[~seen]
            if len(missing):  # cosine for candidates only the keyword channels found
                dense[~seen] = index.vectors.reconstruct_batch(missing) @ qvecs[qi]
            sent, _ = _gather(found, s_ids[qi], s_scores[qi])
            win, _ = _gather(found, w_ids[qi], w_scores[qi])
            pools.append(self._fuse(question, found, dense, sent, win))
        return pools

    def _fuse(self, question: str, rows: np.ndarray, d: np.ndarray, s: np.ndarray, w: np.ndarray) -> Pool:
        coverage = self.coverage(question)
        f = self.fusion
        if len(rows) == 0:
            return Pool(rows, d, s, w, d, coverage)
        lex_weight = f.lexical_weight(coverage)
        if f.method == "rrf":
            fused = _rrf(
                [d, s, w],
                [1 - lex_weight, lex_weight * (1 - f.window_weight), lex_weight * f.window_weight],
                f.rrf_k,
            )
        else:
            lexical = (1 - f.window_weight) * _scaled_max(s) + f.window_weight * _scaled_max(w)
            fused = (1 - lex_weight) * _min_max(d) + lex_weight * lexical
        return Pool(rows, d, s, w, fused.astype(np.float32), coverage)

    def select(self, pool: Pool, order: np.ndarray, k: int, scores: np.ndarray | None = None) -> Ranking:
        """The ``k`` best of a pool by ``order``, none repeating a sentence a better hit already shows.

        ``scores`` (default ``pool.fused``) is what each hit reports as its score.
        """
        if len(pool.rows) == 0:
            return Ranking([], 0.0)
        scores = pool.fused if scores is None else scores
        d_norm = _min_max(pool.dense)
        r = pool.rows.tolist()
        hits: list[Hit] = []
        for i in shown(self.index.chunks, pool.rows, np.lexsort((pool.rows, -order)), k):
            by_meaning, by_keywords = d_norm[i] >= 0.5, pool.window[i] > 0
            matched_by = "both" if by_meaning and by_keywords else "keywords" if by_keywords else "meaning"
            hits.append(
                Hit(
                    r[i],
                    float(scores[i]),
                    float(pool.dense[i]),
                    float(pool.sentence[i]),
                    float(pool.window[i]),
                    matched_by,
                )
            )
        return Ranking(hits, float(pool.dense.max()))


def window_rows(chunks: Sequence[Chunk], row: int) -> range:
    """The rows whose sentences make up ``row``'s window (consecutive rows of one document)."""
    c = chunks[row]

    def inside(j: int) -> bool:
        return 0 <= j < len(chunks) and chunks[j].doc == c.doc and c.context_start <= chunks[j].start \
            and chunks[j].end <= c.context_end

    lo, hi = row, row
    while inside(lo - 1):
        lo -= 1
    while inside(hi + 1):
        hi += 1
    return range(lo, hi + 1)


def shown(chunks: Sequence[Chunk], rows: np.ndarray, order: np.ndarray, k: int) -> list[int]:
    """Indices (into ``rows``, taken in ``order``) of the first ``k`` passages worth showing: a candidate
    whose sentence a better passage already shows is left out, whether it sits inside that passage's
    window or is the same sentence elsewhere (a paragraph repeated in another document or place).
    Training measures rankings through this too (``training/rank_model.py``): what the user sees."""
    out: list[int] = []
    on_screen: set[str] = set()  # the sentences of the windows already shown
    r = rows.tolist()
    for i in order.tolist():
        if chunks[r[i]].text in on_screen:
            continue
        out.append(i)
        if len(out) == k:
            break
        on_screen.update(chunks[j].text for j in window_rows(chunks, r[i]))
    return out
