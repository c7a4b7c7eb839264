"""Which ranked passages the user is shown: none repeating a sentence already on screen.

A passage shows its sentence with the neighbours of its window, so the next-best candidate is often a
sentence the screen already holds, or the same paragraph repeated elsewhere in the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .chunking import Chunk


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
    window or is the same sentence elsewhere (a paragraph repeated in another document or place).
    Training measures rankings through this too (``training/rank_model.py``): what the user sees."""
    out: list[int] = []
    on_screen: set[str] = set()  # the sentences of the windows already shown
    r = rows.tolist()
    for i in order.tolist():
        if chunks[r[i]].text in on_screen:
            continue
        out.append(i)
        if len(out) == k:
            break
        on_screen.update(chunks[j].text for j in window_rows(chunks, r[i]))
    return out
