"""Which of a question's words an abstention may name (qa/abstention.py): no chat preposition (nor any
chat function word: qa/chat_words.py, which qa/abstention.py skips), and no word nobody can read (chat
slang, typos, words of no language we read), which a message would show as if it were a fact the
document lacks; a word of Indonesian or English, a name, an initialism, a figure or a code is named
(docs/reliability.md sections 111, 112, 121, 124, 135). The vendored dictionaries are loaded here, on an
abstention only.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from .analysis import INFORMAL, VOWELS
from .answer_type import CHAT_PREPOSITIONS
from .chat_words import CONTENT_SHORTHAND
from .question_words import WORD_RE

# English words that name no thing a document could lack: light verbs ("make a mistake", "get a car",
# "take a trip"), the copula's forms the question analysis keeps ("being a librarian") and prepositions it
# keeps ("work under the assistant"). An abstention names what the document does not state, and "make",
# "being" or "under" is not that.
UNNAMED_ENGLISH = frozenset(
    "be being been "
    "make makes made making do does did doing get gets got getting take takes took taking have has had "
    "having give gives gave giving go goes went going keep keeps kept put puts let lets come comes came "
    "become becomes became under over above below during before after between among within without "
    "across through toward towards against behind beside near around".split()
)
_CHAT_DIGIT = re.compile(r"[^\W\d_]{2,}2[^\W\d_]*")  # "tanda2", "kontak2an": chat shorthand, no code
_SENTENCE_START = re.compile(r"(?:^|[.!?])[\W_]*$")  # what precedes a sentence's first word

# The word a unit follows, when it is a figure or a code ending in one ("10 km", "1,5 km", "Rp10 jt"),
# searched for in the last _FIGURE_REACH characters only (a search up to the end of a long text is
# quadratic in it; a longer figure is read as none named, the unit unnamed as before).
_FIGURE_BEFORE = re.compile(r"((?:[^\W_]+[.,-])*[^\W_]*\d)\s*$")
_FIGURE_REACH = 48


def chat_prepositions(question: str) -> tuple[set[str], list[str]]:
    """The chat prepositions ``question`` holds (``CHAT_PREPOSITIONS``, as the "which N" reading takes
    them): "diajarin … sama pustakawan" (by), "beda ga sama yg diurus" (from). A message names none, as
    it names no "buat" or "soal" (nor "sama" as "same": no fact a document lacks either). A "sama"
    closing a compound the dictionaries hold written as one word ("kerja sama" is "kerjasama", "bekerja
    sama" "bekerjasama") is half of a word: it is named, and the compounds ("kerja sama") are returned,
    whose halves are missing together (a message naming "sama" alone reads as nonsense)."""
    from .wordlist import is_readable_word

    words = [INFORMAL.get(w, w) for w in WORD_RE.findall(question.lower())]  # "sm", "ama": "sama"
    prepositions: set[str] = set()
    compounds: list[str] = []
    for p in CHAT_PREPOSITIONS & set(words):
        closed = [
            f"{words[i - 1]} {p}"
            for i, w in enumerate(words)
            if w == p and i and is_readable_word(words[i - 1] + p)
        ]
        compounds += closed
        if not closed:
            prepositions.add(p)
    return prepositions, compounds


def unreadable_words(question: str, words: Iterable[str]) -> set[str]:
    """Those of ``words`` (focus words the document lacks) an abstention never names: chat slang, typos,
    words of no language we read, which a message would show as if they were facts the document lacks
    ("Dokumen tidak menyebut nyuruh2.") and a user reads as not being understood. A word of Indonesian is
    named (``qa.wordlist.is_readable_word``, loaded only here, on an abstention), and so is an English
    word the bilingual dictionary holds as typed ("software", "weekend": an English question's is named
    too, ``qa.foreign_reason``), a name (typed with a capital anywhere in the question: "HI", "Kemlu"), an
    initialism in any case ("hp" as "HP", ``_initialism``) and a figure or code ("2024", "d3"); the chat
    reduplication "info2" is read as "info-info"; a content word's shorthand the table knows ("ortu") is
    named as its full word (``shorthand_meant``)."""
    from .wordlist import is_readable_word

    words = list(words)
    named = {w.lower() for w in words}
    meant = shorthand_meant(question, words)
    return {
        w
        for w in words
        if not (
            w in meant
            or is_readable_word(w)
            or _english_word(w)
            or _typed_capitalised(question, w)
            or _code_or_number(w)
            or _initialism(question, w, named)
        )
    }


def shorthand_meant(question: str, words: Iterable[str]) -> dict[str, str]:
    """Those of ``words`` that are chat's shorthand of a content word (``CONTENT_SHORTHAND``: "hr",
    "ortu", "perpus"), each with the word it is short for, which a message names and the document is
    searched for: "hr" is no initialism, and "ortu" as typed is no word a reader can look up. A vowel-less
    one typed as a name ("HR", human resources) is the name; a clipping is pronounced as a word, and
    capitalised it is the same title or name ("Menlu" is the Menteri Luar Negeri)."""
    known = (w for w in words if w.lower() in CONTENT_SHORTHAND)  # a name's focus word keeps its case
    return {
        w: CONTENT_SHORTHAND[w.lower()] for w in known if _clipped(w) or not _typed_capitalised(question, w)
    }


def _clipped(word: str) -> bool:
    """A shorthand cut from its word's syllables ("ortu", "menlu"), not its consonants ("hr", "thn")."""
    return any(c in VOWELS for c in word.lower())


