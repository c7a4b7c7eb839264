"""Where a sentence ends inside one line of a document: the rules of the sentence splitter.

``qa.chunking`` cuts a document into lines and asks, line by line, where its sentences end; the answer
is here: terminal punctuation before an uppercase word, digit or opener, unless the period belongs to an
abbreviation, an initial, a list marker, a number broken by a space, a dot leader, quoted speech or a
closing sign-off. The rules are pure ``re``, deterministic and cheap. Any change to what they decide
changes the passages of every index: bump ``qa.chunking.SPLITTER`` with it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

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


def sentence_ends(line: str) -> Iterator[int]:
    """The offsets in ``line`` (one line, no line break) where a sentence ends before the line's end,
    in order; each is just after the punctuation and closers that end it."""
    quotes = _Quotes(_quoted(line))
    sent_start = 0
    for m in _CANDIDATE.finditer(line):
        if _is_boundary(line, sent_start, m, quotes):
            yield m.end()
            sent_start = m.end()
