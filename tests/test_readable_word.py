"""An abstention never names a word nobody can read (docs/reliability.md section 111).

``is_readable_word`` reads a word of Indonesian from the vendored root list by stripping the regular
affixes; a focus word of an Indonesian question that the document lacks and nothing reads (chat slang,
a typo, a foreign word) is left out of the message, as an English question's unreadable word already was.
"""

from __future__ import annotations

import pytest

from qa.abstention import missing_reason, unreadable_words
from qa.analysis import tokenize
from qa.question import analyze
from qa.wordlist import dictionary_words, is_readable_word


def _known(question: str, held: str) -> set[str]:
    """The question's stems the index holds, as the assistant passes them: those of ``held``."""
    return set(tokenize(question)) & set(tokenize(held))


@pytest.mark.parametrize("word", ["kelola", "gaji", "kantor", "seragam", "asisten"])
def test_a_root_of_the_dictionary_is_read(word: str) -> None:
    assert word in dictionary_words() and is_readable_word(word)


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("mengelola", "kelola"),  # meng- swallowed the k
        ("menulis", "tulis"),  # men- swallowed the t
        ("memilih", "pilih"),  # mem- swallowed the p
        ("menyusun", "susun"),  # meny- swallowed the s
        ("mengambil", "ambil"),
        ("melihat", "lihat"),
        ("mengecat", "cat"),  # menge- before one syllable
        ("pengurus", "urus"),
        ("penulis", "tulis"),
        ("pemilihan", "pilih"),
        ("berhak", "hak"),
        ("bekerja", "kerja"),  # be- before a first syllable in -er
        ("mempelajari", "ajar"),  # mem-pel-…-i
        ("terpilih", "pilih"),
        ("perpanjang", "panjang"),
        ("dipengaruhi", "pengaruh"),  # Snowball stems it to "ngaruh"
        ("mengurusi", "urus"),  # Snowball: "urusi"
        ("sedunia", "dunia"),
        ("keadaan", "ada"),
        ("kepengurusan", "urus"),  # ke-peN-…-an; Snowball: "ngurus"
        ("diperpanjang", "panjang"),  # diper-
        ("memperbaiki", "baik"),  # memper-…-i
        ("berkelanjutan", "lanjut"),  # ber- + ke-…-an
        ("pertanggungjawaban", "tanggung"),
        ("kantornya", "kantor"),
        ("antariksawan", "antariksa"),  # -wan
        ("antarlembaga", "lembaga"),  # a bound form EYD writes joined
        ("tawar-menawar", "tawar"),  # reduplication
        ("tanda2", "tanda"),  # chat reduplication, as qa.analysis reads it
        ("kontak2an", "kontak"),  # and with the -an of X-Xan: "kontak-kontakan" (section 160)
        ("kerja sama", "kerja"),  # a chat word's formal form in two words
    ],
)
def test_a_derived_form_is_read_through_its_root(word: str, root: str) -> None:
    assert word not in dictionary_words() and root in dictionary_words()
    assert is_readable_word(word)


@pytest.mark.parametrize(
    "word",
    [
        "nyuruh",  # chat nasal verbs: ny-/ng- are no standard prefix
        "nyuruh2",
        "ngaruh",
        "ngelamar",
        "nyemplung",
        "megang",  # me- never joins a root in g ("gang")
        "koordinasiin",  # the chat suffix -in
        "bikinin",
        "ditempatin",
        "bocil",
        "jadul",
        "kerjsama",  # typos
        "maslah",  # "mas" + "-lah": a short root behind a clitic alone is no evidence
        "mentri",
        "weekend",  # English
        "passion",
        "nonton",  # "non" + "ton": a bound form needs a word of four letters
        "",
        "2024",
        "kafé",
    ],
)
def test_slang_typos_and_foreign_words_are_not_read(word: str) -> None:
    assert not is_readable_word(word)


def test_unreadable_words_keep_names_and_codes() -> None:
    question = "anak HI lulusan d3 bisa nyemplung ke Kemlu ga?"
    assert unreadable_words(question, ["HI", "d3", "nyemplung", "kemlu", "lulusan"]) == {"nyemplung"}


def test_a_slang_word_is_never_named_a_missing_one_still_is() -> None:
    q = "asisten menteri dapet gaji gede ga kalo nganterin tamu?"
    known = _known(q, "asisten menteri tamu")
    assert missing_reason(q, known) == "Dokumen tidak menyebut gaji gede."
    q = "kantor asisten menteri deket stasiun ga?"
    assert missing_reason(q, _known(q, "asisten menteri")) == "Dokumen tidak menyebut kantor stasiun."
    q = "asisten menteri harus pake seragam pas nyambut tamu?"
    message = missing_reason(q, _known(q, "asisten menteri tamu"))
    assert message is not None and "seragam" in message and "nyambut" not in message


def test_the_lead_still_reads_when_slang_is_left_out() -> None:
    q = "kantornya di kota mana sih, deket stasiun ga? asisten menteri"  # "kota" is the place asked for
    assert missing_reason(q, _known(q, "asisten menteri")) == "Dokumen tidak menyebut lokasi kantor stasiun."
    q = "gaji asisten menteri brp sebulan, cukup buat nyicil?"
    assert missing_reason(q, _known(q, "asisten menteri")) == "Dokumen tidak menyebut jumlah gaji sebulan."


def test_a_name_is_still_named_though_nothing_reads_it() -> None:
    q = "asisten menteri sering nongkrong di Kemlu ga?"
    assert missing_reason(q, _known(q, "asisten menteri")) == "Dokumen tidak menyebut Kemlu."


