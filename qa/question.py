"""What a question asks for: its content stems, focus, expected answer type, names and numbers.

Answerability needs more than topical similarity: "di kota mana kantornya?" shares every topic word
with the document yet asks for a place it never names. ``analyze`` reads that from the question alone,
with the lexical channel's normalisation and stems (so its terms match the BM25 index), in a few
microseconds and without models. The word lists are general Indonesian / English function vocabulary;
the topic words of a corpus are weighed elsewhere (IDF), never listed here. Question words in their
many spellings are in qa/question_words.py, the names and numbers it mentions in qa/question_names.py,
the kind of answer it wants in qa/answer_type.py; what an abstention says from this, in qa/abstention.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .analysis import INFORMAL, chat_reduplication, token_spans, tokenize
from .answer import ENGLISH_FUNCTION_WORDS
from .answer_type import ANSWER_TYPES as ANSWER_TYPES  # one of them is each question's answer_type
from .answer_type import PLACE_NOUNS, answer_type, lead, wh_heads
from .question_chat import EMPTY_ALONE, question_clauses, question_words_of
from .question_markup import plain_message
from .question_names import names_in, numbers_in, spelled_like_words
from .question_words import (
    WORD_RE,
    is_question_word,
    standard_words,
    without_clitic,
    without_negation,
)

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
ASKED_SCAN = 16_384  # twice the characters the model's 512-token window can hold


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
    """The word to show in a message: chat spelling made formal, the possessive -nya dropped, a chat
    reduplication written out."""
    if low.endswith("nya") and len(low) >= 6:  # "bosnya" → "bos"; "punya" stays
        low = low[:-3]
    return INFORMAL.get(low) or chat_reduplication(low)  # "repot2" is shown "repot-repot"


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
    return _read(_asked(_plain_message(visible))[1], empty_like=False)


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
    plain = _plain_message(visible)
    if _no_letter_or_digit(plain):  # "@admin" alone: nothing to read, and analyze() finds it vague
        return question
    chatless, asked = _asked(plain)
    if asked != chatless:
        return " ".join(asked.split())
    # NFKC may expand a character ("¼" is "1⁄4"): the part read is never longer than the question typed
    return question if plain == visible or len(plain) > len(question) else " ".join(plain.split())


def _plain_message(visible: str) -> str:
    """The message without its markup (qa/question_markup.py); closing hashtags stay when they are all
    the message names (weighed up to ``ASKED_SCAN`` characters: reading a long message twice costs)."""
    if len(visible) > ASKED_SCAN:
        return plain_message(visible)
    return plain_message(visible, lambda text: _names_something(_asked(text)[1]))


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
    heads = wh_heads(words)  # read once: the answer type and the focus below both need the first
    kind, bound = answer_type(words, heads) if words else ("other", set())
    terms, focus = _terms_and_focus(visible, names, acronyms, bound)
    # The noun a "which" selects leaves the focus only when the question names something else: in
    # "laporannya mana?" / "Budi mana?" (where is it) it is all that is asked about (reliability 114).
    # "kota mana?" alone stays vague, as before section 107.
    head = heads[0][0] if heads else ""
    if not focus and head in bound and head not in PLACE_NOUNS:
        terms, focus = _terms_and_focus(visible, names, acronyms, bound - {head})
    return QuestionInfo(
        terms=tuple(terms),
        focus=tuple(focus),
        answer_type=kind,
        names=names,
        numbers=numbers_in(visible),
        empty_like=empty_like,
        vague=not empty_like and all(empty_alone(word) for word in focus.values()),
        focus_words=tuple(focus.values()),
        focus_stems=tuple(focus),
        lead=lead(kind, words),
    )


def _terms_and_focus(
    visible: str, names: tuple[str, ...], acronyms: Iterable[str], bound: set[str]
) -> tuple[list[str], dict[str, str]]:
    """The question's stems, and its focus: the stems an answer must hold (not generic, not ``bound``),
    each with the word a message shows for it."""
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
    return list(dict.fromkeys(terms)), focus


def _english_function(raw: str, low: str, names: tuple[str, ...]) -> bool:
    """An English function word, also in a contraction ("what's") or negated ("shouldn't", "don't");
    not a negation inside a name ("Fish Don't Cry", a title)."""
    if without_clitic(low) in ENGLISH_FUNCTION_WORDS:
        return True
    return raw not in names and without_negation(low) in ENGLISH_FUNCTION_WORDS


def empty_alone(word: str) -> bool:
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
