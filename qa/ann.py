"""Which FAISS index holds the passage vectors: exact below a measured size, HNSW above it.

Exact inner-product search costs O(passages) per question, and from about 10k vectors faiss (1.15)
splits a single question's scan over its OpenMP threads: on free cores that is ~0.6 ms at 10k and
15-20 ms at 100k, but on busy cores each of those parallel scans waits ~15 ms for the second thread
to be scheduled. An HNSW graph searches one question in one thread, in about a millisecond even at
100k, with recall@10 against exact search >= 0.99 (measured by ``make bench``; docs/benchmarks.md).
Both index types support ``reconstruct``, which the retriever uses for the cosine of candidates only
the keyword channel found, and which an incremental build uses to reuse the vectors of sentences it
already embedded. faiss is imported lazily (the CLI starts fast).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# Up to here exact search stays single-threaded and under ~0.3 ms; above, HNSW is as fast or faster
# and recall@10 is 1.000 up to 20k passages (benchmarks.md), so exactness costs nothing to give up.
FLAT_MAX = 5_000
# M=32 links per node, built with efConstruction=40 and searched with efSearch=256: recall@10 0.99 on
# 100k stand-in vectors at under 2 ms; efSearch is raised to k when a caller asks for more than it.
HNSW_PARAMS = {"M": 32, "efConstruction": 40, "efSearch": 256}
# What decides the index type; recorded in the manifest and part of its staleness check, so a change
# here rebuilds the FAISS index on the next start (vectors are reused, nothing is re-embedded).
POLICY: dict[str, Any] = {"version": 1, "flat_max": FLAT_MAX, "hnsw": HNSW_PARAMS}


def build_vector_index(vectors: np.ndarray, policy: dict | None = None) -> tuple[Any, dict]:
    """A FAISS inner-product index over ``vectors`` and its manifest description."""
    import faiss

    policy = POLICY if policy is None else policy
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    index: faiss.Index
    if n <= policy["flat_max"]:
        index = faiss.IndexFlatIP(dim)
        params: dict = {}
    else:
        params = dict(policy["hnsw"])
        graph = faiss.IndexHNSWFlat(dim, params["M"], faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = params["efConstruction"]
        graph.hnsw.efSearch = params["efSearch"]
        index = graph
    index.add(vectors)
    description = {
        "type": type(index).__name__,
        "metric": "inner_product",
        "ntotal": int(index.ntotal),
        "params": params,
        "policy": policy,
    }
    return index, description


def all_vectors(index: Any) -> np.ndarray:
    """Every stored vector, in row order (flat and HNSW-flat indexes keep them exactly)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.ascontiguousarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)
