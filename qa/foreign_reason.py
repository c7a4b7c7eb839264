"""What an abstention says of a question in another language than the corpus's (qa/abstention.py's
``missing_reason``): its focus words read through the vendored dictionaries (qa/translation.py,
qa/wordlist.py), which a question in the corpus's language never loads.
"""

from __future__ import annotations

import re
from collections.abc import Container

from .answer_type import CHAT_PREPOSITIONS
from .chat_words import FUNCTION_FORMS
from .message_skip import first_named, left_out_of_message
from .named_words import UNNAMED_ENGLISH
from .question import QuestionInfo

_POSSESSIVE = re.compile(r"['\u2019]s?$")  # "minister's" is named "minister"


def foreign_reason(info: QuestionInfo, vocab: Container[str]) -> str | None:
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
    words = first_named(list(named.values()))
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
