"""Crash safety (issue 7.3): ``qa index --force`` and ``qa batch`` SIGKILLed at random points.

The CI-sized run (3 kills each, fake encoder); ``scripts/crash_trials.py`` runs the same trials
(scripts/trials.py) with the real CLI and model, 20+ times, and prints the figures. A kill that comes after
the process finished is retried sooner (``until_alive``), so a fast or slow machine cannot make these vacuous.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qa.config import Settings
from qa.manifest import read_manifest
from scripts.trials import (
    PROBES,
    Kill,
    Runner,
    answers,
    batch_kill_trial,
    build_kill_trial,
    open_index,
    qa_env,
    subprocess_runner,
    synthetic_corpus,
    timed,
    until_alive,
)

from .conftest import FakeEncoder


def inprocess_runner(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Runner:
    """The real ``qa.cli.main`` in this process with the fake encoder: no interpreter start-up per run."""
    from qa.cli import main

    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: FakeEncoder())
    monkeypatch.setenv("QA_CORPUS", str(settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX", str(settings.index_dir))

    def run(args: list[str]) -> None:
        assert main(args) == 0

    return run


def test_builds_killed_at_random_points_leave_a_working_index(tmp_path: Path, monkeypatch) -> None:
    """CI-sized: 3 kills of a fake-encoder ``qa index --force`` of 1,000 passages (the script: 20+, real)."""
    settings = Settings(corpus_dir=synthetic_corpus(tmp_path / "corpus", 100), index_dir=tmp_path / "index")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    inprocess_runner(monkeypatch, settings)(["index"])
    reference = answers(open_index(settings))
    full = timed(subprocess_runner(env, real=False), ["index", "--force"])  # start-up included
    rng = random.Random(7)
    trials = []
    for _ in range(3):
        at = rng.uniform(0.3, 1.0) * full
        trials += until_alive(lambda at: build_kill_trial(settings, reference, at, False, None), at)
    assert not all(t.finished for t in trials)
    assert sum(not t.finished for t in trials) == 3  # each trial ended with a kill of a live process
    inprocess_runner(monkeypatch, settings)(["index", "--force"])
    current = read_manifest(settings.index_dir)["build"]["id"]
    assert [p.name for p in settings.index_dir.iterdir() if p.is_dir()] == [current]  # leftovers swept


def test_batches_killed_at_random_points_resume_to_the_exact_output(tmp_path: Path, monkeypatch) -> None:
    """CI-sized: one run per output format killed at random (the .csv one twice), then --resume'd."""
    settings = Settings(corpus_dir=synthetic_corpus(tmp_path / "corpus", 20), index_dir=tmp_path / "index")
    run = inprocess_runner(monkeypatch, settings)
    src = tmp_path / "q.txt"
    src.write_text("".join(f"{PROBES[i % 3]} nomor {i}\n" for i in range(300)), encoding="utf-8")
    run(["index"])
    full = timed(subprocess_runner(qa_env(settings.corpus_dir, settings.index_dir), real=False),
                 ["batch", str(src), "-o", str(tmp_path / "timing.jsonl")])  # fmt: skip
    rng = random.Random(11)
    trials = []
    for ext in ("jsonl", "csv", "md"):
        run(["batch", str(src), "-o", str(tmp_path / f"reference.{ext}")])
        reference = (tmp_path / f"reference.{ext}").read_bytes()
        kills = [rng.uniform(0.3, 1.0) * full for _ in range(1 + (ext == "csv"))]
        out = tmp_path / f"out.{ext}"

        def trial(scale: float, out: Path = out, reference: bytes = reference, kills: list = kills) -> Kill:
            return batch_kill_trial(src, out, settings, reference, [k * scale for k in kills], False, run)

        trials += until_alive(trial, 1.0)  # 1.0: the kill times drawn; sooner while the run had finished
    assert not all(t.finished for t in trials)
    assert sum(not t.finished for t in trials) == 3
