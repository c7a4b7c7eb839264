"""What a question asks for: its content stems, focus, expected answer type, names and numbers.

Answerability needs more than topical similarity: "di kota mana kantornya?" shares every topic word
with the document yet asks for a place it never names. ``analyze`` reads that from the question alone,
with the lexical channel's normalisation and stems (so its terms match the BM25 index), in a few
microseconds and without models. The word lists are general Indonesian / English function vocabulary;
the topic words of a corpus are weighed elsewhere (IDF), never listed here. Question words in their
many spellings are in qa/question_words.py, the names and numbers it mentions in qa/question_names.py;
what an abstention says from this, in qa/abstention.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .analysis import INFORMAL, token_spans, tokenize
from .answer import ENGLISH_FUNCTION_WORDS
from .question_chat import EMPTY_ALONE, question_clauses, question_words_of
from .question_markup import plain_message
from .question_names import names_in, numbers_in, spelled_like_words
from .question_words import (
    QUESTION_WORDS,
    WORD_RE,
    is_question_word,
    standard_words,
    without_clitic,
    without_negation,
)

ANSWER_TYPES = ("person", "time", "place", "quantity", "reason", "manner", "yesno", "definition", "other")

# Words that frame a question rather than name what it is about: auxiliaries and modals, request verbs,
# hedges, negations, "cara"/"arti" of manner and definition questions. General usage only.
_GENERIC_SPEC = """
bisa dapat boleh harus perlu wajib mesti musti mau ingin akan biasanya biasa umumnya pada_umumnya
sebenarnya sebetulnya kira-kira kiranya tolong mohon coba jelaskan sebutkan terangkan uraikan
beritahu tahu memberi berikan maksud dimaksud maksudnya arti artinya pengertian definisi cara
caranya nama hal macam tidak bukan belum tak jangan ya kah sih memang benar betul sering kadang
tell explain describe mention please usually typically generally normally actually exactly really
mean meaning know need kind type way many much
"""
_GENERIC_WORDS = frozenset(w.replace("_", " ") for w in _GENERIC_SPEC.split())
# Nouns that, bound to a question word, only restate the answer type ("kota mana", "tahun berapa").
_PLACE_NOUNS = frozenset("kota negara provinsi daerah wilayah tempat lokasi benua pulau kabupaten".split())
_TIME_NOUNS = frozenset("tahun tanggal bulan hari jam pukul waktu abad minggu".split())
_MEASURE_WORDS = frozenset("jumlah banyak besar lama kali persen tinggi luas jauh".split())
# What "berapa" + a measure asks for, in a message ("Dokumen tidak menyebut lama masa jabatan.").
_MEASURE_LEADS = dict(
    p.split("=") for p in "lama=lama besar=besar tinggi=tinggi luas=luas jauh=jarak persen=persentase".split()
)
_PLACE_VERBS = frozenset("berada terletak letak lokasi bertempat".split())
_PLACE_NOUNS_EN = frozenset("city country province place building region state town island".split())
_TIME_NOUNS_EN = frozenset("year month day date time century week".split())
_MEASURE_EN = frozenset("many much long old often far big large".split())
_REASON_NOUNS = frozenset("sebab alasan alasannya penyebab".split())
# Formal "Apakah nama ...?" asks *what* the name is, not yes or no: apakah + a noun naming an attribute.
_ATTRIBUTE_NOUNS = frozenset(
    "nama judul jenis macam kepanjangan singkatan arti julukan gelar sebutan istilah merek tema bentuk "
    "isi tujuan jabatan pekerjaan profesi status bahasa warna agama".split()
)
ASKED_SCAN = 16_384  # twice the characters the model's 512-token window can hold
_YESNO_EN = frozenset(
    "is are was were do does did can could should would will shall may might must has have".split()
)


@dataclass(frozen=True)
class QuestionInfo:
    """The parts of a question answerability and reranking look at (stems match the BM25 index)."""

    terms: tuple[str, ...]  # content stems, in order, deduplicated
    focus: tuple[str, ...]  # terms minus generic question vocabulary: what the question is specifically about
    answer_type: str  # one of ANSWER_TYPES
    names: tuple[str, ...]  # capitalised words not at a sentence start, and acronyms (surface form)
    numbers: tuple[str, ...]  # digits and number words (surface form)
    empty_like: bool  # no letter or digit at all once invisible and combining characters are dropped
    vague: bool  # letters, but nothing specific to look for (a letter, "apa itu?", only question words)
    focus_words: tuple[str, ...] = ()  # the surface words behind `focus`, for messages (lower-cased)
    focus_stems: tuple[str, ...] = ()  # the stem of each of `focus_words`, aligned with it
    lead: str = ""  # how a message names what is asked, when the answer type alone says it badly


def _visible(text: str) -> str:
    """NFKC without format (zero-width, bidi), combining and other invisible characters."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "MC")


