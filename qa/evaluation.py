"""``qa eval`` and ``qa calibrate``: retrieval quality, abstention, and the threshold that balances them.

A labelled question is a hit at rank r when the r-th passage contains one of its ``expected`` phrases
(case-insensitive); a *sentence* hit when the top passage's own sentence does. Three kinds of question
are measured apart, because one number hides the failure that matters: answerable ones should be
answered, off-topic ones and on-topic-but-unanswerable ones should make the assistant abstain, and
content-free ones ("-", "apa itu?") should never be answered. The report is built in ``eval_report``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .eval_report import format_report
from .labelled import Labelled, read_jsonl

if TYPE_CHECKING:
    from .answer import Result
    from .assistant import Assistant

__all__ = ["Labelled", "auroc", "calibrate", "evaluate", "first_hit", "format_report", "read_jsonl"]

KINDS = ("offtopic", "unanswerable")  # the two kinds that should abstain (the negatives of the AUROC)


def _contains(text: str, expected: list[str]) -> bool:
    low = text.lower()
    return any(e.lower() in low for e in expected)


def first_hit(result: Result, expected: list[str]) -> int | None:
    """1-based rank of the first passage containing an expected phrase, or None."""
    return next((p.rank for p in result.passages if _contains(p.text, expected)), None)


def sentence_hit(result: Result, expected: list[str]) -> bool:
    """Whether the top passage's own sentence (not only its window) holds an expected phrase."""
    if not result.passages:
        return False
    p = result.passages[0]
    return _contains(p.text[p.sentence_start : p.sentence_end], expected)


def _ndcg(result: Result, expected: list[str], k: int) -> float:
    rel = [1.0 if _contains(p.text, expected) else 0.0 for p in result.passages[:k]]
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel))
    ideal = sum(1 / math.log2(i + 2) for i in range(int(sum(rel))))
    return dcg / ideal if ideal else 0.0


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))] if s else 0.0


def auroc(positives: list[float], negatives: list[float]) -> float | None:
    """P(a positive scores above a negative), ties counting one half (Mann-Whitney U); None if a side
    is empty. Ranks with averaged ties, in numpy: no scikit-learn at run time."""
    import numpy as np

    if not positives or not negatives:
        return None
    scores = np.asarray(list(positives) + list(negatives), dtype=np.float64)
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    mid_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based average rank of each distinct value
    rank_sum = float(mid_rank[inverse][: len(positives)].sum())
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)


def _timed_ask(
    assistant: Assistant,
    question: str,
    k: int,
    latencies: list[float],
    asked: Callable[[], None],
    doc: str | None = None,
) -> Result:
    t = time.perf_counter()
    try:
        return assistant.ask(question, k=k, doc=doc)
    finally:
        latencies.append(time.perf_counter() - t)
        asked()  # outside the timing: a progress bar's drawing is no part of a question's latency


def _case(item: Labelled, result: Result, **extra: Any) -> dict[str, Any]:
    return {
        "question": item.question,
        "confidence": round(result.confidence, 4),
        "abstained": result.abstained,
        "returned": [p.text for p in result.passages],
        **extra,
    }


