"""A "kapan" followed by a modal ("kapan sebaiknya …") asks for a circumstance, not a date, and a
conditional clause ("Jika …") answers it (docs/quality.md, "Thirty-sixth round"). Date questions keep
the "time" type and cue as they were."""

from __future__ import annotations

import numpy as np
import pytest

from qa.abstention import missing_message
from qa.features import NAMES, candidate_features
from qa.passage_table import CUE_NAMES, PassageTable, cue_matrix
from qa.question import analyze


def _cues(text: str) -> set[str]:
    return {c for c, v in zip(CUE_NAMES, cue_matrix([text])[0]) if v}


@pytest.mark.parametrize(
    "question",
    [
        "kapan sebaiknya seorang perawat mengambil cuti?",
        "kapan harus melapor kepada atasan?",
        "Kapankah perlu memanggil orang tua murid?",
        "kapan wajib menolak tugas tambahan?",
        "kpn sebaiknya aku daftar?",  # chat shorthand, read as "kapan"
        "dalam kondisi apa juru masak boleh menolak pesanan?",
        "Dalam keadaan apa penerjemah harus meminta bantuan?",
        "when should a translator refuse a job?",
        "under what circumstances can a nurse refuse a shift?",
    ],
)
def test_a_question_for_a_circumstance_has_its_own_type(question: str) -> None:
    assert analyze(question).answer_type == "condition"


@pytest.mark.parametrize(
    "question",
    [
        "kapan rumah sakit itu didirikan?",
        "kapan asisten menteri mengambil cuti?",
        "tahun berapa sekolah itu dibuka?",
        "when was the school founded?",
    ],
)
def test_a_question_for_a_date_keeps_the_time_type(question: str) -> None:
    """Beside its circumstance twin: the date question stays "time" (FacQA's "kapan" questions)."""
    assert analyze("kapan sebaiknya sekolah itu dibuka?").answer_type == "condition"
    assert analyze(question).answer_type == "time"


@pytest.mark.parametrize(
    "question",
    [
        "kapan bisa dihubungi?",
        "kapan boleh berkunjung ke rumah sakit?",
        "kapan dapat mendaftar beasiswa?",
        "when can I register for the course?",
        "when may visitors come?",
    ],
)
def test_an_ability_or_permission_modal_asks_for_a_time(question: str) -> None:
    """A "kapan bisa …" asks when a thing is possible (office hours, a period): a time, as before."""
    assert analyze(question).answer_type == "time"


def test_under_what_circumstances_leaves_under_out_of_the_focus_and_the_message() -> None:
    info = analyze("under what conditions can a nurse refuse a shift?")
    assert "under" not in info.focus_words and "nurse" in info.focus_words
    assert missing_message(info) == "Dokumen tidak menyebut dalam keadaan apa nurse refuse shift."


def test_in_what_condition_asks_for_a_state() -> None:
    assert analyze("in what conditions may a nurse refuse a shift?").answer_type == "condition"
    assert analyze("in what condition is the hospital building?").answer_type == "other"


def test_in_what_respect_is_no_circumstance() -> None:
    assert analyze("dalam keadaan apa penerjemah boleh menolak naskah?").answer_type == "condition"
    assert analyze("dalam hal apa penerjemah berbeda dari juru bahasa?").answer_type == "other"


def test_the_condition_noun_only_restates_the_type() -> None:
    info = analyze("dalam kondisi apa guru boleh menolak tugas?")
    assert "kondisi" not in info.focus_words and "guru" in info.focus_words


def test_the_condition_cue_reads_a_conditional_clause_and_the_time_cue_does_not() -> None:
    assert "condition" in _cues("Jika kamu tidak tertarik pada diplomasi, sebaiknya pilih profesi lain.")
    assert "condition" in _cues("Apabila pasien gelisah, perawat memanggil dokter.")
    assert "condition" in _cues("Dalam hal terjadi bencana, sekolah ditutup.")
    assert "condition" not in _cues("Dalam hal ini pemerintah setuju.")  # a discourse phrase, no clause
    assert "condition" not in _cues("Kalaupun hujan, rapat tetap berjalan.")  # a longer word
    assert "condition" not in _cues("Laporan dikirim ke kantor menteri pada bulan Maret.")
    assert "time" not in _cues("Jika kamu tidak tertarik pada diplomasi, pilih profesi lain.")  # unchanged


def test_the_type_match_of_a_circumstance_question_is_the_conditional_clause(fake_assistant) -> None:
    """The seed document's conditional sentence matches a "kapan sebaiknya" question's type; for a date
    question it does not, as before. To the models both are "kapan" questions (``type_time``)."""
    table = PassageTable(fake_assistant.index, fake_assistant.retriever.passage_texts)
    col = {n: j for j, n in enumerate(NAMES)}
    for question, circumstance in [
        ("kapan harus mempertimbangkan pekerjaan lain?", True),
        ("kapan pekerjaan lain dipertimbangkan?", False),
    ]:
        qvec = fake_assistant.encoder.encode_queries([question])[0]
        pool = fake_assistant.retriever.pools([question], qvec[None, :], 50)[0]
        c = candidate_features(
            table, fake_assistant.index.vectors, question, qvec, pool, analyze(question), 30
        )
        texts = [fake_assistant.index.chunks[r].text for r in c.rows]
        conditional = np.array([t.startswith("Jika ") for t in texts])
        assert conditional.any() and (c.x[:, col["type_time"]] == 1).all()
        assert (c.x[conditional, col["type_sent"]] == float(circumstance)).all()


def test_an_abstention_names_the_circumstance_asked_for() -> None:
    message = missing_message(analyze("dalam kondisi apa guru boleh menolak tugas?"))
    assert message == "Dokumen tidak menyebut dalam keadaan apa guru menolak tugas."
    message = missing_message(analyze("kapan sebaiknya seorang perawat mengambil cuti?"))
    assert message == "Dokumen tidak menyebut dalam keadaan apa perawat mengambil cuti."


@pytest.mark.slow
def test_real_model_a_circumstance_question_finds_the_conditional_clause(real_assistant) -> None:
    """Through the real model and the shipped models: the conditional sentence of the seed document
    ("Jika kamu tidak tertarik …") answers a question for a circumstance, first or among the top three."""
    first = real_assistant.ask("dalam kondisi apa seseorang kurang cocok menjadi asisten menteri?", k=3)
    assert first.to_dict()["passages"][0]["text"].startswith("Jika kamu")
    top3 = real_assistant.ask("kapan harus mempertimbangkan pekerjaan lain?", k=3).to_dict()["passages"]
    assert any(p["text"].startswith("Jika kamu") for p in top3)
