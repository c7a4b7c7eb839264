"""The csv module's cap on a field, raised while a row is parsed and put back at once.

``csv.field_size_limit`` is one number for the whole process (131,072 code points by default). Under it, a
long cell that is not the question (a pasted note, a spreadsheet's description column) made its whole row
an error: the question lost, the id replaced by the line number (which then clashed with the next row's
id, "2#3"). Raising the cap for good would change every other reader in the process, so it is raised only
around one row's parse, under a lock, so two threads reading tables at once put back the value that was
there before either. The question itself stays held to ``QUESTION_FIELD_CAP`` by the table reader.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from contextlib import contextmanager

QUESTION_FIELD_CAP = 131_072  # the csv module's own default: a question cell over it is refused unread
CELL_CAP = 1 << 22  # any cell: far above a spreadsheet's own (Excel 32,767, Google Sheets 50,000)

_LOCK = threading.Lock()


@contextmanager
def wide_cells() -> Iterator[None]:
    """The field cap at least CELL_CAP inside, the value before it restored after (whatever happens)."""
    with _LOCK:
        before = csv.field_size_limit()
        csv.field_size_limit(max(before, CELL_CAP))
        try:
            yield
        finally:
            csv.field_size_limit(before)


def wide_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of ``reader``, each parsed under :func:`wide_cells` (the lock never held across a yield)."""
    while True:
        with wide_cells():
            row = next(reader, None)
        if row is None:
            return
        yield row
