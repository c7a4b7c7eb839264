"""Ablation of the retrieval choices on the dev set and on FacQA (figures for docs/quality.md).

Usage: python scripts/ablation.py [--facqa-index DIR] [--out docs/ablation.json]
Builds (or reuses) one index per corpus with the default settings, then swaps only the fusion
settings of the loaded retriever, so every row is measured on the same vectors and BM25 arrays.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from qa.assistant import Assistant
from qa.config import Settings
from qa.evaluation import evaluate, read_jsonl
from qa.retrieval import FusionSettings

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "eval"
DEFAULT = FusionSettings()
ROWS = {
    "dense only": FusionSettings(dense_weight=1.0),
    "BM25 sentence only": FusionSettings(dense_weight=0.0, window_weight=0.0, coverage_knee=0),
    "BM25 sentence + window": FusionSettings(dense_weight=0.0, coverage_knee=0),
    "RRF dense + BM25 sentence (k=60)": FusionSettings(method="rrf", window_weight=0.0, coverage_knee=0),
    "RRF dense + BM25 sentence + window": FusionSettings(method="rrf", coverage_knee=0),
    "convex, no window BM25": replace(DEFAULT, window_weight=0.0),
    "convex, no coverage weighting": replace(DEFAULT, coverage_knee=0),
    "convex, dense weight 0.3": replace(DEFAULT, dense_weight=0.3),
    "convex, dense weight 0.7": replace(DEFAULT, dense_weight=0.7),
    "convex (default: dense 0.5, window 0.5, knee 0.5)": DEFAULT,
}


def run(assistant: Assistant, labelled, offtopic) -> dict[str, dict]:
    table = {}
    for name, fusion in ROWS.items():
        assistant.retriever.fusion = fusion
        r = evaluate(assistant, labelled, offtopic, k=3)
        table[name] = {k: round(v, 3) for k, v in r.items() if isinstance(v, float) and k != "threshold"}
        print(f"{name:52s} " + "  ".join(f"{k} {v}" for k, v in table[name].items()), file=sys.stderr)
    assistant.retriever.fusion = DEFAULT
    return table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dev-index", default="/tmp/qa-ablation/dev")
    ap.add_argument("--facqa-index", default="/tmp/qa-ablation/facqa")
    ap.add_argument("--out", default=str(ROOT / "docs" / "ablation.json"))
    args = ap.parse_args()
    results = {}
    dev = Assistant(Settings(corpus_dir=ROOT / "corpus", index_dir=Path(args.dev_index)))
    results["dev"] = run(
        dev, read_jsonl(EVAL / "dev_questions.jsonl", True), read_jsonl(EVAL / "dev_offtopic.jsonl", False)
    )
    facqa = Assistant(Settings(corpus_dir=EVAL / "facqa" / "corpus", index_dir=Path(args.facqa_index)))
    results["facqa"] = run(facqa, read_jsonl(EVAL / "facqa" / "questions_valid.jsonl", True), None)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
