"""Which ranked passages the user is shown: none repeating a sentence already on screen.

A passage shows its sentence with the neighbours of its window, so the next-best candidate is often a
sentence the screen already holds, or the same paragraph repeated elsewhere in the corpus. A repeated
paragraph is often not byte-identical: copied text gains or loses spaces, a doubled "?", a stray tag
("94,8 persen" / "94, 8 persen", "(80)" / "(8 0)" in FacQA), and a lower-cased sentence start makes the
splitter see one sentence where the original has two. So sentences are compared by what a reader takes
from them (``reading_key``), and a long one counts as shown when its words stand, in order, in a window
already shown. docs/quality.md ("Ninth round") has the measurements.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .chunking import Chunk
from .errors import InputError

_SPACE = re.compile(r"\s+")
# A minus sign: a dash right before a number and not right after a word or a number ("suhu -5 derajat",
# "(-2,1 persen)"; not "ke-5", "1820-1825"): "-5" and "5" are different figures.
_SIGN = re.compile(r"(?<![^\W_])[-\u2212\u2013](?=\d)")
_MINUS = "\u2212"
# A run of punctuation and symbols (spaces already gone). Python 3.10 has no possessive quantifiers, so the
# run is read whole by the callback below rather than by the pattern.
_RUN = re.compile(r"[\W_]+")
# Symbols that are part of a figure ("50%" is not "50", "$5" not "5", "-5" not "5").
_FIGURE_SYMBOLS = frozenset("%\u2030\u00b0\u00b1" + _MINUS)
# A key this long (about five words) inside a shown window's is those words in that order, not a chance
# run of letters across word ends ("ya" is inside "biaya"): shorter keys must equal a shown sentence's.
CONTAINED = 30


@lru_cache(maxsize=4096)  # a corpus's candidates recur across questions; a key costs ~15 µs
def reading_key(text: str) -> str:
    """``text`` as a reader takes it in: case, spacing and punctuation aside, but not the separators
    inside a number ("Rp 2,4 triliun" stays apart from "Rp 24 triliun"), the symbols of a figure (a minus
    sign, "%", "°", currency) nor the vowel signs and accents that are part of a letter (combining marks:
    Devanagari's, Arabic's). A text of symbols only keeps itself, so it never equals every other one."""
    signed = _SIGN.sub(_signed, text) if "-" in text or "\u2212" in text or "\u2013" in text else text
    return _RUN.sub(_kept_of_run, _SPACE.sub("", signed.lower())) or text


def _signed(m: re.Match[str]) -> str:
    """A dash before a number is its minus sign unless a number stands before it ("1820 -1825")."""
    before = m.string[max(0, m.start() - 16) : m.start()].rstrip()
    return m.group() if before[-1:].isdigit() else _MINUS


def _kept_of_run(m: re.Match[str]) -> str:
    """What a run of marks keeps: a figure's symbols and combining marks; else, between two digits, its
    first mark ("2,4" is not "24")."""
    run = m.group()
    kept = "".join(c for c in run if c in _FIGURE_SYMBOLS or unicodedata.category(c) in _KEPT_CATEGORIES)
    if kept:
        return kept
    text, start, end = m.string, m.start(), m.end()
    between_digits = start > 0 and end < len(text) and text[start - 1].isdigit() and text[end].isdigit()
    return run[0] if between_digits else ""


_PLACES = 8  # the places of a key in a window looked at
_KEPT_CATEGORIES = frozenset({"Sc", "Mn", "Mc", "Me"})  # currency signs; marks that are part of a letter


def window_rows(chunks: Sequence[Chunk], row: int) -> range:
    """The rows whose sentences make up ``row``'s window (consecutive rows of one document)."""
    c = chunks[row]

    def inside(j: int) -> bool:
        return (
            0 <= j < len(chunks)
            and chunks[j].doc == c.doc
            and c.context_start <= chunks[j].start
            and chunks[j].end <= c.context_end
        )

    lo, hi = row, row
    while inside(lo - 1):
        lo -= 1
    while inside(hi + 1):
        hi += 1
    return range(lo, hi + 1)


