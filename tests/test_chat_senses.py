"""How an abstention names, or skips, chat words (qa/chat_senses.py, qa/chat_words.py; docs/reliability.md
section 146): a homograph's content sense ("kaya" rich, "bakal calon", "protein tau") is named, a
standard form ("tapi", "kenapa") types no question as chat, an English question's "mending" is English,
and a content word's shorthand ("hr", "ortu") is named as its full word. Only the message changes; the
questions are written for these tests, not taken from the evaluation files."""

from __future__ import annotations

import pytest

from qa.abstention import missing_reason
from qa.analysis import tokenize
from qa.chat_senses import chat_homographs, typed_as_chat
from qa.chat_words import CONTENT_SHORTHAND, FUNCTION_FORMS, HOMOGRAPHS, STANDARD_FORMS
from qa.question import analyze
from qa.wordlist import is_readable_word

JOB = set(tokenize("asisten menteri"))


def _reason(question: str, text: str) -> str | None:
    """The message over an index of ``text`` (its stems the vocabulary), as the assistant asks for it."""
    vocab = set(tokenize(text))
    return missing_reason(question, {s for s in tokenize(question) if s in vocab}, analyze(question), vocab)


@pytest.mark.parametrize(
    ("question", "message"),
    [
        # no complement after it: the adjective, rich, which the question asks about
        ("asisten menteri bisa jadi kaya gak?", "Dokumen tidak menyebut kaya."),
        ("gaji asisten menteri bikin kaya ga sih?", "Dokumen tidak menyebut gaji membuat kaya."),
        ("asisten menteri bisa kaya banget?", "Dokumen tidak menyebut kaya."),
        ("asisten menteri bisa kaya raya ga?", "Dokumen tidak menyebut kaya raya."),  # very rich
        (
            "kalo udah jadi asisten menteri, kuota internetnya abis?",
            "Dokumen tidak menyebut kuota abis.",
        ),
        ("udah pas belum gaji asisten menteri?", "Dokumen tidak menyebut pas gaji."),  # no predicate
    ],
)
def test_a_chat_homograph_with_no_complement_is_its_content_word(question: str, message: str) -> None:
    """ "kaya" (like), "pas" (when), "abis" (after) take a complement; with none, a chat question's word
    is "rich", "exact", "run out", and is named."""
    assert missing_reason(question, JOB) == message


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("kantor asisten menteri kaya apa sih?", "Dokumen tidak menyebut kantor."),
        ("asisten menteri kerja kaya dosen ga?", "Dokumen tidak menyebut kerja dosen."),
        ("pas rapat asisten menteri bawa apa aja?", "Dokumen tidak menyebut rapat bawa."),
        ("abis rapat, asisten menteri ngapain?", "Dokumen tidak menyebut rapat."),
        ("pas hari raya, asisten menteri libur ga?", "Dokumen tidak menyebut hari raya libur."),
        ("kantor asisten menteri kayanya gimana?", "Dokumen tidak menyebut cara kantor."),  # -nya: seems
        # a negated predicate is a complement: "when there is no signal", "when one cannot get in"
        (
            "pas gak ada sinyal, asisten menteri kerja gimana dong?",
            "Dokumen tidak menyebut cara sinyal kerja.",
        ),
        (
            "pas ga bisa masuk kantor, asisten menteri lapor ke siapa?",
            "Dokumen tidak menyebut siapa masuk kantor lapor.",
        ),
    ],
)
def test_a_chat_homograph_before_its_complement_is_still_skipped(question: str, message: str) -> None:
    assert missing_reason(question, JOB) == message


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "Kenapa gua di dekat kantor asisten menteri ditutup?",
            "Dokumen tidak menyebut alasan gua dekat kantor ditutup.",
        ),
        (
            "Berapa jumlah gua di kantor asisten menteri, tapi yang besar?",
            "Dokumen tidak menyebut jumlah gua kantor besar.",
        ),
        (
            "Berapa jumlah gua, kolam, dll. di kantor asisten menteri?",
            "Dokumen tidak menyebut jumlah gua kolam kantor.",
        ),
    ],
)
def test_a_standard_form_types_no_question_as_chat(question: str, message: str) -> None:
    """ "tapi", "kenapa", "dll" are what formal text writes too: beside them "gua" is a cave."""
    assert missing_reason(question, JOB) == message


