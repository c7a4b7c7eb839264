"""Warm ``ask`` against the bare query encoding on a file of questions, side by side in one run.

    python -m benchmarks.question_sets [FILE ...]   # default: the informal and English fresh sets

A question set exercises paths the benchmark's generated questions do not: chat verbs read as the
corpus's (``qa.chat_verbs``), the affix reader of an abstention message (``qa.wordlist``), an English
question's dictionary reading. Each question is encoded alone and then asked, alternately, ``PASSES``
times over the seed document; the ratio of the medians is the figure docs/benchmarks.md reports.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from qa.labelled import read_jsonl

from .common import ROOT

PASSES = 5
SETS = ("data/eval/own/informal_fresh.jsonl", "data/eval/own/english_fresh.jsonl")


def measure(questions: list[str], index: Path) -> dict:
    """Medians of the bare encoding and of the warm ``ask`` of each question, and their ratio."""
    from qa.assistant import Assistant
    from qa.config import Settings

    assistant = Assistant(Settings(corpus_dir=ROOT / "corpus", index_dir=index), log=lambda _: None)
    encoder = assistant.encoder
    for q in questions:  # warm: every lazy table and dictionary a question of the set reaches is loaded
        assistant.ask(q)
    bare, ask = [], []
    for _ in range(PASSES):
        for q in questions:
            start = time.perf_counter()
            encoder.encode_queries([q])
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            assistant.ask(q)
            ask.append(time.perf_counter() - start)
    b, a = statistics.median(bare), statistics.median(ask)
    return {"questions": len(questions), "bare_p50_ms": b * 1e3, "ask_p50_ms": a * 1e3, "ratio_p50": a / b}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.question_sets")
    ap.add_argument("files", nargs="*", type=Path, default=[ROOT / s for s in SETS])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.files:
            questions = [q.question for q in read_jsonl(path, need_expected=False)]  # as qa eval reads it
            print(json.dumps({"set": path.name, **measure(questions, Path(tmp) / "index")}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
