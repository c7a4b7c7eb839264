"""Chat verbs read as the corpus's formal verb (qa/chat_verbs.py, docs/reliability.md sections 45 and 106):
"yg dikatalogin pustakawan apa" asks about the document's "mengkatalogkan", "bisa mutusin kebijakan?" about
its "keputusan", not about words it lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.analysis import tokenize
from qa.chat_verbs import formal_forms
from qa.spelling import Speller

ROOT = Path(__file__).resolve().parent.parent
PUSTAKAWAN = (ROOT / "data/eval/pustakawan/corpus/pustakawan.txt").read_text(encoding="utf-8")
SEED = (ROOT / "corpus/asisten-menteri-kerjasama-luar-negeri.txt").read_text(encoding="utf-8")


def speller(*texts: str) -> Speller:
    return Speller(texts, {s for t in texts for s in tokenize(t)})


def test_a_chat_verb_in_in_is_the_corpus_verb() -> None:
    assert speller(PUSTAKAWAN).correct("yg dikatalogin pustakawan apa") == "yg dikatalogkan pustakawan apa"
    assert speller(SEED).suggest("dikoordinasiin") == "dikoordinasikan"
    assert speller(SEED).suggest("ngurusin") == "menguruskan"  # the chat nasal verb of the table, then -kan


CORPUS = "Mereka makan bersama kaum muslim. Tugasnya menjaga jam kerja dan menghitung pengganti."


@pytest.mark.parametrize("word", ["bermain", "muslimin", "dijamin", "dingin", "pengantin"])
def test_real_words_and_names_in_in_stay(word: str) -> None:
    assert speller(CORPUS).suggest(word) is None, word


def test_a_chat_verb_the_models_learnt_as_typed_is_now_read_formally() -> None:
    # guru-sd's training question kept "dibutuhin" as typed (TRAINED_CHAT_VERBS) until the retrain
    guru = (ROOT / "data/train/profiles/guru-sd/guru-sd.txt").read_text(encoding="utf-8")
    assert speller(guru).suggest("dibutuhin") == "dibutuhkan"


# The formal verbs (and a noun) the chat forms below stand for, as a document writes them.
FORMAL = (
    "Asisten menteri memilih staf, menulis laporan, memantau kerja sama, mengirim surat, menyusun "
    "perjanjian, menentukan jadwal dan mengurus perjalanan. Alat yang dipakai dibahas dalam rapat. "
    "Pengambilan keputusan ada pada menteri."
)


@pytest.mark.parametrize(
    ("chat", "formal"),
    [
        ("mutusin", "memutuskan"),  # m- for p- with -in: the corpus has only "keputusan" (stem putus)
        ("nentuin", "menentukan"),  # n- for t-
        ("milih", "memilih"),  # no suffix
        ("nulis", "menulis"),
        ("mantau", "memantau"),
        ("mantauin", "memantaukan"),  # -kan first: the stem (pantau) is what the keyword channel reads
        ("ngirim", "mengirim"),  # ng- for k-
        ("ngambil", "mengambil"),  # ng- before a vowel root: "pengambilan" has it after a nasal
        ("nyusun", "menyusun"),  # ny- for s-
        ("kepake", "pakai"),  # ke- for ter-, its root through the chat table (pake = pakai)
        ("dikatalogin", None),  # the corpus has no such verb
    ],
)
def test_a_nasal_or_ke_chat_verb_is_the_corpus_verb(chat: str, formal: str | None) -> None:
    assert speller(FORMAL).suggest(chat) == formal


def test_a_chat_verb_is_read_inside_a_question_but_not_in_a_name_or_english() -> None:
    sp = speller(SEED)
    typed = "asisten menteri bisa mutusin kebijakan ga?"
    assert sp.correct(typed) == typed.replace("mutusin", "memutuskan")
    assert sp.correct("Mutusin asisten menteri?") == "memutuskan asisten menteri?"  # opening the question
    for question in ("apa kata Mutusin soal kebijakan?", "can the minister mutusin a policy?"):
        assert sp.correct(question) == question


# A corpus that would tempt the rule: each word below has a formal reading whose stem this text has.
TEMPTING = (
    "Sapi memakan rumput dan meminum air. Menyanyikan lagu, mengopi naskah. Periode tari Saman. Dia "
    "ketemu, kemudian bertemu dalam pertemuan. Penyiar memutuskan menerima tamu."
)


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("makan", "a dictionary word, though memakan's stem is pakan"),
        ("minum", "a dictionary word"),
        ("ngeri", "a dictionary word"),
        ("nyanyi", "a dictionary word, though menyanyikan's stem is sanyi"),
        ("ketemu", "a dictionary word (KBBI's colloquial entry): kept as typed"),
        ("ngopi", "mengopi's stem, opi, is shorter than four letters"),
        ("niode", "periode's stem, iode, is what Snowball leaves of per-, not of a nasal"),
        ("nyamannya", "the dictionary's nyaman with -nya, no menyamannya (stem saman)"),
        ("nasi", "four letters: too short to read"),
    ],
)
def test_real_words_names_and_fragments_are_no_chat_verbs(word: str, why: str) -> None:
    assert speller(TEMPTING).suggest(word) is None, why


def test_a_dictionary_word_with_the_noun_suffix_an_is_that_noun_not_a_chat_verb() -> None:
    # "masukan" (input) is "masuk" + -an, not in the word list; read as a chat "memasukan" its stem was
    # Snowball's "pasu", so over a text on troops ("pasukan") the question asked about the troops
    sp = speller("Pasukan perdamaian dikirim ke Lebanon. Menteri memberi saran.")
    question = "apa masukan menteri untuk pasukan?"
    assert sp.correct(question) == question
    # a chat verb whose root less -an is a short word is still read ("nahan": menahan, not "nah" + -an)
    assert speller("Petugas menahan tamu di pintu.").suggest("nahan") == "menahan"


def test_an_n_chat_verb_shares_a_t_root_the_corpus_has_after_men_not_a_vowel_word() -> None:
    # a chat n- before a vowel stands for men- of a t-root ("nentuin", menentukan): Snowball leaves its
    # fragment ("entu"), which a text has after men-/pen-; "angin" (wind) or the name "Irina" as written is
    # no such root: "nangin" (chat for menangin, win) was "menangin" (stem angin), "nirina" "menirina"
    sp = speller("Angin kencang di pantai. Irina Shayk tampil. Oval itu menentukan hasil penerimaan.")
    for word in ("nangin", "nirina", "noval"):
        assert sp.suggest(word) is None, word
    assert sp.suggest("nentuin") == "menentukan"  # "entu" after men-
    assert sp.suggest("nerima") == "menerima"  # "erima" after pen- ("penerimaan")
    # ng- before a vowel is meng- of a vowel root: as written counts ("ambil")
    assert speller("Ambil surat di kantor.").suggest("ngambil") == "mengambil"


def test_kucing_boleh_makan_stays_over_the_translator_profile() -> None:
    # the models learnt it as "makna" (TRAINED_AS_CORRECTED) until the retrain: now a dictionary word stays
    text = (ROOT / "data/train/profiles/penerjemah/penerjemah.txt").read_text(encoding="utf-8")
    assert speller(text).correct("apakah kucing boleh makan cokelat?") == "apakah kucing boleh makan cokelat?"


def test_a_typo_of_a_corpus_word_is_read_as_the_typo_first() -> None:
    # "nayman" is "nyaman" with two letters swapped; read as a chat nasal it was "menayman"
    sp = speller("Ruangan yang nyaman. Pengaymanan.")  # stem ayman after a nasal: "menayman" would match
    assert sp.suggest("nayman") == "nyaman"


@pytest.mark.parametrize("word", ["melakukah", "mergi", "mecat", "mnteri", "keputsan"])
def test_no_chat_reading_of_a_me_word_a_nasal_before_a_consonant_or_a_non_word_root(word: str) -> None:
    # me-: the formal prefix itself ("mergi" is a typo of a formal verb); "mnteri" a typo; "putsan" no word
    assert not any(f.startswith("me") or f == word[2:] for f in formal_forms(word)), word


@pytest.mark.slow
def test_real_model_answers_a_chat_verb_question(pustakawan_assistant) -> None:
    result = pustakawan_assistant.ask("yg dikatalogin pustakawan apa")
    # before: abstained (0.10), "Dokumen tidak menyebut dikatalogin."
    assert not result.abstained and "mengkatalogkan bahan pustaka" in result.passages[0].text


@pytest.mark.slow
def test_real_model_searches_a_nasal_chat_verb_as_the_corpus_verb(real_assistant) -> None:
    typed = "asisten menteri bisa mutusin kebijakan ga?"
    assert real_assistant.read(typed).searched == "asisten menteri bisa memutuskan kebijakan ga?"
    result = real_assistant.ask(typed, k=5)
    # before: "mutusin" matched no word: the passage on "pengambilan keputusan" had no "keputusan" marked
    found = [p for p in result.passages if "pengambilan keputusan" in p.text]
    assert found and found[0].lexical_score > 0
    assert "keputusan" in {found[0].text[start:end] for start, end in found[0].highlights}