def test_a_chat_form_beside_a_standard_one_still_types_a_question_as_chat() -> None:
    """ "ga" is chat: "gua" is I, and named not."""
    question = "kenapa gua ga boleh ikut rapat asisten menteri?"
    assert missing_reason(question, JOB) == "Dokumen tidak menyebut alasan ikut rapat."
    assert typed_as_chat(["kenapa", "ga"]) and not typed_as_chat(["kenapa", "tapi", "dll"])


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            "Siapa bakal calon asisten menteri tahun depan?",
            "Dokumen tidak menyebut siapa bakal calon tahun depan.",
        ),
        ("Apa fungsi bakal buah bagi asisten menteri?", "Dokumen tidak menyebut fungsi bakal buah."),
        ("Apakah asisten menteri meneliti protein tau?", "Dokumen tidak menyebut meneliti protein tau."),
        # per-...-an is a noun, though its prefix is per-: a housing-to-be
        (
            "Di mana bakal perumahan asisten menteri dibangun?",
            "Dokumen tidak menyebut lokasi bakal perumahan dibangun.",
        ),
    ],
)
def test_bakal_and_tau_are_named_where_they_are_no_function_word(question: str, message: str) -> None:
    """Formal questions: "bakal" before a noun is the noun; "tau" is the protein."""
    assert missing_reason(question, JOB) == message


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("Apakah asisten menteri bakal mendapat mobil dinas?", "Dokumen tidak menyebut mobil dinas."),
        (
            "Kapankah bakal diadakannya rapat kerja asisten menteri?",
            "Dokumen tidak menyebut waktu diadakan rapat kerja.",
        ),
        ("Apakah asisten menteri bakal ada di rapat?", "Dokumen tidak menyebut rapat."),
        ("asisten menteri bakal dapet mobil dinas ga?", "Dokumen tidak menyebut mobil dinas."),
        ("asisten menteri harus tau bahasa arab ga?", "Dokumen tidak menyebut bahasa arab."),
    ],
)
def test_bakal_before_a_verb_and_tau_in_chat_are_still_skipped(question: str, message: str) -> None:
    assert missing_reason(question, JOB) == message


def test_bakal_before_a_verb_is_akan_in_any_question() -> None:
    assert chat_homographs("Kapankah bakal diadakannya rapat?") == {"bakal"}
    assert chat_homographs("Siapa bakal calon ketua?") == set()
    assert chat_homographs("Kapan bakal pertemuannya?") == set()  # per-...-an: a noun
    assert chat_homographs("Apakah ia bakal perpanjang kontrak?") == {"bakal"}  # per- alone: a verb
    assert chat_homographs("siapa bakal calon ketua sih?") == {"bakal"}  # chat uses the modal


def test_an_english_question_s_words_are_no_chat_forms() -> None:
    """ "mending" is English there; "together" (first sense *bareng*) still names nothing."""
    seed = "asisten menteri kerjasama luar negeri"
    assert (
        _reason("Does the assistant minister do mending of flags?", seed)
        == "Dokumen tidak menyebut mending flags."
    )
    assert _reason("Does the assistant minister study the tau protein?", seed) == (
        "Dokumen tidak menyebut study tau protein."
    )
    assert _reason("Does the assistant minister work together?", seed) is None


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("asisten menteri kerja brp hr seminggu?", "Dokumen tidak menyebut jumlah hari seminggu."),
        ("asisten menteri boleh ajak ortu ke luar negeri?", "Dokumen tidak menyebut ajak orang tua."),
        ("asisten menteri sering ke perpus ga?", "Dokumen tidak menyebut perpustakaan."),
        ("bagian HR asisten menteri ada di mana?", "Dokumen tidak menyebut lokasi bagian HR."),  # a name
        ("asisten menteri kerja di tmpt yg jauh?", "Dokumen tidak menyebut tempat jauh."),
    ],
)
def test_a_content_shorthand_is_named_as_its_full_word(question: str, message: str) -> None:
    assert _reason(question, "asisten menteri kerja luar negeri") == message


