"""Colloquial verb forms read as the formal verb the corpus knows, by the regular morphology of chat.

Chat drops the "me-" of a meN- verb and keeps its nasal, which replaces a root's first p, t, k or s as it
does in the formal verb ("mutusin", memutuskan; "nentuin", menentukan; "milih", memilih; "ngirim",
mengirim; "nyusun", menyusun); it writes -in for the formal -kan or -i ("dikatalogin", dikatalogkan), and
an accidental ke- for ter- ("kepake", terpakai). So a chat form's formal form is regular: "me" + the chat
form for a nasal, the suffix -kan (else -i) for -in, the root after ke-. The Snowball stemmer undoes the
formal nasal ("memutuskan" → putus) but not the chat one ("mutusin" stays itself), hence the question
word matched nothing: reading the formal form lets the keyword channel find "keputusan".

A reading is only a candidate: ``qa.spelling.Speller`` takes it for a word the corpus does not know (as
typed nor by stem) and the dictionary does not hold ("makan", "minum", "ngeri", "nyanyi" are words), and
only when the formal form is one word whose stem is a corpus stem of ``CHAT_VERB_STEM`` letters or more.
The chat nasal is read before a vowel only (the nasal replaced a consonant; "mnteri" is a typo); a ke-
root must be a dictionary word ("keputsan" is a typo, not ke- + "putsan"). Nasal chat words of c- roots
("nyari", mencari) are not regular and stay in ``qa.analysis.INFORMAL``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import NamedTuple

from .analysis import INFORMAL, VOWELS, tokenize
from .wordlist import is_indonesian_word

CHAT_SUFFIX = "in"  # chat's verb suffix for formal -kan / -i ("dikatalogin", "ngurusin", "bantuin")
FORMAL_SUFFIXES = ("kan", "i")
PASSIVE = "di"
FORMAL_NASAL = "me"  # what chat drops of meN-: "me" + "mutus" is the formal "memutus"
ACCIDENTAL = "ke"  # chat's ke- for ter- ("kepilih", "kepake")
# A nasal chat verb: the nasal, then the root's vowel; not "me", the formal prefix itself (an unknown
# "melakukah", "mergi" is a typo of a formal verb far more often than chat "mecat" of pecat)
CHAT_NASAL_RE = re.compile(r"(?!me)(?:ng|ny|m|n)[aeiou]")
CHAT_VERB_LETTERS = 7  # of a verb in -in: "dingin" is shorter ("dijamin" is a word, its stem "jam" short)
CHAT_VERB_STEM = 4  # letters of the stem a chat verb must have for its formal form to be guessed
NASAL_PREFIX_RE = re.compile(r"[mp]e(?:ng|n)")  # men-/meng-, pen-/peng-: what Snowball cuts off a vowel root
T_ROOT_PREFIX_RE = re.compile(r"[mp]en[aeiou]")  # men-/pen- before a vowel: a t-root's ("menentukan", tentu)
POSSESSIVE = "nya"  # "nyamannya" is the dictionary's "nyaman" + -nya, no chat "menyamannya" (stem "saman")
NOUN_SUFFIX = "an"  # "masukan" (input) is the dictionary's "masuk" + -an, no chat "memasukan" (stem "pasu")


def _informal(word: str) -> str | None:
    """The table's one-word formal form of ``word`` ("ngurus" → "mengurus", "pake" → "pakai"), or None."""
    formal = INFORMAL.get(word)
    return formal if formal and formal.isalpha() else None


def _verb_bases(base: str) -> list[str]:
    """Formal verb forms of a chat verb less its -in: the table's, a passive as typed, or "me" + a nasal."""
    if formal := _informal(base):
        return [formal]
    if base.startswith(PASSIVE):
        return [base]
    return [FORMAL_NASAL + base] if CHAT_NASAL_RE.match(base) else []


