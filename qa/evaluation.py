"""``qa eval`` and ``qa calibrate``: retrieval quality, abstention, and the threshold that balances them.

A labelled question is a hit at rank r when the r-th passage's sentence contains one of its
``expected`` phrases (case-insensitive); off-topic questions should make the assistant abstain.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:
    from .answer import Result
    from .assistant import Assistant


@dataclass
class Labelled:
    question: str
    expected: list[str] = field(default_factory=list)


def read_jsonl(path: Path, need_expected: bool) -> list[Labelled]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    items = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            q, expected = obj["question"], obj.get("expected", [])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise InputError(f'{path}:{n}: expected a JSON object with a "question"') from None
        if need_expected and not expected:
            raise InputError(f'{path}:{n}: a labelled question needs "expected" phrases')
        items.append(Labelled(str(q), [str(e) for e in expected]))
    if not items:
        raise InputError(f"{path} holds no question")
    return items


def first_hit(result: Result, expected: list[str]) -> int | None:
    """1-based rank of the first passage containing an expected phrase, or None."""
    wanted = [e.lower() for e in expected]
    for p in result.passages:
        if any(w in p.text.lower() for w in wanted):
            return p.rank
    return None


def _ndcg(result: Result, expected: list[str], k: int) -> float:
    wanted = [e.lower() for e in expected]
    rel = [1.0 if any(w in p.text.lower() for w in wanted) else 0.0 for p in result.passages[:k]]
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel))
    ideal = sum(1 / math.log2(i + 2) for i in range(int(sum(rel))))
    return dcg / ideal if ideal else 0.0


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))] if s else 0.0


def evaluate(
    assistant: Assistant, labelled: list[Labelled], offtopic: list[Labelled] | None = None, k: int = 3
) -> dict:
    """All figures of one run; questions are asked one by one so latency is per question."""
    latencies, ranks, ndcgs, answered, failures, confidences = [], [], [], 0, [], []
    for item in labelled:
        t = time.perf_counter()
        result = assistant.ask(item.question, k=k)
        latencies.append(time.perf_counter() - t)
        rank = first_hit(result, item.expected)
        ranks.append(rank)
        ndcgs.append(_ndcg(result, item.expected, k))
        answered += not result.abstained
        confidences.append(("on", result.confidence))
        if rank != 1 or result.abstained:
            failures.append(
                {
                    "question": item.question,
                    "expected": item.expected,
                    "rank": rank,
                    "abstained": result.abstained,
                    "confidence": round(result.confidence, 3),
                    "returned": [p.text for p in result.passages],
                }
            )
    n = len(labelled)
    report: dict[str, Any] = {
        "questions": n,
        "k": k,
        "hit@1": sum(r == 1 for r in ranks) / n,
        f"hit@{k}": sum(r is not None and r <= k for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        f"ndcg@{k}": sum(ndcgs) / n,
        "answer_rate": answered / n,
    }
    if offtopic:
        abstained = 0
        for item in offtopic:
            t = time.perf_counter()
            result = assistant.ask(item.question, k=k)
            latencies.append(time.perf_counter() - t)
            abstained += result.abstained
            confidences.append(("off", result.confidence))
            if not result.abstained:
                failures.append(
                    {
                        "question": item.question,
                        "offtopic": True,
                        "confidence": round(result.confidence, 3),
                        "returned": [p.text for p in result.passages[:1]],
                    }
                )
        report["offtopic_questions"] = len(offtopic)
        report["abstention_rate"] = abstained / len(offtopic)
    report["latency_ms_p50"] = round(1000 * percentile(latencies, 0.5), 1)
    report["latency_ms_p95"] = round(1000 * percentile(latencies, 0.95), 1)
    report["threshold"] = assistant.threshold
    report["failures"] = failures
    return report


def format_report(report: dict) -> str:
    k = report["k"]
    lines = [
        f"questions {report['questions']}  hit@1 {report['hit@1']:.3f}  hit@{k} {report[f'hit@{k}']:.3f}  "
        f"MRR {report['mrr']:.3f}  nDCG@{k} {report[f'ndcg@{k}']:.3f}  answered {report['answer_rate']:.3f}"
    ]
    if "abstention_rate" in report:
        lines.append(
            f"off-topic {report['offtopic_questions']}  abstained {report['abstention_rate']:.3f}"
            f"  (threshold {report['threshold']:.3f})"
        )
    lines.append(f"latency p50 {report['latency_ms_p50']} ms  p95 {report['latency_ms_p95']} ms")
    for f in report["failures"]:
        if f.get("offtopic"):
            lines.append(
                f"- OFF-TOPIC ANSWERED ({f['confidence']}): {f['question']}\n    -> {f['returned'][0][:100]}"
            )
        else:
            lines.append(
                f"- rank {f['rank']} abstained={f['abstained']} ({f['confidence']}): {f['question']}"
                f"\n    expected {f['expected']}\n    -> {f['returned'][0][:100] if f['returned'] else ''}"
            )
    return "\n".join(lines)


def calibrate(assistant: Assistant, labelled: list[Labelled], offtopic: list[Labelled]) -> dict:
    """The threshold maximising balanced accuracy of answer (labelled) vs abstain (off-topic)."""
    on = [assistant.ask(i.question).confidence for i in labelled]
    off = [assistant.ask(i.question).confidence for i in offtopic]
    candidates = sorted(set(on + off))
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(candidates, candidates[1:])] + [1.0]

    def balanced(t: float) -> float:
        return (sum(c >= t for c in on) / len(on) + sum(c < t for c in off) / len(off)) / 2

    best = max(balanced(t) for t in cuts)
    # Among equally good cuts take the middle of the widest gap: most room for unseen questions.
    good = [t for t in cuts if balanced(t) == best]
    threshold = (good[0] + good[-1]) / 2
    if balanced(threshold) != best:
        threshold = good[len(good) // 2]
    return {
        "threshold": round(threshold, 4),
        "balanced_accuracy": round(best, 4),
        "answered": round(sum(c >= threshold for c in on) / len(on), 4),
        "abstained": round(sum(c < threshold for c in off) / len(off), 4),
        "on_topic": {"min": round(min(on), 4), "median": round(percentile(on, 0.5), 4)},
        "off_topic": {"max": round(max(off), 4), "median": round(percentile(off, 0.5), 4)},
        "separation": round(min(on) - max(off), 4),
    }
