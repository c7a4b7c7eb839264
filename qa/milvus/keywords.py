"""The keyword channels of a Milvus collection, answering what the ``Retriever`` asks of a local BM25 index.

``MilvusLexical`` answers ``search``, ``score_rows``, ``query_terms`` and ``term_postings`` like
``qa.lexical.LexicalIndex``. BM25 runs in the engine (a function over the collection's ``sentence_bm25``
and ``window_bm25`` fields, its statistics in the collection); its score is divided by ``k1 + 1``, since
Milvus uses the textbook term weight ``tf(k1+1)/(tf+K)`` and bm25s's Lucene variant drops the constant
factor. Ties are broken by row, as locally.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from typing import Any

import numpy as np

from ..analysis import tokenize
from ..shared_channel import SharesStems
from .adapters import PAGE, QUESTION_TIMEOUT, row_filter, unreadable
from .reach import failures
from .schema import engine_text, text_terms

# Questions per engine search when scoring shown rows. Each search returns, for each of its questions, every
# row of the group's union holding its words (a filter is one per search), so one search for a batch grew
# with its size squared; a search per question pays the engine's per-call cost (Milvus Lite walks every
# row, docs/scaling.md) each time.
GROUP = 16


class MilvusLexical(SharesStems):
    """One BM25 channel (``field`` is "sentence" or "window") scored by the engine."""

    def __init__(
        self,
        client: Any,
        collection: str,
        field: str,
        texts: Sequence[str],
        k1: float,
    ) -> None:
        """``texts``: the engine texts of rows 0..n-1, read at open (or just written by a build)."""
        self.client, self.collection, self.field = client, collection, field
        self._num_docs, self.k1 = len(texts), k1
        self._texts = texts

    @cached_property
    def _postings(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """Made at the first search (``warm`` at open; ``qa info``'s read-only open never searches)."""
        return postings(self._texts)

    @property
    def _vocab_set(self) -> AbstractSet[str]:
        """The vocabulary's terms, asked only whether a term is in it: a view of the postings' keys (no
        copy), where the term -> id dict itself was handed out."""
        return self._postings[0].keys()

    def __len__(self) -> int:
        return self._num_docs

    def query_terms(self, query: str) -> list[str]:
        """The query's stems that exist in the collection's vocabulary (deduplicated, in order)."""
        return [t for t in dict.fromkeys(tokenize(query)) if t in self._vocab_set]

    def warm(self) -> None:
        """One search, so the engine builds its structures now rather than on the first question."""
        if self._vocab_set:
            self.search([min(self._vocab_set)], 1)

    def search(
        self, queries: Sequence[str], k: int, rows: tuple[int, int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids int64, scores float32) per query, best first, padded with -1/0; among the rows
        lo..hi-1 only when ``rows`` is given."""
        k = max(int(k), 0)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.zeros((len(queries), k), dtype=np.float32)
        texts = [engine_text(q) for q in queries]
        asked = [i for i, t in enumerate(texts) if t and any(w in self._vocab_set for w in text_terms(t))]
        kk = min(k, self._num_docs if rows is None else rows[1] - rows[0])
        if not asked or kk <= 0:
            return ids, scores
        try:
            hits = self.client.search(
                self.collection,
                data=[texts[i] for i in asked],
                anns_field=f"{self.field}_bm25",
                filter=row_filter(rows),
                limit=kk,
                search_params={"metric_type": "BM25"},
                output_fields=["row"],
                timeout=QUESTION_TIMEOUT,
            )
        except failures() as exc:
            raise unreadable(self.collection, exc) from None
        for qi, found in zip(asked, hits):
            pairs = sorted(
                ((abs(float(h["distance"])) / (self.k1 + 1), int(h["row"])) for h in found),
                key=lambda p: (-p[0], p[1]),
            )
            pairs = [p for p in pairs if p[0] > 0][:kk]
            for j, (s, r) in enumerate(pairs):
                ids[qi, j], scores[qi, j] = r, s
        return ids, scores

    def score_rows(self, queries: Sequence[str], rows: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Each query's BM25 of the rows ``rows[i]`` (float32, 0 where none of its terms is), as
        ``LexicalIndex.score_rows``: the engine's own scores (its statistics live in the collection), from
        one search per ``GROUP`` questions limited to their rows that hold one of their terms (the
        postings read at open tell which: none, no search)."""
        texts = [engine_text(q) for q in queries]
        holding = [self._holding(t, np.asarray(r, dtype=np.int64)) for t, r in zip(texts, rows, strict=True)]
        asked = [i for i, held in enumerate(holding) if len(held)]
        scores: list[dict[int, float]] = [{} for _ in rows]
        for g in range(0, len(asked), GROUP):
            group = asked[g : g + GROUP]
            union = np.unique(np.concatenate([holding[i] for i in group]))
            for lo in range(0, len(union), PAGE):
                part = union[lo : lo + PAGE].tolist()
                found = self._engine_search([texts[i] for i in group], part)
                for i, hits in zip(group, found, strict=True):
                    scores[i].update((int(h["row"]), abs(float(h["distance"])) / (self.k1 + 1)) for h in hits)
        return [np.array([s.get(int(r), 0.0) for r in rs], dtype=np.float32) for s, rs in zip(scores, rows)]

    def _engine_search(self, texts: list[str], part: list[int]) -> list:
        """Every row of ``part`` holding a word of each text, with the engine's BM25."""
        try:
            return self.client.search(
                self.collection,
                data=texts,
                anns_field=f"{self.field}_bm25",
                filter=f"row in {part}",
                limit=len(part),
                search_params={"metric_type": "BM25"},
                output_fields=["row"],
                timeout=QUESTION_TIMEOUT,
            )
        except failures() as exc:
            raise unreadable(self.collection, exc) from None

    def _holding(self, text: str, rows: np.ndarray) -> np.ndarray:
        """Those of ``rows`` whose text holds a term of the engine text ``text``."""
        vocab, ids, ptr = self._postings
        held = np.zeros(len(rows), dtype=bool)
        for t in (vocab[w] for w in dict.fromkeys(text_terms(text)) if w in vocab):
            docs = ids[ptr[t] : ptr[t + 1]]  # ascending
            held |= docs.take(docs.searchsorted(rows), mode="clip") == rows
        return rows[held]

    def term_postings(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """(vocabulary, row ids, term pointers), as ``LexicalIndex.term_postings``: made from the texts
        read at open, so the reranker's tables cost no second pass over the collection."""
        return self._postings


def postings(texts: Sequence[str]) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """(vocabulary, row ids sorted by term then row, term pointers) of the engine texts of rows 0..n-1."""
    vocab: dict[str, int] = {}
    pairs = [
        (vocab.setdefault(t, len(vocab)), row)
        for row, text in enumerate(texts)
        for t in dict.fromkeys(text_terms(text))
    ]
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    arr = arr[np.lexsort((arr[:, 1], arr[:, 0]))]
    indptr = np.searchsorted(arr[:, 0], np.arange(len(vocab) + 1)).astype(np.int64)
    return vocab, arr[:, 1].astype(np.int32), indptr