def formal_forms(low: str) -> Iterator[str]:
    """The formal forms ``low`` may be a chat form of, likeliest first (unchecked against any corpus)."""
    if low.endswith(CHAT_SUFFIX) and len(low) >= CHAT_VERB_LETTERS:
        for base in _verb_bases(low[: -len(CHAT_SUFFIX)]):
            for suffix in FORMAL_SUFFIXES:
                yield base + suffix
    if CHAT_NASAL_RE.match(low):
        yield FORMAL_NASAL + low
    if low.startswith(ACCIDENTAL):
        root = low[len(ACCIDENTAL) :]
        root = _informal(root) or root
        if is_indonesian_word(root):
            yield root


class RootedStems(NamedTuple):
    """The corpus's vowel-initial stems a chat nasal's formal form may share (``rooted_vowel_stems``)."""

    vowel: frozenset[str]  # as written or after any nasal: "urus" of "urusan", "ambil" of "pengambilan"
    t_root: frozenset[str]  # after men-/pen- (a vowel next): "entu" of "menentukan", "erima" of "penerimaan"


def rooted_vowel_stems(words: Iterable[str]) -> RootedStems:
    """The vowel-initial stems of ``words`` that stand at a word's start or after a nasal prefix ("urus" of
    "urusan", "entu" of "menentukan", "ambil" of "pengambilan"). Snowball cuts men-/meng- off a vowel and
    restores no t- or k-, so a chat nasal's formal stem may be such a fragment, and so may what it leaves
    of per-/ber-/ter- ("periode" → "iode"): only a fragment the corpus has after a nasal, or as written,
    is a root a chat nasal can share ("niode", a name, is no "meniode"). A vowel root takes meng-, so men-
    before a vowel is a t-root's ("menentukan", tentu): its fragment is kept apart, found after men-/pen-."""
    vowel, t_root = set(), set()
    for word in words:
        stems = tokenize(word)
        if len(stems) == 1 and stems[0][:1] in VOWELS:
            stem, nasal = stems[0], NASAL_PREFIX_RE.match(word)
            after = nasal is not None and word[nasal.end() :].startswith(stem)
            if word.startswith(stem) or after:
                vowel.add(stem)
            if after and T_ROOT_PREFIX_RE.match(word):
                t_root.add(stem)
    return RootedStems(frozenset(vowel), frozenset(t_root))


def chat_verb(low: str, stems: Collection[str], rooted: Callable[[], RootedStems]) -> str | None:
    """The first formal form of ``low`` that is one word with a stem of ``stems`` (the corpus's) of
    ``CHAT_VERB_STEM`` letters or more, or None: "mutusin" → "memutuskan" over a text with "keputusan".
    A vowel-initial stem must also be one of ``rooted()`` (``rooted_vowel_stems`` of the corpus's words),
    after men-/pen- for a formal men- before a vowel ("nangin" is no "menangin" of the word "angin").
    A dictionary word with its -nya is that word ("meriahnya" is no "memeriahnya", stemmed "periah"), and
    one of ``CHAT_VERB_STEM`` letters or more with -an is its noun ("masukan", input, is no "memasukan",
    stemmed "pasu" as "pasukan", troops, is); a shorter one is no evidence ("nahan" is chat for menahan).
    The word list holds roots, not their -an nouns, and a chat verb takes -kan or -in, never -an."""
    if low.endswith(POSSESSIVE) and is_indonesian_word(low[: -len(POSSESSIVE)]):
        return None
    noun_root = low[: -len(NOUN_SUFFIX)]
    if low.endswith(NOUN_SUFFIX) and len(noun_root) >= CHAT_VERB_STEM and is_indonesian_word(noun_root):
        return None
    for formal in formal_forms(low):
        found = tokenize(formal)
        stem = found[0] if len(found) == 1 else ""
        if (
            len(stem) >= CHAT_VERB_STEM
            and stem in stems
            and (stem[:1] not in VOWELS or _rooted(formal, stem, rooted()))
        ):
            return formal
    return None


def _rooted(formal: str, stem: str, rooted: RootedStems) -> bool:
    """A vowel-initial ``stem`` of ``formal`` is a root the corpus has: a t-root's fragment for men-."""
    return stem in (rooted.t_root if T_ROOT_PREFIX_RE.match(formal) else rooted.vowel)
