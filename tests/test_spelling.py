"""Misspelt content words read as the corpus word they are one typo away from (docs/reliability.md
section 39): "mentri" is the document's "menteri", never a word it "does not state"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.analysis import tokenize
from qa.errors import InputError
from qa.spelling import Speller

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "corpus" / "asisten-menteri-kerjasama-luar-negeri.txt").read_text(encoding="utf-8")


def speller(*texts: str) -> Speller:
    return Speller(texts, {s for t in texts for s in tokenize(t)})


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("asisten mentri harus bisa negosiasi ga?", "asisten menteri harus bisa negosiasi ga?"),
        ("apa beda asisten menteri dan diplmat?", "apa beda asisten menteri dan diplomat?"),
        ("urusan luar negri apa saja?", "urusan luar negeri apa saja?"),
        ("Mentri butuh asisten apa?", "menteri butuh asisten apa?"),  # opening the question
        (
            "kapan asisten menteri mengkoordinasikan pertmeuan?",
            "kapan asisten menteri mengkoordinasikan pertemuan?",
        ),
    ],
)
def test_a_content_word_one_typo_from_a_corpus_word_is_that_word(typed: str, meant: str) -> None:
    assert speller(SEED).correct(typed) == meant


def test_known_short_capitalised_numeric_and_function_words_stay() -> None:
    sp = speller(SEED, "Menteri Sukarno bekerja di Jakarta pada 2019. Jenis tenis apa?")
    for question in (
        "apakah asisten menteri sering rapat?",  # "rapat" is no typo of anything the corpus has
        "siapa Mentri di kabinet?",  # capitalised inside the question: a name
        "apa itu MNTRI?",  # an acronym
        "gaji asisten 20199?",  # a number
        "negr apa?",  # four letters: too short to guess
        "tolong jelaskan tugas asisten menteri",  # the corpus knows every word
    ):
        assert sp.correct(question) == question


def test_letters_added_or_replaced_are_not_guessed() -> None:
    # Without a dictionary of the language these are real words one edit from a corpus word: "makan"
    # (eat) is "akan" plus a letter, "malam" (night) "dalam" with one replaced, "tenis" "jenis".
    sp = speller("akan dalam jenis jenis bahan dapat")
    for question in ("kapan makan malam?", "pelatih tenis siapa?", "badan apa?", "kapan rapat?"):
        assert sp.correct(question) == question


def test_a_content_word_is_never_read_as_a_function_word() -> None:
    # Real words one dropped vowel from a function word of the corpus: "merek" (brand) is "mereka" (they)
    # less its last letter, "antar" (take to) "antara", "karen" (a name) "karena", "serang" "seorang".
    sp = speller(SEED, "Karena seorang pustakawan mengenai mereka.")
    for question in (
        "merek mobil asisten menteri apa?",
        "siapa yang antar asisten menteri ke bandara?",
        "karen asisten menteri lulusan mana?",
        "kapan kota serang dikunjungi menteri?",
    ):
        assert sp.correct(question) == question


def test_a_word_opening_with_ng_or_ny_is_no_dropped_vowel() -> None:
    # "ngeri" (scary) is "negeri" less its "e": chat words open with ng-/ny- (ngopi, nyari), no typo does.
    sp = speller(SEED, "Nyanyian negeri.")
    assert sp.correct("apakah kerja asisten menteri itu ngeri?") == "apakah kerja asisten menteri itu ngeri?"
    assert sp.correct("nyanyin luar negri?") == "nyanyian luar negeri?"  # a vowel dropped further on is


def test_a_short_word_short_of_a_final_or_paired_vowel_is_a_real_word() -> None:
    # On FacQA's news corpus every one of these real words (difficult, urban, terrace, chart, orphanage,
    # capture, being, angry) was read as the corpus word it is with a vowel added at its end or beside one.
    news = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data/eval/facqa/corpus").rglob("*.txt"))]
    sp = speller(*news)
    for question in (
        "mengapa sukar mendapat beasiswa?",  # sukara
        "kawasan urban mana yang banjir?",  # urbana
        "siapa duduk di teras rumah?",  # terasa
        "bagan organisasi partai seperti apa?",  # bagian
        "panti asuhan mana yang dibantu?",  # pantai
        "siapa yang mereka tawan?",  # taiwan
        "apa kata human being dalam pidato itu?",  # boeing: an English word in an Indonesian question
        "siapa yang berang dengan keputusan itu?",  # beruang
    ):
        assert sp.correct(question) == question
    # A long word may still miss such a vowel, and a double vowel is still one too many.
    assert sp.correct("apa kegitan perusahan itu?") == "apa kegiatan perusahaan itu?"


def test_an_ambiguous_typo_takes_only_a_clearly_more_frequent_word() -> None:
    assert speller("bahan bahun").correct("apa bahn nya?") == "apa bahn nya?"  # bahan or bahun: no guess
    assert speller("bahan " * 5 + "bahun").correct("ada bahnnya?") == "ada bahnnya?"  # -nya: unknown form
    assert speller("kantor " * 6 + "kantur").correct("alamat kntor?") == "alamat kantor?"


def test_an_english_question_is_left_as_typed() -> None:
    sp = speller(SEED)
    assert sp.correct("what does the mentri assistant do?") == "what does the mentri assistant do?"


# The stored questions the runtime reads otherwise than typed (qa.reading: the asked part, typos read as
# the corpus's words), over each corpus training or evaluation asks them of. ``make train`` trains on
# exactly these readings (it reads through ``Assistant.read``; docs/quality.md, "Retrained on questions
# read as the runtime reads them"). guru-sd's "dibutuhin" is its chat verb's formal "dibutuhkan"
# (qa.chat_verbs); "makan" (a dictionary word) stays as typed over the translator's profile.
PENYELENGGARAN = "Berapakah spot iklan yang telah disiapkan bagi penyelenggaran Pekan Imunisasi Nasional?"
KARIRNYA = "Harold Pinter mengawali karirnya dengan menjadi aktor dalam kelompok apa"
THAUN = "Partai apakah yang mencalonkan Osama Shaltout pada pemilu pertama multikandidat di Mesir thaun 2005"
DIBUTUHIN = "kemampuan apa yg dibutuhin buat jelasin pelajaran ke anak?"
READ_OTHERWISE = {
    **{
        (corpus, typed): typed.replace(typo, meant)
        for corpus in ("facqa", "half0", "half1")
        for typed, typo, meant in (
            (PENYELENGGARAN, "penyelenggaran", "penyelenggaraan"),
            (KARIRNYA, "karirnya", "kariernya"),
            (THAUN, "thaun", "tahun"),
        )
        if (corpus, typed) != ("half0", KARIRNYA)  # "kariernya" is in the other half only
    },
    ("guru-sd", DIBUTUHIN): DIBUTUHIN.replace("dibutuhin", "dibutuhkan"),
    # data/train/chat/profiles/: chat verbs read in formal spelling ("ngajar" as the document's "mengajar")
    **{
        (profile, typed): typed.replace(chat, formal)
        for profile, typed, chat, formal in (
            (
                "guru-sd",
                "guru sd jg ngurusin sikap sm kebiasaan anak ga, ga cuma pelajaran?",
                "ngurusin",
                "menguruskan",
            ),
            ("guru-sd", "aku gampang pusing kalo suasana berisik, cocok ga ngajar SD?", "ngajar", "mengajar"),
            ("guru-sd", "ngajar bocil kan gampang, materinya cetek doang?", "ngajar", "mengajar"),
            ("guru-sd", "yg nentuin jadwal ngajar tuh kepala sekolah ya?", "ngajar", "mengajar"),
            ("juru-masak", "rasa masakannya hrs konsisten tiap kali disajiin ya?", "disajiin", "disajikan"),
            ("penerjemah", "asal jago bhs inggris pasti bisa nerjemahin kan?", "nerjemahin", "menerjemahkan"),
            ("penerjemah", "rate nerjemahin per kata brp skrg?", "nerjemahin", "menerjemahkan"),
            ("penerjemah", "sehari bisa nerjemahin brp halaman?", "nerjemahin", "menerjemahkan"),
        )
    },
    ("penerjemah", "gaya nulis penulis aslinya harus tetep dijaga ga pas nerjemahin?"): (
        "gaya menulis penulis aslinya harus tetep dijaga ga pas menerjemahkan?"
    ),
    # data/train/profiles/, the thirtieth round's paraphrases: "mikir" read as its chat verb's "memikir"
    (
        "analis-data",
        "analis data kudu jago mikir runtut gitu ya?",
    ): "analis data kudu jago memikir runtut gitu ya?",
}


def stored_question_sets(halves: Path) -> dict[tuple[str, Path], list[str]]:
    """Each corpus training or evaluation asks stored questions of, with those question files."""
    from training.data import write_halves

    seed = ["eval/dev_questions", "eval/dev_offtopic", "eval/dev_unanswerable", "train/offtopic"]
    seed += ["train/seed_answerable", "train/seed_unanswerable", "eval/own/seed_unanswerable"]
    sets = {
        ("seed", ROOT / "corpus"): [*seed, "eval/own/content_free", "eval/facqa/questions_train"],
        ("facqa", ROOT / "data/eval/facqa/corpus"): [
            "eval/facqa/questions_train",
            "eval/facqa/questions_valid",
        ],
        ("facqa-half", ROOT / "data/eval/facqa_unanswerable/corpus"): [
            "eval/facqa_unanswerable/answerable_valid",
            "eval/facqa_unanswerable/unanswerable_valid",
        ],
        ("pustakawan", ROOT / "data/eval/pustakawan/corpus"): [
            "eval/pustakawan/questions",
            "eval/pustakawan/unanswerable",
        ],
    }
    for folder in write_halves(halves):  # the answerability's negatives: FacQA's train over each half
        sets[(folder.name, folder)] = ["eval/facqa/questions_train"]
    for profile in sorted((ROOT / "data/train/profiles").glob("*.jsonl")):
        files = [f"train/profiles/{profile.stem}", "train/offtopic", f"train/chat/profiles/{profile.stem}"]
        sets[(profile.stem, profile.with_suffix(""))] = files
    return sets


def test_no_stored_question_is_read_differently(tmp_path) -> None:
    """Training reads the stored questions as the runtime does over each corpus: a change of that reading
    changes what the models learn and are asked, so it comes with a retrain (make train) and this list.
    Read by ``read_question``, the function ``Assistant.read`` and training both call."""
    from qa.reading import read_question
    from scripts.fakes import FakeEncoder

    truncate = FakeEncoder().truncate  # no stored question comes near the window
    otherwise, seen = {}, 0
    for (name, corpus), files in stored_question_sets(tmp_path).items():
        sp = speller(*(p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.txt"))))
        for file in files:
            for line in (ROOT / "data" / f"{file}.jsonl").read_text(encoding="utf-8").splitlines():
                if line.strip():
                    typed = json.loads(line)["question"]
                    seen += 1
                    try:
                        reading = read_question(typed, truncate, sp)
                    except InputError:  # eval/own/content_free: "?", "apa itu?" are refused, as typed
                        continue
                    if reading.searched != typed:
                        otherwise[(name, typed)] = reading.searched
    assert seen > 10_000
    assert otherwise == READ_OTHERWISE


def test_the_assistant_searches_the_corrected_question(fake_assistant) -> None:
    typed = fake_assistant.ask("urusan luar negri apa saja yg dipegang asisten mentri?")
    meant = fake_assistant.ask("urusan luar negeri apa saja yg dipegang asisten menteri?")
    assert typed.question == "urusan luar negri apa saja yg dipegang asisten mentri?"  # shown as typed
    assert [(p.chunk_id, p.lexical_score) for p in typed.passages] == [
        (p.chunk_id, p.lexical_score) for p in meant.passages
    ]
    assert (typed.confidence, typed.message) == (meant.confidence, meant.message)
    assert typed.passages[0].lexical_score > 0


@pytest.mark.slow
def test_real_model_answers_a_typod_question_and_names_no_typo(real_assistant) -> None:
    answered = real_assistant.ask("asisten mentri harus bisa negosiasi ga?")
    assert not answered.abstained, answered.message
    assert "bernegosiasi" in answered.passages[0].text
    unanswerable = real_assistant.ask("berapa gaji asisten mentri?")
    assert unanswerable.abstained
    assert unanswerable.message == "Dokumen tidak menyebut jumlah gaji."


@pytest.mark.slow
def test_real_model_a_real_word_kept_as_typed_leaves_the_unanswerable_unanswered(real_assistant) -> None:
    # Read as "… itu negeri?", the question was answered with the document's first sentence at 0.95.
    scary = real_assistant.ask("apakah kerja asisten menteri itu ngeri?")
    assert scary.abstained, scary.message
    assert scary.message == "Dokumen tidak menyebut ngeri."
    brand = real_assistant.ask("merek mobil asisten menteri apa?")  # read as "mereka mobil …": "… mobil."
    assert brand.abstained and brand.message == "Dokumen tidak menyebut merek mobil."
