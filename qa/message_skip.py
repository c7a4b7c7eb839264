"""Which words an abstention's message leaves out (qa/abstention.py, qa/foreign_reason.py): words that
name nothing a document could lack, and how many a message names at most. The models still read them
all as focus words; only the message skips them.
"""

from __future__ import annotations

from .chat_words import FUNCTION_FORMS
from .question_names import NUMBER_WORDS

MAX_MESSAGE_WORDS = 8
# Words that name nothing the document could lack, left out of the message only (the models still read
# them as focus words): linking verbs ("syarat menjadi asisten"), quantifiers ("banyak urusan"), chat
# prepositions ("buat anak", "soal gaji": for, about) and spelled numbers, which there mostly stand for an
# article ("satu pustakawan": "jumlah satu" says nothing).
# Connectives and assent ("Terus, apa bedanya …?", "Oke. Lalu …") name nothing either; not every
# vague-alone word (``EMPTY_ALONE``) is one: "masa" is also a period ("masa bakti"). Nor do chat's
# function words ("akn", "jgn": qa/chat_words.py, section 135), nor their homographs where they are ones
# ("bakal" before a verb; "pas", "abis" in a chat question: qa/chat_senses.py, not this table).
_CONNECTIVES = frozenset("terus lalu lanjut selanjutnya oke ok okay okey sip iya then so".split())
LINKING = frozenset("menjadi jadi".split())
# Verbs of having name nothing the document could lack, as English "have" does (``UNNAMED_ENGLISH``): in
# "apakah asisten menteri punya paspor diplomatik?" what is missing is the passport.
_HAVING = frozenset("punya mempunyai memiliki".split())
MESSAGE_SKIP = (
    LINKING
    | _HAVING
    | frozenset("banyak sedikit buat soal".split())
    | NUMBER_WORDS
    | _CONNECTIVES
    | frozenset(FUNCTION_FORMS)
)
# Sentence adverbs in -nya (should, apparently, they say), which a message showed cut to a non-word:
# "Dokumen tidak menyebut siapa sebaik melamar." for "siapa yang sebaiknya tidak melamar …?".
# Only those whose cut form is no word of its own ("katanya" cut is "kata", a word that may be missing).
_NYA_ADVERBS = frozenset("sebaiknya seharusnya semestinya sepatutnya selayaknya sepertinya".split())


def left_out_of_message(word: str) -> bool:
    """A word a message leaves out; a focus word is shown without its -nya, so "sebaik" is "sebaiknya"."""
    return word in MESSAGE_SKIP or word in _NYA_ADVERBS or word + "nya" in _NYA_ADVERBS


def first_named(words: list[str]) -> list[str]:
    """The first MAX_MESSAGE_WORDS words that name something; a linking verb between them is free."""
    kept: list[str] = []
    named = 0
    for w in words:
        if w not in LINKING:
            if named == MAX_MESSAGE_WORDS:
                break
            named += 1
        kept.append(w)
    while kept and kept[-1] in LINKING:
        kept.pop()
    return kept
