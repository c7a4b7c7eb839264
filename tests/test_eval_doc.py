"""``qa eval --doc NAME`` (docs/reliability.md section 163): the labelled questions asked within one document
of a corpus of several, the report's header line saying so. Before: ``qa eval`` had no ``--doc``, so a
host could not measure how one document of four answers its own questions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.evaluation import Labelled, evaluate, format_report

from .cli_helpers import qa_run
from .conftest import DOC, PUSTAKAWAN, FakeEncoder

# a question whose words both documents hold: unlimited, the seed document's passages answer it too
SHARED = "apa tugas utama dan keahlian yang dibutuhkan?"


@pytest.fixture
def two_documents(settings):
    shutil.copy(PUSTAKAWAN, settings.corpus_dir / PUSTAKAWAN.name)
    return settings


def _labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.jsonl"
    path.write_text(json.dumps({"question": SHARED, "expected": ["pustakawan"]}) + "\n", encoding="utf-8")
    return path


def test_evaluate_asks_every_question_within_the_document(two_documents) -> None:
    assistant = Assistant(two_documents, encoder=FakeEncoder(), log=lambda m: None)
    labelled = [Labelled(SHARED, ["pustakawan"])]
    everywhere = evaluate(assistant, labelled, k=5, worst=5)
    assert DOC in {p.source for p in assistant.ask(SHARED, k=5).passages} and "doc" not in everywhere
    report = evaluate(assistant, labelled, k=5, worst=5, doc=PUSTAKAWAN.name)
    assert report["doc"] == PUSTAKAWAN.name
    returned = report["worst"]["answerable_lowest_confidence"][0]["returned"]
    assert returned in {p.text for p in assistant.ask(SHARED, k=5, doc=PUSTAKAWAN.name).passages}
    assert format_report(report).splitlines()[0] == f"asked within document '{PUSTAKAWAN.name}' only (--doc)"
    assert format_report(everywhere).splitlines()[0].startswith("answerable 1 ")


def test_evaluate_asks_the_offtopic_unanswerable_and_content_free_ones_within_the_document_too(
    two_documents,
) -> None:
    """Each kind of question, not the labelled ones only: the figures of one document must not mix in
    negatives asked of every document (the first test alone passed with ``doc`` dropped for them)."""
    assistant = Assistant(two_documents, encoder=FakeEncoder(), log=lambda m: None)
    assistant.threshold = 0.0  # the shipped threshold is e5's: the fake answers, so content-free cases show
    asked, within = [Labelled(SHARED, [])], assistant.ask(SHARED, k=5, doc=PUSTAKAWAN.name).passages
    assert assistant.ask(SHARED, k=5).passages[0].source == DOC  # unlimited, the seed document is first
    labelled = [Labelled(SHARED, ["pustakawan"])]
    report = evaluate(
        assistant, labelled, k=5, offtopic=asked, unanswerable=asked, content_free=asked, doc=PUSTAKAWAN.name
    )
    worst = report["worst"]
    for kind in ("offtopic_highest_confidence", "unanswerable_highest_confidence", "content_free_answered"):
        assert [c["returned"] for c in worst[kind]] == [within[0].text], kind


def test_qa_eval_doc_says_the_document_and_an_unknown_one_exits_2(two_documents, tmp_path) -> None:
    """Real processes, a real index on disk of two documents (fake encoder harness)."""
    labelled = str(_labelled(tmp_path))
    run = qa_run(two_documents, "eval", labelled, "--doc", PUSTAKAWAN.name)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == f"asked within document '{PUSTAKAWAN.name}' only (--doc)"
    run = qa_run(
        two_documents, "eval", labelled, "--doc", str(two_documents.corpus_dir / PUSTAKAWAN.name), "--json"
    )
    assert run.returncode == 0 and json.loads(run.stdout)["doc"] == PUSTAKAWAN.name
    run = qa_run(two_documents, "eval", labelled, "--doc", "tidak-ada.txt")
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.splitlines()[-2:] == [
        "error: no document named 'tidak-ada.txt' in the corpus",
        f"hint: documents: {', '.join(sorted([DOC, PUSTAKAWAN.name]))}",
    ]