def _no_letter_or_digit(visible: str) -> bool:
    return not any(c.isalnum() for c in visible)


def is_empty_like(question: str) -> bool:
    """``analyze(question).empty_like`` without the rest of the analysis: a question's cut is what gets
    analysed; reading 65,536 characters of words only to find a letter cost ~0.5 s and a cache entry."""
    return _no_letter_or_digit(_visible(str(question)))


def _plain(low: str) -> str:
    """The word to show in a message: chat spelling made formal, the possessive -nya dropped."""
    if low.endswith("nya") and len(low) >= 6:  # "bosnya" → "bos"; "punya" stays
        low = low[:-3]
    return INFORMAL.get(low) or low


def _answer_type(words: list[str]) -> tuple[str, set[str]]:
    """The kind of answer wanted, and the nouns bound to the question word ("kota" of "kota mana")."""
    ws = set(words)
    bound: set[str] = set()
    first = words[0] if words else ""
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == "berapa" and (prev in _TIME_NOUNS or nxt in _TIME_NOUNS):
            bound |= {prev, nxt} & _TIME_NOUNS
            return "time", bound
        if w == "mana" and (prev in {"di", "ke", "dari"} or prev in _PLACE_NOUNS):
            bound |= {prev} & _PLACE_NOUNS | (_PLACE_VERBS & ws)
            return "place", bound
        # "negara apa", "bulan apa"; "which city", "what year"
        noun = prev if w == "apa" else nxt if w in {"which", "what"} else ""
        if noun in _PLACE_NOUNS or noun in _PLACE_NOUNS_EN:
            return "place", bound | {noun} | (_PLACE_VERBS & ws)
        if noun in _TIME_NOUNS or noun in _TIME_NOUNS_EN:
            return "time", bound | {noun}
    if ws & {"siapa", "who", "whom", "whose"}:
        return "person", bound
    if ws & {"kapan", "bilamana", "when"}:
        return "time", bound
    if "where" in ws:
        return "place", bound | (_PLACE_VERBS & ws)
    if "berapa" in ws or ("how" in ws and ws & _MEASURE_EN):
        i = words.index("berapa") if "berapa" in ws else -1
        if 0 <= i < len(words) - 1 and words[i + 1] in _MEASURE_WORDS:
            bound.add(words[i + 1])
        return "quantity", bound | (_MEASURE_EN & ws)
    if ws & {"mengapa", "kenapa", "why"} or ("apa" in ws and ws & _REASON_NOUNS):
        return "reason", bound | (_REASON_NOUNS & ws)
    if ws & {"bagaimana", "how"}:
        return "manner", bound
    # "apa itu X?", "apa arti X?"; not "itu" as a demonstrative or topic marker ("asisten itu ngurus apa?")
    apa_itu = any(a == "apa" and b == "itu" for a, b in zip(words, words[1:]))
    naming = ws & {"dimaksud", "arti", "artinya", "pengertian", "definisi"}
    definition = ("apa" in ws and (apa_itu or naming)) or (
        first == "what" and len(words) > 1 and words[1] in {"is", "are", "does"}
    )
    if first == "apakah" and len(words) > 1 and (words[1] in _ATTRIBUTE_NOUNS or words[1] == "yang"):
        return "other", bound
    if first == "apakah" and words[-1:] == ["itu"]:  # "apakah diplomasi itu?": the formal "what is"
        return "definition", bound
    kah = first.endswith("kah") and first[:-3] not in QUESTION_WORDS  # bisakah, bolehkah, adakah
    if first == "apakah" or first in _YESNO_EN or kah:
        return "yesno", bound
    if definition or (len(words) >= 2 and words[-2:] == ["itu", "apa"]):
        return "definition", bound
    return "other", bound


def _stems(words: Iterable[str]) -> set[str]:
    return {s for w in words for s in tokenize(w)}


_GENERIC_STEMS: set[str] = set()


def _generic_stems() -> set[str]:
    if not _GENERIC_STEMS:
        _GENERIC_STEMS.update(_stems(_GENERIC_WORDS))
    return _GENERIC_STEMS


@lru_cache(maxsize=4096)
def analyze(question: str) -> QuestionInfo:
    """Read a question (pure, cached); never raises on any string. Greetings, thanks and the like are
    not part of it, and in a message of several sentences the question is the one ending with "?" with
    those around it that say what it is about (qa/question_chat.py); the whole message when that
    leaves nothing specific."""
    visible = _visible(str(question))
    if _no_letter_or_digit(visible):
        return _read(visible, empty_like=True)
    return _read(_asked(plain_message(visible))[1], empty_like=False)


