"""A page's layout from the places of its runs: the space between paragraphs, and columns.

pypdf writes a page's lines one after the other, so the space a page leaves between two paragraphs
(or above a heading) is lost; the runs' heights give it back as a blank line.

A page set in two or more columns is read column by column, when its producer drew them line across
line.

pypdf writes text in the order the page draws it. Most producers draw a column to its end before the
next, but some draw each line across the page (a left line, then the right one at the same height),
and pypdf then reads every line as half a sentence from each column ("memeriksa setiap Cuti tahunan
diberikan ... dokumen kontrak sebelum"). Each run of text has its position, so such a page is told by
a gutter: many lines with a run starting at the same place right of the line's start. A table is
drawn the same way (a cell's run beside the row's first), and reading it column by column would
scramble rows that read well today, so both sides must also be prose wrapped at the column's width:
most lines go on in lower case from the line above (a table's cells open with a capital or a digit).
"""

from __future__ import annotations

from collections import Counter

from ._pdflines import paragraphs
from ._pdftext import Run

MIN_LINES = 4  # lines holding text on both sides of the gutter, at least
WRAPPED_SHARE = 0.6  # of each column's lines after its first, at least this share go on in lower case
COLUMN_CHARS = 20  # a column's lines hold this many characters at least, most of them (its median)
ALIGNED = 0.9  # of the lines with text on both sides, at least this share start a run at the gutter
GAP = 1.4  # a step down to the next line this many times the page's usual one leaves a space: a paragraph
GLYPH = 0.5  # the average width of a glyph, in ems: how far a run reaches, roughly (pypdf gives no widths)


def page_text(runs: list[Run]) -> str:
    """The page's text from its runs: column by column when it is set in columns (two, three or more)
    drawn line across line, else as pypdf gives it."""
    text = "".join(run.text for run in runs)
    lines = _lines(runs)
    if lines is None:
        return text
    if _drawn_upward(lines):  # the last line first: read from the top, as the page shows it
        lines, text = lines[::-1], "\n".join(text.split("\n")[::-1])
    split = _split(lines)
    if split is None:
        return _spaced(text, lines)
    top, columns, bottom = split
    if not all(_wrapped(_texts(column)) for column in columns):
        return _spaced(text, lines)  # a table: its rows read across, as before
    flowing = paragraphs([line for column in columns for line in _texts(column)])
    return "\n\n".join(["\n".join(_texts(top)), *flowing, "\n".join(_texts(bottom))]).strip("\n")


def _drawn_upward(lines: list[list[Run]]) -> bool:
    """Whether every line of the page is drawn above the one before (2+ lines): a producer that writes
    a page from its foot up, which pypdf reads last sentence first. Any line drawn lower than the one
    before (columns, a header drawn last, a table) leaves the page as drawn."""
    heights = [line[0].y for line in lines if line]
    pairs = zip(heights, heights[1:], strict=False)
    return len(heights) >= 2 and all(below < above for below, above in pairs)


def _split(lines: list[list[Run]]) -> tuple[list[list[Run]], list[list[list[Run]]], list[list[Run]]] | None:
    """The lines above the columns, the columns' lines (left to right), and the lines below them; ``None``
    when no gutter runs down the lines. A side that holds a gutter of its own is split again (a page in
    three columns: the gutter found first may be either of its two), when all its lines are in columns
    of prose."""
    gutter = _gutter(lines)
    if gutter is None:
        return None
    two_sided = [line for line in lines if _sides(line, gutter) == (True, True)]
    at_gutter = sum(1 for line in two_sided if any(abs(run.x - gutter - 1.0) <= 1.0 for run in line))
    if at_gutter < ALIGNED * len(two_sided):  # words placed one by one, one of them at that place by chance
        return None
    first = lines.index(two_sided[0])
    top, rest = lines[:first], lines[first:]
    left: list[list[Run]] = []
    right: list[list[Run]] = []
    bottom: list[list[Run]] = []
    for line in rest:
        has_left, has_right = _sides(line, gutter)
        if has_left and has_right:
            left.append([r for r in line if r.x < gutter])
            right.append([r for r in line if r.x >= gutter])
        elif bottom or not (has_left or has_right):
            bottom.append(line)
        elif has_right:
            right.append(line)
        elif _reach(line) < gutter:  # the last lines of the longer left column
            left.append(line)
        else:  # a line across the page below the columns: a footer, a closing paragraph
            bottom.append(line)
    columns: list[list[list[Run]]] = []
    for side in (left, right):  # a side split again only into columns of prose (not a table in a column)
        inner = _split(side)
        parts = inner[1] if inner is not None and not inner[0] and not inner[2] else [side]
        columns.extend(parts if all(_wrapped(_texts(c)) for c in parts) else [side])
    return top, columns, bottom


