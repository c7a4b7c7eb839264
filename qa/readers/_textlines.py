"""Which line ends of a text wrapped at a fixed width the wrap made, and which its writer made.

The text reader joins a wrapped text's lines into paragraphs with the PDF reader's rules
(``_pdflines.paragraphs``), which end a paragraph at a blank line, a list item, a short line ending a
sentence or a short line before a capital. In a plain-text file wrapped as a whole, other line ends
are the writer's too, and they were joined as a wrap's, two facts read as one sentence: the rows of a
table laid out with spaces ("Senin … 08.00 - 16.00 … Sabtu … 08.00 - 14.00"), the items of a list
without markers, a poem's lines, a heading in capitals run into its first paragraph, a paragraph set
in by its indent. A wrap breaks a line only where the next word does not fit on it, and a wrapped
line starts where the one before it started; any other line end is the writer's, and stays. When in
doubt a line stays apart: a wrong join glues two facts, a missed one only splits a sentence.
"""

from __future__ import annotations

import re

FULL = 0.9  # a line the next word would not fit on, within this share of the wrap's reach, is full
#             (``fold`` and mail programs count characters exactly; ``pdftotext`` sets proportional type)
REACHED = 0.6  # of the widest line: a line going on in lower case from this long is the wrap's
_GAP = re.compile(r"(?<=\S)(?:\t| {2,})(?=\S)")  # between two columns: a tab, or spaces
_RULE = re.compile(r"[^\w\s]+")  # a line of signs alone: a heading's underline, "=====", a rule
_MARKER = re.compile(r"(?:[•●▪◦■\-–—*]|\(?(?:\d{1,3}|[a-zA-Z])[.)])\s+")  # a list item's, as _pdflines
_HYPHENS = "-\u2010\u2011\u00ad"  # a word split at the line end: the PDF rules mend or keep it


def writers_line_ends(lines: list[str], stripped: list[str]) -> list[str]:
    """``stripped`` (``lines`` as written, without their line ends, each stripped: the caller's, already
    made) with an empty line after each one whose end its writer made rather than the wrap, which
    ``paragraphs`` reads as a paragraph's end."""
    shown = [line.expandtabs(8).rstrip() for line in lines]  # where each character is shown
    width = _reach(stripped)
    # a line without closing punctuation before one opening with a capital: a proper noun wrapped to
    # the next line ("… Kota" + "Lestari …"), or the end of an item of a list without markers
    item = [bool(a and b and a[-1].isalnum() and b[:1].isupper()) for a, b in zip(stripped, stripped[1:])]
    item.append(False)  # the last line's, and the one after it: ``item[i + 1]`` is always there
    item.append(False)
    out: list[str] = []
    for i, line in enumerate(stripped):
        out.append(line)
        after = stripped[i + 1] if i + 1 < len(stripped) else ""
        listed = item[i] and ((i > 0 and item[i - 1]) or item[i + 1])  # two in a row: a list, not names
        if line and after and (listed or _writers(line, after, shown[i], shown[i + 1], width)):
            out.append("")
    return out


def _writers(line: str, after: str, shown: str, shown_after: str, width: int) -> bool:
    """Whether the end of ``line`` (``shown`` with its indent) before ``after`` is its writer's."""
    if _RULE.fullmatch(line) or _RULE.fullmatch(after):
        return True  # an underline or a rule is a line of its own
    if "\t" in line.strip() or "\t" in after.strip() or _columns(shown) & _columns(shown_after):
        return True  # a table's rows, laid out in columns (a justified line's wide spaces fall anywhere)
    if _capitals(line) and not _capitals(after) and line[-1] not in ".,;":
        return True  # a heading in capitals and its text ("… CVE-2022-39253 and" + "CVE-2022-39260." goes on)
    if _indent(shown_after) > _indent(shown) + _marker(line):
        return True  # set in further than the line's text: a new paragraph, a quotation, an example
    if line[-1] in _HYPHENS:
        return False
    return len(line) + 1 + len(after.split()[0]) <= FULL * width  # the next word would have fitted


def _reach(lines: list[str]) -> int:
    """How far the wrap fills a line: the median length of the lines the next goes on from in lower
    case. Not the widest line: one long address or command would make every wrapped line look short
    (Git's release notes are wrapped at 70 columns and hold lines of 86)."""
    widest = max((len(line) for line in lines), default=0)
    least = REACHED * widest
    wrapped = sorted(len(a) for a, after in zip(lines, lines[1:]) if after[:1].islower() and len(a) >= least)
    return wrapped[len(wrapped) // 2] if wrapped else widest


def _columns(shown: str) -> set[int]:
    """Where the words after two spaces or more start: a table's columns, aligned from row to row."""
    return {gap.end() for gap in _GAP.finditer(shown)}


def _capitals(line: str) -> bool:
    """A line with letters of which none is lower case ("BAB I", "KETENTUAN UMUM")."""
    return any(c.isupper() for c in line) and not any(c.islower() for c in line)


def _indent(shown: str) -> int:
    return len(shown) - len(shown.lstrip())


def _marker(line: str) -> int:
    """The width of a list item's marker ("1. ", "(a) ", "- "): its wrapped lines start after it."""
    found = _MARKER.match(line)
    return found.end() if found else 0
