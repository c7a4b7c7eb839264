"""A question's confidence and ranking do not depend on how many passages are shown (docs/reliability.md
section 94): every score is computed on the pool training used (``CANDIDATES`` per channel), and a larger
``k`` only adds passages below them, from deeper retrievals when hiding repeated sentences leaves too few.
Before, ``-k 17`` and up widened the scored pool, so a confidence, an abstention or even rank 1 changed
with ``k`` on a large corpus."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import ann
from qa.analysis import tokenize
from qa.assistant import Assistant
from qa.config import Settings
from qa.retrieval import CANDIDATES
from scripts.fakes import FakeEncoder

from .conftest import DOC, EVAL, NEWS_LINES, copy_news, seed_and_synthetic

KS = (1, 5, 20, 50)
OWN = [  # of the real document: answered by its sentences
    "apa tugas asisten menteri?",
    "siapa yang memutuskan kebijakan?",
    "dengan siapa asisten menteri berkomunikasi?",
]


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> tuple[Settings, list[str]]:
    """The real document among 1,500 generated passages (a corpus where the pool's depth matters), and
    questions of both: the generator's and the document's own."""
    from benchmarks.synth import Generator

    root = tmp_path_factory.mktemp("pool")
    corpus = seed_and_synthetic(root / "corpus", seed=3, passages=1500, per_doc=300)
    return Settings(corpus_dir=corpus, index_dir=root / "index"), Generator(seed=3).questions(24) + OWN


def _digest(assistant: Assistant, questions: list[str], k: int, doc: str | None = None) -> list[tuple]:
    """Per question, through the search ``ask_many`` calls (``k`` beyond the CLI's 20 too): the shown rows,
    their scores, the confidence and how each matched (its cosine, window BM25 and ``matched_by``)."""
    texts = [assistant.read(q).searched for q in questions]
    rows = None if doc is None else assistant.rows[doc]
    found = assistant.search.search(texts, assistant.encoder.encode_queries(texts), k, rows)
    return [
        (
            [h.row for h in r.hits],
            [h.score for h in r.hits],
            p,
            [(h.dense_score, h.window_score, h.matched_by) for h in r.hits],
        )
        for r, p in found
    ]


def _same_keywords(a, b) -> None:
    """Each shown passage's BM25 values equal to float32 precision (the engine sums in another order: up to
    2.4e-7 apart, which rounding to 4 digits could turn into 1e-4 at a rounding edge) and the same label."""
    assert [p.matched_by for p in a.passages] == [p.matched_by for p in b.passages]
    for field in ("lexical_score", "window_score"):
        mine, theirs = ([getattr(p, field) for p in r.passages] for r in (a, b))
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def labels_agree(matched: list[tuple[float, float, str]]) -> bool:
    """Of the passages holding question words, every "both" (meaning too) has a higher cosine than every
    "keywords": one scale of meaning down the list, deeper retrievals' passages included."""
    both = [d for d, w, by in matched if w > 0 and by == "both"]
    words = [d for d, w, by in matched if w > 0 and by == "keywords"]
    return not both or not words or max(words) < min(both)


def _assert_independent_of_k(assistant: Assistant, questions: list[str], doc: str | None = None) -> int:
    """Rank 1, its score, the confidence and the decision agree for every ``k``; a smaller ``k``'s passages
    are the first of a larger one's, matched the same way, their labels agreeing with their cosines and
    with their words (a window BM25 above 0, "keywords", exactly when it holds a word of the question).
    Returns how many passages the largest ``k`` showed beyond what the scored pool alone could give (the
    deeper tiers)."""
    by_k = {k: _digest(assistant, questions, k, doc) for k in KS}
    texts = [assistant.read(q).searched for q in questions]
    rows = None if doc is None else assistant.rows[doc]
    # in one batch, as searched (Milvus may break a tie of equal cosines otherwise for a lone question)
    pools = assistant.retriever.pools(texts, assistant.encoder.encode_queries(texts), CANDIDATES, rows)
    deeper = 0
    for i, question in enumerate(questions):
        rows_50, scores_50, conf_50, matched_50 = by_k[50][i]
        for k in KS:
            rows, scores, conf, matched = by_k[k][i]
            assert conf == conf_50, (question, k)
            assert (conf < assistant.threshold) == (conf_50 < assistant.threshold)
            assert rows == rows_50[:k] and scores == scores_50[:k], (question, k)
            assert matched == matched_50[:k], (question, k)
        assert labels_agree(matched_50), (question, matched_50)
        words = set(tokenize(texts[i]))  # keywords exactly when the window holds a word of the question
        for row, (_, window, by) in zip(rows_50, matched_50):
            holds = bool(words & set(tokenize(assistant.retriever.passage_texts[row])))
            assert (window > 0) == holds == (by != "meaning"), (question, row, window, by)
        assert all(a >= b for a, b in zip(scores_50, scores_50[1:])), question  # never rising down the list
        beyond = [j for j, r in enumerate(rows_50) if r not in set(pools[i].rows.tolist())]
        assert beyond == list(range(len(rows_50) - len(beyond), len(rows_50))), question  # all below
        deeper += len(beyond)
    return deeper


def test_rank_confidence_and_decision_are_the_same_for_every_k(large) -> None:
    settings, questions = large
    a = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    assert len(a.index.chunks) > 20 * CANDIDATES  # the pool is a small part of the corpus
    deeper = _assert_independent_of_k(a, questions)
    assert deeper > 0  # k = 50 needed passages from beyond the scored pool, and they came below it
    # (the fake encoder's cosines are not e5's: every question abstains here; the real-model test below
    # compares answered ones too)
    # What the CLI, the API and the UI call: ask and ask_many give the same first passages for 1..20.
    for k in (1, 3, 17, 20):
        for one, many in zip([a.ask(q, k=k) for q in questions[:6]], a.ask_many(questions[:6], k=k)):
            assert one.to_dict() == many.to_dict()
            full = a.ask(one.question, k=20)
            assert [p.chunk_id for p in one.passages] == [p.chunk_id for p in full.passages][:k]
            assert one.confidence == full.confidence and one.abstained == full.abstained


def test_scores_never_rise_down_the_list(tmp_path) -> None:
    """The pool's candidates beyond the reranked ones are shown in their exact fused order: ordered by their
    fused score minus 2 in float32 (one order for both), ties of the last digits were broken by row, and a
    shown score could rise by 1e-10 from one passage to the next (4 of 40 questions here at k = 50)."""
    from benchmarks.synth import Generator

    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=600, per_doc=200)
    a = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), encoder=FakeEncoder(), log=print)
    texts = [a.read(q).searched for q in Generator(seed=1).questions(40)]
    for ranking, _ in a.search.search(texts, a.encoder.encode_queries(texts), 50):
        scores = [h.score for h in ranking.hits]
        assert len(scores) == 50 and all(x >= y for x, y in zip(scores, scores[1:]))


