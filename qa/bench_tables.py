"""The tables of ``qa bench``'s report, one function per table (rows of cells, numbers formatted)."""

from __future__ import annotations

from typing import Any


def _f(x: Any, digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    return f"{x:,.{digits}f}" if isinstance(x, float) else f"{x:,}" if isinstance(x, int) else str(x)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return out + ["| " + " | ".join(_f(c) if not isinstance(c, str) else c for c in r) + " |" for r in rows]


def _builds(res: dict) -> list[tuple[str, dict]]:
    out = [(name, e["build"]) for name, e in res["sizes"].items()]
    if "sample_build" in res:
        out.append(
            (f"{res['sample_build']['passages']:,} generated passages, real encoder", res["sample_build"])
        )
    return out


def latency_rows(res: dict) -> list[list[Any]]:
    lat = res["latency"]
    rows = []
    for name, s in lat["sizes"].items():
        kind = res["sizes"][name]["build"]["faiss"]["type"]
        rows.append(
            [
                name,
                s["ntotal"],
                kind,
                lat["encoder_p50_ms"],
                s["encode_p50_ms"],
                s["dense_p50_ms"],
                s["lexical_p50_ms"],
                s["fusion_p50_ms"],
                s["total_p50_ms"],
                s["total_p95_ms"],
                s["baseline_p50_ms"],
                s["baseline_p95_ms"],
                f"{s['ratio_to_encoder']:.2f}×",
                f"{s['ratio_to_baseline']:.2f}×",
            ]
        )
    return rows


def batch_rows(res: dict) -> list[list[Any]]:
    rows = []
    for size, runs in res["latency"]["batch"].items():
        enc = runs["encoder"]
        for name in res["latency"]["sizes"]:
            qa, base = runs[f"qa:{name}"], runs[f"baseline:{name}"]
            rows.append([size, name, enc, qa, base, f"{qa / enc:.2f}×", f"{base / enc:.2f}×"])
    return rows


def build_rows(res: dict) -> list[list[Any]]:
    rows = []
    for label, b in _builds(res):
        ph, n = b["phases"], b["passages"]
        raw = n / b["raw_encoder_seconds"] if b.get("raw_encoder_seconds") else None
        base = n / b["baseline_build_seconds"] if b.get("baseline_build_seconds") else None
        standin = label in ("10k", "100k")
        rows.append(
            [
                label + (" (stand-in vectors)" if standin else ""),
                n,
                b["seconds"],
                n / b["seconds"],
                ph.get("chunk"),
                ph.get("embed"),
                ph.get("faiss"),
                ph.get("lexical"),
                f"{ph.get('embed', 0) / b['seconds']:.0%}",
                raw,
                base,
                b["peak_rss_mb"],
            ]
        )
    return rows


def memory_rows(res: dict) -> list[list[Any]]:
    rows = []
    for name, e in res["sizes"].items():
        c = e["cold"]
        rows.append(
            [
                name,
                c.get("qa ask", "–"),
                c["qa"],
                c["baseline"],
                e["rss"]["open_seconds"],
                e["rss"]["peak_rss_mb"],
                e["baseline_rss"]["peak_rss_mb"],
            ]
        )
    return rows


def ann_rows(res: dict) -> list[list[Any]]:
    ann = res["ann"]
    efs = list(ann["standin"][0]["hnsw"])
    rows = []
    points = [("stand-in", r) for r in ann["standin"]] + (
        [("real e5 (FacQA)", ann["real"])] if "real" in ann else []
    )
    for label, r in points:
        cells = [f"{r['hnsw'][ef]['p50_ms']:.2f} / {r['hnsw'][ef]['recall10']:.3f}" for ef in efs]
        rows.append([label, r["n"], r["flat_p50_ms"], r["hnsw_build_s"], *cells])
    return rows
