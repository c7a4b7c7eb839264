"""The passages shown below the scored pool, from deeper retrievals (``Tier``, ``Retriever.rank``;
docs/reliability.md sections 94 and 96), on a corpus where they are many: the same news five times over,
so hiding the copies of what is on screen leaves the scored pool short of ``k``."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from qa import ann
from qa.assistant import Assistant
from qa.config import Settings
from qa.retrieval import CANDIDATES
from scripts.fakes import FakeEncoder

from .conftest import EVAL
from .test_pool import _assert_independent_of_k, labels_agree


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> tuple[Settings, list[str]]:
    """300 lines of FacQA's news in five documents, each shuffled otherwise, and questions they answer."""
    lines = (EVAL / "facqa" / "corpus" / "kompas-facqa.txt").read_text(encoding="utf-8").splitlines()[:300]
    root = tmp_path_factory.mktemp("copies")
    (root / "corpus").mkdir()
    for c in range(5):
        random.Random(c).shuffle(lines)
        (root / "corpus" / f"copy{c}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = "\n".join(lines).lower()
    valid = [json.loads(line) for line in (EVAL / "facqa" / "questions_valid.jsonl").open(encoding="utf-8")]
    asked = [q["question"] for q in valid if any(e.lower() in text for e in q["expected"])][:30]
    return Settings(corpus_dir=root / "corpus", index_dir=root / "index"), asked


def test_how_a_passage_matched_agrees_with_its_cosine_down_the_list(copies) -> None:
    """A passage from a deeper retrieval says "both" (meaning and keywords) only if its cosine would say so
    among the scored candidates: read against its own, wider retrieval (whose lowest cosine is lower), one
    at 0.328 said "both" under one at 0.343 that said "keywords" (the bundled e5: 0.832 under 0.834)."""
    settings, asked = copies
    a = Assistant(settings, encoder=FakeEncoder(), log=print)
    texts = [a.read(q).searched for q in asked]
    qvecs = a.encoder.encode_queries(texts)
    pools = a.retriever.pools(texts, qvecs, CANDIDATES)
    deeper = 0
    for (ranking, _), pool in zip(a.search.search(texts, qvecs, 20), pools):
        deeper += sum(h.row not in set(pool.rows.tolist()) for h in ranking.hits)
        matched = [(h.dense_score, h.window_score, h.matched_by) for h in ranking.hits]
        assert labels_agree(matched), matched
    assert deeper > 20  # the deeper tiers were shown and read


def test_a_graph_index_shows_deeper_passages_the_same_way(copies, tmp_path, monkeypatch) -> None:
    """HNSW (above ``FLAT_MAX``) with many deeper passages: the generated corpus of test_pool.py needs
    only one or two there."""
    settings, asked = copies
    monkeypatch.setitem(ann.POLICY, "flat_max", 1000)
    graph = Assistant(replace(settings, index_dir=tmp_path / "hnsw"), encoder=FakeEncoder(), log=print)
    assert json.loads((tmp_path / "hnsw" / "manifest.json").read_text())["faiss"]["type"] == "IndexHNSWFlat"
    assert _assert_independent_of_k(graph, asked[:12]) > 100  # 384 here: most of what k = 50 shows