def asked_part(question: str) -> str:
    """What the models should read of a message of several sentences: the sentences ``analyze`` takes for
    its question (greetings and thanks left out, spaces collapsed), without the list number, label,
    mentions and closing hashtags around it and in lower case when shouted (qa/question_markup.py);
    ``question`` itself whenever nothing is left out that way, so a one-sentence question reaches the
    models exactly as typed. Messages over ``ASKED_SCAN`` characters are read whole (and cut to the
    model's window): weighing each of a thousand sentences costs half a second."""
    visible = _visible(str(question))
    if len(visible) > ASKED_SCAN or _no_letter_or_digit(visible):
        return question
    plain = plain_message(visible)
    if _no_letter_or_digit(plain):  # "@admin" alone: nothing to read, and analyze() finds it vague
        return question
    chatless, asked = _asked(plain)
    if asked != chatless:
        return " ".join(asked.split())
    # NFKC may expand a character ("¼" is "1⁄4"): the part read is never longer than the question typed
    return question if plain == visible or len(plain) > len(question) else " ".join(plain.split())


def _asked(visible: str) -> tuple[str, str]:
    """The message without chat words, and the part of it that is the question (the same text when no
    sentence is left out, or when the question sentences alone name nothing)."""
    chatless = question_words_of(visible)
    asked = question_clauses(chatless, _names_something)
    return chatless, chatless if asked == chatless or not _names_something(asked) else asked


def _names_something(clause: str) -> bool:
    return not _read(clause, empty_like=False).vague


def _read(visible: str, empty_like: bool) -> QuestionInfo:
    names = () if empty_like else names_in(visible)
    acronyms = spelled_like_words(visible, names)
    words = standard_words(WORD_RE.sub(lambda m: " " if m.group() in acronyms else m.group(), visible))
    answer_type, bound = _answer_type(words) if words else ("other", set())
    generic = _generic_stems() | _stems(bound)
    terms: list[str] = []
    focus: dict[str, str] = {}
    for start, end, stem in token_spans(visible):
        raw = visible[start:end]
        low = raw.lower()
        if (is_question_word(low) or _english_function(raw, low, names)) and raw not in acronyms:
            continue
        if len(stem) < 2 and not stem.isdigit():  # a lone letter names nothing
            continue
        terms.append(stem)
        if stem not in generic and low not in _GENERIC_WORDS and stem not in focus:
            focus[stem] = raw if raw in names else _plain(low)
    terms = list(dict.fromkeys(terms))
    return QuestionInfo(
        terms=tuple(terms),
        focus=tuple(focus),
        answer_type=answer_type,
        names=names,
        numbers=numbers_in(visible),
        empty_like=empty_like,
        vague=not empty_like and all(_empty_alone(word) for word in focus.values()),
        focus_words=tuple(focus.values()),
        focus_stems=tuple(focus),
        lead=_lead(answer_type, words),
    )


def _english_function(raw: str, low: str, names: tuple[str, ...]) -> bool:
    """An English function word, also in a contraction ("what's") or negated ("shouldn't", "don't");
    not a negation inside a name ("Fish Don't Cry", a title)."""
    if without_clitic(low) in ENGLISH_FUNCTION_WORDS:
        return True
    return raw not in names and without_negation(low) in ENGLISH_FUNCTION_WORDS


def _empty_alone(word: str) -> bool:
    """A focus word that names nothing on its own: a chat word of ``EMPTY_ALONE`` in any of its forms
    ("bisa dibantu?", "membantu" as "bantu"), or a bare number ("12345", "2024?": a figure is looked for
    beside what it counts, never alone)."""
    if word in EMPTY_ALONE or word.replace(".", "").replace(",", "").isdigit():
        return True
    stems = tokenize(word)
    return bool(stems) and all(s in _empty_alone_stems() for s in stems)


@lru_cache(maxsize=1)
def _empty_alone_stems() -> frozenset[str]:
    return frozenset(_stems(EMPTY_ALONE))


def _lead(answer_type: str, words: list[str]) -> str:
    """How a message names what *berapa* + a unit or a measure asks for, where the answer type's own word
    names it badly: "jumlah hari" for "cuti berapa hari?" (a duration; "waktu" fits "tahun berapa", a
    point in time), "lama" for "berapa lama", "jarak" for "berapa jauh" ("jumlah" fits counts only)."""
    for i, w in enumerate(words[:-1]):
        unit = words[i + 1]
        if w == "berapa" and answer_type == "time" and unit in _TIME_NOUNS:
            return f"jumlah {unit}"
        if w == "berapa" and answer_type == "quantity" and unit in _MEASURE_LEADS:
            return _MEASURE_LEADS[unit]
    return ""
