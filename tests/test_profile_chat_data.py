"""data/train/chat/profiles/: chat questions over the five profile documents (docs/quality.md,
"Twenty-second round"), written as the seed's chat file was and checked the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.eval_overlap import close, eval_stems, questions

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "data" / "train" / "profiles"
CHAT = ROOT / "data" / "train" / "chat" / "profiles"
NAMES = sorted(p.name for p in PROFILES.iterdir() if p.is_dir())


def test_every_profile_document_has_a_chat_file_and_nothing_else_does() -> None:
    assert len(NAMES) == 5
    assert sorted(p.stem for p in CHAT.glob("*.jsonl")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_line_has_a_kind_and_an_answer_on_one_line_of_its_document(name: str) -> None:
    lines = (PROFILES / name / f"{name}.txt").read_text(encoding="utf-8").lower().splitlines()
    rows = [json.loads(line) for line in (CHAT / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = [r["kind"] for r in rows]
    assert (kinds.count("answerable"), kinds.count("unanswerable"), kinds.count("offtopic")) == (9, 7, 2)
    for r in rows:
        assert r["question"].strip() and (r["kind"] == "answerable") == bool(r.get("expected"))
        for phrase in r.get("expected", []):  # one line holds it: the passage that answers is unambiguous
            assert sum(phrase.lower() in line for line in lines) == 1, phrase
    assert len({r["question"] for r in rows}) == len(rows)


def test_no_two_files_share_a_question() -> None:
    every = [q for name in NAMES for q in questions(CHAT / f"{name}.jsonl")]
    # the seed's chat file: in chat/ while not trained on, in data/train/ when it is (the round patches)
    seed = [q for p in ROOT.glob("data/train/**/seed_chat.jsonl") for q in questions(p)]
    assert len(seed) == 87
    assert len(set(every)) == len(every) and not set(every) & set(seed)


def test_no_question_comes_close_to_an_evaluation_question() -> None:
    evals = eval_stems([ROOT / "data" / "eval"])  # the repository's; ../shared is not needed here
    assert len(evals) > 1000
    for name in NAMES:
        assert close(questions(CHAT / f"{name}.jsonl"), evals) == [], name
