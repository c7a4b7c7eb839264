"""What a PDF's pages hold besides their text: running headers and footers, page numbers, contents.

A PDF has no notion of them: they are lines like any other, and read as text they became passages (a
report's title on every page, a roman "ii", a contents entry "BAB I PENDAHULUAN ..... 1") or were glued
to the first or last sentence of a page. ``qa.readers.pdf`` drops them before joining lines.
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running headers or footers
REPEATED_SHARE = 0.5  # an edge line on at least this share of the pages (and on 2+) is a header/footer
_PAGE_NUMBER = re.compile(r"[\W_]*(?:(?:halaman|hal|page|p)\.?\s*)?#(?:\s*(?:/|dari|of)\s*#)?[\W_]*")
# A front matter's page number (foreword, contents): a lower-case roman numeral, 1-399, on the line as
# printed (an upper-case "II" alone may be a chapter's number), between dashes at most ("c." or "(iv)"
# alone may be a list's marker).
_ROMAN_PAGE = re.compile(
    r"[\s\-–—|]*(?:(?i:halaman|hal|page|p)\.?\s*)?(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})[\s\-–—|]*"
)
# An entry of a table of contents: a title, a dot leader, a page number ("2.1 Latar Belakang ..... 4").
_CONTENTS_ENTRY = re.compile(r"(?:[.·…]\s*){4,}(\d{1,4}|[ivxlcIVXLC]{1,7})")


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def is_leader_row(line: str) -> bool:
    """A line ending in a dot leader and a number: a row of a list (a fee, a roster, a contents entry),
    never continued by the next line."""
    found = _CONTENTS_ENTRY.search(line)
    return found is not None and found.end() == len(line)


def drop_contents(lines: list[str], last_page: int) -> list[str]:
    """A page's lines without the entries of a table of contents ("Daftar Isi") or an index: their
    headings and page numbers, read as passages, matched questions better than the chapters they name.
    Entries end in a dot leader and a page number; they are dropped only where they make up the page
    (3 or more, or half its lines) with page numbers that never go down and never pass ``last_page``
    (the document's page count: a contents page names none beyond its end), so a price list with
    leaders stays text, its amounts going down ("Jepang ........ 300", "Korea ........ 250") or up
    ("Pendaftaran ........ 100", "Ujian ........ 250") alike. Roman page numbers are a front matter's,
    before the arabic ones of the body, which a contents page always names: a list of roman numbers only
    (a roster, "Kelas ........ VII", "........ IX") is text."""
    entries: dict[int, tuple[bool, int]] = {}  # line index -> (arabic, page number)
    for i, line in enumerate(lines):
        found = _CONTENTS_ENTRY.search(line)
        if found is not None and found.end() == len(line):
            number = found.group(1)
            entries[i] = (True, int(number)) if number.isdigit() else (False, _roman(number))
    filled = sum(1 for line in lines if line)
    numbers = list(entries.values())  # (False, n) sorts before (True, n): roman ones first
    if not entries or (len(entries) < 3 and 2 * len(entries) < filled) or numbers != sorted(numbers):
        return lines
    if not numbers[-1][0] or numbers[-1][1] > last_page:
        return lines
    return ["" if i in entries else line for i, line in enumerate(lines)]


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman(numeral: str) -> int:
    """The value of a roman numeral of ``_CONTENTS_ENTRY`` ("iv" 4, "XII" 12)."""
    values = [_ROMAN[c] for c in numeral.lower()]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0], strict=True))


def _running(lines: list[str], repeated: set[str]) -> set[int]:
    """Indices of a page's running lines: from each end inwards, up to ``EDGE_LINES`` lines in a row
    that are repeated on other pages or are a page number, arabic or roman (a body line is never
    skipped over)."""
    filled = [i for i, line in enumerate(lines) if line]
    drop: set[int] = set()
    for side in (filled[:EDGE_LINES], filled[::-1][:EDGE_LINES]):
        for i in side:
            key = _key(lines[i])
            if (
                key not in repeated
                and not _PAGE_NUMBER.fullmatch(key)
                and not _ROMAN_PAGE.fullmatch(lines[i])
            ):
                break
            drop.add(i)
    return drop


def _numbers_run_with_pages(key: str, edges: list[list[tuple[str, str]]], pages: list[list[str]]) -> bool:
    """Whether the numbers of the edge lines read as ``key`` (their digits masked) are a running line's:
    most numbers repeated on several pages ("Peraturan No. 123", "2024", a chapter's "Bab 2" over its
    pages), or the page's own number, going up with the pages ("Hal 4" on the fourth page, "Hal 5" on
    the fifth, or offset alike: a printed number after a cover). A heading that opens a page or two has
    its own number there, once ("Pasal 2" on the second page, "Pasal 5" on the third): counted as one
    line by its masked key, it is not a running one; nor is a line numbered with the pages whose kind
    the pages' bodies hold too ("Pasal 1" and "Pasal 2" opening the first two pages, "Pasal 3" below).
    ``edges`` holds each page's edge lines with their keys, read once for all keys (a 10,000-page
    report's lines masked again for every key took seconds)."""
    seen: list[tuple[int, list[int]]] = []  # (page, the line's numbers), a line once per page
    for number, keyed in enumerate(edges):
        lines = sorted({line for k, line in keyed if k == key})
        seen.extend((number, [int(n) for n in re.findall(r"\d+", line)]) for line in lines)
    for slot in range(key.count("#")):
        values = [(page, found[slot]) for page, found in seen if slot < len(found)]
        pages_of = Counter(value for _, value in values)
        if 2 * sum(1 for _, value in values if pages_of[value] > 1) > len(values):
            continue  # each number on several pages: a document's number, a year, a chapter's
        offsets = Counter(value - page for page, value in values)
        if 2 * offsets.most_common(1)[0][1] <= len(values) or _in_body(key, pages):
            return False
    return True


