"""Misspelt content words of a question, read as the corpus word they are one typo away from.

"asisten mentri harus bisa negosiasi ga?" asked about a word the document lacks ("mentri"), so the
keyword channel missed it and the abstention named the typo. The only dictionary at hand is the index's
own: a question word the corpus does not know (as typed nor by stem), of at least ``MIN_LETTERS``
letters, that is a corpus word with one vowel left out (chat spelling drops vowels: mentri, negri,
diplmat) or with two neighbouring letters swapped (thaun), both after the first letter, is read as that
word when exactly one corpus word fits, or one clearly more frequent than the others, and that word is no
function word ("merek", brand, is not "mereka") and the typed one does not open with ng-/ny- as chat
words do ("ngeri", scary, is not "negeri"; section 40), and the typed word is no word of the dictionary
(``qa.wordlist``: "makan", eat, is not the corpus's "makna"; "darma" not "drama"; section 56). A letter
added or replaced is not guessed:
without a dictionary of the language, "makan" (eat) would become the corpus's "akan", "malam" (night)
"dalam", "tenis" "jenis" (measured on the stored questions, docs/reliability.md section 39). Numbers,
names (capitalised inside the question), acronyms, function, question and chat words, and English
questions stay as typed. The corpus words are indexed once per index, lazily, by their vowel-less forms:
a question costs a set lookup per word, and a few more for an unknown one. Typos first: only a word one
typo from no corpus word is tried as a chat verb form of a corpus verb ("mutusin", memutuskan;
"dikatalogin"; ``qa.chat_verbs``), so "nayman" stays a typo of "nyaman" (docs/reliability.md section 106).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cached_property

from .analysis import INFORMAL, STOPWORDS, VOWELS, normalize, tokenize
from .answer import ENGLISH_FUNCTION_WORDS, written_in_another_language
from .chat_verbs import RootedStems, chat_verb, rooted_vowel_stems
from .question import _GENERIC_WORDS
from .question_chat import EMPTY_ALONE
from .question_names import NUMBER_WORDS
from .question_words import WORD_RE, is_question_word
from .wordlist import is_indonesian_word

MIN_LETTERS = 5  # shorter words have too many neighbours one typo away ("bank", "bang", "bagi")
LONG_WORD = 7  # a vowel left out at the end or beside another vowel is guessed from this many letters on
CLEAR_MARGIN = 3  # a candidate "clearly most frequent": at least this many times the next one's count
CHAT_ONSETS = ("ng", "ny")  # a word opening so is not read as a vowel dropped after its first letter
_LEAVE = STOPWORDS | ENGLISH_FUNCTION_WORDS | NUMBER_WORDS | EMPTY_ALONE | _GENERIC_WORDS | set(INFORMAL)


def _vowel_dropped(word: str) -> set[str]:
    """``word`` with one vowel after its first letter left out: "menteri" → "mentri", "mnteri", …

    A vowel at the end or next to another vowel is only taken as left out of a long word: in a short one
    that is mostly a real word ("merek" of "mereka", "sukar" "sukara", "darah" "daerah", "panti" "pantai",
    "bagan" "bagian", "being" "boeing"). One of a double vowel is a typo ("perusahan")."""
    found = set()
    for i, c in enumerate(word):
        if i and c in VOWELS:
            key, before, after = word[:i] + word[i + 1 :], word[i - 1], word[i + 1 : i + 2]
            risky = not after or (before in VOWELS and before != c) or (after in VOWELS and after != c)
            if not risky or len(key) >= LONG_WORD:
                found.add(key)
    return found


def _swapped(word: str) -> set[str]:
    """``word`` with two different neighbouring letters after its first swapped: "thaun" → "tahun", …"""
    return {
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(1, len(word) - 1)
        if word[i] != word[i + 1]
    }


class Speller:
    """The corpus's words (lower-cased, normalised as the BM25 index reads them), indexed by their forms
    with a vowel left out."""

    def __init__(self, texts: Iterable[str], stems: Iterable[str]) -> None:
        self.counts: Counter[str] = Counter(
            w for text in texts for w in WORD_RE.findall(normalize(text)) if w.isalpha()
        )
        self.stems = frozenset(stems)
        self._by_dropped_vowel: dict[str, set[str]] = {}
        for word in self.counts:
            if len(word) > MIN_LETTERS:
                for key in _vowel_dropped(word):
                    self._by_dropped_vowel.setdefault(key, set()).add(word)

    @cached_property
    def _rooted(self) -> RootedStems:
        """The corpus's vowel-initial stems a chat nasal may share (made on the first chat verb only)."""
        return rooted_vowel_stems(self.counts)

    def knows(self, low: str) -> bool:
        return low in self.counts or any(s in self.stems for s in tokenize(low))

    def suggest(self, low: str) -> str | None:
        """The corpus word ``low`` is one typo away from; else, when it is one typo from none, the formal
        form of a chat verb of the corpus (``chat_verb``); or None (known, too short, none or ambiguous)."""
        if len(low) < MIN_LETTERS or not low.isalpha() or low in _LEAVE or is_question_word(low):
            return None
        if self.knows(low) or is_indonesian_word(low):
            return None
        found = self._by_dropped_vowel.get(low, set()) | {w for w in _swapped(low) if w in self.counts}
        if low[:2] in CHAT_ONSETS:  # "ngeri" (scary) is no "negeri": chat verbs open so (ngopi, nyari)
            found = {w for w in found if w[:1] + w[2:] != low}
        ranked = sorted(found, key=lambda w: (-self.counts[w], w))
        if not ranked:  # one typo from no corpus word: a chat verb form of one? ("mutusin", memutuskan)
            return chat_verb(low, self.stems, lambda: self._rooted)
        if ranked[0] in _LEAVE:  # "merek" (brand) is no "mereka": a content word never turns a function word
            return None
        if len(ranked) == 1 or self.counts[ranked[0]] >= CLEAR_MARGIN * self.counts[ranked[1]]:
            return ranked[0]
        return None

    def correct(self, question: str) -> str:
        """``question`` with each misspelt content word replaced by its corpus word (lower case); the
        question itself when nothing is corrected or it is written in another language. A capitalised
        word is a name or an acronym (left as typed) unless it opens the question."""
        fixes: list[tuple[int, int, str]] = []
        for m in WORD_RE.finditer(question):
            raw = m.group()
            if any(c.isupper() for c in raw[1:]) or (raw[:1].isupper() and question[: m.start()].strip()):
                continue
            fix = self.suggest(normalize(raw))
            if fix:
                fixes.append((m.start(), m.end(), fix))
        if not fixes or written_in_another_language(question, set(tokenize(question)) & self.stems):
            return question
        for start, end, fix in reversed(fixes):
            question = question[:start] + fix + question[end:]
        return question