def check_k(k: object) -> int:
    """``k`` as the whole number of passages it names, else refused: ``shown`` stops at the ``k``-th, so
    0, -1 or 2.5 never stopped it and every candidate came back. Every edge refuses them before
    (1..MAX_K); a library caller gets the same typed error here. A whole float (3.0, numpy's float64: a
    value read from JSON or an array) names 3 and was answered before this check: it still is."""
    number = 0  # True is no count of passages, though Python counts it as 1
    if isinstance(k, numbers.Integral) and not isinstance(k, bool):
        number = int(k)
    elif isinstance(k, numbers.Real) and not isinstance(k, bool) and math.isfinite(k):
        number = int(float(k)) if float(k).is_integer() else 0
    if number < 1:
        raise InputError(f"k must be a whole number of passages, at least 1, got {k!r}")
    return number


def shown(chunks: Sequence[Chunk], rows: np.ndarray, order: np.ndarray, k: int) -> list[int]:
    """Indices (into ``rows``, taken in ``order``) of the first ``k`` passages worth showing: a candidate
    whose sentence a better passage already shows is left out, whether it sits inside that passage's
    window or is the same sentence elsewhere (a paragraph repeated in another document or place), up to
    case, spacing and punctuation; so is one whose sentence, or whole window, stands inside a shown window
    (``CONTAINED``). Only the candidates visited until ``k`` are shown pay for a key.
    Training measures rankings through this too (``training/rank_model.py``): what the user sees."""
    k = check_k(k)
    out: list[int] = []
    screen = Screen(chunks)
    r = rows.tolist()
    for i in order.tolist():
        if screen.show(r[i]):
            out.append(i)
            if len(out) == k:
                break
    return out


class Screen:
    """The passages shown so far (``shown``'s rule), kept so that a list can go on past them: a caller
    that has checked its ``k`` once (``Retriever.rank``) offers candidates one at a time."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.chunks = chunks
        self.on_screen: set[str] = set()  # the reading keys of the sentences of the windows already shown
        self.windows: list[str] = []  # each shown window's keys run together

    def show(self, row: int) -> bool:
        """Whether ``row``'s passage is worth showing below those shown; if so it is now on screen."""
        key = reading_key(self.chunks[row].text)
        if key in self.on_screen or _inside(key, self.windows):
            return False
        keys = [reading_key(self.chunks[j].text) for j in window_rows(self.chunks, row)]
        if _inside("".join(keys), self.windows):  # nothing in its window is new (a copy split otherwise)
            return False
        self.on_screen.update(keys)
        self.windows.append("".join(keys))
        return True


def _inside(key: str, windows: list[str]) -> bool:
    """A long enough key inside a shown window's keys run together: those words, in that order, and never
    the tail or head of a longer number ("mencapai 150" is not inside "mencapai 1500 orang")."""
    return len(key) >= CONTAINED and any(_contains(w, key) for w in windows)


def _contains(window: str, key: str) -> bool:
    """``key`` stands in ``window`` not cutting a number; a few places are tried (a key that only ever
    cuts a long run of digits is shown: a run of 20,000 digits must not cost a look at each place)."""
    start = window.find(key)
    for _ in range(_PLACES):
        if start < 0:
            break
        end = start + len(key)
        # digits right next to it: another number ("150" of "1500"); past a separator it is FacQA's number
        # cut by the splitter ("21.740." then "501 anak"), a copy, and contained
        before = window[start - 1] if start > 0 else ""
        cuts_before = key[0].isdigit() and (before.isdigit() or before == _MINUS)
        cuts_after = key[-1].isdigit() and end < len(window) and window[end].isdigit()
        if not (cuts_before or cuts_after):
            return True
        start = window.find(key, start + 1)
    return False
