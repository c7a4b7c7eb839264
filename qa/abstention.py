"""What an abstention says beyond "no answer": the ``reason`` of a result.

For an on-topic question, what the document does not state, in the question's own words ("Dokumen tidak
menyebut lokasi kantor."); for a question with nothing specific in it, that it is too vague to search.
Read from the question alone (qa/question.py) and the stems the index knows; no models. A question in
English is read through the vendored dictionaries (qa/translation.py, qa/wordlist.py), which a question in
the corpus's language never loads.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Mapping
from functools import lru_cache

from .analysis import tokenize
from .answer import written_in_another_language
from .answer_type import CHAT_PREPOSITIONS
from .chat_senses import chat_homographs
from .chat_words import FUNCTION_FORMS
from .named_words import UNNAMED_ENGLISH, chat_prepositions, shorthand_meant, unreadable_words
from .question import QuestionInfo, analyze, empty_alone
from .question_names import NUMBER_WORDS

VAGUE_TEXT = "Pertanyaan terlalu umum; sebutkan lebih spesifik apa yang ingin diketahui."
_MAX_MESSAGE_WORDS = 8
# Words that name nothing the document could lack, left out of the message only (the models still read
# them as focus words): linking verbs ("syarat menjadi asisten"), quantifiers ("banyak urusan"), chat
# prepositions ("buat anak", "soal gaji": for, about) and spelled numbers, which there mostly stand for an
# article ("satu pustakawan": "jumlah satu" says nothing).
# Connectives and assent ("Terus, apa bedanya …?", "Oke. Lalu …") name nothing either; not every
# vague-alone word (``EMPTY_ALONE``) is one: "masa" is also a period ("masa bakti"). Nor do chat's
# function words ("bakal", "jgn": qa/chat_words.py, section 135; in a chat question their homographs,
# "pas", "abis", neither: ``missing_reason``).
_CONNECTIVES = frozenset("terus lalu lanjut selanjutnya oke ok okay okey sip iya then so".split())
_LINKING = frozenset("menjadi jadi".split())
# Verbs of having name nothing the document could lack, as English "have" does (``UNNAMED_ENGLISH``): in
# "apakah asisten menteri punya paspor diplomatik?" what is missing is the passport.
_HAVING = frozenset("punya mempunyai memiliki".split())
MESSAGE_SKIP = (
    _LINKING
    | _HAVING
    | frozenset("banyak sedikit buat soal".split())
    | NUMBER_WORDS
    | _CONNECTIVES
    | frozenset(FUNCTION_FORMS)
)
# Leads a linking verb may follow ("cara menjadi", "waktu menjadi"); "lokasi menjadi" reads as nonsense.
_VERB_LEADS = frozenset("cara waktu siapa alasan".split())
# Sentence adverbs in -nya (should, apparently, they say), which a message showed cut to a non-word:
# "Dokumen tidak menyebut siapa sebaik melamar." for "siapa yang sebaiknya tidak melamar …?".
# Only those whose cut form is no word of its own ("katanya" cut is "kata", a word that may be missing).
_NYA_ADVERBS = frozenset("sebaiknya seharusnya semestinya sepatutnya selayaknya sepertinya".split())
# Nouns that are a measure themselves: a quantity question about them needs no "jumlah".
_MEASURES = frozenset("umur usia tinggi berat luas jarak suhu lama durasi ukuran nomor panjang lebar".split())
_POSSESSIVE = re.compile(r"['\u2019]s?$")  # "minister's" is named "minister"
_LEAD = {
    "place": "lokasi",
    "time": "waktu",
    "person": "siapa",
    "quantity": "jumlah",
    "reason": "alasan",
    "manner": "cara",
}


def missing_message(
    info: QuestionInfo, missing: Iterable[str] | None = None, unread: Container[str] = ()
) -> str | None:
    """What the document does not state, in the question's own words: "Dokumen tidak menyebut lokasi
    kantor." `missing` (stems) narrows the words to those the passage lacks; `unread`: focus words never
    named (``unreadable_words``, ``chat_prepositions``). None when nothing to name (no focus; or every
    focus word is present and the question wants no typed answer such as a place or a time: then the gap
    is not something we can name)."""
    return _message(info, _nameable(info), missing, unread)


def _message(
    info: QuestionInfo,
    named: list[tuple[str, str]],
    missing: Iterable[str] | None,
    unread: Container[str],
    meant: Mapping[str, str] | None = None,
) -> str | None:
    """``missing_message`` given the question's ``_nameable`` words, so that a caller which has them
    already (``missing_reason``) does not filter them again; ``meant``: a shorthand's full word."""
    wanted = set(missing) if missing is not None else None
    nameable = [(w, s) for w, s in named if w not in unread]
    words = [w for w, s in nameable if wanted is None or s in wanted]
    lead = info.lead or _LEAD.get(info.answer_type)
    if info.answer_type == "quantity" and nameable and nameable[0][0] in _MEASURES:
        lead = None  # "umur maksimal …" is a measure already: "jumlah umur" is wrong
    if not words and lead and nameable:  # every word is there, but not the place / time / figure asked for
        words = [w for w in _whole_phrase(info.focus_words, lead) if w not in unread]
    if not words:
        return None
    if lead and words[0] == lead.split()[-1]:
        words = words[1:] or words
    full = [(meant or {}).get(w, w) for w in _first_named(words)]  # "hr" is named "hari"
    phrase = " ".join(dict.fromkeys(full))  # kerjasama gives two stems, one word
    return f"Dokumen tidak menyebut {lead + ' ' if lead else ''}{phrase}."


