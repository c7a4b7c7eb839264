"""What an abstention says beyond "no answer": the ``reason`` of a result.

For an on-topic question, what the document does not state, in the question's own words ("Dokumen tidak
menyebut lokasi kantor."); for a question with nothing specific in it, that it is too vague to search.
Read from the question alone (qa/question.py) and the stems the index knows; no models. A question in
English is read through the vendored dictionaries (qa/foreign_reason.py), which a question in the corpus's
language never loads; the words no message names are qa/message_skip.py's.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from functools import lru_cache

from .analysis import tokenize
from .answer import written_in_another_language
from .chat_senses import chat_homographs
from .chat_words import FUNCTION_FORMS
from .foreign_reason import foreign_reason
from .message_skip import LINKING, first_named, left_out_of_message
from .named_words import chat_prepositions, shorthand_meant, unreadable_words
from .question import QuestionInfo, analyze, empty_alone

VAGUE_TEXT = "Pertanyaan terlalu umum; sebutkan lebih spesifik apa yang ingin diketahui."
# Leads a linking verb may follow ("cara menjadi", "waktu menjadi"); "lokasi menjadi" reads as nonsense.
_VERB_LEADS = frozenset(["cara", "waktu", "siapa", "alasan", "dalam keadaan apa"])
# Nouns that are a measure themselves: a quantity question about them needs no "jumlah".
_MEASURES = frozenset("umur usia tinggi berat luas jarak suhu lama durasi ukuran nomor panjang lebar".split())
_LEAD = {
    "place": "lokasi",
    "time": "waktu",
    "condition": "dalam keadaan apa",  # "… menyebut dalam keadaan apa guru menolak tugas."
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
    full = [(meant or {}).get(w, w) for w in first_named(words)]  # "hr" is named "hari"
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
        if w in LINKING:
            joins = i + 1 < len(focus_words) and not left_out_of_message(focus_words[i + 1])
            if joins and (words or lead in _VERB_LEADS):
                words.append(w)
        elif not left_out_of_message(w):
            words.append(w)
    return words


def missing_reason(
    question: str, known: set[str], info: QuestionInfo | None = None, vocab: Container[str] | None = None
) -> str | None:
    """What the document does not state, for an on-topic question: its focus words that no passage
    contains (`known`: the question stems found in the index), or the place / time / figure it asks for.

    On topic means sharing at least one focus word with the document: a question about the job's details
    (CPNS, cuti, biaya kursus) often has more unknown words than known ones and still deserves to hear
    what is missing. None for a question without any (off-topic). A question in another language than the
    corpus is read through the dictionary when ``vocab`` (the corpus's stems) is given (``foreign_reason``),
    else None: its words as written say nothing about the document. A word the index holds as the message
    would name it is not missing (``_holds``; with no ``vocab``, what ``known`` tells). ``info``: the
    question's analysis, when the caller has read it already."""
    info = info or analyze(question)
    if written_in_another_language(question, known):
        return None if vocab is None else foreign_reason(info, vocab)
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
