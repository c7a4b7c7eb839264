"""The PNG of ``qa bench``: where a question's time goes, batch ratios, exact vs HNSW, incremental builds."""

from __future__ import annotations

from pathlib import Path

PIECES = [
    ("encode", "query encoding"),
    ("dense", "dense search"),
    ("lexical", "BM25 (2 indexes)"),
    ("fusion", "fusion + assembly"),
]


def draw(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
    lat = res["latency"]
    names = list(lat["sizes"])

    ax = axes[0][0]
    bottom = [0.0] * len(names)
    for key, label in PIECES:
        vals = [lat["sizes"][n][f"{key}_p50_ms"] for n in names]
        ax.bar(names, vals, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.scatter(
        names,
        [lat["sizes"][n]["baseline_p50_ms"] for n in names],
        color="black",
        marker="D",
        zorder=3,
        label="baseline p50",
    )
    ax.axhline(lat["encoder_p50_ms"], color="grey", linestyle="--", label="bare encoder p50")
    ax.set_ylabel("ms per question (p50 of each piece)")
    ax.set_title("Warm single question: where the time goes")
    ax.legend(fontsize=8)

    ax = axes[0][1]
    sizes = sorted(lat["batch"], key=int)
    for n in names:
        ax.plot(
            [int(s) for s in sizes],
            [lat["batch"][s][f"qa:{n}"] / lat["batch"][s]["encoder"] for s in sizes],
            marker="o",
            label=f"qa, {n}",
        )
    ax.axhline(0.9, color="red", linestyle=":", label="target 0.9")
    ax.set_xscale("log", base=2)
    ax.set_xlabel("batch size (questions)")
    ax.set_ylabel("throughput / encoder's own")
    ax.set_title("Batch throughput relative to the encoder alone")
    ax.legend(fontsize=8)

    ax = axes[1][0]
    ann = res["ann"]["standin"]
    ns = [r["n"] for r in ann]
    ax.plot(ns, [r["flat_p50_ms"] for r in ann], marker="o", color="black", label="exact (IndexFlatIP)")
    for ef in ann[0]["hnsw"]:
        ax.plot(
            ns,
            [r["hnsw"][ef]["p50_ms"] for r in ann],
            marker=".",
            label=f"HNSW efSearch {ef} (recall@10 {ann[-1]['hnsw'][ef]['recall10']:.3f} at {ns[-1]:,})",
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages")
    ax.set_ylabel("ms per question (p50, 50 candidates)")
    ax.set_title("Exact vs HNSW search by corpus size")
    ax.legend(fontsize=7)

    ax = axes[1][1]
    labels, full, incr = [], [], []
    for name, e in res["sizes"].items():
        for ed in e.get("incremental", {}).get("edits", []):
            labels.append(f"{name}\n{ed['op']}")
            full.append(e["build"]["seconds"])
            incr.append(ed["seconds"])
    x = range(len(labels))
    ax.bar([i - 0.2 for i in x], full, width=0.4, label="full build (stand-in vectors at 10k/100k)")
    ax.bar([i + 0.2 for i in x], incr, width=0.4, label="incremental build")
    ax.set_xticks(list(x), labels, fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("seconds")
    ax.set_title("Editing one file: incremental vs full build")
    ax.legend(fontsize=8)

    fig.suptitle(f"qa bench — {res['machine']['cpu']}, {res['machine']['cores']} cores", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
