"""The figures and the text of ``qa eval``, from the per-question cases ``evaluation.evaluate`` collects.

The JSON keys of earlier versions (hit@1, mrr, answer_rate, abstention_rate, failures...) keep their
meaning; the per-kind figures, the sentence hit, the AUROC and the worst cases are added beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .printable import quoted_path

if TYPE_CHECKING:
    from .assistant import Assistant

Case = dict[str, Any]


def _rate(cases: list[Case], key: str) -> float:
    return sum(bool(c[key]) for c in cases) / len(cases) if cases else 0.0


def build_report(
    assistant: Assistant,
    k: int,
    answerable: list[Case],
    negatives: dict[str, list[Case]],
    content_free: list[Case] | None,
    latencies: list[float],
    worst: int,
    doc: str | None = None,
) -> dict[str, Any]:
    """Aggregate figures, the old ``failures`` list and the ``worst`` cases of each kind; ``doc``, the
    document every question was limited to, when one was (``qa eval --doc``)."""
    from .evaluation import auroc, percentile

    n = len(answerable)
    ranks = [c["rank"] for c in answerable]
    report: dict[str, Any] = {
        "questions": n,
        "k": k,
        "hit@1": sum(r == 1 for r in ranks) / n,
        f"hit@{k}": sum(r is not None and r <= k for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        f"ndcg@{k}": sum(c["ndcg"] for c in answerable) / n,
        "sentence_hit@1": _rate(answerable, "sentence_hit"),
        "answer_rate": 1.0 - _rate(answerable, "abstained"),
    }
    if doc is not None:  # figures of one document are not the corpus's: the report says which
        report["doc"] = doc
    if "offtopic" in negatives:
        report["offtopic_questions"] = len(negatives["offtopic"])
        report["abstention_rate"] = _rate(negatives["offtopic"], "abstained")
    if "unanswerable" in negatives:
        report["unanswerable_questions"] = len(negatives["unanswerable"])
        report["unanswerable_abstention_rate"] = _rate(negatives["unanswerable"], "abstained")
    if content_free is not None:
        report["content_free_questions"] = len(content_free)
        report["content_free_not_answered"] = _rate(content_free, "abstained")
        report["content_free_refused_as_empty"] = _rate(content_free, "refused")
    negative_conf = [c["confidence"] for cases in negatives.values() for c in cases]
    score = auroc([c["confidence"] for c in answerable], negative_conf)
    report["auroc"] = None if score is None else round(score, 4)
    report["latency_ms_p50"] = round(1000 * percentile(latencies, 0.5), 1)
    report["latency_ms_p95"] = round(1000 * percentile(latencies, 0.95), 1)
    report["threshold"] = assistant.threshold
    report["failures"] = _failures(answerable, negatives)
    report["worst"] = _worst(answerable, negatives, content_free, worst)
    return report


def _failures(answerable: list[Case], negatives: dict[str, list[Case]]) -> list[Case]:
    """The old ``failures`` list, kept for the scripts that read it: answerable questions not answered
    at rank 1, then negatives answered."""
    return [
        {key: c[key] for key in ("question", "expected", "rank", "abstained", "confidence", "returned")}
        for c in answerable
        if c["rank"] != 1 or c["abstained"]
    ] + [
        {"question": c["question"], kind: True, "confidence": c["confidence"], "returned": c["returned"][:1]}
        for kind, cases in negatives.items()
        for c in cases
        if not c["abstained"]
    ]


def _worst(
    answerable: list[Case], negatives: dict[str, list[Case]], content_free: list[Case] | None, worst: int
) -> dict[str, list[Case]]:
    """The ``worst`` cases of each kind, where a threshold or the ranking is most wrong: what to read
    first when a figure drops."""
    by_conf = sorted(answerable, key=lambda c: c["confidence"])
    cases = {
        "answerable_lowest_confidence": [_short(c) for c in by_conf[:worst]],
        "wrong_rank1_highest_confidence": [_short(c) for c in by_conf[::-1] if c["rank"] != 1][:worst],
    }
    for kind, negative in negatives.items():
        highest = sorted(negative, key=lambda c: -c["confidence"])[:worst]
        cases[f"{kind}_highest_confidence"] = [_short(c) for c in highest]
    if content_free:
        cases["content_free_answered"] = [_short(c) for c in content_free if not c["abstained"]]
    return cases


def _short(c: Case) -> Case:
    out: Case = {key: c[key] for key in ("question", "confidence", "abstained") if key in c}
    if "rank" in c:
        out.update(rank=c["rank"], sentence_hit=c["sentence_hit"], expected=c["expected"])
    out["returned"] = c["returned"][0] if c.get("returned") else None
    return out


def format_report(report: dict[str, Any]) -> str:
    """The human-readable report: one line per kind, latency, then the worst cases of each kind."""
    k = report["k"]
    lines = [f"asked within document {quoted_path(report['doc'])} only (--doc)"] if "doc" in report else []
    lines += [
        f"answerable {report['questions']}  answered {report['answer_rate']:.3f}  hit@1 {report['hit@1']:.3f}"
        f"  hit@{k} {report[f'hit@{k}']:.3f}  MRR {report['mrr']:.3f}  nDCG@{k} {report[f'ndcg@{k}']:.3f}"
        f"  sentence hit@1 {report['sentence_hit@1']:.3f}"
    ]
    if "abstention_rate" in report:
        lines.append(f"off-topic {report['offtopic_questions']}  abstained {report['abstention_rate']:.3f}")
    if "unanswerable_abstention_rate" in report:
        lines.append(
            f"on-topic unanswerable {report['unanswerable_questions']}"
            f"  abstained {report['unanswerable_abstention_rate']:.3f}"
        )
    if "content_free_questions" in report:
        lines.append(
            f"content-free {report['content_free_questions']}  not answered "
            f"{report['content_free_not_answered']:.3f}  (refused as empty "
            f"{report['content_free_refused_as_empty']:.3f})"
        )
    auc = report["auroc"]
    lines.append(
        f"AUROC of the confidence (answerable vs the rest) {'n/a' if auc is None else f'{auc:.3f}'}"
        f"  threshold {report['threshold']:.3f}"
    )
    lines.append(f"latency p50 {report['latency_ms_p50']} ms  p95 {report['latency_ms_p95']} ms")
    titles = {
        "answerable_lowest_confidence": "answerable, lowest confidence",
        "wrong_rank1_highest_confidence": "wrong rank 1, most confident",
        "offtopic_highest_confidence": "off-topic, most confident",
        "unanswerable_highest_confidence": "on-topic unanswerable, most confident",
        "content_free_answered": "content-free, answered",
    }
    for key, cases in report["worst"].items():
        if cases:
            lines.append(f"\n{titles.get(key, key)}:")
            lines += [_case_line(c) for c in cases]
    return "\n".join(lines)


def _case_line(c: Case) -> str:
    state = "abstained" if c.get("abstained") else "answered"
    head = f"- ({c.get('confidence', 0.0):.3f}, {state}"
    if "rank" in c:
        head += f", rank {c['rank']}, sentence {'hit' if c['sentence_hit'] else 'miss'}"
    line = f"{head}) {c['question']}"
    if c.get("expected"):
        line += f"\n    expected {c['expected']}"
    if c.get("returned"):
        line += f"\n    -> {c['returned'][:110]}"
    return line
