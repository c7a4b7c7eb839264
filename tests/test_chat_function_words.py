"""Chat's function words read as the function words they are (docs/quality.md, "Twenty-first round";
docs/reliability.md section 135): "bakal" (akan), "jgn" (jangan), "blh" (boleh), "bareng" (dengan) are
no words a passage must hold, and an abstention names the fact the document lacks, never one of them."""

from __future__ import annotations

import pytest

from qa.abstention import missing_reason
from qa.analysis import tokenize
from qa.question import analyze


@pytest.mark.parametrize(
    ("chat", "formal"),
    [
        ("asisten menteri bakal dapet mobil dinas ga?", "asisten menteri akan dapat mobil dinas tidak?"),
        ("jgn telat ya, blh bawa laptop?", "jangan telat ya, boleh bawa laptop?"),
        ("asisten kerja bareng siapa aja?", "asisten kerja dengan siapa saja?"),
        ("gabisa ya kalo ga punya paspor?", "tidak bisa ya kalau tidak punya paspor?"),
        ("asisten menteri tau bahasa arab ga?", "asisten menteri tahu bahasa arab tidak?"),
        ("biar lancar, asisten hrs ngapain dlm rapat?", "agar lancar, asisten harus apa dalam rapat?"),
        ("asisten kerja disini krna apa?", "asisten kerja di sini karena apa?"),
    ],
)
def test_a_chat_function_word_is_no_focus_word(chat: str, formal: str) -> None:
    """The chat question asks for what its formal wording asks for: the same focus, type and terms."""
    read, meant = analyze(chat), analyze(formal)
    assert (read.focus, read.answer_type, read.terms) == (meant.focus, meant.answer_type, meant.terms)


def test_mending_reads_as_sebaiknya_and_is_not_named() -> None:
    """ "mending" (better to) is read as the formal "sebaiknya", which a message never names."""
    q = "mending jadi asisten menteri atau jadi dosen?"
    assert analyze(q).focus == analyze("sebaiknya jadi asisten menteri atau jadi dosen?").focus
    assert missing_reason(q, set(tokenize("asisten menteri"))) == "Dokumen tidak menyebut dosen."


@pytest.mark.parametrize(
    ("question", "message"),
    [
        # "pas" is also exact or a permit, "abis" run out, "kaya" rich: left as words, never named
        ("pas rapat asisten menteri bawa apa?", "Dokumen tidak menyebut rapat bawa."),
        ("abis rapat asisten menteri ngapain?", "Dokumen tidak menyebut rapat."),
        ("kantor asisten menteri kaya apa?", "Dokumen tidak menyebut kantor."),
        # "skrg" and "ntar" are read as "sekarang" and "nanti", which point at the moment, no fact
        ("gaji asisten menteri skrg berapa?", "Dokumen tidak menyebut jumlah gaji."),
        ("ntar asisten menteri tinggal dimana?", "Dokumen tidak menyebut lokasi tinggal."),
    ],
)
def test_a_chat_function_word_left_as_a_word_is_never_named(question: str, message: str) -> None:
    assert missing_reason(question, set(tokenize("asisten menteri"))) == message


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
        ("gaji asisten menteri skrg berapa?", "Dokumen tidak menyebut jumlah gaji."),
    ):
        result = real_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.message)
