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

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .chunking import Chunk

_SPACE = re.compile(r"\s+")
# Punctuation and symbols, but never all of a run between two digits ("2,4" and "24" are different
# numbers): the possessive run cannot give back its last mark to let "(?!\d)" match, so one mark stays.
_MARKS = re.compile(r"(?<!\d)[\W_]++|[\W_]++(?!\d)")
# A key this long (about five words) inside a shown window's is those words in that order, not a chance
# run of letters across word ends ("ya" is inside "biaya"): shorter keys must equal a shown sentence's.
CONTAINED = 30


@lru_cache(maxsize=4096)  # a corpus's candidates recur across questions; a key costs ~15 µs
def reading_key(text: str) -> str:
    """``text`` as a reader takes it in: case, spacing and punctuation aside, but not the separators
    inside a number ("Rp 2,4 triliun" stays apart from "Rp 24 triliun"). A text of symbols only keeps
    itself, so it never equals every other one."""
    return _MARKS.sub("", _SPACE.sub("", text.lower())) or text


def window_rows(chunks: Sequence[Chunk], row: int) -> range:
    """The rows whose sentences make up ``row``'s window (consecutive rows of one document)."""
    c = chunks[row]

    def inside(j: int) -> bool:
        return 0 <= j < len(chunks) and chunks[j].doc == c.doc and c.context_start <= chunks[j].start \
            and chunks[j].end <= c.context_end

    lo, hi = row, row
    while inside(lo - 1):
        lo -= 1
    while inside(hi + 1):
        hi += 1
    return range(lo, hi + 1)


def shown(chunks: Sequence[Chunk], rows: np.ndarray, order: np.ndarray, k: int) -> list[int]:
    """Indices (into ``rows``, taken in ``order``) of the first ``k`` passages worth showing: a candidate
    whose sentence a better passage already shows is left out, whether it sits inside that passage's
    window or is the same sentence elsewhere (a paragraph repeated in another document or place), up to
    case, spacing and punctuation; so is one whose sentence, or whole window, stands inside a shown window
    (``CONTAINED``). Only the candidates visited until ``k`` are shown pay for a key.
    Training measures rankings through this too (``training/rank_model.py``): what the user sees."""
    out: list[int] = []
    on_screen: set[str] = set()  # the reading keys of the sentences of the windows already shown
    windows: list[str] = []  # each shown window's keys run together
    r = rows.tolist()
    for i in order.tolist():
        key = reading_key(chunks[r[i]].text)
        if key in on_screen or _inside(key, windows):
            continue
        keys = [reading_key(chunks[j].text) for j in window_rows(chunks, r[i])]
        if _inside("".join(keys), windows):  # nothing in its window is new (a copy split otherwise)
            continue
        out.append(i)
        if len(out) == k:
            break
        on_screen.update(keys)
        windows.append("".join(keys))
    return out


def _inside(key: str, windows: list[str]) -> bool:
    """A long enough key inside a shown window's keys run together: those words, in that order."""
    return len(key) >= CONTAINED and any(key in w for w in windows)