def evaluate(
    assistant: Assistant,
    labelled: list[Labelled],
    offtopic: list[Labelled] | None = None,
    k: int = 3,
    unanswerable: list[Labelled] | None = None,
    content_free: list[Labelled] | None = None,
    worst: int = 5,
    asked: Callable[[], None] = lambda: None,
    doc: str | None = None,
) -> dict:
    """All figures of one run; questions are asked one by one so latency is per question. ``asked`` is
    called after each (the CLI's progress bar: a set of thousands took minutes in silence). ``doc``
    limits every question to one document (``qa eval --doc``), as ``Assistant.ask`` does."""
    if labelled:  # one untimed question first: latency is that of a warm assistant (lazy loads done)
        assistant.ask(labelled[0].question, k=k, doc=doc)
    latencies: list[float] = []
    answerable: list[dict[str, Any]] = []
    for item in labelled:
        result = _timed_ask(assistant, item.question, k, latencies, asked, doc)
        rank = first_hit(result, item.expected)
        answerable.append(
            _case(
                item,
                result,
                expected=item.expected,
                rank=rank,
                sentence_hit=sentence_hit(result, item.expected),
                ndcg=_ndcg(result, item.expected, k),
            )
        )
    negatives: dict[str, list[dict[str, Any]]] = {}
    for kind, items in zip(KINDS, (offtopic, unanswerable)):
        if items:
            negatives[kind] = [
                _case(i, _timed_ask(assistant, i.question, k, latencies, asked, doc)) for i in items
            ]
    refused: list[dict[str, Any]] | None = None
    if content_free:
        refused = []
        for item in content_free:
            try:
                result = _timed_ask(assistant, item.question, k, latencies, asked, doc)
            except InputError:  # the empty-question hint: not answered
                refused.append({"question": item.question, "abstained": True, "refused": True})
                continue
            refused.append(_case(item, result, refused=False))
    from .eval_report import build_report

    return build_report(assistant, k, answerable, negatives, refused, latencies, worst, doc)


def check_disjoint(labelled: list[Labelled], offtopic: list[Labelled]) -> None:
    """Refuse (InputError) calibration sets sharing a question: it cannot be both answerable and not."""
    both = sorted({i.question for i in labelled} & {i.question for i in offtopic})
    if both:
        raise InputError(
            f"{len(both)} question(s) are both answerable and off-topic, e.g. {both[0]!r}",
            "give the off-topic questions (the documents do not answer them) in another file",
        )


def calibrate(
    assistant: Assistant,
    labelled: list[Labelled],
    offtopic: list[Labelled],
    asked: Callable[[], None] = lambda: None,
) -> dict:
    """The threshold maximising balanced accuracy of answer (labelled) vs abstain (off-topic).

    Refused (InputError) when a question is in both sets (the same file twice, say) or when no
    threshold does better than answering everything (balanced accuracy 0.5): such a threshold would be
    arbitrary, and saving it would silently change every later answer.
    """
    check_disjoint(labelled, offtopic)

    def confidence(item: Labelled) -> float:
        value = assistant.ask(item.question).confidence
        asked()
        return value

    on = [confidence(i) for i in labelled]
    off = [confidence(i) for i in offtopic]
    candidates = sorted(set(on + off))
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(candidates, candidates[1:])] + [1.0]

    def balanced(t: float) -> float:
        return (sum(c >= t for c in on) / len(on) + sum(c < t for c in off) / len(off)) / 2

    best = max(balanced(t) for t in cuts)
    if best <= 0.5:
        raise InputError(
            "no threshold tells the labelled questions from the off-topic ones (balanced accuracy 0.5); "
            "nothing saved",
            "check the files: labelled questions the documents answer, off-topic ones they do not",
        )
    # Among equally good cuts take the middle of the widest gap: most room for unseen questions.
    good = [t for t in cuts if balanced(t) == best]
    threshold = (good[0] + good[-1]) / 2
    if balanced(threshold) != best:
        threshold = good[len(good) // 2]
    # Saved to 4 decimals where that still makes the same cut: confidences closer than that (a small or
    # odd corpus) were rounded to a threshold of 0.0, saved as "abstains on every off-topic question"
    # while it answered them all.
    rounded = (round(threshold, digits) for digits in range(4, 16))
    threshold = next((t for t in rounded if balanced(t) == best), threshold)
    return {
        "threshold": threshold,
        "balanced_accuracy": round(best, 4),
        "answered": round(sum(c >= threshold for c in on) / len(on), 4),
        "abstained": round(sum(c < threshold for c in off) / len(off), 4),
        "on_topic": {"min": round(min(on), 4), "median": round(percentile(on, 0.5), 4)},
        "off_topic": {"max": round(max(off), 4), "median": round(percentile(off, 0.5), 4)},
        "separation": round(min(on) - max(off), 4),
    }
