"""The question read, by the dense channel, without the name its document repeats.

A word in more than half the passages cannot tell passages apart, and a run of such words is the name a
document frames every sentence with (the seed's "asisten menteri kerjasama luar negeri", a profile's
"juru masak"). In a question that names it, the name fills much of the dense vector and lifts the
sentences that repeat it, not the one that answers. So the dense channel reads the question without a run
of ``MIN_RUN`` or more such words, when a content word is left; one shared word alone is what the
question is about ("koleksi apa yang dikelola pustakawan?") and stays. The keyword channels read the
question whole. Over a corpus of many passages almost no word is in a majority (FacQA: none), so its
questions do not change. docs/quality.md, rounds twenty-six to twenty-eight (chosen on blind sets).
A mark the removed name leaves with no word beside it is dropped (thirty-first round). A question limited
to one document (``doc=``) searches only its passages, so it is read without the words most of *those*
share (``SharedStems.within``; docs/reliability.md section 161).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Protocol

import numpy as np

from .analysis import token_spans

_SPACE_BEFORE_MARK = re.compile(r" ([?!.,;:])")  # where a removed word stood before the question mark
# A separating mark needs a word on both sides, a closing one a word before it: where a removed name
# leaves one without ("Apa tugas asisten menteri kerjasama luar negeri, ?" read as "Apa tugas,?"), it goes.
_STRANDED = (  # in this order: a pair emptied may strand a separator, a separator the start
    re.compile(r"[(\[{\u201c]\s*[)\]}\u201d]|(?:(?<=\s)|^)\"\s*\"(?=[\s,;:.!?]|$)"),  # a pair around nothing
    re.compile(r"\s*[,;:]+(?=\s*(?:[,;:.!?]|$))"),  # a separator before another mark or at the end
    re.compile(r"^[\s,;:.!?]+"),  # at the start: no word before it
)
Encode = Callable[[list[str]], np.ndarray]
MIN_RUN = 2  # shared words dropped only in runs of at least this many: a name, not one subject word


class Postings(Protocol):
    """A keyword channel's postings, as ``LexicalIndex`` and ``MilvusLexical`` give them."""

    def __len__(self) -> int: ...

    def term_postings(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]: ...


def shared_stems(channel: Postings) -> frozenset[str]:
    """The stems in more than half of ``channel``'s passages, from its term-major postings (term t's
    passages are ``ids[indptr[t]:indptr[t + 1]]``): a majority cannot tell passages apart, exactly half
    still splits them in two. Local BM25 and a Milvus collection's channel read it alike. A single
    passage has none: there is nothing to tell apart, and all its words would be shared, so a question
    read without them lost the very words that match it (and was refused what the passage answers)."""
    num_docs = len(channel)
    if num_docs < 2:
        return frozenset()
    vocab, _, indptr = channel.term_postings()
    df = np.diff(indptr)
    return frozenset(t for t, i in vocab.items() if 2 * int(df[i]) > num_docs)


class SharedStems:
    """One channel's shared stems, over all its passages (``whole``) and over one document's rows
    (``within``): under ``doc=`` only that document's passages are searched, so the words that cannot
    tell *them* apart are those in more than half of *its* passages (docs/reliability.md section 161).
    Each set is computed once, on first use; a document's from the postings, never passage by passage."""

    def __init__(self, channel: Postings) -> None:
        self._channel = channel
        self._by_rows: dict[tuple[int, int], frozenset[str]] = {}

    @cached_property
    def whole(self) -> frozenset[str]:
        """The stems in more than half of all the passages (what a question without ``doc=`` reads by)."""
        return shared_stems(self._channel)

    def within(self, rows: tuple[int, int] | None) -> frozenset[str]:
        """The stems in more than half of the passages ``lo..hi-1`` (``rows``; all of them when None)."""
        if rows is None or tuple(rows) == (0, len(self._channel)):
            return self.whole  # the same set by definition: a one-document index reads as it did
        found = self._by_rows.get(rows)
        if found is None:  # two threads may both compute it: the same set, no lock needed
            found = self._by_rows[rows] = self._shared_in(rows)
        return found

    @cached_property
    def _keys(self) -> np.ndarray:
        """``term * n + passage`` per posting: ascending over the whole array, as each term's passages
        are, so one binary search finds where a term's passages enter and leave any row range."""
        _, ids, indptr = self._channel.term_postings()
        terms = np.repeat(np.arange(len(indptr) - 1, dtype=np.int64), np.diff(indptr))
        return terms * len(self._channel) + ids

    def _shared_in(self, rows: tuple[int, int]) -> frozenset[str]:
        lo, hi = int(rows[0]), int(rows[1])
        if hi - lo < 2:  # one passage has nothing to tell apart (``shared_stems``)
            return frozenset()
        indptr = self._channel.term_postings()[2]
        # a term in more than half the document's passages is in more than that many of the index's
        candidates = np.flatnonzero(2 * np.diff(indptr) > hi - lo)
        base = candidates * len(self._channel)
        inside = np.searchsorted(self._keys, base + hi) - np.searchsorted(self._keys, base + lo)
        return frozenset(self._terms[int(t)] for t in candidates[2 * inside > hi - lo])

    @cached_property
    def _terms(self) -> list[str]:
        """Each term id's stem (the vocabulary inverted once, not read through per document)."""
        vocab = self._channel.term_postings()[0]
        terms = [""] * len(vocab)
        for term, i in vocab.items():
            terms[i] = term
        return terms


def _dropped(question: str, shared: frozenset[str]) -> dict[tuple[int, int], bool]:
    """Per content word (its span), whether the reading drops it: all its stems are shared and it
    stands in a run of at least ``MIN_RUN`` such words (function words between do not break a run)."""
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


def without_shared(question: str, shared: frozenset[str]) -> str | None:
    """``question`` without the runs of words whose stems are all ``shared``; None when there is none,
    or when no content word would remain (a question of shared words only is read whole)."""
    drop = _dropped(question, shared)
    if not any(drop.values()) or all(drop.values()):
        return None
    out, at = [], 0
    for (start, end), gone in drop.items():
        if gone:
            out.append(question[at:start])
            at = end
    out.append(question[at:])
    return _tidy(" ".join("".join(out).split()))


def _tidy(reduced: str) -> str:
    """``reduced`` without the marks a removed name stranded (``_STRANDED``), one space between words."""
    for stranded in _STRANDED:
        reduced = stranded.sub("", reduced)
    return _SPACE_BEFORE_MARK.sub(r"\1", " ".join(reduced.split()))


def query_vectors(encode: Encode, questions: Sequence[str], shared: frozenset[str]) -> np.ndarray:
    """The dense channel's vector of each question: that of its reading without the shared name, the
    question's own where it names none or nothing else would be left. One encoder call, as many texts as
    questions: the whole question's vector is never needed beside its reduced reading's. A reduced
    reading's vector is made unit again, as the models were trained on it (a last-bit difference)."""
    readings = [without_shared(q, shared) for q in questions]
    vecs = np.asarray(encode([r or q for r, q in zip(readings, questions)]), dtype=np.float32)
    reduced = [i for i, r in enumerate(readings) if r is not None]
    if reduced:
        vecs = vecs.copy()
        vecs[reduced] /= np.linalg.norm(vecs[reduced], axis=1, keepdims=True)
    return vecs
