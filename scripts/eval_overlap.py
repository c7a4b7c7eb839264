"""Flag hand-written training questions whose wording comes close to an evaluation question.

``python -m scripts.eval_overlap data/train/chat/seed_chat.jsonl`` compares each question's stems
(``qa.analysis.tokenize``) with every question of ``data/eval/**/*.jsonl`` (and of any ``--eval-root``)
and prints only the training questions that come close (Jaccard >= 0.5, or three quarters of their stems in
one evaluation question), never the evaluation questions themselves: the writer rewords from their own
question without reading the held-out one (data/train/README.md).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.analysis import tokenize

ROOT = Path(__file__).resolve().parents[1]
EVAL_ROOTS = (ROOT / "data" / "eval",)
JACCARD = 0.5
CONTAINED = 0.75


def questions(path: Path) -> list[str]:
    """The ``question`` of each JSON line of ``path`` (other lines skipped)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("question"), str):
            out.append(obj["question"])
    return out


def eval_stems(roots: list[Path]) -> list[set[str]]:
    """The stem sets of every question under ``roots`` (a missing root holds none)."""
    found = [
        set(tokenize(q))
        for r in roots
        if r.exists()
        for p in sorted(r.rglob("*.jsonl"))
        for q in questions(p)
    ]
    return [s for s in found if s]


def close(ours: list[str], evals: list[set[str]]) -> list[tuple[str, float, float]]:
    """(question, Jaccard, contained share) of each of ``ours`` that comes close to one of ``evals``."""
    out = []
    for q in ours:
        s = set(tokenize(q))
        if not s or not evals:
            continue
        jac, cont = max((len(s & e) / len(s | e), len(s & e) / len(s)) for e in evals)
        if jac >= JACCARD or (cont >= CONTAINED and len(s) >= 2):
            out.append((q, jac, cont))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.eval_overlap")
    ap.add_argument("file", type=Path, help="a JSON Lines file of training questions")
    ap.add_argument("--eval-root", type=Path, action="append", help="default: data/eval")
    args = ap.parse_args(argv)
    evals = eval_stems(args.eval_root or list(EVAL_ROOTS))
    ours = questions(args.file)
    flagged = close(ours, evals)
    for q, jac, cont in flagged:
        print(f"jaccard {jac:.2f} contained {cont:.2f}: {q}")
    print(f"{len(flagged)} of {len(ours)} questions flagged against {len(evals)} evaluation questions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
