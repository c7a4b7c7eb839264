"""Adapters that give a Milvus collection the methods the ``Retriever`` calls on a local index.

``MilvusVectors`` answers ``search`` and ``reconstruct_batch`` like a FAISS index (cosine scores, ties
broken by row, as locally); the keyword channels are ``qa.milvus.keywords``. Also the reads of a
collection's rows and the errors of a read that failed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..chunking import Chunk
from ..errors import IndexCorruptError, IndexError_
from .reach import failures, refused, silent

PAGE = 4096  # rows per query when reading a collection (well under Milvus's 16384 limit)
# Seconds one call may take, retries included. Without them a server that stopped answering (a frozen
# process, a dropped network) cost about 80 s per question in pymilvus's retries before any error.
QUESTION_TIMEOUT = 10.0  # a search or a fetch for one question's candidates: milliseconds when healthy
READ_TIMEOUT = 60.0  # one page of rows read when the index opens


def unreadable(collection: str, exc: BaseException) -> IndexError_:
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


def row_filter(rows: tuple[int, int] | None) -> str:
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
        raise unreadable(collection, exc) from None
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
                filter=row_filter(rows),
                limit=k,
                search_params=params,
                output_fields=["row"],
                timeout=QUESTION_TIMEOUT,
            )
        except failures() as exc:
            raise unreadable(self.collection, exc) from None
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
            raise unreadable(self.collection, exc) from None
        by_row = {int(g["row"]): g["vector"] for g in got}
        if len(by_row) != len(set(wanted)):
            raise unreadable(self.collection, KeyError("rows missing"))
        return np.asarray([by_row[r] for r in wanted], dtype=np.float32)
