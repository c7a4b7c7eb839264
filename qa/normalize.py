"""One text normalisation for documents and questions alike, so invisible differences never matter.

A zero-width space inside a word, a soft hyphen, a ligature or a Cyrillic "а" in a Latin word looks the
same to a reader and changes the tokens a model and BM25 see. Applied to the corpus at read time (chunk
offsets point into the normalised text; the index's corpus hash stays of the raw bytes) and to every
question in the core, so both sides of a match see the same letters:

1. NFKC (compatibility forms: ligatures, full-width letters, no-break spaces);
2. format characters (Unicode category Cf: zero-width space/joiners U+200B-U+200D, word joiner U+2060,
   BOM U+FEFF, soft hyphen U+00AD, bidirectional marks) are dropped;
3. Cyrillic and Greek letters that look like Latin ones are folded to Latin, but only inside a word
   that also has a Latin letter and no other non-Latin letter: a Russian or Greek word stays itself.
4. control characters (C0 and C1, but not tab and the line breaks the chunker knows) become spaces:
   they are never text, and an escape sequence in a document must not reach a terminal that prints
   a passage (ESC [31m recolours it; others move the cursor or retitle the window).

``NORMALIZATION`` names this behaviour in the index manifest; change it when the behaviour changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

NORMALIZATION = "nfkc-cf-confusables-cc-v2"


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Span)  # a reader's Section: a frozen dataclass with start and end offsets

# Look-alikes of Latin letters (the common homoglyphs of Unicode's confusables list for these scripts).
_CONFUSABLES = {
    # Cyrillic lower / upper
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ү": "y",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y",
    # Greek lower / upper
    "ο": "o", "α": "a", "ν": "v", "ι": "i", "κ": "k", "ρ": "p", "υ": "u", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}  # fmt: skip
_FOLD = str.maketrans(_CONFUSABLES)
_LOOKALIKES = frozenset(_CONFUSABLES)
# Whole words, matched once each: a pattern like \w*[look-alike]\w* backtracks quadratically on a long
# word without one (an 18,000-letter word took seconds).
_WORD = re.compile(r"\w+")
# Tab, \n, \v, \f, \r, \x1c-\x1e and \x85 are white space or line breaks (qa/chunking.py); NUL, ESC,
# BEL, backspace, DEL and the C1 controls are not.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN ")


def _fold_word(m: re.Match[str]) -> str:
    word = m.group()
    if _LOOKALIKES.isdisjoint(word):
        return word
    letters = [ch for ch in word if ch.isalpha()]
    if not any(_is_latin(ch) for ch in letters):
        return word  # no Latin letter: a Cyrillic or Greek word, left as it is
    if all(_is_latin(ch) or ch in _CONFUSABLES for ch in letters):
        return word.translate(_FOLD)
    return word


def normalize_text(text: str) -> str:
    """``text`` in the one form both the index and the questions use (see the module docstring)."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub(" ", text)  # one for one: offsets do not move
    if text.isascii():
        return text  # nothing to do, and the common case
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf") if _has_format(text) else text
    return text if _LOOKALIKES.isdisjoint(text) else _WORD.sub(_fold_word, text)


def _has_format(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cf" for ch in text if not ch.isascii())


def normalize_spans(text: str, cuts: Iterable[int]) -> tuple[str, dict[int, int]]:
    """``normalize_text`` applied piece by piece between the offsets ``cuts``, and where each cut (and
    0 and the end) lands in the result: a reader's section spans stay exact in the normalised text."""
    points = sorted({0, len(text), *(c for c in cuts if 0 <= c <= len(text))})
    parts, where, pos = [], {0: 0}, 0
    for a, b in zip(points, points[1:]):
        parts.append(normalize_text(text[a:b]))
        pos += len(parts[-1])
        where[b] = pos
    return "".join(parts), where


def normalize_sections(text: str, sections: Sequence[S]) -> tuple[str, tuple[S, ...]]:
    """The text normalised, with each section's ``start``/``end`` moved to the same place in it."""
    new, where = normalize_spans(text, [o for s in sections for o in (s.start, s.end)])
    moved = tuple(replace(s, start=where[s.start], end=where[s.end]) for s in sections)  # type: ignore[type-var]
    return new, moved