def test_only_unreadable_words_missing_gives_the_generic_message() -> None:
    for q in ("asisten menteri bisa nyuruh2 ga?", "asisten menteri sering ngelembur ga?"):
        assert missing_reason(q, _known(q, "asisten menteri")) is None, q


def test_every_focus_word_held_keeps_the_whole_phrase() -> None:
    """Nothing is missing: the lead's phrase names the corpus's own words, which are never dropped."""
    q = "di kota mana kantor asisten menteri?"
    assert missing_reason(q, _known(q, "kota kantor asisten menteri")) == (
        "Dokumen tidak menyebut lokasi kantor asisten menteri."
    )


def test_the_analysis_is_unchanged() -> None:
    """Only the message leaves slang out: the models still read it as a focus word."""
    info = analyze("asisten menteri bisa nyuruh2 ga?")
    assert "nyuruh" in info.focus and "nyuruh-nyuruh" in info.focus_words  # shown written out


@pytest.mark.slow
def test_real_assistant_does_not_name_the_slang_of_an_informal_question(real_assistant) -> None:
    for question, message in (
        (
            "asisten menteri dapet mobil dinas buat nganterin tamu ga?",
            "Dokumen tidak menyebut mobil dinas tamu.",
        ),
        (
            "asisten menteri kantornya di mana sih, deket stasiun ga?",
            "Dokumen tidak menyebut lokasi kantor stasiun.",
        ),
        ("asisten menteri sering ngedraft pidato ga?", "Dokumen tidak menyebut pidato."),
    ):
        result = real_assistant.ask(question)
        assert result.abstained and result.message == message, (question, result.message)


# Second reading (docs/reliability.md section 112).


@pytest.mark.parametrize(
    "word",
    [
        "kupu-kupu",  # a reduplication whose half is no word: the bilingual dictionary's Indonesian side
        "ubur-ubur",
        "kerjasama",  # a closed compound as commonly written
        "bekerjasama",  # ... under an affix
        "dulu",  # a common word the Hunspell list lacks
        "narkoba",
        "ketidakpastian",  # ke-tidak-…-an
        "ketidaksetaraan",
        "mensyaratkan",  # men- before sy keeps the s
        "mensyukuri",
    ],
)
def test_a_standard_word_the_root_list_lacks_is_read(word: str) -> None:
    assert word not in dictionary_words()
    assert is_readable_word(word)


def test_an_english_word_of_a_mixed_question_is_named_as_an_english_question_s_is() -> None:
    """The bilingual dictionary reads it (section 105 names it in an English question): a true gap."""
    q = "software apa yang dipakai analis data?"
    assert missing_reason(q, _known(q, "analis data dipakai")) == "Dokumen tidak menyebut software."
    q = "pustakawan kerja pas weekend juga ga?"  # "pas" is chat's "saat" here: never named (section 135)
    assert missing_reason(q, _known(q, "pustakawan kerja")) == "Dokumen tidak menyebut weekend."


def test_a_chat_word_that_looks_like_an_english_inflection_is_not_named() -> None:
    """Only a headword as typed: "males" (chat for malas) is no "male" + "-s"."""
    assert unreadable_words("aku males pakai software", ["males", "software"]) == {"males"}


def test_the_word_cache_is_bounded() -> None:
    """A server reads its users' words for as long as it runs."""
    from qa import wordlist

    assert wordlist._reads.cache_info().maxsize is not None


def test_a_damaged_bilingual_dictionary_leaves_the_roots(monkeypatch: pytest.MonkeyPatch) -> None:
    """The message is no reason to fail: the Hunspell roots still read, English is not named."""
    from qa import translation, wordlist
    from qa.trees import ModelError

    def damaged() -> dict[str, list[str]]:
        raise ModelError("damaged", "reinstall")

    for cached in (wordlist._roots, wordlist._reads, translation.translated_words):
        cached.cache_clear()
    monkeypatch.setattr(translation, "_entries", damaged)
    try:
        assert is_readable_word("mengelola") and not is_readable_word("kupu-kupu")
        assert unreadable_words("software apa?", ["software"]) == {"software"}
    finally:
        for cached in (wordlist._roots, wordlist._reads, translation.translated_words):
            cached.cache_clear()


def test_a_chat_reduplication_is_named_written_out() -> None:
    """Chat writes "repot2" for "repot-repot" (the analysis reads it so): a message named it as typed."""
    q = "ngapain repot2 jalin relasi sama perwakilan negara lain?"
    said = missing_reason(q, _known(q, "perwakilan negara lain sama"))
    assert said == "Dokumen tidak menyebut repot-repot jalin relasi.", said
    assert analyze("isu2 internasional apa aja?").focus_words == ("isu-isu", "internasional")


def test_a_sentence_s_first_capital_is_no_name() -> None:
    """Phones capitalise a question's first letter: "Nulis" there is the slang "nulis", not a name, and
    is not named (section 117); a capital inside a sentence, or past a word's first letter, still is."""
    q = "Nulis laporan asisten menteri pake aplikasi apa?"
    assert "ulis" not in (missing_reason(q, _known(q, "laporan asisten menteri")) or "")
    assert unreadable_words("Oke. Nongkrong di mana?", ["nongkrong"]) == {"nongkrong"}
    assert unreadable_words("Kemlu punya berapa asisten, kalau di Kemlu?", ["kemlu"]) == set()
    assert unreadable_words("KemLu punya berapa asisten?", ["kemlu"]) == set()
    assert unreadable_words("HI itu apa?", ["hi"]) == set()
