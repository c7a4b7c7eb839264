"""Confidence, language detection and highlight spans."""

from qa.answer import highlight_spans, written_in_another_language


def test_confidence_is_a_bounded_increasing_function_of_both_signals() -> None:
    # the retired similarity confidence, kept for training.evaluate's "before" figures
    from training.evaluate import NEUTRAL_SHARE
    from training.evaluate import similarity_confidence as confidence

    assert 0 < confidence(0.70, 0) < confidence(0.80, 0) < confidence(0.90, 0) < 1
    assert confidence(0.82, 0.0) < confidence(0.82, NEUTRAL_SHARE) < confidence(0.82, 1.0)
    assert confidence(0.82, 0) == 0.5  # the centre of the cosine band
    assert confidence(5.0, 1.0) <= 1.0 and confidence(-5.0, 0) >= 0.0  # no overflow


def test_language_of_the_question() -> None:
    assert written_in_another_language("Can the minister's assistant decide policy?")
    assert written_in_another_language("How is this job different from a diplomat?")
    assert not written_in_another_language("apakah asisten menteri bisa memutuskan kebijakan?")
    assert not written_in_another_language("asisten menteri tuh kerjaannya ngapain aja sih?")
    assert not written_in_another_language("tips menurunkan berat badan")  # no function words: default
    assert not written_in_another_language("")


def test_names_and_titles_do_not_make_a_question_english() -> None:
    # Indonesian questions about English names: their function words belong to the name, not the sentence
    for question in (
        "siapakah Director of Cancer Division WHO",
        "Siapa pengarang buku The Clash of Civilizations and The Remaking of World Order (1996)?",
        "Kapankah patroli The Eyes in the Sky (EiS) dimulai?",
        "Wakil Ketua Fraksi apakah A Azis Angkat?",
        "Siapakah Kepala Lorong Dusun I, Desa Sido Urip?",
        "Kemana pesawat itu return to base?",  # a question word weighs as much as an English word
    ):
        assert not written_in_another_language(question), question
    # ... while English questions stay English, however they are capitalised, names and all
    for question in (
        "Who painted the Mona Lisa?",
        "How do I reset my router password?",
        "WHAT IS THE CAPITAL OF CANADA?",
        "What Is The Capital Of Canada?",
        "is the Lord of the Rings about a ring?",
    ):
        assert written_in_another_language(question), question


def test_highlights_land_on_the_matching_words_of_the_original_text() -> None:
    text = "Mereka memiliki kontrol penuh dalam Pengambilan keputusan, padahal..."
    spans = highlight_spans("siapa yang memutuskan? apakah bisa mengambil kebijakan", text)
    words = [text[s:e] for s, e in spans]
    assert words == ["Pengambilan", "keputusan"]  # stems ambil and putus; stopwords never marked
    assert highlight_spans("???", text) == []
