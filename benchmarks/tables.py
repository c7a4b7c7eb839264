"""The tables of ``make bench``'s report: each function returns Markdown lines (header and rows)."""

from __future__ import annotations

from typing import Any


def _f(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    return f"{x:,.{digits}f}" if isinstance(x, float) else f"{x:,}" if isinstance(x, int) else str(x)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows]


def _x(ratio: float) -> str:
    return f"{ratio:.2f}×"


def _builds(res: dict) -> list[tuple[str, dict]]:
    out = [(name, e["build"]) for name, e in res["sizes"].items()]
    if "sample_build" in res:
        b = res["sample_build"]
        out.append((f"{b['passages']:,} generated passages, real encoder", b))
    return out


LATENCY = "size|passages|index|bare encoder p50|encode|dense|BM25|fusion + assembly|qa p50|qa p95"
LATENCY += "|baseline p50|baseline p95|qa / encoder, same call|qa / bare encoder, p50s|qa / baseline"
LATENCY += "|BM25 non-zero top-k (what-if)"


def latency_table(res: dict) -> list[str]:
    lat, rows = res["latency"], []
    for name, s in lat["sizes"].items():
        rows.append(
            [name, s["ntotal"], res["sizes"][name]["build"]["faiss"]["type"], lat["encoder_p50_ms"]]
            + [s[f"{k}_p50_ms"] for k in ("encode", "dense", "lexical", "fusion", "total")]
            + [s["total_p95_ms"], s["baseline_p50_ms"], s["baseline_p95_ms"], _x(s["in_call_ratio"])]
            + [_x(s["ratio_to_encoder"]), _x(s["ratio_to_baseline"]), s.get("lexical_nonzero_topk_p50_ms")]
        )
    return _table(LATENCY.split("|"), rows)


def batch_table(res: dict) -> list[str]:
    rows = []
    for size, runs in res["latency"]["batch"].items():
        enc = runs["encoder"]
        for name in res["latency"]["sizes"]:
            qa, base = runs[f"qa:{name}"], runs[f"baseline:{name}"]
            share = runs.get(f"in_call:{name}")
            rows.append(
                [size, name, enc, qa, base, _x(qa / enc), _x(share) if share else "–", _x(base / enc)]
            )
    header = "batch|size|encoder alone|qa ask_many|baseline|qa / encoder, separate runs"
    header += "|encoder's share of ask_many|baseline / encoder"
    return _table(header.split("|"), rows)


def build_table(res: dict) -> list[str]:
    rows = []
    for label, b in _builds(res):
        ph, n = b["phases"], b["passages"]
        raw = n / b["raw_encoder_seconds"] if b.get("raw_encoder_seconds") else None
        base = n / b["baseline_build_seconds"] if b.get("baseline_build_seconds") else None
        label += " (stand-in vectors)" if label in ("10k", "100k") else ""
        rows.append(
            [label, n, b["seconds"], n / b["seconds"]]
            + [ph.get(k, "–") for k in ("chunk", "embed", "faiss", "lexical", "table")]
            + [f"{ph.get('embed', 0) / b['seconds']:.0%}", raw, base, b["peak_rss_mb"]]
        )
    header = "corpus|passages|seconds|passages/s|chunk s|embed s|faiss s|bm25 s|reranker table s|embed share"
    header += "|raw encoder passages/s|baseline build passages/s|peak RSS (MB)"
    return _table(header.split("|"), rows)


def memory_table(res: dict) -> list[str]:
    rows = []
    for name, e in res["sizes"].items():
        c = e["cold"]
        rows.append([name, c.get("qa ask", "–"), c["qa"], c["baseline"], e["rss"]["open_seconds"]])
        rows[-1] += [e["rss"]["peak_rss_mb"], e["baseline_rss"]["peak_rss_mb"]]
    header = "size|`qa ask` (s)|open + first answer (s)|baseline (s)|index open (s)|peak RSS qa (MB)"
    return _table([*header.split("|"), "peak RSS baseline (MB)"], rows)


def ann_table(res: dict) -> list[str]:
    ann = res["ann"]
    efs = list(ann["standin"][0]["hnsw"])
    points = [("stand-in", r) for r in ann["standin"]]
    points += [("real e5 (FacQA)", ann["real"])] if "real" in ann else []
    rows = []
    for label, r in points:
        cells = [f"{r['hnsw'][ef]['p50_ms']:.2f} / {r['hnsw'][ef]['recall10']:.3f}" for ef in efs]
        rows.append([label, r["n"], r["flat_p50_ms"], r["hnsw_build_s"], *cells])
    return _table(["vectors", "n", "exact p50", "HNSW build s", *(f"efSearch {ef}" for ef in efs)], rows)