def _nameable(info: QuestionInfo) -> list[tuple[str, str]]:
    """The question's focus words a message may name, each with its stem: the one filter of what a
    message leaves out, shared by ``missing_message`` and ``missing_reason``."""
    return [(w, s) for w, s in zip(info.focus_words, info.focus_stems) if not left_out_of_message(w)]


def _whole_phrase(focus_words: tuple[str, ...], lead: str) -> list[str]:
    """The question's nameable words, a linking verb kept where it joins two of them or follows a lead
    that takes a verb: "cara menjadi asisten menteri", not "cara asisten menteri", which reads as the
    job's own manner."""
    words: list[str] = []
    for i, w in enumerate(focus_words):
        if w in _LINKING:
            joins = i + 1 < len(focus_words) and not left_out_of_message(focus_words[i + 1])
            if joins and (words or lead in _VERB_LEADS):
                words.append(w)
        elif not left_out_of_message(w):
            words.append(w)
    return words


def _first_named(words: list[str]) -> list[str]:
    """The first _MAX_MESSAGE_WORDS words that name something; a linking verb between them is free."""
    kept: list[str] = []
    named = 0
    for w in words:
        if w not in _LINKING:
            if named == _MAX_MESSAGE_WORDS:
                break
            named += 1
        kept.append(w)
    while kept and kept[-1] in _LINKING:
        kept.pop()
    return kept


def left_out_of_message(word: str) -> bool:
    """A word a message leaves out; a focus word is shown without its -nya, so "sebaik" is "sebaiknya"."""
    return word in MESSAGE_SKIP or word in _NYA_ADVERBS or word + "nya" in _NYA_ADVERBS


def missing_reason(
    question: str, known: set[str], info: QuestionInfo | None = None, vocab: Container[str] | None = None
) -> str | None:
    """What the document does not state, for an on-topic question: its focus words that no passage
    contains (`known`: the question stems found in the index), or the place / time / figure it asks for.

    On topic means sharing at least one focus word with the document: a question about the job's details
    (CPNS, cuti, biaya kursus) often has more unknown words than known ones and still deserves to hear
    what is missing. None for a question without any (off-topic). A question in another language than the
    corpus is read through the dictionary when ``vocab`` (the corpus's stems) is given (``_foreign_reason``),
    else None: its words as written say nothing about the document. A word the index holds as the message
    would name it is not missing (``_holds``; with no ``vocab``, what ``known`` tells). ``info``: the
    question's analysis, when the caller has read it already."""
    info = info or analyze(question)
    if written_in_another_language(question, known):
        return None if vocab is None else _foreign_reason(info, vocab)
    if _asks_nothing_but_chat(question, info):
        return VAGUE_TEXT
    held = known if vocab is None else vocab
    meant = shorthand_meant(question, info.focus_words)  # "hr": the document is searched for "hari"
    missing = [
        s
        for w, s in zip(info.focus_words, info.focus_stems)
        if s not in known and not _holds(held, meant.get(w, w))
    ]
    if len(missing) == len(info.focus):
        return None
    prepositions, compounds = chat_prepositions(question)
    for stems in map(tokenize, compounds):  # half of a compound missing: the compound is ("kerja sama")
        if set(stems) & set(missing):
            missing += [s for s in stems if s in info.focus and s not in missing]
    unnamed = prepositions | chat_homographs(question)  # "sama", and "pas" (when) in a chat question
    named = _nameable(info)
    absent = [w for w, s in named if s in missing and w not in unnamed]
    unread = unreadable_words(question, absent)
    if absent and all(w in unread for w in absent):
        return None  # what is missing is only words nothing reads: the document may say it otherwise
    return _message(info, named, missing, unread | unnamed, meant)


