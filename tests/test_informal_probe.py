"""The informal (chat-style) evaluation sets and the probe that asks them (``training.informal_probe``):
the sets are what data/eval/README.md says they are, and the probe counts answered / abstained / hit@1 /
hit@3 per set and kind from the rows it reports (the English probe, sharing the code, still filters)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.fakes import FakeEncoder
from training import english_probe, informal_probe
from training.probe_sets import ask_sets, labelled, summary

from .conftest import ROOT

SIZES = {"seed-informal": (30, 15, 5), "pustakawan-informal": (10, 6, 0)}
KINDS = ("answerable", "unanswerable", "offtopic")


def stored_questions() -> set[str]:
    """Every question of the other evaluation and training files (the new sets share none)."""
    out = set()
    for path in [*(ROOT / "data/eval").rglob("*.jsonl"), *(ROOT / "data/train").rglob("*.jsonl")]:
        if "informal_fresh" not in path.name:
            for line in path.read_text(encoding="utf-8").splitlines():
                q = json.loads(line) if line.strip() else {}
                out.add(str(q.get("question", "")).lower()) if isinstance(q, dict) else None
    return out


@pytest.mark.parametrize("name", SIZES)
def test_sets_hold_what_the_readme_says(name):
    corpus, files = informal_probe.SETS[name]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt")))
    questions = list(labelled(files))
    assert tuple(sum(q["kind"] == k for q in questions) for k in KINDS) == SIZES[name]
    assert len({q["question"] for q in questions}) == len(questions)
    assert not {q["question"].lower() for q in questions} & stored_questions()
    for q in questions:
        # an answerable question's phrases are the document's own words; the others have none
        assert bool(q.get("expected")) == (q["kind"] == "answerable"), q
        assert all(e in text for e in q.get("expected", [])), q


def one_line_set(tmp_path: Path) -> dict:
    """A corpus of one sentence (every question's first passage is that sentence) and four questions."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus/doc.txt").write_text("Pustakawan merawat koleksi buku yang sudah tua.\n", "utf-8")
    rows = [
        {"kind": "answerable", "question": "buku tua dirawat siapa?", "expected": ["merawat koleksi buku"]},
        {"kind": "answerable", "question": "pustakawan ngatur rapat ga?", "expected": ["jadwal rapat"]},
        {"kind": "unanswerable", "question": "gaji pustakawan brp?"},
        {"kind": "offtopic", "question": "what is the capital of France?"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return {"tiny": (tmp_path / "corpus", [(path, None)])}


def test_probe_runs_and_counts_its_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(informal_probe, "SETS", one_line_set(tmp_path))
    out = tmp_path / "out.json"
    argv = ["--index-root", str(tmp_path / "idx"), "--json", str(out)]
    assert informal_probe.main(argv, FakeEncoder()) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    rows = report["questions"]
    assert [(r["kind"], r["hit@1"], r["hit@3"]) for r in rows] == [
        ("answerable", True, True), ("answerable", False, False),
        ("unanswerable", False, False), ("offtopic", False, False),
    ]  # fmt: skip
    assert report["sets"] == summary(rows)
    for r in rows:
        assert r["reading"] and 0 <= r["confidence"] <= 1
        assert (r["message"] is not None) == r["abstained"]
    first = report["sets"][0]
    assert (first["kind"], first["n"], first["hit@1"], first["hit@3"]) == ("answerable", 2, 1, 1)
    assert first["answered"] + first["abstained"] == 2
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("tiny answerable: 2 questions, answered ")
    assert printed[0].endswith("hit@1 1, hit@3 1")
    assert len(printed) == 3


def test_summary_counts_per_set_and_kind():
    def row(s, kind, abstained, h1, h3):
        return {"set": s, "kind": kind, "abstained": abstained, "hit@1": h1, "hit@3": h3}

    rows = [
        row("a", "answerable", False, True, True),
        row("a", "answerable", True, False, True),
        row("a", "answerable", False, False, False),
        row("b", "offtopic", True, False, False),
    ]
    assert summary(rows) == [
        {"set": "a", "kind": "answerable", "n": 3, "answered": 2, "abstained": 1, "hit@1": 1, "hit@3": 2},
        {"set": "b", "kind": "offtopic", "n": 1, "answered": 0, "abstained": 1, "hit@1": 0, "hit@3": 0},
    ]


def test_english_probe_still_asks_only_the_english_questions(tmp_path):
    rows = ask_sets(one_line_set(tmp_path), tmp_path / "idx", FakeEncoder(), keep=english_probe.in_english)
    assert [r["question"] for r in rows] == ["what is the capital of France?"]


@pytest.mark.slow
def test_probe_asks_the_shipped_sets_with_the_real_model(tmp_path):
    """The bundled e5 over both real documents, indexes built on disk: every question asked and counted."""
    out = tmp_path / "out.json"
    assert informal_probe.main(["--index-root", str(tmp_path), "--json", str(out)]) == 0
    report = json.loads(out.read_text(encoding="utf-8"))
    assert len(report["questions"]) == sum(map(sum, SIZES.values()))
    for t in report["sets"]:
        assert t["n"] == SIZES[t["set"]][KINDS.index(t["kind"])]
        assert t["answered"] + t["abstained"] == t["n"] and t["hit@1"] <= t["hit@3"]
    assert all(r["reading"] for r in report["questions"])
