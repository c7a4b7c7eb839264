"""A table row the csv reader gave up on at CELL_CAP, read to its end with its other cells kept.

The csv module stops a field at its cap with "field larger than field limit" and says neither which
field nor where the row ends: it drops the rest of that line and starts a new row on the next, which may
still be inside the long quoted cell. The row then lost its id and its other cells, and the cell's later
lines could be read as rows of their own. This reads the row again from its first line, as the strict
reader does (quotes doubled inside a quoted cell, a delimiter or a line end right after its closing
quote), keeping each cell up to CELL_CAP and only counting past it, then goes on through the lines after
it until the row ends. A row that does not end so (a quote followed by other text, or no closing quote
before the lines run out) is ``torn``: its opening quote was a stray one, as the strict reader finds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .csv_fields import CELL_CAP

_ENDS = "\r\n"


@dataclass
class WideRow:
    """The cells of one row (a cell over the cap kept as ``""``), which of them went over (``long``, in
    order), and whether its quotes were not a cell's (``torn``: the cells are then not its)."""

    cells: list[str] = field(default_factory=list)
    long: list[int] = field(default_factory=list)
    torn: bool = False


def wide_row(held: Iterable[str], rest: Iterator[str], delimiter: str, cap: int = CELL_CAP) -> WideRow:
    """The row starting at the first of the ``held`` lines (those the csv reader had read, the one it
    stopped in included, each with its line end), continued through ``rest`` when it has not ended."""
    row, cell, size, quoted, after = WideRow(), [], 0, False, False  # after: a quoted cell's closing quote
    # one scan to the next stop: a find for each of the three ran to the line's end at every cell, quadratic
    stops = re.compile(f"[{re.escape(delimiter)}{_ENDS}]")

    def add(text: str) -> None:
        nonlocal size
        if size <= cap:
            cell.append(text[: cap + 1 - size])
        size += len(text)

    def close() -> None:
        nonlocal cell, size, quoted, after
        if size > cap:
            row.long.append(len(row.cells))
        row.cells.append("" if size > cap else "".join(cell))
        cell, size, quoted, after = [], 0, False, False

    def line_ends(line: str) -> bool:
        """Reads one line into the row; True when the row ends with it."""
        nonlocal quoted, after
        i, n = 0, len(line)
        while i < n:
            if quoted:
                j = line.find('"', i)
                if j < 0:  # the cell goes on past this line, its line end included
                    add(line[i:])
                    return False
                add(line[i:j])
                if line.startswith('"', j + 1):  # a doubled quote: one quote of the text
                    add('"')
                    i = j + 2
                    continue
                quoted, after, i = False, True, j + 1
                continue
            if size == 0 and not after and not cell and line.startswith('"', i):
                quoted, i = True, i + 1
                continue
            found = stops.search(line, i)
            stop = found.start() if found else n
            if after and stop > i:  # text after a closing quote: the strict reader's error
                row.torn = True
                return True
            add(line[i:stop])
            if stop >= n or line[stop] in _ENDS:
                close()
                return True
            close()
            i = stop + 1
        close()  # a line without its end: the file's last
        return True

    for line in held:
        if line_ends(line):
            return row
    for line in rest:
        if line_ends(line):
            return row
    row.torn = quoted  # no closing quote before the lines ran out
    if cell or size or after:
        close()  # the last line without its end
    return row
