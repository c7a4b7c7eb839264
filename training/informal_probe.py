"""Chat-style Indonesian questions asked of the seed document and pustakawan, as the shipped runtime
answers them: answered / abstained / hit@1 / hit@3 per set and kind, and each question's confidence,
reading (what the models read of it, typos corrected) and abstention message.

    python -m training.informal_probe --index-root DIR [--json OUT]

The questions (``data/eval/own/informal_fresh*.jsonl``) were written from how people chat ("ngurusin",
"yg", "ga?", "..., kan?") before any change to how informal words are read, none taken from an evaluation
or training file: a measuring stick for such changes, for reporting only. Indexes are built under ``DIR``.
"""

from __future__ import annotations

from typing import Any

from .data import ROOT
from .probe_sets import Sets
from .probe_sets import main as probe

OWN = ROOT / "data" / "eval" / "own"
SETS: Sets = {
    "seed-informal": (ROOT / "corpus", [(OWN / "informal_fresh.jsonl", None)]),
    "pustakawan-informal": (
        ROOT / "data" / "eval" / "pustakawan" / "corpus",
        [(OWN / "informal_fresh_pustakawan.jsonl", None)],
    ),
}


def main(argv: list[str] | None = None, encoder: Any = None) -> int:
    return probe("python -m training.informal_probe", SETS, argv, encoder)


if __name__ == "__main__":
    raise SystemExit(main())
