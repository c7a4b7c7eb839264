"""The rows of a CSV/TSV question file as :class:`~qa.batch.readers.Record` s, once its layout is known.

Each row is one record numbered by the physical line it starts on. Parsing is strict: a stray or
unclosed quote does not let one field swallow the lines after it (questions merged); those lines are
read again one by one, quotes as text. A row wider than its header (an unquoted comma) has its
surplus cells joined back into a last-column question, or is an error row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from .readers import MAX_QUESTION_CHARS, Record, _decode, _record
from .sources import LongLine
from .tables import Layout


def table_records(lines: Iterable[bytes], layout: Layout, encoding: str = "UTF-8") -> Iterator[Record]:
    """The records of a CSV/TSV whose layout is decided (:mod:`qa.batch.tables`), one per row."""
    bad: dict[int, str] = {}
    texts: dict[int, str] = {}  # the decoded lines of the row being read
    state = {"n": 0}

    def decoded() -> Iterator[str]:
        for raw in lines:
            state["n"] += 1
            text, error = _decode(raw, state["n"], encoding)
            if isinstance(raw, LongLine):  # its start only: a quote there could open a cell nothing closes
                text = text.replace('"', "") + "\n"
            if error:
                bad[state["n"]] = error
            if state["n"] == 1 and layout.sep_line:
                text = "\n"  # a blank row: skipped, still counted
            texts[state["n"]] = text
            yield text

    # Strict, so a stray or unclosed quote is an error here (the lines are then read one by one below)
    # instead of a quoted field silently swallowing the next lines: questions merged into one.
    reader = csv.reader(decoded(), delimiter=layout.delimiter, strict=True)
    qcol, idcol = layout.qcol, layout.idcol
    names: list[str] | None = None if layout.has_header else []
    header: list[str] = []

    def record(start: int, row: list[str], errors: list[str]) -> Record | None:
        nonlocal names
        if not any(c.strip() for c in row):
            return None
        if names is None:  # the header row
            names = []
            for i, c in enumerate(row):
                name = c.strip() or f"column_{i + 1}"
                names.append(name if name not in names else f"{name}_{i + 1}")
            header.extend(c.strip() for c in row)
            return None
        if [c.strip() for c in row] == header:  # the header again: files joined with cat, not a question
            return None
        row, misfit = _fit(row, len(names), qcol, layout.delimiter) if names else (row, None)
        extra = {
            names[i] if i < len(names) else f"column_{i + 1}": c
            for i, c in enumerate(row)
            if i not in (qcol, idcol)
        }
        rid = row[idcol] if idcol is not None and idcol < len(row) else None
        question = row[qcol] if qcol < len(row) else None
        error = errors[0] if errors else f"line {start}: {misfit}" if misfit else None
        return _record(start, rid, question, extra, error)

    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            span = range(start, reader.line_num + 1)
            raw = [texts.pop(n, "") for n in span]
            if "field larger than field limit" in str(exc):  # the csv module's own cap, far above ours
                bad.clear()
                limit = csv.field_size_limit()
                too_long = f"question too long (over {limit} characters, limit {MAX_QUESTION_CHARS})"
                yield _record(start, None, None, {}, too_long)
                continue
            try:  # each line a row of its own, its quotes as text
                plain = csv.reader(raw, delimiter=layout.delimiter, quoting=csv.QUOTE_NONE)
                rows = [next(plain, []) for _ in raw]
            except csv.Error:  # e.g. a NUL byte
                bad.clear()
                yield _record(start, None, None, {}, f"line {start}: malformed CSV ({exc})")
                continue
            for n, one in zip(span, rows):
                rec = record(n, one, [bad.pop(n)] if n in bad else [])
                if rec is not None:
                    yield rec
            continue
        span = range(start, reader.line_num + 1)
        texts.clear()
        rec = record(start, row, [bad.pop(n) for n in span if n in bad])
        if rec is not None:
            yield rec


def _fit(row: list[str], width: int, qcol: int, delimiter: str) -> tuple[list[str], str | None]:
    """A data row with more cells than its header has a delimiter inside an unquoted cell (a comma in
    a question, or a decimal comma): in the last column, the question, its cells are joined back;
    elsewhere the question may have shifted, so the row is an error (the reason) instead of a guess."""
    while len(row) > width and not row[-1].strip():
        row = row[:-1]  # trailing delimiters, as some exports write
    if len(row) <= width:
        return row, None
    if qcol == width - 1:
        return [*row[:qcol], delimiter.join(row[qcol:])], None
    return row, f"{len(row)} cells but the header has {width} (a {delimiter!r} inside an unquoted cell?)"
