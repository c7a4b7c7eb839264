"""The question read without the words most of the corpus's passages share.

A word in more than half the passages cannot tell passages apart (the job's name, which a profile
repeats in most of its sentences), yet in a question that names it in full it fills much of the dense
vector and lifts the sentences that repeat it. The dense channel reads the question without those
words, when a content word is left. ``MIN_RUN`` 2 drops them only as a run (a repeated name), not one
shared word alone, which is what the question is about ("pustakawan"); ``READING``: "instead" (the
reduced reading), "mean" or "weighted" (by the share of the question the dropped words are). Over a
corpus of many passages almost no word is in a majority (FacQA: none), so its questions do not change.
docs/quality.md "Twenty-sixth round" and "Twenty-seventh round" (measured, not shipped).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from .analysis import token_spans

_SPACE_BEFORE_MARK = re.compile(r" ([?!.,;:])")  # where a removed word stood before the question mark
Encode = Callable[[list[str]], np.ndarray]
READING = "instead"  # or "mean", "weighted" (docs/quality.md, twenty-sixth and twenty-seventh rounds)
MIN_RUN = 2  # shared words dropped only in runs of at least this many (2: a repeated name)


def shared_stems(vocab: dict[str, int], indptr: np.ndarray, num_docs: int) -> frozenset[str]:
    """The stems in more than half of ``num_docs`` passages, from term-major postings (``indptr``: term
    t's passages are ``ids[indptr[t]:indptr[t + 1]]``): a majority cannot tell passages apart, exactly
    half still splits them in two. Local BM25 and a Milvus collection's channel read it alike."""
    df = np.diff(indptr)
    return frozenset(t for t, i in vocab.items() if 2 * int(df[i]) > num_docs)


def _dropped(question: str, shared: frozenset[str]) -> dict[tuple[int, int], bool]:
    """Per content word (its span), whether the reading drops it: all its stems are shared and it
    stands in a run of at least ``MIN_RUN`` such words (a name the document repeats, not one subject
    word)."""
    drop: dict[tuple[int, int], bool] = {}
    for start, end, stem in token_spans(question):
        drop[(start, end)] = drop.get((start, end), True) and stem in shared
    spans, run = list(drop), 0
    for i, span in enumerate([*spans, None]):
        if span is not None and drop[span]:
            run += 1
            continue
        if run < MIN_RUN:
            for short in spans[i - run : i]:
                drop[short] = False
        run = 0
    return drop


def shared_share(question: str, shared: frozenset[str]) -> float:
    """The share of the question's content words whose stems are all ``shared``: how much of what the
    question says is the document's common ground (1 for the title alone, 1/3 for one word in three)."""
    drop = _dropped(question, shared)
    return sum(drop.values()) / len(drop) if drop else 0.0


def without_shared(question: str, shared: frozenset[str]) -> str | None:
    """``question`` with each word whose stems are all ``shared`` removed; None when no word is, or when
    no content word would remain (a question of shared words only is read whole)."""
    drop = _dropped(question, shared)
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
    if READING == "instead":
        mixed = other
    elif READING == "mean":
        mixed = vecs[at] + other
    else:  # weighted: the reduced reading counts for the share of the question the shared words are
        w = np.array([[shared_share(questions[i], shared)] for i in at], dtype=np.float32)
        mixed = (1 - w) * vecs[at] + w * other
    vecs = vecs.copy()
    vecs[at] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    return vecs
