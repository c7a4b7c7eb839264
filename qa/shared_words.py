"""The question read without the words most of the corpus's passages share.

A word in more than half the passages cannot tell passages apart (the job's name, which a profile
repeats in most of its sentences), yet in a question that names it in full it fills much of the dense
vector and lifts the sentences that repeat it. The dense channel reads the question without those
words, when a content word is left (``READING``: "mean" averages the two vectors instead, the gentler
form measured). Over a corpus of many passages almost no word is in a majority (FacQA: none), so its
questions do not change. docs/quality.md "Twenty-sixth round" (measured, not shipped).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .analysis import token_spans

_SPACE_BEFORE_MARK = re.compile(r" ([?!.,;:])")  # where a removed word stood before the question mark
Encode = Callable[[list[str]], np.ndarray]
READING = "instead"  # or "mean": the question's vector and its reduced reading's, averaged


def without_shared(question: str, shared: frozenset[str]) -> str | None:
    """``question`` with each word whose stems are all ``shared`` removed; None when no word is, or when
    no content word would remain (a question of shared words only is read whole)."""
    spans = token_spans(question)
    drop: dict[tuple[int, int], bool] = {}
    for start, end, stem in spans:
        drop[(start, end)] = drop.get((start, end), True) and stem in shared
    if not any(drop.values()) or all(drop.values()):
        return None
    out, at = [], 0
    for (start, end), gone in drop.items():
        if gone:
            out.append(question[at:start])
            at = end
    out.append(question[at:])
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join("".join(out).split()))


def query_vectors(encode: Encode, questions: Sequence[str], shared: frozenset[str]) -> np.ndarray:
    """The dense channel's vector of each question: that of its reading without shared words (or, with
    ``READING`` "mean", the mean of both unit vectors made unit again); the question's own where no
    word is shared or nothing else is left."""
    vecs = np.asarray(encode(list(questions)), dtype=np.float32)
    reduced = {i: r for i, q in enumerate(questions) if (r := without_shared(q, shared)) is not None}
    if not reduced:
        return vecs
    at = list(reduced)
    other = np.asarray(encode(list(reduced.values())), dtype=np.float32)
    mixed = other if READING == "instead" else vecs[at] + other
    vecs = vecs.copy()
    vecs[at] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return vecs