def _asks_nothing_but_chat(question: str, info: QuestionInfo) -> bool:
    """Every focus word is a chat function word its formal wording has no focus for ("bakal gimana
    dong?": "akan bagaimana?"; a homograph in a chat question, "gua mau nanya dong") or one that names
    nothing alone. That wording is told it is too vague; this one, searched, was told the document does
    not answer it, though it asks nothing the document could answer."""
    unfocused = _unfocused_forms() | chat_homographs(question)
    rest = [w for w in info.focus_words if w not in unfocused]
    return len(rest) < len(info.focus_words) and all(empty_alone(w) for w in rest)


@lru_cache(maxsize=1)
def _unfocused_forms() -> frozenset[str]:
    """The chat function words whose formal word is no focus word: "jgn" (jangan), not "mending"
    (sebaiknya), which "sebaiknya mana?" keeps as its focus."""
    return frozenset(form for form, formal in FUNCTION_FORMS.items() if not analyze(formal).focus)


def _holds(vocab: Container[str], word: str) -> bool:
    """The index holds ``word`` as a message would name it: its every stem, by the index's own analysis.
    The word named is the question's word made plain ("kerjasamanya" is named "kerja sama", ``_plain``
    of qa/question.py), whose stems may differ from the word's as typed (the analysis stems
    "kerjasamanya" whole, to *rjasama*), and a message must never say a document lacks what it holds."""
    stems = tokenize(word)
    return bool(stems) and all(s in vocab for s in stems)


def _foreign_reason(info: QuestionInfo, vocab: Container[str]) -> str | None:
    """``missing_reason`` of a question in another language, each focus word read on its own (two words
    may share a stem: "permission" and "mission" are both "mission"): through the dictionary
    (``qa.translation``), or as itself when it is a word of the corpus's language (a mixed question's
    "gaji"). On topic when one of them is in the document so read; then those readable and absent in every
    reading are named as the question wrote them, once per reading ("salary salaries" is one gap). A word
    nothing reads is never named (the document may say it otherwise), nor one that names no thing
    (``UNNAMED_ENGLISH``) or is a spelled number ("seventeen" as "satu pustakawan" is skipped)."""
    read = [(w, _readings(w, s)) for w, s in zip(info.focus_words, info.focus_stems)]

    def held(stem: str, found: tuple[tuple[str, ...], ...]) -> bool:
        return stem in vocab or any(all(s in vocab for s in r) for r in found)

    if not any(held(s, found) for s, (_, found) in zip(info.focus_stems, read)):
        return None
    named: dict[tuple[tuple[str, ...], ...], str] = {}
    for s, (w, found) in zip(info.focus_stems, read):
        bare = _POSSESSIVE.sub("", w)
        if found and not held(s, found) and not _unnamed(bare.lower(), found):
            named.setdefault(found, bare)
    words = _first_named(list(named.values()))
    return f"Dokumen tidak menyebut {' '.join(words)}." if words else None


def _readings(word: str, stem: str) -> tuple[tuple[str, ...], ...]:
    """How the document would hold ``word`` of a foreign question: the dictionary's renderings, else its
    own stem when it is a word of the corpus's language; () when nothing reads it."""
    from .translation import renderings
    from .wordlist import dictionary_words

    found = renderings(word)
    if found:
        return found
    return ((stem,),) if _POSSESSIVE.sub("", word).lower() in dictionary_words() else ()


def _unnamed(word: str, found: tuple[tuple[str, ...], ...]) -> bool:
    """A light verb or preposition, a word a message skips, or one whose main sense (the dictionary's first
    translation) is all words an Indonesian message skips: a spelled number ("seventeen" is "tujuh belas",
    "first" is not), "many" ("banyak"), "same" ("sama", which a message names in no sense: "Is a translator
    the same as an interpreter?" said "Dokumen tidak menyebut same."). Chat forms are Indonesian chat's:
    the word typed is none ("mending flags" is named), a translation into one is ("together", "bareng")."""

    def skipped(w: str) -> bool:
        return left_out_of_message(w) and not (w == word and w in FUNCTION_FORMS)

    unnamed = all(skipped(s) or s in CHAT_PREPOSITIONS for s in found[0])
    return word in UNNAMED_ENGLISH or skipped(word) or unnamed
