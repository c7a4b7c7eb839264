"""Chat verbs in -in read as the corpus's verb in -kan / -i (qa/spelling.py, docs/reliability.md section
45): "yg dikatalogin pustakawan apa" asks about the document's "mengkatalogkan", not a word it lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa.spelling
from qa.analysis import tokenize
from qa.spelling import TRAINED_CHAT_VERBS, Speller

ROOT = Path(__file__).resolve().parent.parent
PUSTAKAWAN = (ROOT / "data/eval/pustakawan/corpus/pustakawan.txt").read_text(encoding="utf-8")
SEED = (ROOT / "corpus/asisten-menteri-kerjasama-luar-negeri.txt").read_text(encoding="utf-8")


def speller(*texts: str) -> Speller:
    return Speller(texts, {s for t in texts for s in tokenize(t)})


def test_a_chat_verb_in_in_is_the_corpus_verb() -> None:
    assert speller(PUSTAKAWAN).correct("yg dikatalogin pustakawan apa") == "yg dikatalogkan pustakawan apa"
    assert speller(SEED).suggest("dikoordinasiin") == "dikoordinasikan"
    assert speller(SEED).suggest("ngurusin") == "menguruskan"  # the chat nasal verb of the table, then -kan


CORPUS = "Mereka makan bersama kaum muslim. Tugasnya menjaga jam kerja dan menghitung pengganti."


@pytest.mark.parametrize("word", ["bermain", "muslimin", "dijamin", "dingin", "pengantin"])
def test_real_words_and_names_in_in_stay(word: str) -> None:
    assert speller(CORPUS).suggest(word) is None, word


def test_every_chat_verb_trained_as_typed_would_be_read_otherwise(monkeypatch) -> None:
    """The models learnt guru-sd's "dibutuhin" as typed; unlisted, the rule would read it formally."""
    guru = (ROOT / "data/train/profiles/guru-sd/guru-sd.txt").read_text(encoding="utf-8")
    for word in TRAINED_CHAT_VERBS:
        monkeypatch.setattr(qa.spelling, "TRAINED_CHAT_VERBS", frozenset())
        assert speller(guru).suggest(word), word


@pytest.mark.slow
def test_real_model_answers_a_chat_verb_question(pustakawan_assistant) -> None:
    result = pustakawan_assistant.ask("yg dikatalogin pustakawan apa")
    # before: abstained (0.10), "Dokumen tidak menyebut dikatalogin."
    assert not result.abstained and "mengkatalogkan bahan pustaka" in result.passages[0].text