def _english_word(word: str) -> bool:
    """A headword of the English-Indonesian dictionary as typed, no function word ("the", "with"): not
    an inflection guessed (the chat "males", lazy, is no "male" + "-s")."""
    from .translation import is_headword
    from .trees import ModelError

    try:
        return word not in UNNAMED_ENGLISH and is_headword(word)
    except ModelError:  # a damaged dictionary file: the message is no reason to fail
        return False


def _typed_capitalised(question: str, word: str) -> bool:
    """``word`` is typed as a name somewhere: with a capital inside a sentence ("di Kemlu"), or with one
    past its first letter anywhere ("HI", "KemLu"). A sentence's first capital is no evidence: a phone
    writes "Nulis laporan pake apa?" for "nulis" (section 117)."""
    for m in re.finditer(rf"(?<!\w){re.escape(word)}", question, re.IGNORECASE):
        typed = m.group()
        inside = not _SENTENCE_START.search(question[: m.start()])
        if typed[1:] != typed[1:].lower() or (inside and typed[:1].isupper()):
            return True
    return False


def _initialism(question: str, word: str, named: Container[str] = ()) -> bool:
    """Letters without a vowel: no syllable of Indonesian (nor of English, but for its "y"), so read
    letter by letter, an initialism as one typed in capitals is ("hp" as "HP", "ktp", "pns"). After a
    figure, a unit is read with it (``_with_its_figure``): named with a figure the document lacks too."""
    if not (len(word) >= 2 and word.isascii() and word.isalpha()) or any(c in VOWELS for c in word.lower()):
        return False
    typed = re.finditer(rf"(?<![^\W\d_]){re.escape(word)}(?!\w)", question, re.IGNORECASE)
    return any(_with_its_figure(question[: m.start()], named) for m in typed)


def _with_its_figure(before: str, named: Container[str]) -> bool:
    """A unit typed after ``before`` is named: it follows no figure, or one named too (``named``: the
    lower-case words the message may name). "5 km" missing is named "5 km", not "5", which the next word
    would read as its unit ("lari 5 km tiap hari" said "5 hari"); but after a figure the document holds
    ("362 kg" over "362 kilogram") the unit is not named: the document may write it out, and the figure
    is what it would lack."""
    figure = _FIGURE_BEFORE.search(before[-_FIGURE_REACH:])
    return figure is None or figure.group(1).lower() in named


def _code_or_number(word: str) -> bool:
    """A word with a digit that is no chat reduplication ("kontak2an", "nyuruh2"): "2024", "d3", "s2"."""
    return any(c.isdigit() for c in word) and not _CHAT_DIGIT.fullmatch(word)