def test_the_fused_ranking_keeps_its_order_for_every_k(large) -> None:
    """``Retriever.search`` (the fused order the evaluation reports as "before") the same way."""
    settings, questions = large
    a = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    qvecs = a.encoder.encode_queries(questions)
    by_k = {k: a.retriever.search(questions, qvecs, k) for k in KS}
    for i in range(len(questions)):
        full = [(h.row, h.score) for h in by_k[50][i].hits]
        assert len(full) == 50
        for k in KS:
            assert [(h.row, h.score) for h in by_k[k][i].hits] == full[:k]


def test_one_document_and_a_graph_index_keep_it_too(large, tmp_path, monkeypatch) -> None:
    """``--doc`` (the rows of one document: a generated one of 300 passages, the real one of 10) and an
    HNSW index (above ``FLAT_MAX``) take the same path."""
    settings, questions = large
    monkeypatch.setitem(ann.POLICY, "flat_max", 1000)  # 1,510 passages now count as large
    hnsw = replace(settings, index_dir=tmp_path / "hnsw")
    graph = Assistant(hnsw, encoder=FakeEncoder(), log=lambda m: None)
    assert json.loads((tmp_path / "hnsw" / "manifest.json").read_text())["faiss"]["type"] == "IndexHNSWFlat"
    _assert_independent_of_k(graph, questions[:12])
    one = next(d for d in graph.rows if d.startswith("synth"))
    assert graph.rows[one][1] - graph.rows[one][0] == 300
    _assert_independent_of_k(graph, questions[:12], one)
    _assert_independent_of_k(graph, OWN, DOC)  # all 10 passages fit the pool: nothing deeper to find


