"""Question words typed with a letter left out, and the words an abstention names (docs/reliability.md
section 32): "apkah" and "brapa" are question words, never what the document "does not state"."""

from __future__ import annotations

import pytest

from qa.abstention import missing_message
from qa.analysis import tokenize
from qa.question import analyze
from qa.question_chat import unstretched


def read_as(question: str) -> tuple:
    """What the models take from ``question``: its answer type, its search terms, its focus words."""
    info = analyze(question)
    return info.answer_type, info.terms, info.focus_words


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("apkah pustakawan harus sarjana?", "apakah pustakawan harus sarjana?"),
        ("brapa gaji pustakawan?", "berapa gaji pustakawan?"),
        ("brapakah gaji pustakawan?", "berapa gaji pustakawan?"),
        ("bagaimna cara menyampul buku baru?", "bagaimana cara menyampul buku baru?"),
        ("mengpa pustakawan harus sabar?", "mengapa pustakawan harus sabar?"),
    ],
)
def test_a_question_word_missing_a_letter_is_still_a_question_word(typed: str, meant: str) -> None:
    assert read_as(typed) == read_as(meant)


def test_short_question_words_are_not_guessed_from_other_words() -> None:
    # "siap" (ready) is "siapa" without its last letter; "kapal" (a ship) is one letter from "kapan"
    assert "siap" in analyze("apakah pustakawan siap bekerja malam?").focus_words
    assert analyze("kapal apa yang dipakai?").answer_type != "time"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("acara apa yg dibikin pustakawan buat remaja?", "Dokumen tidak menyebut acara dibikin remaja."),
        ("apa kata orang soal gaji pustakawan?", "Dokumen tidak menyebut kata gaji."),
        ("apakah pustakawan punya banyak rapat?", "Dokumen tidak menyebut rapat."),  # nor "punya" (having)
    ],
)
def test_an_abstention_names_no_function_word(question: str, message: str) -> None:
    known = set(tokenize("pustakawan orang"))  # the words the document has
    info = analyze(question)
    assert missing_message(info, [s for s in info.focus_stems if s not in known]) == message


def test_a_spelled_number_alone_missing_names_the_rest_of_the_question() -> None:
    info = analyze("berapa rak yang dirawat satu pustakawan?")
    assert missing_message(info, {"satu"}) == "Dokumen tidak menyebut jumlah rak dirawat pustakawan."


def test_an_abstention_names_no_connective_or_follow_up_word() -> None:
    # "Dokumen tidak menyebut terus pilot." for "Terus, apa bedanya asisten menteri dengan pilot?"
    known = set(tokenize("asisten menteri beda"))
    for question in (
        "Terus, apa bedanya asisten menteri dengan pilot?",
        "Oke. Lalu apa bedanya asisten menteri dengan pilot?",
    ):
        info = analyze(question)
        missing = [s for s in info.focus_stems if s not in known]
        assert missing_message(info, missing) == "Dokumen tidak menyebut pilot.", question


@pytest.mark.slow
def test_real_model_names_only_what_is_missing_after_a_connective(real_assistant) -> None:
    result = real_assistant.ask("Terus, apa bedanya asisten menteri dengan pilot?")
    assert result.abstained and result.message == "Dokumen tidak menyebut pilot.", result.message


@pytest.mark.slow
def test_real_model_names_what_is_missing_not_the_typo(pustakawan_assistant) -> None:
    for question, message in (
        ("apkah pustakawan wajib bergelar sarjana?", "Dokumen tidak menyebut bergelar sarjana."),
        ("brapa gaji pustakawan?", "Dokumen tidak menyebut jumlah gaji."),
    ):
        result = pustakawan_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.message)


def test_a_question_word_in_an_english_contraction_is_a_question_word() -> None:
    assert analyze("what's this?").vague
    assert analyze("who's in charge of the catalogue?").answer_type == "person"
    assert analyze("where's the reading room?").focus_words == ("reading", "room")
    assert "jum'at" in analyze("Jum'at jam berapa perpustakaan buka?").focus_words  # not a contraction


