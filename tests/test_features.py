"""Candidate features: per-passage tables, answer-type cues, term presence, and the feature matrix."""

from __future__ import annotations

import numpy as np
import pytest

from qa.features import NAMES, candidate_features
from qa.passage_table import CUE_NAMES, PassageTable, cue_matrix
from qa.question import analyze


def _cues(text: str) -> set[str]:
    return {c for c, v in zip(CUE_NAMES, cue_matrix([text])[0]) if v}


def test_answer_type_cues_are_generic_surface_patterns() -> None:
    assert {"number", "quantity", "time"} <= _cues("Pada tahun 1998 ada 25 orang.")
    assert "time" in _cues("Rapat diadakan pada bulan Maret.")
    assert "place" in _cues("Kantornya berada di Jakarta Pusat.")
    assert "name" in _cues("Kemarin Budi Santoso datang.")
    assert "name" not in _cues("Kemarin dia datang.")  # a capital that only starts the sentence
    assert "reason" in _cues("Ia pulang karena sakit.")
    assert not _cues("ia pulang") & {"number", "time", "place", "name", "reason"}


@pytest.fixture
def table(fake_assistant) -> PassageTable:
    return PassageTable(fake_assistant.index, fake_assistant.retriever.passage_texts)


def test_passage_table_positions_and_postings(fake_assistant, table) -> None:
    chunks = fake_assistant.index.chunks
    for row, c in enumerate(chunks):
        if row and chunks[row - 1].paragraph == c.paragraph:
            assert table.prev[row] == row - 1 and table.position[row] == table.position[row - 1] + 1
        else:
            assert table.prev[row] == row and table.position[row] == 0
    rows = np.arange(len(chunks))
    stem = _stems("menteri")[0]
    presence, idf = table.sentence_terms.presence([stem, "zzzunknown"], rows)
    assert presence[:, 0].tolist() == [stem in set(_stems(c.text)) for c in chunks]
    assert 0 < presence[:, 0].sum() < len(chunks)
    assert presence[:, 1].sum() == 0 and idf[1] > idf[0]  # an unknown stem weighs most


def _stems(text: str) -> list[str]:
    from qa.analysis import tokenize

    return tokenize(text)


def test_feature_matrix_reads_the_question(fake_assistant, table) -> None:
    q = "berapa jumlah staf yang dibutuhkan asisten menteri?"
    qvec = fake_assistant.encoder.encode_queries([q])[0]
    pool = fake_assistant.retriever.pools([q], qvec[None, :], 50)[0]
    c = candidate_features(table, fake_assistant.index.vectors, q, qvec, pool, analyze(q), 30)
    assert c.x.shape == (min(30, len(pool.rows)), len(NAMES)) and np.isfinite(c.x).all()
    col = {n: c.x[:, j] for j, n in enumerate(NAMES)}
    assert np.all(np.diff(pool.fused[c.pool_index]) <= 0)  # best fused first
    assert col["cos"].max() == pytest.approx(pool.dense.max())
    assert col["cos_rank"].max() == 1.0 and col["fused_rank"][0] == 1.0
    assert col["type_quantity"][0] == 1.0 and col["type_person"][0] == 0.0
    # quantity question: the type match is the quantity/number cue of each sentence
    texts = [fake_assistant.index.chunks[r].text for r in c.rows]
    cues = cue_matrix(texts)
    wanted = [CUE_NAMES.index("quantity"), CUE_NAMES.index("number")]
    assert np.array_equal(col["type_sent"], cues[:, wanted].max(1))
    assert np.all((col["idf_cov_sent"] >= 0) & (col["idf_cov_sent"] <= col["idf_cov_win"] + 1e-6))


def test_question_terms_are_in_the_same_order_in_every_process() -> None:
    """Name and number stems the content terms lack were appended in a set's order, which follows the
    process's hash seed: the float sums over the terms (IDF coverage, the answerability's shares) could
    differ from one run to the next."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    # (analyze now keeps acronyms such as WHO among the terms; names outside the terms, as a library
    # caller's QuestionFacts may give them, are what is appended)
    code = (
        "from types import SimpleNamespace as N; from qa.features import question_terms; "
        "print(question_terms(N(terms=('lapor',), focus=(), names=('Palu', 'Sigi', 'Donggala', 'Poso'), "
        "numbers=('12', 'dua')))[0])"
    )
    out = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                               check=True).stdout)  # fmt: skip
    assert out == {"['lapor', 'palu', 'sigi', 'donggala', 'poso', '12', 'dua']\n"}
