"""Sentence chunking of Indonesian documents with exact character offsets.

Answers are whole sentences, so the splitter decides what a user sees: it is rule based (pure ``re``)
so that its behaviour is deterministic, cheap and versioned by ``SPLITTER`` in the index manifest.
Offsets always point into the original text; nothing is normalised before splitting.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, fields
from typing import Any

from .boundaries import sentence_ends  # where a sentence ends inside a line

SPLITTER = "sentences-id-v4"  # name recorded in the index manifest; bump if behaviour changes
# Longest passage sentence, in characters: a longer "sentence" (a line without punctuation, a table dump)
# is cut at word boundaries into pieces of at most this size, so a passage stays readable and within the
# encoder's 512 tokens (about 4 characters a token). No sentence of the shipped or FacQA corpora is longer
# than 560 characters.
MAX_SENTENCE_CHARS = 1000

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # same set as str.splitlines


@dataclass(frozen=True, slots=True)
class Chunk:
    """One sentence of a document plus the span of its neighbour window (for display and re-ranking)."""

    doc: str  # document id (relative path of the file)
    index: int  # sentence index within the document (0-based)
    paragraph: int  # paragraph (= non-blank line) index within the document
    start: int  # character offsets of the sentence in the original document text
    end: int  # (text == document_text[start:end])
    text: str
    context_start: int  # offsets of the neighbour window, never crossing a paragraph boundary
    context_end: int

    @property
    def chunk_id(self) -> str:
        return f"{self.doc}#{self.index}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``chunk_id`` is included for readers of the index that do not import us."""
        return {"chunk_id": self.chunk_id, **{f.name: getattr(self, f.name) for f in fields(self)}}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Chunk:
        """Inverse of ``to_dict``; a stored ``chunk_id`` that disagrees with doc/index is corruption."""
        values: dict[str, Any] = {
            f.name: (str if f.name in ("doc", "text") else int)(d[f.name]) for f in fields(cls)
        }
        chunk = cls(**values)
        if "chunk_id" in d and d["chunk_id"] != chunk.chunk_id:
            raise ValueError(f"chunk_id {d['chunk_id']!r} does not match {chunk.chunk_id!r}")
        return chunk


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` without their line terminators (the last line may be empty)."""
    spans, pos = [], 0
    for m in _LINE_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of the non-blank lines, whitespace-trimmed: a line is a paragraph.

    Lines already end sentences (see ``split_sentences``), and in the plain-text documents we serve
    (one paragraph per line, blank lines optional) a line is the unit of thought, so neighbour windows
    stay inside it instead of gluing unrelated lines together.
    """
    return [(s, e) for s, e in (_trim(text, *span) for span in _lines(text)) if s < e]


def _cut(text: str, pos: int, end: int, limit: int) -> int:
    """Where to end the piece starting at ``pos``: pieces of a long span come out about equally long,
    each cut at the last white space before its share (or the first after it), hard at ``limit``."""
    share = -(-(end - pos) // -(-(end - pos) // limit))  # ceil(length / ceil(length / limit))
    hard = min(end, pos + limit)
    for i in range(pos + share, pos, -1):
        if text[i].isspace():
            return i
    for i in range(pos + share + 1, hard):
        if text[i].isspace():
            return i
    return hard


def bound_spans(
    text: str, spans: list[tuple[int, int]], limit: int = MAX_SENTENCE_CHARS
) -> list[tuple[int, int]]:
    """Spans longer than ``limit`` split at word boundaries into trimmed pieces of at most ``limit``."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        pos = start
        while end - pos > limit:
            cut = _cut(text, pos, end, limit)
            out.append(_trim(text, pos, cut))
            pos = _trim(text, cut, end)[0]
        out.append((pos, end))
    return [(s, e) for s, e in out if s < e]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) into ``text``, whitespace-trimmed and non-empty.

    A sentence ends at terminal punctuation (``.``, ``!``, ``?``, ``…`` and runs of them, with any closing
    quotes/brackets) followed by whitespace and an uppercase letter, digit or opening quote/bracket, and
    always at a line break. A period after a known abbreviation, a single-letter initial or a list marker
    does not end a sentence, except after dll./dsb./dst. followed by an uppercase word. Numbers (1.000,
    3,5), URLs and e-mails never split because their dots are not followed by whitespace; an ellipsis
    followed by a lowercase word does not split either. Text inside a pair of quotes on one line is kept
    as one sentence, and a short parenthetical ending a line (a sign-off like "(OSA / MAR)") stays with
    the sentence before it. The price of being conservative: a sentence that really ends with a listed
    abbreviation ("... Budi, S.H. Dia ...") is merged with the next one. A sentence longer than
    ``MAX_SENTENCE_CHARS`` is cut into pieces at word boundaries (see ``bound_spans``). The rules that
    decide where a sentence ends inside a line are ``qa.boundaries``.
    """
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text):
        sent_start = line_start
        for end in sentence_ends(text[line_start:line_end]):
            spans.append((sent_start, line_start + end))
            sent_start = line_start + end
        spans.append((sent_start, line_end))
    trimmed = (_trim(text, s, e) for s, e in spans)
    return bound_spans(text, [(s, e) for s, e in trimmed if s < e])


def chunk_document(doc: str, text: str, window: int = 0) -> list[Chunk]:
    """One chunk per sentence; the context spans ``window`` sentences each side within the same paragraph."""
    if window < 0:
        raise ValueError(f"window must be >= 0, got {window}")
    paragraphs = split_paragraphs(text)
    para_starts = [s for s, _ in paragraphs]
    sentences = split_sentences(text)
    para_of = [bisect.bisect_right(para_starts, s) - 1 for s, _ in sentences]
    chunks = []
    for i, (start, end) in enumerate(sentences):
        lo = i
        while lo > i - window and lo > 0 and para_of[lo - 1] == para_of[i]:
            lo -= 1
        hi = i
        while hi < i + window and hi + 1 < len(sentences) and para_of[hi + 1] == para_of[i]:
            hi += 1
        chunks.append(
            Chunk(doc, i, para_of[i], start, end, text[start:end], sentences[lo][0], sentences[hi][1])
        )
    return chunks