def _spaced(text: str, lines: list[list[Run]]) -> str:
    """``text`` with a blank line where the page leaves a space between two lines (``GAP`` times its
    usual line spacing, its most common step down, or more): pypdf writes the lines of a page one
    after the other, the space between paragraphs (and above a heading) lost, and a paragraph whose
    last line filled the width ran on into the next ("... oleh direktur. Cuti tahunan ..."), a
    heading into its paragraph. Between two lines set in the same type larger than the body's (a lead
    paragraph, a quotation set large) the usual step grows with the type: measured against the body's
    alone, every line of such a paragraph was a paragraph of its own."""
    placed = [(i, line[0].y, _type_size(line)) for i, line in enumerate(lines) if line]
    steps = [
        (i, above - y, size if size == size_above else 0.0)
        for (_, above, size_above), (i, y, size) in zip(placed, placed[1:], strict=False)
    ]
    usual = Counter(round(2 * step) / 2 for _, step, _ in steps if step > 0)  # to half a point
    if sum(usual.values()) < 3:
        return text
    spacing = min(usual, key=lambda step: (-usual[step], step))  # the most common step: the body's
    body = Counter(size for _, _, size in placed).most_common(1)[0][0]  # the body's type size
    gaps = {i for i, step, size in steps if step > GAP * spacing * max(1.0, size / body)}
    if not gaps:
        return text
    pieces = text.split("\n")
    return "\n".join(("\n" if i in gaps else "") + piece for i, piece in enumerate(pieces))


def _type_size(line: list[Run]) -> float:
    """The size of a line's type: the size most of its characters are set in (not a note marker's, not
    a label's set apart, "[Function]")."""
    sizes: Counter[float] = Counter()
    for run in line:
        sizes[round(run.size, 1)] += len(run.text.strip())
    return sizes.most_common(1)[0][0]


def _lines(runs: list[Run]) -> list[list[Run]] | None:
    """The runs of each line of the page's text (``None`` when a run holds a line break among its text:
    where the next line starts is unknown)."""
    lines: list[list[Run]] = [[]]
    for run in runs:
        if run.text.strip("\n") == "":
            lines.extend([] for _ in range(run.text.count("\n")))
        elif "\n" in run.text.strip("\n"):
            return None
        else:
            lines.extend([] for _ in range(len(run.text) - len(run.text.lstrip("\n"))))
            lines[-1].append(run._replace(text=run.text.strip("\n")))
            lines.extend([] for _ in range(len(run.text) - len(run.text.rstrip("\n"))))
    return [[run for run in line if run.text.strip()] for line in lines]


def _gutter(lines: list[list[Run]]) -> float | None:
    """The start of the right column: the place most lines have a run starting at, right of the line's
    first run (on ``MIN_LINES`` lines at least)."""
    starts: Counter[int] = Counter()
    for line in lines:
        if len(line) >= 2:
            starts.update({round(run.x) for run in line[1:] if run.x > line[0].x + 4 * line[0].size})
    if not starts:
        return None
    place, count = starts.most_common(1)[0]
    return place - 1.0 if count >= MIN_LINES else None


def _sides(line: list[Run], gutter: float) -> tuple[bool, bool]:
    return any(run.x < gutter for run in line), any(run.x >= gutter for run in line)


def _reach(line: list[Run]) -> float:
    """Roughly where a line ends on the page."""
    end = line[-1]
    return end.x + GLYPH * end.size * len(end.text)


def _texts(lines: list[list[Run]]) -> list[str]:
    return ["".join(run.text for run in line).strip() for line in lines]


def _wrapped(column: list[str]) -> bool:
    """Prose wrapped at the column's width: lines of ``COLUMN_CHARS`` or more (a page of words placed one
    by one whose lines open alike, "yang sudah ...", has a "column" of those words), and most lines
    after the first go on in lower case."""
    following = [line for line in column[1:] if line]
    lower = sum(1 for line in following if line[:1].islower())
    widths = sorted(len(line) for line in column if line)
    wide = bool(widths) and widths[len(widths) // 2] >= COLUMN_CHARS  # not the same words opening each line
    return wide and len(following) >= MIN_LINES - 1 and lower >= WRAPPED_SHARE * len(following)
