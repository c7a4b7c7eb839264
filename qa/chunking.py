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

SPLITTER = "sentences-id-v4"  # name recorded in the index manifest; bump if behaviour changes
# Longest passage sentence, in characters: a longer "sentence" (a line without punctuation, a table dump)
# is cut at word boundaries into pieces of at most this size, so a passage stays readable and within the
# encoder's 512 tokens (about 4 characters a token). No sentence of the shipped or FacQA corpora is longer
# than 560 characters.
MAX_SENTENCE_CHARS = 1000

# Abbreviations after which a period never ends a sentence (without the final dot; lower-cased unless the
# word is all caps, since "ke BPK. Uang" is an acronym ending a sentence, not "Bpk.").
# Conservative on purpose: merging two sentences costs less than cutting one in half. "Ibu" and "hal"
# are words ("dalam banyak hal."), so they are not listed. Single letters and dotted initials (J., B.J.,
# S.H., S.E., a.n.) are recognised by pattern instead of being listed.
_ABBREVIATION_GROUPS = (
    "yth bpk bp sdr sdri tn ny mr mrs ms dr drs dra prof ir hj moh muh abd ust jr sr",  # titles, names
    "s.kom m.kom s.pd m.pd s.sos s.ag m.ag s.psi s.ip m.hum m.kes m.si m.sc ph.d",  # academic degrees
    "jl gg kec kab kel prov ds kp st",  # addresses
    "no hlm vol rp tgl thn bln pt cv tbk PT CV",  # numbers, money, dates, companies
    "jan feb apr agt agu sept okt nop nov des",  # months (not mar/jun/jul: also names)
    "tsb dkk a.n u.p a.l s.d e.g i.e vs",  # running text
    "YTH JL NO KEC KAB PROV PROF DRS",  # all-caps forms that are not also common acronyms (unlike BPK, BP)
)
ABBREVIATIONS: frozenset[str] = frozenset(" ".join(_ABBREVIATION_GROUPS).split())
# Abbreviations that commonly end a list and therefore a sentence: split after them, but only when the
# next word starts with an uppercase letter (a digit or quote after them is not taken as a boundary).
TERMINAL_ABBREVIATIONS: frozenset[str] = frozenset({"dll", "dsb", "dst", "etc"})

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")  # same set as str.splitlines
# Terminal punctuation, closing quotes/brackets that belong to the sentence, then whitespace + next char.
# The lookbehind lets a match start only at the beginning of a punctuation run: without it a long run
# not followed by whitespace ("....", 100k characters) is retried from every position (quadratic time).
_CANDIDATE = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’»)\]}]*(?=\s+(\S))")
_OPENERS = "\"'“‘«([{"
_INITIALS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")  # J, B.J, S.H, a.n
_TRAILING_TAG = re.compile(r"\s*\([^()]{1,30}\)\.?\s*")  # reporter sign-off "(OSA / MAR)" ending a line
_ENUMERATOR = re.compile(r"\(?(?:\d{1,3}|[IVXLCivxlc]{1,6}|[^\W\d_])[.)]")  # "1." "II." "a." list markers
# A dot leader before the number it leads to, ending its line ("Tarif ........ 300", ". . . . 4", "…… VII")
_LEADER = re.compile(r"(?:(?:[.·] ?){4,}|(?:… ?){2,})$")
_LED_TO = re.compile(r"\s*[\dIVXLCivxlc][\d.,IVXLCivxlc]{0,11}\s*")


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


def _quoted(line: str) -> list[tuple[int, int]]:
    """(open, close) indices of paired quotes in a line; an unpaired quote is ignored."""
    pairs: list[tuple[int, int]] = []
    straight = [i for i, ch in enumerate(line) if ch == '"']
    pairs += list(zip(straight[::2], straight[1::2], strict=False))
    opened: int | None = None
    for i, ch in enumerate(line):
        if ch == "“":
            opened = i if opened is None else opened
        elif ch == "”" and opened is not None:
            pairs.append((opened, i))
            opened = None
    return pairs


class _Quotes:
    """Answers "is this span inside a pair of quotes?" in O(log n), not by scanning every pair.

    A line with thousands of quote pairs and candidate boundaries made the scan quadratic (140k
    characters of ``"a" B. `` took 20 s); sorted opening indices plus a running maximum of the
    closing ones give the same answer with one bisection.
    """

    def __init__(self, pairs: list[tuple[int, int]]) -> None:
        pairs = sorted(pairs)
        self.opens = [o for o, _ in pairs]
        self.reach: list[int] = []  # reach[i] = the furthest close among pairs[0..i]
        for _, c in pairs:
            self.reach.append(max(c, self.reach[-1]) if self.reach else c)

    def cover(self, start: int, end: int) -> bool:
        """True when some pair opens before ``start`` and closes at or after ``end``."""
        i = bisect.bisect_left(self.opens, start)
        return i > 0 and self.reach[i - 1] >= end


def _is_boundary(line: str, sent_start: int, m: re.Match[str], quotes: _Quotes) -> bool:
    """Decide whether the candidate ``m`` (punctuation + closers, next char known) ends a sentence."""
    nxt = m.group(1)[0]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False
    if quotes.cover(m.start(), m.end()):
        return False  # inside quoted speech: the quote is kept as one sentence
    if nxt == "(" and _TRAILING_TAG.fullmatch(line, m.end()):
        return False  # a short parenthetical closing the line belongs to the last sentence
    if _LEADER.search(line, max(0, m.start() - 16), m.end()) and _LED_TO.fullmatch(line, m.end()):
        return False  # a list row's leader before its number ends no sentence
    if m.group() != ".":
        return True  # "!", "?", "...", or a period followed by a closing quote/bracket
    j = m.start()
    while j > 0 and not line[j - 1].isspace():
        j -= 1
    word = line[j : m.start()].lstrip(_OPENERS)
    key = word if word.isupper() and len(word) > 1 and "." not in word else word.lower()
    if key in TERMINAL_ABBREVIATIONS:
        return nxt.isupper()
    if key in ABBREVIATIONS or (word and _INITIALS.fullmatch(word)):
        return False
    if nxt.isdigit() and word[-1:].isdigit():
        return False  # a number broken by a space ("Rp 913.179. 000.000"), not two sentences
    return not _ENUMERATOR.fullmatch(line[sent_start : m.end()].strip())


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
    ``MAX_SENTENCE_CHARS`` is cut into pieces at word boundaries (see ``bound_spans``).
    """
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        quotes = _Quotes(_quoted(line))
        sent_start = 0
        for m in _CANDIDATE.finditer(line):
            if _is_boundary(line, sent_start, m, quotes):
                spans.append((line_start + sent_start, line_start + m.end()))
                sent_start = m.end()
        spans.append((line_start + sent_start, line_end))
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
