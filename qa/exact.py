"""Sums and dot products whose float32 result does not depend on the CPU's BLAS kernels.

numpy's OpenBLAS picks its float32 kernels by CPU (AVX-512 here, AVX2 on another machine): the same
``presence @ idf`` or ``vectors @ qvec`` sums in another order and lands one float32 ulp apart. The
reranker's trees split at midpoints of feature values, so one ulp in a training row moved a split and
``make train`` wrote other trees on each machine (docs/quality.md, fifteenth round). Here the products
of two float32 are exact in float64, the sums run in float64 by numpy's own reduction (no BLAS), and
the result is rounded to float32 once: a different order now moves the float64 sum by ~1e-16, which
the rounding to float32 absorbs, and a sum of a question's few IDFs (each a float32) is exact in
float64 whatever the order. Training and the runtime both call these, so both see the same values.
"""

from __future__ import annotations

import numpy as np


def weighted_share(presence: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per row, the share of ``weights`` (one per column) the row's present (non-zero) columns hold:
    float32, the same on every CPU. ``weights`` sum to > 0 (callers handle an empty question)."""
    w = np.asarray(weights, dtype=np.float32).astype(np.float64)
    held = np.where(np.asarray(presence) > 0, w, 0.0).sum(axis=1)
    return (held / max(float(w.sum()), 1e-9)).astype(np.float32)


def dots(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """``matrix @ vector`` (float32 rows against one float32 vector) as float32, the same on every CPU:
    exact float64 products summed by numpy's reduction, then rounded once."""
    m = np.asarray(matrix, dtype=np.float32).astype(np.float64)
    v = np.asarray(vector, dtype=np.float32).astype(np.float64)
    return (m * v).sum(axis=-1).astype(np.float32)
