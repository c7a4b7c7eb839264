"""Denial-of-service figures for the web app (issue 12), measured on a real server: a Markdown table.

Speed targets are measured here, not asserted in tests (machines are noisy; CI shares cores). It starts
``python app.py`` on 127.0.0.1 with the bundled model and measures, in bounded loops:

1. how long a 5 MB question takes to be refused (target: under 1 s);
2. how much longer another visitor's question takes while 5 MB questions arrive (target: <= 0.5 s);
3. /ask latency (median, p95, max) while two maximal uploads run (target: p95 under 2 s);
4. the server's CPU once the uploading clients have left (its work must stop).

    nice -n 10 python -m scripts.dos_figures [--index /tmp/dos-index] [--rounds 5] [--seconds 30]

The index is built on first use (a minute or so) and reused. The machine's load is printed with the
table: figures taken while other jobs use the cores are upper bounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import psutil

from .webserver import huge_body, raw_ask, running_app, start_uploaders, stop, write_maximal_upload

QUESTIONS = [
    "apakah asisten menteri bisa memutuskan kebijakan?",
    "apa tugas utama asisten menteri?",
    "siapa yang cocok jadi asisten menteri?",
    "apa bedanya asisten menteri dengan diplomat?",
    "resep nasi goreng yang enak",
]


def ask_seconds(url: str, question: str) -> float:
    start = time.perf_counter()
    status, event, data = raw_ask(url, json.dumps({"data": [question, 3]}))
    if (status, event) != (200, "complete"):
        raise RuntimeError(f"/ask failed: {status} {event} {data[:200]}")
    return time.perf_counter() - start


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def huge_question(url: str, rounds: int) -> dict[str, float]:
    """Refusal time of a 5 MB question, and another visitor's delay while one arrives."""
    baseline = statistics.median(ask_seconds(url, q) for q in QUESTIONS * 2)
    body, refused, delays = huge_body(), [], []
    for _ in range(rounds):
        result: dict[str, float] = {}

        def attack(out: dict[str, float] = result) -> None:
            start = time.perf_counter()
            status, _, _ = raw_ask(url, body)
            out["seconds"], out["status"] = time.perf_counter() - start, status

        t = threading.Thread(target=attack)
        t.start()
        time.sleep(0.02)  # the big request is on its way
        delays.append(ask_seconds(url, QUESTIONS[0]) - baseline)
        t.join(120)
        if result.get("status") != 413:
            raise RuntimeError(f"the 5 MB question was not refused at the door: {result}")
        refused.append(result["seconds"])
    return {"baseline": baseline, "refused_max": max(refused), "refused_median": statistics.median(refused),
            "delay_max": max(delays), "delay_median": statistics.median(delays)}  # fmt: skip


def under_uploads(url: str, pid: int, seconds: float, work: Path) -> dict[str, float]:
    """/ask latencies while two maximal uploads run; the server's CPU after their clients are killed."""
    upload = work / "maksimal.txt"
    n = write_maximal_upload(upload)
    server = psutil.Process(pid)
    uploaders = start_uploaders(url, upload, [work / "up0.log", work / "up1.log"])
    latencies: list[float] = []
    try:
        deadline = time.monotonic() + 120
        while server.cpu_percent(interval=1.0) < 30 and time.monotonic() < deadline:
            pass  # both uploads are in and being answered
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            latencies.append(ask_seconds(url, QUESTIONS[len(latencies) % len(QUESTIONS)]))
        running = sum(u.poll() is None for u in uploaders)
        busy = server.cpu_percent(interval=1.0)
    finally:
        stop(uploaders)
    idle, waited, start = 100.0, 0.0, time.monotonic()
    while time.monotonic() - start < 60:
        idle = server.cpu_percent(interval=2.0)
        if idle < 15:
            break
    waited = time.monotonic() - start
    return {"questions_per_upload": n, "asked": len(latencies), "median": statistics.median(latencies),
            "p95": p95(latencies), "max": max(latencies), "uploads_running": running, "busy_cpu": busy,
            "idle_cpu": idle, "idle_after": waited}  # fmt: skip


def table(h: dict[str, float], u: dict[str, float], load: tuple[float, float, float]) -> str:
    def ok(good: bool) -> str:
        return "yes" if good else "**no**"

    rows = [
        ("5 MB question refused (max of rounds; median)",
         f"{h['refused_max']:.3f} s; {h['refused_median']:.3f} s", "< 1 s", ok(h["refused_max"] < 1.0)),
        ("another visitor's /ask delayed by it (max; median; baseline)",
         f"{h['delay_max']:+.3f} s; {h['delay_median']:+.3f} s; {h['baseline']:.3f} s", "<= 0.5 s",
         ok(h["delay_max"] <= 0.5)),
        (f"/ask during two maximal uploads ({u['asked']:.0f} questions): median; p95; max",
         f"{u['median']:.2f} s; {u['p95']:.2f} s; {u['max']:.2f} s", "p95 < 2 s", ok(u["p95"] < 2.0)),
        ("uploads still running when the visitor finished", f"{u['uploads_running']:.0f} of 2", "2", "-"),
        ("server CPU while uploading; after their clients left",
         f"{u['busy_cpu']:.0f}%; {u['idle_cpu']:.0f}% (after {u['idle_after']:.0f} s)", "idle (< 15%)",
         ok(u["idle_cpu"] < 15)),
    ]  # fmt: skip
    lines = ["| measure | figure | target | met |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    cores = os.cpu_count()
    loads = " / ".join(f"{x:.1f}" for x in load)
    lines.append(f"\nMachine: {cores} cores, load average {loads} (1/5/15 min) at the start; "
                 f"each upload {u['questions_per_upload']:.0f} questions.")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path(tempfile.gettempdir()) / "qa-dos-index")
    parser.add_argument("--rounds", type=int, default=5, help="5 MB questions sent (default 5)")
    parser.add_argument("--seconds", type=float, default=30, help="asking during the uploads (default 30)")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="qa-dos-") as tmp,
        running_app(args.index, Path(tmp)) as (url, proc),
    ):
        h = huge_question(url, args.rounds)
        u = under_uploads(url, proc.pid, args.seconds, Path(tmp))
    print(table(h, u, load))


if __name__ == "__main__":
    main()