@pytest.mark.slow
def test_real_model_does_not_answer_whats_this(pustakawan_assistant) -> None:
    result = pustakawan_assistant.ask("what's this?")  # answered with confidence 0.55 before
    assert result.abstained and result.passages == []


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asisten menteri tugasnya ngapain aja yaa", "asisten menteri tugasnya ngapain aja ya"),
        ("pustakawan tugasnya apaaa", "pustakawan tugasnya apa"),
        ("gimanaaa cara jadi pustakawan dongg kakk", "gimana cara jadi pustakawan"),
        ("pustakawan sabar bangettt ya", "pustakawan sabar banget ya"),
    ],
)
def test_a_stretched_word_ending_is_the_word(typed: str, meant: str) -> None:
    assert read_as(typed) == read_as(meant)


def test_doubled_letters_of_words_numerals_and_units_stay() -> None:
    assert unstretched("saat maaf too all free 9,5 mm") == "saat maaf too all free 9,5 mm"
    assert "XXIII" in analyze("kapan pekan olahraga XXIII dibuka?").names  # a Roman numeral


def test_a_lower_case_roman_numeral_is_a_number_not_a_stretched_letter() -> None:
    # "iii" was read as a stretched "i" (then dropped as a lone letter): "golongan iii" asked about "golongan"
    # only, "abad xviii" became "abad xvi", another century
    typed = "gaji golongan iii berapa? abad xviii, pasal xxx"
    assert unstretched(typed) == typed
    assert "iii" in analyze("berapa gaji pns golongan iii?").focus_words
    assert "xviii" in analyze("siapa raja abad xviii?").focus_words
    assert unstretched("apaaa sihh, hmm") == "apa sih, hm"  # stretched words still undone
    assert analyze("mmm").vague  # a hum, not the Roman 3000


def test_a_name_with_a_doubled_last_letter_is_not_stretched() -> None:
    # "Moo" was a stretched "mo" (chat for "mau", want): "Roh Moo-hyun" was looked for as "roh mau hyun"
    assert unstretched("kapan Roh Moo-hyun menjabat presiden?") == "kapan Roh Moo-hyun menjabat presiden?"
    assert "mau" not in analyze("kapan Roh Moo-hyun menjabat presiden?").terms
    assert "Yaa" in analyze("kapan album Yaa Kun dirilis?").focus_words
    assert unstretched("tugasnya apa yaa, kakk") == "tugasnya apa ya, kak"  # chat stretches still undone


def test_itu_as_a_topic_marker_does_not_make_a_definition_question() -> None:
    assert analyze("pustakawan itu harus menguasai apa?").answer_type == "other"
    assert analyze("organisasi itu bernama apa?").answer_type == "other"
    for question in ("apa itu literasi informasi?", "literasi informasi itu apa?", "apa arti katalog?"):
        assert analyze(question).answer_type == "definition", question


@pytest.mark.slow
def test_real_model_answers_chat_stretched_and_topic_marked_questions(pustakawan_assistant) -> None:
    # "bahan apaaa … sihh" was read with "apaaa" and "sihh" as words the document lacks; "X itu … apa?" as a
    # request for a definition the document never gives (confidence 0.14)
    for question, opening in (
        ("bahan apaaa yg dikatalogkan pustakawan sihh", "Tugas utama seorang pustakawan"),
        ("pustakawan itu harus menguasai apa?", "Orang yang cocok juga sebaiknya menguasai teknologi"),
    ):
        result = pustakawan_assistant.ask(question)
        assert not result.abstained, (question, result.confidence)
        assert result.passages[0].text.startswith(opening), (question, result.message)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("berapa lama masa bakti pustakawan?", "Dokumen tidak menyebut lama masa bakti pustakawan."),
        ("berapa jauh rak dari pintu masuk?", "Dokumen tidak menyebut jarak rak pintu masuk."),
        ("berapa persen koleksi yang sudah digital?", "Dokumen tidak menyebut persentase koleksi digital."),
        ("usia minimal pustakawan berapa?", "Dokumen tidak menyebut usia minimal pustakawan."),
        ("berapa banyak rak di ruang baca?", "Dokumen tidak menyebut jumlah rak ruang baca."),
    ],
)
def test_a_measure_is_named_as_what_it_measures(question: str, message: str) -> None:
    # "jumlah masa bakti", "jumlah usia" named a count where a length of time or an age was asked
    assert missing_message(analyze(question)) == message


@pytest.mark.slow
def test_real_model_names_a_duration_as_a_duration(pustakawan_assistant) -> None:
    result = pustakawan_assistant.ask("berapa lama masa bakti pustakawan?")
    assert result.abstained and result.message == "Dokumen tidak menyebut lama masa bakti.", result.message
