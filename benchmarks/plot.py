"""The PNG of ``make bench``: a question's time, batch ratios, exact vs HNSW, incremental builds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

PIECES = [
    ("encode", "query encoding"),
    ("dense", "dense search"),
    ("lexical", "BM25 (2 indexes)"),
    ("fusion", "fusion + assembly"),
]


def _latency(ax: Any, lat: dict) -> None:
    names = list(lat["sizes"])
    bottom = [0.0] * len(names)
    for key, label in PIECES:
        vals = [lat["sizes"][n][f"{key}_p50_ms"] for n in names]
        ax.bar(names, vals, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, vals)]
    base = [lat["sizes"][n]["baseline_p50_ms"] for n in names]
    ax.scatter(names, base, color="black", marker="D", zorder=3, label="baseline p50")
    ax.axhline(lat["encoder_p50_ms"], color="grey", linestyle="--", label="bare encoder p50")
    ax.set_ylabel("ms per question (p50 of each piece)")
    ax.set_title("Warm single question: where the time goes")
    ax.legend(fontsize=8)


def _batch(ax: Any, lat: dict) -> None:
    sizes = sorted(lat["batch"], key=int)
    xs = [int(s) for s in sizes]
    for n in lat["sizes"]:
        share = [lat["batch"][s].get(f"in_call:{n}", float("nan")) for s in sizes]
        (line,) = ax.plot(xs, share, marker="o", label=f"{n}")
        apart = [lat["batch"][s][f"qa:{n}"] / lat["batch"][s]["encoder"] for s in sizes]
        ax.plot(xs, apart, linestyle=":", color=line.get_color(), alpha=0.6)
    ax.axhline(0.9, color="red", linestyle="--", label="target 0.9")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("batch size (questions)")
    ax.set_ylabel("qa throughput / encoder's own")
    ax.set_title("Batch: the encoder's share of ask_many\n(dotted: separate interleaved runs)")
    ax.legend(fontsize=8)


def _ann(ax: Any, ann: list[dict]) -> None:
    ns = [r["n"] for r in ann]
    ax.plot(ns, [r["flat_p50_ms"] for r in ann], marker="o", color="black", label="exact (IndexFlatIP)")
    for ef in ann[0]["hnsw"]:
        recall = ann[-1]["hnsw"][ef]["recall10"]
        label = f"HNSW efSearch {ef} (recall@10 {recall:.3f} at {ns[-1]:,})"
        ax.plot(ns, [r["hnsw"][ef]["p50_ms"] for r in ann], marker=".", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages (stand-in vectors)")
    ax.set_ylabel("ms per question (p50, 50 candidates)")
    ax.set_title("Exact vs HNSW search by corpus size")
    ax.legend(fontsize=7)


def _incremental(ax: Any, res: dict) -> None:
    """Measured incremental builds next to a full build with the real encoder (projected at 10k/100k)."""
    sample = res.get("sample_build")
    rate = sample["passages"] / sample["seconds"] if sample else None
    labels, full, incr, projected = [], [], [], []
    for name, e in res["sizes"].items():
        stand_in = name in ("10k", "100k")
        if stand_in and rate is None:
            continue
        for ed in e.get("incremental", {}).get("edits", []):
            labels.append(f"{name}\n{ed['op']}")
            full.append(e["build"]["passages"] / rate if stand_in else e["build"]["seconds"])
            projected.append(stand_in)
            incr.append(ed["seconds"])
    x = list(range(len(labels)))
    ax.bar([i - 0.2 for i in x], full, width=0.4, color="tab:blue", label="full build, real encoder")
    hatched = [i for i in x if projected[i]]
    ax.bar([i - 0.2 for i in hatched], [full[i] for i in hatched], width=0.4, color="white",
           edgecolor="tab:blue", hatch="//", label="… projected from the sample's throughput")  # fmt: skip
    ax.bar([i + 0.2 for i in x], incr, width=0.4, color="tab:orange", label="incremental build, measured")
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("seconds")
    ax.set_title("Editing one file: incremental vs full build")
    ax.legend(fontsize=8)


def draw(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    _latency(axes[0][0], res["latency"])
    _batch(axes[0][1], res["latency"])
    _ann(axes[1][0], res["ann"]["standin"])
    _incremental(axes[1][1], res)
    fig.suptitle(f"make bench — {res['machine']['cpu']}, {res['machine']['cores']} cores", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
