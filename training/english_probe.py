"""English questions asked of the seed document and pustakawan, as the runtime answers them (fourteenth
round, docs/quality.md): answered / abstained / hit@1 / hit@3 per set and kind, and each question's
confidence (``training.probe_sets`` asks and counts).

    python -m training.english_probe --index-root DIR [--json OUT]

The fresh questions (``data/eval/own/english_fresh.jsonl``, written for the round, none from an evaluation
or training file) and the English questions of the evaluation files; indexes built under ``DIR``.
"""

from __future__ import annotations

from .data import ROOT
from .probe_sets import Sets
from .probe_sets import main as probe

EVAL = ROOT / "data" / "eval"
SETS: Sets = {
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


def in_english(assistant, question: str) -> bool:
    """Only the questions the runtime reads as English (the evaluation files mix languages)."""
    from qa.answer import written_in_another_language

    return written_in_another_language(question, assistant.index.lexical.query_terms(question))


def main(argv: list[str] | None = None) -> int:
    return probe("python -m training.english_probe", SETS, argv, keep=in_english)


if __name__ == "__main__":
    raise SystemExit(main())
