"""Dense + lexical search over a loaded index, and the fusion of the evidence.

Each channel fails on different questions (e5 on rare names and numbers, BM25 on
paraphrase and on other languages), so every candidate either channel finds is scored
by both before fusing. The unit is a sentence; its neighbour window (within the line)
adds keyword evidence, because a factoid's answer often sits one sentence away from
the words the question repeats. docs/quality.md has the measurements behind each choice;
qa/fusion.py has the arithmetic of the fusion, qa/onscreen.py the choice of what is shown, qa/matching.py
how each shown passage matched.
Every score is computed on one pool (``CANDIDATES`` per channel) whatever ``k`` is; more passages to
show come from deeper retrievals, below it (``Retriever.rank``, docs/cli.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .analysis import tokenize
from .chunking import Chunk
from .embedding import check_finite
from .exact import dots
from .fusion import FusionSettings
from .matching import Hit, Ranking, by_meaning, keyword_scores
from .onscreen import Screen, check_k
from .store import StoredIndex

# Per channel: fusion re-scores the union. Every score of a question (fused, reranked, its confidence) is
# computed over the pool this deep whatever ``k`` is, because the models' training rows were collected at
# it (training/dataset.py reads ``Retriever.candidates``, which defaults to this): a change is a retrain.
CANDIDATES = 50
DEEPEST = 16 * CANDIDATES  # the deepest retrieval asked for passages to show below the scored pool
_NONE = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True)
class Pool:
    """The fused candidates of one question, as parallel arrays (the reranker's input)."""

    rows: np.ndarray  # int64 passage rows, ascending
    dense: np.ndarray  # cosine of question and sentence
    # BM25 of the sentence and of its neighbour window: 0 outside that channel's top n (no question term in
    # it, or others scored higher). The models were trained on these values; a shown passage shows its true
    # BM25 instead (``qa.matching``)
    sentence: np.ndarray
    window: np.ndarray
    fused: np.ndarray  # the fused score in [0, 1]
    coverage: float  # share of the question's content words the corpus knows


@dataclass(frozen=True)
class Tier:
    """Candidates shown only after every candidate of the tiers above: those at ``keep`` (pool positions;
    all when None) in ``order`` (higher first), each reporting its ``scores``, times the score of the last
    hit shown above the tier when ``scaled`` (so a score never rises down the list)."""

    pool: Pool
    order: np.ndarray
    scores: np.ndarray
    keep: np.ndarray | None = None
    scaled: bool = False

    @property
    def rows(self) -> np.ndarray:
        return self.pool.rows if self.keep is None else self.pool.rows[self.keep]


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
        if isinstance(vectors, faiss.IndexHNSW):
            # A graph walk that may keep only one document's rows finds few of them (a 20-passage document
            # in 20k passages: about 1 of its top 20); the exact vectors under the graph are scanned instead.
            vectors = faiss.downcast_index(vectors.storage)
        params = faiss.SearchParameters(sel=faiss.IDSelectorRange(*rows))  # type: ignore[call-arg]
        return vectors.search(qvecs, min(n, rows[1] - rows[0]), params=params)

    def search(
        self, questions: Sequence[str], qvecs: np.ndarray, k: int, rows: tuple[int, int] | None = None
    ) -> list[Ranking]:
        """Top-``k`` fused hits per question, no hit inside a better hit's window."""
        pools = self.pools(questions, qvecs, self.candidates, rows)
        return self.rank(questions, qvecs, [[Tier(p, p.fused, p.fused)] for p in pools], k, rows)

    def rank(
        self,
        questions: Sequence[str],
        qvecs: np.ndarray,
        scored: Sequence[Sequence[Tier]],
        k: int,
        rows: tuple[int, int] | None = None,
    ) -> list[Ranking]:
        """Each question's ``k`` hits: its ``scored`` tiers (of the pool every score was computed on) first;
        when hiding repeated sentences leaves fewer than ``k``, the new passages of retrievals twice as
        deep each time, one tier each, below every scored one. Each tier depends on the question alone,
        so a larger ``k`` shows the same first hits with the same scores, and more after them. The shown
        hits' BM25 values are their true scores against the question (``qa.matching``)."""
        k = check_k(k)  # before any tier is read: an empty pool answered k=0 with nothing, a full one all
        lists = [_Listing(self.index.chunks, list(t), k) for t in scored]
        depth, total = self.candidates, rows[1] - rows[0] if rows else int(self.index.vectors.ntotal)
        while depth < min(total, DEEPEST):
            short = [i for i, listing in enumerate(lists) if listing.short]
            if not short:
                break
            depth *= 2
            for i, pool in zip(short, self.pools([questions[i] for i in short], qvecs[short], depth, rows)):
                new = np.flatnonzero(~np.isin(pool.rows, np.concatenate([t.rows for t in lists[i].tiers])))
                if len(new):
                    lists[i].add(Tier(pool, pool.fused, pool.fused, new, scaled=True))
        return keyword_scores(self.index, questions, [listing.ranking() for listing in lists])

    def pools(
        self, questions: Sequence[str], qvecs: np.ndarray, n: int, rows: tuple[int, int] | None = None
    ) -> list[Pool]:
        """Every passage any channel ranks in its top ``n``, scored by all channels and fused.

        ``rows`` = (lo, hi) searches only the passages lo..hi-1 (one document's: a document's passages
        are consecutive rows); every channel is limited before its top-n, so none comes back short.
        """
        check_finite(qvecs, questions)
        index = self.index
        _, d_ids = self._dense(qvecs, n, rows)  # which rows; their scores are recomputed below
        s_ids, s_scores = index.lexical.search(questions, n, rows)
        w_ids, w_scores = index.lexical_window.search(questions, n, rows)
        pools = []
        for qi, question in enumerate(questions):
            found = np.unique(np.concatenate([d_ids[qi], s_ids[qi], w_ids[qi]]))
            found = found[found >= 0].astype(np.int64)
            # every candidate's cosine from its stored vector (``qa.exact.dots``), the dense channel's
            # own hits included: FAISS's score of a hit follows the CPU's kernels and whether questions
            # came in a batch, and the reranker trained on these values must see the same ones here
            dense = dots(index.vectors.reconstruct_batch(found), qvecs[qi]) if len(found) else _NONE
            sent, _ = _gather(found, s_ids[qi], s_scores[qi])
            win, _ = _gather(found, w_ids[qi], w_scores[qi])
            pools.append(self._fuse(question, found, dense, sent, win))
        return pools

    def _fuse(self, question: str, rows: np.ndarray, d: np.ndarray, s: np.ndarray, w: np.ndarray) -> Pool:
        coverage = self.coverage(question)
        if len(rows) == 0:
            return Pool(rows, d, s, w, d, coverage)
        return Pool(rows, d, s, w, self.fusion.fuse(d, s, w, coverage), coverage)


class _Listing:
    """One question's hits, tier after tier, none repeating a sentence a better hit already shows
    (``onscreen.Screen``): a deeper tier goes on where the list stopped, so no tier is selected twice.
    "Meaning" is read against the scored pool in every tier (``by_meaning``)."""

    def __init__(self, chunks: Sequence[Chunk], tiers: list[Tier], k: int) -> None:
        self.screen, self.k = Screen(chunks), k  # k as ``Retriever.rank`` checked it
        self.first = tiers[0].pool  # the scored pool
        self.tiers: list[Tier] = []
        self.hits: list[Hit] = []
        for tier in tiers:
            self.add(tier)

    @property
    def short(self) -> bool:
        """Fewer than ``k`` hits from a pool that had candidates: a deeper retrieval may add some."""
        return len(self.hits) < self.k and len(self.first.rows) > 0

    def add(self, tier: Tier) -> None:
        """Show ``tier``'s candidates below the hits so far, best first, until there are ``k``."""
        self.tiers.append(tier)
        if len(self.hits) == self.k or len(self.first.rows) == 0:
            return
        pool = tier.pool
        at = np.arange(len(pool.rows)) if tier.keep is None else tier.keep
        at = at[np.lexsort((pool.rows[at], -tier.order[at]))]
        meaning = by_meaning(pool.dense, self.first.dense)
        # the score of the last hit above the tier (tier 0 always shows the first one)
        ceiling = self.hits[-1].score if tier.scaled and self.hits else 1.0
        for i in at.tolist():
            row = int(pool.rows[i])
            if not self.screen.show(row):
                continue
            keywords = float(pool.sentence[i]), float(pool.window[i])  # 0s read again by ``keyword_scores``
            self.hits.append(
                Hit(row, float(tier.scores[i]) * ceiling, float(pool.dense[i]), bool(meaning[i]), *keywords)
            )
            if len(self.hits) == self.k:
                break

    def ranking(self) -> Ranking:
        return Ranking(self.hits, float(self.first.dense.max()) if len(self.first.rows) else 0.0)
