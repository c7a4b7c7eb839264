"""Chat's function words (qa/chat_words.py; docs/reliability.md section 135): an abstention names the fact
the document lacks, never "bakal" (akan), "jgn" (jangan), "pas" (saat) or another of them."""

from __future__ import annotations

import pytest

from qa.abstention import VAGUE_TEXT, missing_reason
from qa.analysis import INFORMAL, STOPWORDS, tokenize
from qa.chat_words import FUNCTION_FORMS, HOMOGRAPHS
from qa.question import _GENERIC_WORDS, analyze
from qa.wordlist import is_indonesian_word


def test_each_chat_form_stands_for_a_function_word() -> None:
    """A formal word each, all function words (stopwords, or words a question's focus leaves out), and
    none the informal table already reads; a homograph is a word of the dictionary (a content sense)."""
    function_words = STOPWORDS | _GENERIC_WORDS | {"sebaiknya", "banyak"}
    for form, formal in FUNCTION_FORMS.items():
        assert form.isalpha() and form == form.lower() and form not in INFORMAL
        assert all(w in function_words for w in formal.split()), (form, formal)
    assert not HOMOGRAPHS & set(FUNCTION_FORMS)
    assert all(is_indonesian_word(w) for w in HOMOGRAPHS)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("asisten menteri bakal dapet mobil dinas ga?", "Dokumen tidak menyebut mobil dinas."),
        ("asisten menteri bakal dapet mobil dinas donk?", "Dokumen tidak menyebut mobil dinas."),
        ("asisten menteri blh bawa laptop ga?", "Dokumen tidak menyebut bawa laptop."),  # blh: no "BLH"
        ("jgn sampe telat, asisten menteri bawa laptop?", "Dokumen tidak menyebut telat bawa laptop."),
        ("mending jadi asisten menteri atau jadi dosen?", "Dokumen tidak menyebut dosen."),
        ("asisten menteri kerja bareng dosen ga?", "Dokumen tidak menyebut kerja dosen."),
        ("asisten menteri tau bahasa arab ga?", "Dokumen tidak menyebut bahasa arab."),
        ("asisten menteri tinggal disini ga?", "Dokumen tidak menyebut tinggal."),
        # homographs ("pas" is also exact or a permit, "abis" run out, "kaya" rich) in a chat question
        ("pas rapat asisten menteri bawa apa aja?", "Dokumen tidak menyebut rapat bawa."),
        ("abis rapat asisten menteri ngapain?", "Dokumen tidak menyebut rapat."),
        ("kantor asisten menteri kaya apa sih?", "Dokumen tidak menyebut kantor."),
        ("kantor asisten menteri kayanya gimana?", "Dokumen tidak menyebut cara kantor."),  # -nya
        ("asisten menteri tinggal di dalem kantor ga?", "Dokumen tidak menyebut tinggal kantor."),
        # a chat verb in -in ("ngikutin") says the question is chat, as a word of the table does
        (
            "abis perjanjian diteken, asisten menteri masih ngikutin?",
            "Dokumen tidak menyebut perjanjian diteken.",
        ),
    ],
)
def test_a_chat_function_word_is_never_named(question: str, message: str) -> None:
    assert missing_reason(question, set(tokenize("asisten menteri"))) == message


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Berapa jumlah gua di kantor asisten menteri?", "Dokumen tidak menyebut jumlah gua kantor."),
        ("kantor asisten menteri kaya apa?", "Dokumen tidak menyebut kantor kaya."),
        ("pas rapat asisten menteri bawa apa?", "Dokumen tidak menyebut pas rapat bawa."),
        # "abdi dalem" (palace servants): formal text never writes "dalam" as "dalem"
        ("Apa tugas abdi dalem bagi asisten menteri?", "Dokumen tidak menyebut tugas abdi dalem."),
        # "disini" is "di sini" written as one word, as "dimana" is: formal text writes it too, no chat
        ("Berapa jumlah gua disini menurut asisten menteri?", "Dokumen tidak menyebut jumlah gua."),
        ("Ada berapa gua disana menurut asisten menteri?", "Dokumen tidak menyebut jumlah gua."),
    ],
)
def test_a_homograph_in_a_question_typed_formally_is_named(question: str, message: str) -> None:
    """With no other chat form beside it, "gua" is a cave, "kaya" rich, "pas" a permit: words a
    document may lack (sections 135 and 140)."""
    assert missing_reason(question, set(tokenize("asisten menteri"))) == message


def test_a_question_missing_only_chat_function_words_names_nothing() -> None:
    """Only "bakal" (akan) is missing: nothing a document could lack, so the general sentence."""
    assert missing_reason("asisten menteri bakal ya?", set(tokenize("asisten menteri"))) is None


# Each chat question beside its formal wording, which names nothing and is too vague to search.
ONLY_CHAT = [
    ("bakal gimana dong?", "akan bagaimana?"),
    ("jgn gitu dong", "jangan begitu"),
    ("bareng siapa?", "dengan siapa?"),
    ("gua mau nanya dong", "saya mau bertanya"),  # "gua" is I: "nanya" types it as chat
    ("abis itu gimana?", "setelah itu bagaimana?"),
]


@pytest.mark.parametrize(("question", "formal"), ONLY_CHAT)
def test_a_question_of_only_chat_function_words_is_too_vague(question: str, formal: str) -> None:
    """Told what its formal wording is told (section 140), not the general sentence, which says the
    document does not answer a question that asks nothing. (A table reading the chat words as their
    formal words, training/patches/twenty-first-round-…, makes the question itself vague.)"""
    assert analyze(question).vague or missing_reason(question, set()) == VAGUE_TEXT
    assert analyze(formal).vague


@pytest.mark.parametrize(
    "question",
    [
        "asisten menteri bakal ya?",  # names the job: the document does not answer it (general sentence)
        "pas kapan?",  # typed formally, "pas" may be a permit
        "gua kapan?",  # a cave
        "mending yang mana ya",  # "sebaiknya yang mana ya" keeps its focus word: not vague either
    ],
)
def test_a_question_naming_something_beside_chat_words_is_not_called_vague(question: str) -> None:
    assert missing_reason(question, set(tokenize("asisten menteri"))) != VAGUE_TEXT


@pytest.mark.slow
def test_real_assistant_tells_a_question_of_chat_words_it_is_too_vague(real_assistant) -> None:
    """Searched (its words are not the analysis's stopwords) and refused; the message is its formal
    wording's."""
    for question, formal in ONLY_CHAT:
        result, meant = real_assistant.ask(question), real_assistant.ask(formal)
        assert result.abstained and result.message == meant.message == VAGUE_TEXT, (question, result.message)


@pytest.mark.slow
def test_real_assistant_names_the_missing_fact_not_the_chat_function_word(real_assistant) -> None:
    """The bundled e5 over a real index of the seed document, which states none of these facts."""
    for question, message in (
        ("asisten menteri bakal dapet mobil dinas ga?", "Dokumen tidak menyebut mobil dinas."),
        (
            "asisten menteri blh bawa keluarga pas dinas ke luar negeri?",
            "Dokumen tidak menyebut bawa keluarga dinas.",
        ),
        ("mending jadi asisten menteri atau jadi dosen?", "Dokumen tidak menyebut dosen."),
        ("abis rapat asisten menteri ngapain?", "Dokumen tidak menyebut rapat."),
        ("asisten menteri tau bahasa arab ga?", "Dokumen tidak menyebut bahasa arab."),
    ):
        result = real_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.message)