def test_a_shorthand_whose_full_word_the_document_holds_is_not_missing() -> None:
    """ "hr" over a document saying "hari": told what its formal wording is told, in its own order (the
    figure asked for is missing, not the word), where "hr" was named as an initialism the document
    lacks."""
    text = "asisten menteri libur hari"
    chat, formal = (
        _reason("asisten menteri libur brp hr?", text),
        _reason("asisten menteri libur berapa hari?", text),
    )
    assert chat == "Dokumen tidak menyebut jumlah asisten menteri libur hari."
    assert formal is not None and sorted(formal[:-1].split()) == sorted(chat[:-1].split())
    assert _reason("asisten menteri cuti brp hr?", text) == "Dokumen tidak menyebut jumlah cuti."


def test_the_tables_agree() -> None:
    """A shorthand reads as nothing else; a standard form is a chat form of the informal table, no
    homograph; every homograph is a word of the dictionary."""
    from qa.analysis import INFORMAL

    assert not CONTENT_SHORTHAND.keys() & (INFORMAL.keys() | FUNCTION_FORMS.keys() | HOMOGRAPHS)
    assert all(not is_readable_word(w) or w in {"perpus"} for w in CONTENT_SHORTHAND)
    assert INFORMAL.keys() >= STANDARD_FORMS and not STANDARD_FORMS & HOMOGRAPHS


@pytest.mark.slow
def test_real_assistant_names_chat_words_by_their_sense(real_assistant) -> None:
    """The bundled e5 over a real index of the seed document, which states none of these facts: one
    question of each of section 146's cases."""
    for question, message in (
        ("asisten menteri bisa jadi kaya gak?", "Dokumen tidak menyebut kaya."),
        (
            "Kenapa gua di dekat kantor asisten menteri ditutup?",
            "Dokumen tidak menyebut alasan gua dekat kantor ditutup.",
        ),
        (
            "Siapa bakal calon asisten menteri tahun depan?",
            "Dokumen tidak menyebut siapa bakal calon tahun depan.",
        ),
        ("Apakah asisten menteri meneliti protein tau?", "Dokumen tidak menyebut meneliti protein tau."),
        ("Does the assistant minister do mending of flags?", "Dokumen tidak menyebut mending flags."),
        ("asisten menteri kerja brp hr seminggu?", "Dokumen tidak menyebut jumlah hari seminggu."),
        ("asisten menteri boleh ajak ortu ke luar negeri?", "Dokumen tidak menyebut ajak orang tua."),
    ):
        result = real_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.message)


def test_a_capitalised_clipping_is_its_full_word() -> None:
    """A clipping is pronounced as a word: "Menlu", capitalised as a title is, is the Menteri Luar Negeri
    the document holds, not a name it lacks; "Ortu" mid-sentence is "orang tua". A vowel-less one typed
    in capitals stays the initialism ("HR")."""
    text = "asisten menteri lapor kepada menteri luar negeri"
    assert _reason("Apakah asisten menteri harus lapor ke Menlu tiap bulan?", text) == (
        "Dokumen tidak menyebut bulan."
    )
    assert _reason("Apakah asisten menteri boleh ajak Ortu ke kantor?", text) == (
        "Dokumen tidak menyebut ajak orang tua kantor."
    )
    assert (
        _reason("asisten menteri kerja brp HR seminggu?", text)
        == "Dokumen tidak menyebut jumlah kerja HR seminggu."
    )
