"""The rows of a CSV/TSV question file as :class:`~qa.batch.readers.Record` s, once its layout is known.

Each row is one record numbered by the physical line it starts on. Parsing is strict: a stray or
unclosed quote does not let one field swallow the lines after it (questions merged); those lines are
read again one by one, quotes as text. A row wider than its header (an unquoted comma) has its
surplus cells joined back into a last-column question, or is an error row. A long cell other than the
question (a note) is read whole (:mod:`qa.batch.csv_fields`); a question cell over the csv module's
default cap is refused unread, as before. A row with a cell over CELL_CAP is read to its end without it
(:mod:`qa.batch.wide_row`), an error row under its own id naming the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from .csv_fields import CELL_CAP, QUESTION_FIELD_CAP, wide_cells
from .readers import MAX_QUESTION_CHARS, Record, _decode, _record
from .row_errors import RowError
from .sources import LongLine
from .tables import Layout
from .too_long import TooLong
from .wide_row import wide_row


def table_records(lines: Iterable[bytes], layout: Layout, encoding: str = "UTF-8") -> Iterator[Record]:
    """The records of a CSV/TSV whose layout is decided (:mod:`qa.batch.tables`), one per row."""
    return _Table(layout, encoding).records(lines)


class _Table:
    """One pass over a table's lines, and what it holds between rows: the decoded lines of the row being
    read (read again line by line when its quotes are malformed), the lines that did not decode, and the
    header's names once read."""

    def __init__(self, layout: Layout, encoding: str) -> None:
        self.layout, self.encoding = layout, encoding
        self.bad: dict[int, RowError] = {}  # line number -> why it did not decode
        self.texts: dict[int, str] = {}  # the decoded lines of the row being read
        self.read = 0  # physical lines read so far
        self.names: list[str] | None = None if layout.has_header else []
        self.header: list[str] = []

    def records(self, lines: Iterable[bytes]) -> Iterator[Record]:
        # Strict, so a stray or unclosed quote is an error here (the lines are then read one by one)
        # instead of a quoted field silently swallowing the next lines: questions merged into one.
        # self.read, not the reader's line_num: a row over CELL_CAP is read to its end past the reader
        source = self._decoded(lines)
        reader = csv.reader(source, delimiter=self.layout.delimiter, strict=True)
        while True:
            start = self.read + 1
            try:
                with wide_cells():
                    row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    yield from self._wide(start, source, exc)
                    continue
                yield from self._reread(range(start, self.read + 1), exc)
                continue
            span = range(start, self.read + 1)
            self.texts.clear()
            rec = self._record(start, row, [self.bad.pop(n) for n in span if n in self.bad])
            if rec is not None:
                yield rec

    def _decoded(self, lines: Iterable[bytes]) -> Iterator[str]:
        for raw in lines:
            self.read += 1
            n = self.read
            text, why = _decode(raw, n, self.encoding)
            if isinstance(raw, LongLine):  # its start only: a quote there could open a cell nothing closes
                text = text.replace('"', "") + "\n"
            if why:
                self.bad[n] = why
            if n == 1 and self.layout.sep_line:
                text = "\n"  # a blank row: skipped, still counted
            self.texts[n] = text
            yield text

    def _wide(self, start: int, source: Iterator[str], exc: csv.Error) -> Iterator[Record]:
        """The row starting on line ``start`` that holds a cell over CELL_CAP, read to its end
        (:mod:`qa.batch.wide_row`): an error row under its own id, naming the column, its other cells kept.
        Torn (a stray quote, not a cell), or not ended within CELL_CAP more code points, its lines are read
        again one by one as the strict reader's other errors are: a stray quote in a large file made every
        line after it one cell. Its lines are held until then, so memory stays within twice the cap."""
        held = [self.texts.get(n, "") for n in range(start, self.read + 1)]
        wide = wide_row(held, self._within(source, CELL_CAP), self.layout.delimiter)
        del held
        span = range(start, self.read + 1)
        if wide.torn:
            yield from self._reread(span, exc)
            return
        self.texts.clear()
        rec = self._record(start, wide.cells, [self.bad.pop(n) for n in span if n in self.bad], wide.long)
        if rec is not None:
            yield rec

    def _within(self, source: Iterator[str], room: int) -> Iterator[str]:
        """``source``'s lines while they hold ``room`` code points in all (a row read past the csv reader)."""
        for text in source:
            yield text
            room -= len(text)
            if room < 0:
                return

    def _reread(self, span: range, exc: csv.Error) -> Iterator[Record]:
        """The lines of a row the strict reader refused, each a row of its own, its quotes as text; lines
        no reader takes (a NUL byte), one error row."""
        start = span.start
        raw = [self.texts.pop(n, "") for n in span]
        try:  # under the same cap as the strict read: a long note beside a stray quote is read, not lost
            with wide_cells():
                for _ in self._plain(raw):  # checked whole first, then read line by line: the rows of
                    pass  # thousands of lines a stray quote swallowed are not all held at once
        except csv.Error:  # e.g. a NUL byte
            self.bad.clear()
            yield _record(start, None, None, {}, RowError("malformed_csv", start, detail=str(exc)))
            return
        for n, text in zip(span, raw):
            with wide_cells():
                one = next(self._plain([text]), [])
            rec = self._record(n, one, [self.bad.pop(n)] if n in self.bad else [])
            if rec is not None:
                yield rec

    def _plain(self, lines: list[str]) -> Iterator[list[str]]:
        """``lines`` read with quotes as text, a row each."""
        return csv.reader(lines, delimiter=self.layout.delimiter, quoting=csv.QUOTE_NONE)

    def _record(
        self, start: int, row: list[str], errors: list[RowError], long: Sequence[int] = ()
    ) -> Record | None:
        """The record of a row starting on line ``start``; None for a blank row or a header. ``long``: the
        cells over CELL_CAP (read as empty), which make the row an error naming the first."""
        if not any(c.strip() for c in row) and not long:
            return None
        if self.names is None:  # the header row
            self.names = []
            for i, c in enumerate(row):
                name = c.strip() or f"column_{i + 1}"
                self.names.append(name if name not in self.names else f"{name}_{i + 1}")
            self.header.extend(c.strip() for c in row)
            return None
        if [c.strip() for c in row] == self.header:  # the header again: files joined with cat, not a question
            return None
        names, qcol, idcol = self.names, self.layout.qcol, self.layout.idcol
        row, misfit = _fit(row, len(names), qcol, self.layout.delimiter) if names else (row, None)
        extra = {
            names[i] if i < len(names) else f"column_{i + 1}": c
            for i, c in enumerate(row)
            if i not in (qcol, idcol)
        }
        rid = row[idcol] if idcol is not None and idcol < len(row) else None
        question = row[qcol] if qcol < len(row) else None
        why = errors[0] if errors else misfit and misfit.on(start)
        if long and why is None:
            question, why = _too_wide(long, qcol, names, question)
        if question is not None and len(question) > QUESTION_FIELD_CAP and why is None:
            question, why = None, _long_field(QUESTION_FIELD_CAP)  # not carried, nor counted further
        return _record(start, rid, question, extra, why)


