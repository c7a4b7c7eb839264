"""Adapters that give a Milvus collection the methods the ``Retriever`` calls on a local index.

``MilvusVectors`` answers ``search`` and ``reconstruct_batch`` like a FAISS index; ``MilvusLexical``
answers ``search``, ``query_terms`` and ``term_postings`` like ``qa.lexical.LexicalIndex``. Scores are
the local ones: cosine for the dense channel; for BM25 the engine's score divided by ``k1 + 1``, since
Milvus uses the textbook term weight ``tf(k1+1)/(tf+K)`` and bm25s's Lucene variant drops the
constant factor. Ties are broken by row, as locally.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from ..analysis import tokenize
from ..chunking import Chunk
from ..errors import IndexCorruptError, IndexError_
from .reach import failures, refused, silent
from .schema import engine_text, text_terms

PAGE = 4096  # rows per query when reading a collection (well under Milvus's 16384 limit)
# Seconds one call may take, retries included. Without them a server that stopped answering (a frozen
# process, a dropped network) cost about 80 s per question in pymilvus's retries before any error.
QUESTION_TIMEOUT = 10.0  # a search or a fetch for one question's candidates: milliseconds when healthy
READ_TIMEOUT = 60.0  # one page of rows read when the index opens


def _missing(collection: str, exc: BaseException) -> IndexError_:
    """Why a read failed: a server that stopped answering, or refused this user, is not a damaged or
    replaced collection."""
    said = refused(exc, "the Milvus server")
    if said is not None:
        return said
    unanswered, message = silent(exc)
    if unanswered:
        return IndexError_(
            f"the Milvus server does not answer (reading {collection}): {message}",
            "check that it runs and is reachable, then ask again",
        )
    return IndexCorruptError(
        f"the Milvus collection {collection} cannot be read: {message}",
        "it may have been replaced by a newer build: ask again (a running qa serve opens the new build "
        "within seconds; other commands open it when run again)",
    )


def _row_filter(rows: tuple[int, int] | None) -> str:
    return "" if rows is None else f"row >= {int(rows[0])} and row < {int(rows[1])}"


def read_rows(client: Any, collection: str, n: int, fields: Sequence[str]) -> list[dict]:
    """Every row of a build, in row order, with the given fields."""
    rows: list[dict] = []
    try:
        for lo in range(0, n, PAGE):
            hi = min(n, lo + PAGE)
            page = client.query(
                collection,
                filter=f"row >= {lo} and row < {hi}",
                output_fields=["row", *fields],
                limit=hi - lo,
                timeout=READ_TIMEOUT,
            )
            rows += sorted(page, key=lambda r: r["row"])
    except failures() as exc:
        raise _missing(collection, exc) from None
    if [r["row"] for r in rows] != list(range(n)):
        raise IndexCorruptError(
            f"the Milvus collection {collection} does not hold rows 0..{n - 1}",
            "rebuild it with: qa index --force",
        )
    return rows


def read_chunks(rows: list[dict]) -> list[Chunk]:
    try:
        return [Chunk.from_dict(json.loads(r["chunk"])) for r in rows]
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(
            f"a stored chunk cannot be read: {exc}", "rebuild it with: qa index --force"
        ) from None


class MilvusVectors:
    """The dense channel: inner-product search over the collection's vector field."""

    def __init__(self, client: Any, collection: str, ntotal: int, dim: int, search_params: dict) -> None:
        self.client, self.collection, self.ntotal, self.d = client, collection, ntotal, dim
        self.search_params = search_params

    def search(self, qvecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, rows) per question, as ``faiss.Index.search``."""
        return self.search_rows(qvecs, k, None)

    def search_rows(
        self, qvecs: np.ndarray, k: int, rows: tuple[int, int] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k among the rows lo..hi-1 only when ``rows`` is given (one document's passages)."""
        k = max(0, min(int(k), self.ntotal if rows is None else rows[1] - rows[0]))
        scores = np.full((len(qvecs), k), -np.inf, dtype=np.float32)
        ids = np.full((len(qvecs), k), -1, dtype=np.int64)
        if k == 0 or len(qvecs) == 0:
            return scores, ids
        inner = dict(self.search_params)
        if "ef" in inner:
            inner["ef"] = max(inner["ef"], k)
        params = {"metric_type": "IP", "params": inner}
        try:
            hits = self.client.search(
                self.collection,
                data=np.asarray(qvecs, np.float32).tolist(),
                anns_field="vector",
                filter=_row_filter(rows),
                limit=k,
                search_params=params,
                output_fields=["row"],
                timeout=QUESTION_TIMEOUT,
            )
        except failures() as exc:
            raise _missing(self.collection, exc) from None
        for qi, found in enumerate(hits):
            for j, h in enumerate(found[:k]):
                ids[qi, j], scores[qi, j] = int(h["row"]), float(h["distance"])
        return scores, ids

    def reconstruct_batch(self, rows: Sequence[int] | np.ndarray) -> np.ndarray:
        wanted = [int(r) for r in rows]
        if not wanted:
            return np.zeros((0, self.d), dtype=np.float32)
        try:
            got = self.client.get(
                self.collection, ids=sorted(set(wanted)), output_fields=["vector"], timeout=QUESTION_TIMEOUT
            )
        except failures() as exc:
            raise _missing(self.collection, exc) from None
        by_row = {int(g["row"]): g["vector"] for g in got}
        if len(by_row) != len(set(wanted)):
            raise _missing(self.collection, KeyError("rows missing"))
        return np.asarray([by_row[r] for r in wanted], dtype=np.float32)


class MilvusLexical:
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
    def _vocab_set(self) -> dict[str, int]:
        return self._postings[0]  # term -> id; only membership is asked of it here

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
                filter=_row_filter(rows),
                limit=kk,
                search_params={"metric_type": "BM25"},
                output_fields=["row"],
                timeout=QUESTION_TIMEOUT,
            )
        except failures() as exc:
            raise _missing(self.collection, exc) from None
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
        one search for all the questions limited to the rows that hold one of their terms (the postings
        read at open tell which: none, no search)."""
        texts = [engine_text(q) for q in queries]
        holding = [self._holding(text, np.asarray(r, dtype=np.int64)) for text, r in zip(texts, rows)]
        asked = [i for i, held in enumerate(holding) if len(held)]
        wanted = sorted({int(r) for i in asked for r in holding[i]})
        scores: list[dict[int, float]] = [{} for _ in rows]
        for lo in range(0, len(wanted), PAGE):
            part = wanted[lo : lo + PAGE]
            try:
                hits = self.client.search(
                    self.collection,
                    data=[texts[i] for i in asked],
                    anns_field=f"{self.field}_bm25",
                    filter=f"row in {part}",
                    limit=len(part),
                    search_params={"metric_type": "BM25"},
                    output_fields=["row"],
                    timeout=QUESTION_TIMEOUT,
                )
            except failures() as exc:
                raise _missing(self.collection, exc) from None
            for i, found in zip(asked, hits):
                scores[i].update((int(h["row"]), abs(float(h["distance"])) / (self.k1 + 1)) for h in found)
        return [np.array([s.get(int(r), 0.0) for r in rs], dtype=np.float32) for s, rs in zip(scores, rows)]

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