def _in_body(key: str, pages: list[list[str]]) -> bool:
    """Whether a line read as ``key`` is found away from the pages' edges: the document's own kind of
    line. Only lines holding the key's longest word are masked to be compared."""
    words = [word for word in key.split() if "#" not in word]
    anchor = max(words, key=len) if words else ""
    for lines in pages:
        filled = [line for line in lines if line]
        body = filled[EDGE_LINES:-EDGE_LINES]
        if any(anchor in line.lower() and _key(line) == key for line in body):
            return True
    return False


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and the lines repeated at the top or bottom of most pages, or of most odd or
    most even pages: a report printed on both sides alternates its headers (the report's title on the
    left pages, the chapter's or the unit's on the right), so with an odd number of pages one of them
    is on fewer than half the pages and was kept, a passage on every other page. Lines count by side
    only as such a pair: each side has a line repeated on most of its pages and at no edge of the other
    side's (a sentence twice at the foot of odd pages is body text)."""
    sides: list[Counter[str]] = [Counter(), Counter()]  # odd pages (1, 3, ...), even pages
    edges: list[list[tuple[str, str]]] = []  # each page's edge lines, (key, line)
    for number, lines in enumerate(pages):
        filled = [line for line in lines if line]
        edges.append([(_key(line), line) for line in filled[:EDGE_LINES] + filled[-EDGE_LINES:]])
        sides[number % 2].update({key for key, _ in edges[-1]})
    counts = sides[0] + sides[1]
    least = max(2, REPEATED_SHARE * len(pages))
    repeated = {k for k, n in counts.items() if n >= least}
    alternating = [
        {k for k, n in sides[side].items() if n >= max(2, REPEATED_SHARE * size) and k not in sides[1 - side]}
        for side, size in ((0, (len(pages) + 1) // 2), (1, len(pages) // 2))
    ]
    if all(alternating):  # a pair: each side has a line of its own
        repeated |= alternating[0] | alternating[1]
    repeated = {key for key in repeated if _numbers_run_with_pages(key, edges, pages)}
    out = []
    for lines in pages:
        drop = _running(lines, repeated)
        out.append([line for i, line in enumerate(lines) if i not in drop])
    return out
