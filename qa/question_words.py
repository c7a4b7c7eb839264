"""Question words in every spelling: "kpn", "dimanakah", "siapakah", "gimana".

Both the question analysis (qa/question.py) and the language check of answers (qa/answer.py) must
recognise a question word however it is typed, and neither may import the other: the words live here.
"""

from __future__ import annotations

import re

from .analysis import INFORMAL, normalize

# Chat spellings of question words that the lexical table leaves alone (it has gmn, knp, brp, dmn, sapa).
_QWORD_INFORMAL = dict(
    pair.split("=") for pair in "kpn=kapan kmn=ke_mana drmn=dari_mana bgmana=bagaimana knapa=mengapa".split()
)
_QWORD_INFORMAL = {k: v.replace("_", " ") for k, v in _QWORD_INFORMAL.items()}
INDONESIAN_QUESTION_WORDS = frozenset(
    "apa apakah siapa kapan mana manakah berapa bagaimana mengapa kenapa bilamana".split()
)
QUESTION_WORDS = INDONESIAN_QUESTION_WORDS | frozenset("what who whom whose which when where why how".split())
# A long question word typed with one letter left out inside it ("apkah", "brapa", "bagaimna"): read as
# that word, not as a content word the document "does not state". Only words of six letters or more, whose
# such forms are no Indonesian word ("siapa" without its last "a" would be "siap", ready).
for _word in sorted(w for w in INDONESIAN_QUESTION_WORDS if len(w) >= 6):
    for _i in range(1, len(_word) - 1):
        _QWORD_INFORMAL.setdefault(_word[:_i] + _word[_i + 1 :], _word)
WORD_RE = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


_ENGLISH_CLITIC = re.compile(r"['\u2019](?:s|re|ll|ve|d|m)$")


def without_clitic(low: str) -> str:
    """An English contraction's first word: "what's" → "what", "who're" → "who" (a question word hidden
    in a contraction was read as a content word, and "what's this?" was answered)."""
    return _ENGLISH_CLITIC.sub("", low)


_NEGATION = re.compile(r"n['\u2019]t$")
_IRREGULAR_NEGATION = {"ca": "can", "wo": "will", "sha": "shall", "ai": "is"}  # can't, won't, shan't, ain't


def without_negation(low: str) -> str:
    """An English negated auxiliary's own word: "shouldn't" → "should", "can't" → "can", "doesn't" →
    "does" (a function word, where it was read as a content word the document "does not state")."""
    if not _NEGATION.search(low):
        return low
    base = _NEGATION.sub("", low)
    return _IRREGULAR_NEGATION.get(base, base)


def standard_words(text: str) -> list[str]:
    """Lower-case words, chat spellings mapped to standard ones, -kah/-lah split off question words."""
    out: list[str] = []
    for w in WORD_RE.findall(normalize(text)):
        w = without_clitic(w)
        w = _QWORD_INFORMAL.get(w, w)
        if w != "apakah" and w.endswith(("kah", "lah")) and len(w) > 5:
            base = w[:-3]
            base = _QWORD_INFORMAL.get(base, INFORMAL.get(base, base))
            if base.split()[-1] in QUESTION_WORDS:
                w = base
        out.extend(w.split())
    return out


def is_question_word(low: str, words: frozenset[str] = QUESTION_WORDS) -> bool:
    """A question word (of ``words``) in any spelling: kpn, dimanakah, siapakah, gimana, what's."""
    low = without_clitic(low)
    if low.endswith(("kah", "lah")) and len(low) > 5:
        low = low[:-3]
    std = _QWORD_INFORMAL.get(low) or INFORMAL.get(low) or low
    return any(w in words for w in std.split())