def _too_wide(
    long: Sequence[int], qcol: int, names: list[str], question: str | None
) -> tuple[str | None, RowError]:
    """The question kept (None when it is the long cell) and the error of a row with cells over CELL_CAP."""
    if qcol in long:
        return None, _long_field(CELL_CAP)
    name = names[long[0]] if long[0] < len(names) else f"column_{long[0] + 1}"
    return question, RowError("long_cell", args=(repr(name), CELL_CAP))


def _long_field(limit: int) -> RowError:
    """A question cell over ``limit`` code points ("over": its characters are not counted)."""
    counts = TooLong(limit, MAX_QUESTION_CHARS, over=True)
    return RowError("long_field", args=(limit, MAX_QUESTION_CHARS), counts=counts)


def _fit(row: list[str], width: int, qcol: int, delimiter: str) -> tuple[list[str], RowError | None]:
    """A data row with more cells than its header has a delimiter inside an unquoted cell (a comma in
    a question, or a decimal comma): in the last column, the question, its cells are joined back;
    elsewhere the question may have shifted, so the row is an error (the reason) instead of a guess."""
    while len(row) > width and not row[-1].strip():
        row = row[:-1]  # trailing delimiters, as some exports write
    if len(row) <= width:
        return row, None
    if qcol == width - 1:
        return [*row[:qcol], delimiter.join(row[qcol:])], None
    return row, RowError("misfit", args=(len(row), width, repr(delimiter)))
