"""Label audit of ``facqa_unanswerable/``: "unanswerable" questions whose answer *is* in the half corpus.

The held-out set calls a question unanswerable when its expected phrase is not in the indexed half. FacQA
holds some paragraphs twice with different spacing ("94,8 persen" / "94, 8 persen"), one copy in each
half, so a few of those questions are answered, verbatim but for spaces, by the half that was indexed.
The same rule, whitespace aside, labels our own training negatives (``training/dataset.py``). The
official figures stay as labelled; this names the questions and gives the figures with them counted as
answerable, so a reader can tell the model's errors from the set's. ``python -m training.audit``.
"""

from __future__ import annotations

import sys

from .data import ROOT, read_questions, spaceless

HALF = ROOT / "data/eval/facqa_unanswerable"
VALID = ROOT / "data/eval/facqa/questions_valid.jsonl"


def answered_in_corpus(questions: list[str], expected: dict[str, list[str]], corpus: str) -> list[str]:
    """The ``questions`` (labelled unanswerable) with an ``expected`` phrase in ``corpus``, whitespace and
    case aside; a question without labelled phrases is never named."""
    text = spaceless(corpus)
    return [q for q in questions if any(spaceless(e) in text for e in expected.get(q, []) if e.strip())]


def spacing_duplicates() -> list[str]:
    """The questions of ``unanswerable_valid.jsonl`` answered by the half corpus but for spacing."""
    expected = {q.question: q.expected for q in read_questions(VALID)}
    negatives = [q.question for q in read_questions(HALF / "unanswerable_valid.jsonl")]
    corpus = "\n".join(p.read_text(encoding="utf-8") for p in sorted((HALF / "corpus").glob("*.txt")))
    return answered_in_corpus(negatives, expected, corpus)


def main() -> int:
    found = spacing_duplicates()
    print(f"{len(found)} 'unanswerable' questions answered by the half corpus, whitespace aside:")
    for q in found:
        print(f"- {q}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
