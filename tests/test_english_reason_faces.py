"""An English abstention's named reason on every face that shows an Indonesian one (reliability 105).

The reason is computed once, in ``Assistant._result``; these tests hold that each face carries it under the
same field name as the Indonesian one: ``qa ask`` (text and ``--json``), ``qa batch`` (.jsonl, .md, and
the .csv's ``message`` column since section 108), the page and ``/ask``, and the Milvus store, whose
``term_postings`` is the vocabulary it is read against.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from scripts.fakes import FakeEncoder
from tests.conftest import CORPUS
from tests.ui_helpers import make_app

ENGLISH = "What is the assistant minister's salary?"
INDONESIAN = "berapa gaji asisten menteri?"
REASONS = {ENGLISH: "Dokumen tidak menyebut salary.", INDONESIAN: "Dokumen tidak menyebut jumlah gaji."}


@pytest.fixture
def always_abstains(monkeypatch) -> None:
    """The CLI's assistant over the fake encoder, its threshold above any confidence."""
    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: FakeEncoder())
    monkeypatch.setattr("qa.calibration.load_threshold", lambda *a, **k: 1.01)


def test_qa_ask_and_batch_carry_an_english_reason_as_an_indonesian_one(
    settings, always_abstains, tmp_path: Path, capsys
) -> None:
    from qa.commands import run

    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    for question, reason in REASONS.items():
        assert run(["ask", question, *where]) == 0
        assert reason in capsys.readouterr().out, question
        assert run(["ask", question, "--json", *where]) == 0
        d = json.loads(capsys.readouterr().out)
        assert d["abstained"] and d["reason"] == d["message"] == reason, question
    (tmp_path / "q.txt").write_text("\n".join(REASONS) + "\n", encoding="utf-8")
    for suffix in (".jsonl", ".md", ".csv"):
        out = tmp_path / f"answers{suffix}"
        assert run(["batch", str(tmp_path / "q.txt"), "-o", str(out), *where]) == 0
        text = out.read_text(encoding="utf-8")
        if suffix == ".jsonl":
            rows = [json.loads(x) for x in text.splitlines()]
            assert {r["question"]: r["reason"] for r in rows} == REASONS
        elif suffix == ".csv":
            rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
            assert {r["question"]: r["message"] for r in rows} == REASONS
        else:
            assert all(text.count(reason) == 1 for reason in REASONS.values()), text
    capsys.readouterr()


def test_the_page_and_ask_carry_an_english_reason(settings, fake_encoder, tmp_path: Path) -> None:
    app = make_app(settings, fake_encoder, tmp_path / "web", threshold=1.01)
    for question, reason in REASONS.items():
        d = app.ask(question)
        assert d["abstained"] and d["reason"] == d["message"] == reason, question
        card = app.ask_view(question, 3)[0]
        assert reason in card, question


def test_the_milvus_store_names_what_the_local_index_names(settings, fake_encoder, tmp_path: Path) -> None:
    """``MilvusLexical.term_postings`` (made from the texts read at open) is the vocabulary an English
    question's words are looked for in: the same reasons as the local BM25 index's."""
    pytest.importorskip("milvus_lite")
    from dataclasses import replace

    from qa.assistant import Assistant
    from qa.milvus.target import StoreTarget, forget

    local = Assistant(settings, encoder=fake_encoder, threshold=1.01, log=lambda m: None)
    corpus = tmp_path / "mcorpus"
    shutil.copytree(CORPUS, corpus)
    db = tmp_path / "kb.db"
    where = replace(settings, corpus_dir=corpus, index_dir=tmp_path / "mindex", store=f"milvus:{db}")
    try:
        milvus = Assistant(where, encoder=FakeEncoder(), threshold=1.01, log=lambda m: None)
        for question, reason in REASONS.items():
            assert milvus.ask(question).reason == local.ask(question).reason == reason, question
    finally:
        forget(StoreTarget("lite", str(db)))
