"""Flag hand-written training questions whose wording comes close to an evaluation question.

``python -m scripts.eval_overlap data/train/seed_chat.jsonl`` compares each question's stems
(``qa.analysis.tokenize``) with every question of ``data/eval/**/*.jsonl`` and ``../shared/eval`` and
prints only the training questions that come close (Jaccard >= 0.5, or three quarters of their stems in
one evaluation question), never the evaluation questions themselves: the writer rewords from their own
question without reading the held-out one (data/train/README.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.analysis import tokenize

ROOT = Path(__file__).resolve().parents[1]
JACCARD = 0.5
CONTAINED = 0.75


def _questions(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("question"), str):
            out.append(obj["question"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.eval_overlap")
    ap.add_argument("file", type=Path, help="a JSON Lines file of training questions")
    args = ap.parse_args(argv)
    roots = [ROOT / "data" / "eval", ROOT.parent / "shared" / "eval"]
    evals = [
        set(tokenize(q))
        for r in roots
        if r.exists()
        for p in sorted(r.rglob("*.jsonl"))
        for q in _questions(p)
    ]
    evals = [e for e in evals if e]
    ours = _questions(args.file)
    flagged = 0
    for q in ours:
        s = set(tokenize(q))
        if not s:
            continue
        jac, cont = max((len(s & e) / len(s | e), len(s & e) / len(s)) for e in evals)
        if jac >= JACCARD or (cont >= CONTAINED and len(s) >= 2):
            flagged += 1
            print(f"jaccard {jac:.2f} contained {cont:.2f}: {q}")
    print(f"{flagged} of {len(ours)} questions flagged against {len(evals)} evaluation questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
