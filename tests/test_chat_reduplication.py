"""Reduplication typed with a 2 (docs/reliability.md section 160): "kerjasama2", "tugas2nya" and
"ngurus2" read as their formal forms, whose informal words and suffixes the stemmer never saw whole."""

from __future__ import annotations

import pytest

from qa.analysis import chat_reduplication, normalize, token_spans, tokenize
from qa.question import analyze


@pytest.mark.parametrize(
    ("chat", "formal"),
    [
        ("kerjasama2", "kerjasama"),  # a closed compound of the informal table: stemmed "rjasama" before
        ("kerjasama2nya", "kerja sama"),
        ("tanggungjawab2", "tanggung jawab"),
        ("tugas2nya", "tugas-tugasnya"),  # a suffix after the 2: one digit word, never stemmed, before
        ("isu2nya", "isu-isunya"),
        ("teman2ku", "teman-temanku"),
        ("anak2mu", "anak-anakmu"),
        ("sayur2an", "sayur-sayuran"),
        ("ngurus2", "mengurus"),  # a chat verb of the table: "ngurus" before
        ("kerjaan2", "pekerjaan"),  # "rjaan" before
        ("sm2", "sama-sama"),
        ("jum'at2", "jum'at-jum'at"),  # an apostrophe inside: the whole word repeated ("at" was a stem)
        ("qur'an2nya", "qur'an-qur'annya"),
    ],
)
def test_a_chat_reduplication_reads_as_its_formal_form(chat: str, formal: str) -> None:
    assert tokenize(chat) == tokenize(formal)
    spans = token_spans(f"apa {chat}?")
    assert spans and all((start, end) == (4, 4 + len(chat)) for start, end, _ in spans)


def test_the_written_out_form_is_formal_indonesian() -> None:
    """A compound repeats its first word ("surat-surat kabar"); a suffix closes the whole word."""
    assert chat_reduplication("kerjasama2") == "kerja-kerja sama"
    assert chat_reduplication("kerjasama2nya") == "kerja-kerja samanya"
    assert chat_reduplication("tugas2nya") == "tugas-tugasnya"
    assert chat_reduplication("ngurus2") == "mengurus-mengurus"
    assert normalize("Kerjasama2 dgn negara2 lain") == "kerja-kerja sama dengan negara-negara lain"
    info = analyze("kerjasama2nya sama negara mana aja?")
    assert {"kerja", "sama"} <= set(info.focus_stems), info


@pytest.mark.parametrize(
    ("token", "read"),
    [
        ("G2", ["g2"]),  # one letter and a 2: a code, a paper size, a degree (S2), a gas (O2)
        ("S2", ["s2"]),
        ("2x2", ["2x2"]),
        ("mp3", ["mp3"]),
        ("H2O", ["h2o"]),
        ("tugas2x", ["tugas2x"]),  # no suffix of the language after the 2
        ("tugas22", ["tugas22"]),
        ("km2", ["km"]),  # two letters: as section 115 read it (the models learnt it so)
    ],
)
def test_codes_and_figures_are_left_as_read_before(token: str, read: list[str]) -> None:
    assert tokenize(token) == read


@pytest.mark.slow
def test_real_model_answers_a_question_typed_with_a_chat_reduplication(real_assistant) -> None:
    """On main "tugas2nya" abstained (0.14, the misconception passage first) where "tugas-tugasnya" is
    answered from the duties passage, and "kerjasama2nya" was named as a fact the document lacks."""
    duties = real_assistant.ask("apa aja tugas2nya asisten menteri?")
    assert not duties.abstained and "Tugas utama" in duties.passages[0].text, duties
    partners = real_assistant.ask("kerjasama2nya sama negara mana aja?")
    assert not partners.abstained, partners.message  # main: "… tidak menyebut lokasi kerjasama-kerjasama."
