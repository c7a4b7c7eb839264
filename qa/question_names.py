"""The names and numbers a question mentions: what it asks *about*, read from the surface of its words.

Capitalised words that do not open a sentence and acronyms are names; an acronym that spells an English
question or function word (WHO, IT, ITS) is a name too, never a question word. Digits and number words
are numbers. Used by qa/question.py; no models.
"""

from __future__ import annotations

import re

from .analysis import STOPWORDS
from .answer import ENGLISH_FUNCTION_WORDS
from .question_words import INDONESIAN_QUESTION_WORDS, QUESTION_WORDS, WORD_RE

NUMBER_WORDS = frozenset(
    """
    nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas seratus seribu sejuta
    belas puluh ratus ribu juta miliar milyar triliun setengah separuh
    zero one two three four five six seven eight nine ten eleven twelve hundred thousand million billion
    """.split()
)
_ENGLISH_WORDS = ENGLISH_FUNCTION_WORDS | (QUESTION_WORDS - INDONESIAN_QUESTION_WORDS)
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")


def names_in(question: str) -> tuple[str, ...]:
    """Capitalised words not opening a sentence, and acronyms; nothing from ALL-CAPS or Title Case text."""
    tokens = [(m.start(), m.group()) for m in WORD_RE.finditer(question)]
    caps = [t for _, t in tokens if t[:1].isupper()]
    if not any(c.islower() for c in question):  # shouted: capitals say nothing
        return ()
    if len(tokens) >= 3 and len(caps) >= 0.6 * len(tokens):  # Title Case: only acronyms stand out
        return tuple(dict.fromkeys(t for _, t in tokens if _acronym(t)))
    out = []
    prev_end = 0
    for start, tok in tokens:
        # Only the gap since the previous word can end a sentence (words hold no punctuation): looking
        # at the whole prefix each time was quadratic (a 130,000-character question took minutes).
        gap = question[prev_end:start].rstrip()
        opening = (not gap and prev_end == 0) or gap[-1:] in (".", "!", "?")
        prev_end = start + len(tok)
        low = tok.lower()
        if _acronym(tok) or (tok[:1].isupper() and not opening and len(tok) > 1 and not _is_function(low)):
            out.append(tok)
    return tuple(dict.fromkeys(out))


def _acronym(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_function(low: str) -> bool:
    return low in STOPWORDS or low in QUESTION_WORDS or low in ENGLISH_FUNCTION_WORDS


def numbers_in(question: str) -> tuple[str, ...]:
    """Digits (1.000, 2,5) and number words, in order, once each."""
    words = WORD_RE.findall(question.lower())
    found = _DIGITS_RE.findall(question) + [w for w in words if w in NUMBER_WORDS]
    return tuple(dict.fromkeys(found))


def spelled_like_words(visible: str, names: tuple[str, ...]) -> frozenset[str]:
    """Acronyms among the names that spell an English question or function word ("apa itu WHO?", "Kapan
    ITS didirikan?"): they name what is asked about, they do not ask. Not the question's first word
    ("WHO founded it?" may be a shouted "who"); nothing in a shouted question (``names_in`` finds none)."""
    first = WORD_RE.search(visible)
    opening = first.group() if first else ""
    return frozenset(n for n in names if _acronym(n) and n.lower() in _ENGLISH_WORDS and n != opening)