def test_training_collects_the_rows_the_runtime_scores_at_any_k(large, tmp_path) -> None:
    """The reranker's training rows are collected at the depth the runtime scores at (one constant): the
    features the runtime hands the model at k = 20 are training's, value for value."""
    from training.data import Question, open_assistant
    from training.dataset import collect_cached

    settings, questions = large
    a = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    seen: list[np.ndarray] = []
    rerank = a.search.reranker.rerank

    def recording(*args, **kw):
        ranked = rerank(*args, **kw)
        seen.append(ranked.candidates.x)
        return ranked

    a.search.reranker.rerank = recording  # type: ignore[method-assign]
    bare = open_assistant(settings.corpus_dir, settings.index_dir, FakeEncoder())
    asked = questions[:4] + OWN[:1]
    col = collect_cached("pool", bare, [Question(q) for q in asked], FakeEncoder(), tmp_path / "cache")
    a.ask_many(asked, k=20)
    assert len(seen) == len(asked)
    for x, trained in zip(seen, col.x):
        assert np.array_equal(x, trained)


@pytest.mark.slow
def test_real_model_over_news_keeps_rank_and_confidence_for_every_k(news_index, tmp_path: Path) -> None:
    """The bundled e5 and a FAISS index on disk over the FacQA news sample (data/eval): what (a) asserts
    with the fake encoder holds with the real one, for answered and abstained questions alike, and for the
    passages of deeper retrievals (half the news is there twice: hiding the copies leaves the pool short).
    The copies are added to the shared news index, whose vectors they reuse (their sentences are its own)."""
    settings = copy_news(news_index, tmp_path)
    lines = (settings.corpus_dir / "berita.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == NEWS_LINES
    (settings.corpus_dir / "salinan.txt").write_text(
        "\n".join(reversed(lines[200:])) + "\n", encoding="utf-8"
    )
    a = Assistant(settings, log=lambda m: None)
    assert len(a.index.chunks) > 8 * CANDIDATES
    text = "\n".join(lines).lower()
    valid = [json.loads(line) for line in (EVAL / "facqa" / "questions_valid.jsonl").open(encoding="utf-8")]
    answerable = [q["question"] for q in valid if any(e.lower() in text for e in q["expected"])][:8]
    questions = answerable + ["bagaimana cara membuat nasi goreng?", "siapa pelatih tim bulu tangkis?"]
    assert len(answerable) >= 4
    assert _assert_independent_of_k(a, questions) > 20  # 73 here: the deeper tiers under the real model
    results = a.ask_many(questions, k=3)
    assert {r.abstained for r in results} == {True, False}  # both decisions were compared


@pytest.mark.slow
def test_milvus_store_keeps_rank_and_confidence_for_every_k(tmp_path: Path) -> None:
    """The Milvus store (Milvus Lite) takes the same path, deeper tiers and ``--doc`` included, and shows
    what the local store shows at every ``k``."""
    pytest.importorskip("milvus_lite")
    from benchmarks.synth import Generator
    from qa.milvus import target
    from qa.milvus.target import parse_store

    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=600, per_doc=200)
    local = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "local"), encoder=FakeEncoder(), log=print
    )
    spec = f"milvus:{tmp_path / 'store.db'}"
    try:
        milvus = Assistant(
            Settings(corpus_dir=corpus, index_dir=tmp_path / "local", store=spec),
            encoder=FakeEncoder(),
            log=lambda m: None,
        )
        questions = Generator(seed=1).questions(10) + OWN[:2]
        assert _assert_independent_of_k(milvus, questions) > 0
        one = next(d for d in milvus.rows if d.startswith("synth"))
        _assert_independent_of_k(milvus, questions[:6], one)
        for k in (5, 20):
            for a, b in zip(milvus.ask_many(questions, k=k), local.ask_many(questions, k=k)):
                assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages]
                scores = [[p.score for p in r.passages] for r in (a, b)]
                np.testing.assert_allclose(*scores, atol=1e-5)
                assert a.confidence == pytest.approx(b.confidence, abs=1e-5)
                _same_keywords(a, b)  # the engine's BM25 of each shown passage, as ours
    finally:
        target.forget(parse_store(spec))
