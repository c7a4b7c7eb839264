"""A PDF page's lines joined back into paragraphs, as they were written.

A PDF stores lines, not paragraphs, and the chunker ends a sentence at every line break, so lines
are joined back into paragraphs (a word hyphenated at a line end, or at a page's end, is joined; a
reduplication such as "anak-anak" or a compound such as "Asia-Pasifik" keeps its hyphen). A short
line without a full stop before a capital is a heading or a list entry ("BAB I PENDAHULUAN",
"Pasal 3") and stays a line of its own, and so does a note after a sentence's end.
"""

from __future__ import annotations

import re

from ._pdfpages import is_leader_row

SHORT_LINE = 0.8  # a line ending a sentence and shorter than this share of the page's widest line ends
#                   its paragraph
HEADING_LINE = 0.6  # a line shorter than this share that is followed by a capital or a digit ends its
#                     paragraph without punctuation (a wrapped line is close to the full width)
_PARAGRAPH_END = re.compile(r"[.!?:…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[.!?,;…][\"'”’)\]]*$")
_LIST_ITEM = re.compile(r"(?:[•●▪◦■\-–—*]|\(?(?:\d{1,3}|[a-zA-Z])[.)])\s")
# hyphen-minus, the typographic hyphens (U+2010, and U+2011 that NFKC makes one) and the soft hyphen
_HYPHENS = "-\u2010\u2011\u00ad"
_HYPHENATED = re.compile(rf"(\w+)[{_HYPHENS}]$")
_WORD = re.compile(r"\w+")
_NOTE = re.compile(r"(\d{1,3})[.)]?\s*[^\W\d_]")  # a note's line: its number ("1", "1."), a word


_TAIL = 1000  # characters of a paragraph's end that decide how the next line joins it
_CLOSE = 64  # of them, those that say whether it ends a sentence


def _join(para: str, line: str) -> str:
    cut, added = _joint(para[-_TAIL:], line)
    return para[: len(para) - cut] + added


def _joint(end: str, line: str) -> tuple[int, str]:
    """How ``line`` joins a paragraph ending in ``end``: the characters to take off its end (a hyphen)
    and what follows them. Only the paragraph's end is looked at: a paragraph of thousands of lines
    (a long text wrapped at a fixed width with no full stop) was searched whole for every line."""
    m = _HYPHENATED.search(end) if end[-1:] in _HYPHENS else None
    if m is None:
        return 0, f" {line}"
    head, nxt = m.group(1), _WORD.match(line)
    tail = nxt.group() if nxt else ""
    reduplication = tail == head or (len(tail) >= 3 and head.endswith(tail))  # "berlari-" + "lari"
    if end.endswith("\u00ad") or (line[:1].islower() and not reduplication):
        return 1, line  # hyphenated at the line end: "perjalan-" + "an" -> "perjalanan"
    return 0, line  # a compound or a reduplication: "Asia-" + "Pasifik", "anak-" + "anak"


def join_across_pages(pages: list[list[str]]) -> list[list[str]]:
    """A word hyphenated at the end of a page joined as at a line end: the rest of it moves up from the
    next page's first line ("kerja-" + "sama," -> "kerjasama,"; "sehari-" + "hari" keeps its hyphen, and
    so does a capitalised compound, "Asia-" + "Pasifik", see ``_compound``). Run after the running
    lines are dropped, so the page's last line is its text, not its footer."""
    out = [list(lines) for lines in pages]
    for page, following in zip(out, out[1:], strict=False):
        last = max((i for i, line in enumerate(page) if line), default=None)
        first = min((i for i, line in enumerate(following) if line), default=None)
        if last is None or first is None or not _HYPHENATED.search(page[last]):
            continue
        word, *rest = following[first].split(maxsplit=1)
        soft = page[last].endswith("\u00ad")
        if not (soft or word[:1].islower() or _compound(page[last], following, first)):
            continue  # a list item opens with its bullet, a heading with a capital
        page[last] = _join(page[last], word)
        following[first] = rest[0] if rest else ""
    return out


def _compound(last: str, following: list[str], first: int) -> bool:
    """A capitalised word hyphenated at a page's end whose rest opens the next page with a capital
    ("Asia-" + "Pasifik", "Jawa-" + "Bali"), or any word whose rest is a number ("COVID-" + "19").
    Unless the next page opens with a list item, a heading or a running header the pages do not share
    ("Asia-" + "Bab 3 Pelaksanaan"): a line too short for the page's text before a capital or a digit,
    as ``paragraphs`` ends a heading; a line ending a clause or a sentence ("Pasifik." before the next
    paragraph) is text, not a heading."""
    m = _HYPHENATED.search(last)
    line = following[first]
    if m is None or _LIST_ITEM.match(line):
        return False
    if not (line[:1].isdigit() or (line[:1].isupper() and m.group(1)[:1].isupper())):
        return False  # a digit goes on any word: "COVID-" + "19", "H-" + "30", "2020-" + "2021"
    after = next((text for text in following[first + 1 :] if text), "")
    width = max(len(text) for text in following)
    return _CLAUSE_END.search(line) is not None or not _is_heading(line, after, width)


def _is_heading(line: str, after: str, width: int) -> bool:
    """``line`` shorter than ``HEADING_LINE`` of ``width`` (the page's widest line), ``after`` it a line
    opening with a capital or a digit."""
    return len(line) < HEADING_LINE * width and (after[:1].isupper() or after[:1].isdigit())


def paragraphs(lines: list[str], notes: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Join a page's lines into paragraphs: a blank line, a list item, a short line ending a sentence,
    a shorter one before a capital (a heading) ends one; a row ending in a dot leader and a number is
    one of its own, and so is a note (a line opening with the number of a marker in ``notes``) after
    a sentence's end (two notes ran together as one paragraph, "... saksi. 3 Atau konsulat ...")."""
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    para: list[str] = []  # the paragraph's pieces, joined once at its end
    end = ""  # its last ``_TAIL`` characters

    def close() -> None:
        nonlocal end
        if para:
            out.append("".join(para))
        para.clear()
        end = ""

    for i, line in enumerate(lines):
        note = para and _PARAGRAPH_END.search(end[-_CLOSE:]) and _note_number(line) in notes
        if not line or (para and (_LIST_ITEM.match(line) or is_leader_row(line) or note)):
            close()
            if not line:
                continue
        cut, added = _joint(end, line) if para else (0, line)
        if cut:
            para[-1] = para[-1][: len(para[-1]) - cut]
        para.append(added)
        end = (end[: len(end) - cut] + added)[-_TAIL:]
        ends = (_PARAGRAPH_END.search(line) and len(line) < SHORT_LINE * width) or is_leader_row(line)
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if ends or (_is_heading(line, after, width) and not _HYPHENATED.search(line)):
            close()
    close()
    return out


def _note_number(line: str) -> str | None:
    found = _NOTE.match(line)
    return found.group(1) if found else None
