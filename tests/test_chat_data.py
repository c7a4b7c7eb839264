"""data/train/chat/seed_chat.jsonl: chat questions over the seed document, kept for a future round and
not trained on (docs/quality.md, "Twentieth round"); and the overlap check it was written with."""

from __future__ import annotations

import json
from pathlib import Path

from scripts.eval_overlap import close, eval_stems, main, questions

ROOT = Path(__file__).resolve().parents[1]
CHAT = ROOT / "data" / "train" / "chat" / "seed_chat.jsonl"
SEED = ROOT / "corpus" / "asisten-menteri-kerjasama-luar-negeri.txt"


def test_every_line_has_a_kind_and_an_answer_the_document_holds() -> None:
    document = SEED.read_text(encoding="utf-8").lower()
    rows = [json.loads(line) for line in CHAT.read_text(encoding="utf-8").splitlines()]
    kinds = [r["kind"] for r in rows]
    assert (kinds.count("answerable"), kinds.count("unanswerable"), kinds.count("offtopic")) == (41, 31, 15)
    for r in rows:
        assert r["question"].strip() and (r["kind"] == "answerable") == bool(r.get("expected"))
        assert all(phrase.lower() in document for phrase in r.get("expected", []))
    assert len({r["question"] for r in rows}) == len(rows)


def test_no_question_comes_close_to_an_evaluation_question() -> None:
    evals = eval_stems([ROOT / "data" / "eval"])  # the repository's; ../shared is not needed here
    assert len(evals) > 1000
    assert close(questions(CHAT), evals) == []


def test_the_check_flags_a_copied_question_and_prints_only_ours(tmp_path: Path, capsys) -> None:
    held = questions(ROOT / "data" / "eval" / "dev_questions.jsonl")[0]
    ours = tmp_path / "ours.jsonl"
    lines = [{"question": held.upper()}, {"question": "resep rendang padang yang empuk"}]
    ours.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    assert main([str(ours), "--eval-root", str(ROOT / "data" / "eval")]) == 0
    out = capsys.readouterr().out
    assert out.count("jaccard") == 1 and held.upper() in out and "1 of 2 questions flagged" in out
    assert held not in out  # the evaluation question itself is never printed


def test_make_train_neither_reads_nor_hashes_it() -> None:
    from training.model_files import stamp

    files = stamp(False)["training_files"]
    assert "data/train/seed_answerable.jsonl" in files
    assert not any("chat" in f for f in files)
