"""Questions framed in English around the corpus's own words ("how much uang saku asisten menteri?"): they
are in the corpus's language, so what they ask that the document lacks is seen as lacking and named
(docs/reliability.md section 32)."""

from __future__ import annotations

import pytest

from qa.abstention import missing_reason
from qa.analysis import tokenize
from qa.answer import written_in_another_language

KNOWN = frozenset(tokenize("asisten menteri kerjasama luar negeri diplomat tugas"))  # the seed document's


@pytest.mark.parametrize(
    "question",
    [
        "how much uang saku asisten menteri?",
        "where rumah dinas asisten menteri?",
        "when asisten menteri libur?",
        "siapa the boss of asisten menteri?",
    ],
)
def test_an_english_frame_around_the_corpus_words_is_the_corpus_language(question: str) -> None:
    assert written_in_another_language(question)  # by its function words alone
    assert not written_in_another_language(question, KNOWN)


@pytest.mark.parametrize(
    "question",
    [
        "What does a diplomat prepare for the minister?",
        "Is the assistant minister older than a diplomat?",
        "what sets a diplomat apart from an asisten menteri?",
        "asisten menteri vs diplomat: what sets them apart?",  # "them": an English word beyond the analysis's
    ],
)
def test_english_stays_english_beside_a_few_shared_words(question: str) -> None:
    # a known word counts half a function word: loanwords and names are shared by both languages
    assert written_in_another_language(question, KNOWN)


def test_what_a_mixed_question_lacks_is_named() -> None:
    known = set(KNOWN)
    assert (
        missing_reason("how much uang saku asisten menteri?", known)
        == "Dokumen tidak menyebut jumlah uang saku."
    )
    assert (
        missing_reason("where rumah dinas asisten menteri?", known)
        == "Dokumen tidak menyebut lokasi rumah dinas."
    )


@pytest.mark.slow
def test_real_model_abstains_on_mixed_questions_the_document_does_not_answer(real_assistant) -> None:
    # answered before, with confidence 0.48, 0.70 and 0.59, by an unrelated passage
    for question, message in (
        ("how much uang saku asisten menteri?", "Dokumen tidak menyebut jumlah uang saku."),
        ("where rumah dinas asisten menteri?", "Dokumen tidak menyebut lokasi rumah dinas."),
        ("when asisten menteri libur?", "Dokumen tidak menyebut waktu libur."),
    ):
        result = real_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.confidence, result.message)


@pytest.mark.slow
def test_real_model_answers_english_around_a_shared_word_as_before(pustakawan_assistant) -> None:
    result = pustakawan_assistant.ask("Do librarians ever work on digitalisasi projects with the community?")
    assert not result.abstained and result.passages[0].text.startswith("Ekspektasi orang terhadap pustakawan")
