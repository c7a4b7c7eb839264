"""How a CSV/TSV question file is laid out: its delimiter, its header, which column holds the question.

Decided once, from a sample of the file, before any model loads, so an ambiguous file is refused at
once and a guess is announced (``warn``) instead of silently asking the wrong column:

* A first row naming a ``question``/``pertanyaan`` column (any case) is the header; its delimiter is
  the one splitting that row into the most cells (none: the file has one column, commas and all).
  A short label holding the word (``Pertanyaan Saya``, ``Questions``) names it too, with a warning.
* A first row with an ``id`` cell, or with a cell above a column of plain numbers, is a header
  without a question column: the one remaining text column is used (with a warning), several are
  refused as ambiguous.
* A first line ``sep=;`` (Excel's delimiter hint) names the delimiter and is skipped, not read as a row.
* Otherwise every row is data.  A delimiter is believed only if it cuts every sampled row into the
  same number of cells, is not used as punctuation (every cell after a delimiter starting with a
  space, as after a comma in prose), and leaves each row's question mark in column 1, the one asked
  (``Apa A,B?`` split is "Apa A" without its "?"); else the whole line is the question.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..file_errors import LABELS, FileError, FileRefused

QUESTION_KEYS = ("question", "pertanyaan")
DELIMITERS = (",", ";", "\t", "|")
ONE_COLUMN = "\x1f"  # a delimiter no question contains: the whole row is the question
# The words a loose header holds, whole: "Questionnaire deadline" is a first question, not a header
_LOOSE_WORDS = frozenset({"question", "questions", "pertanyaan", "pertanyaannya"})
_NUMBER = re.compile(r"\s*[+-]?\d+([.,]\d+)?\s*")
# An id as people number rows: one short word holding a digit and no "?" ("A1", "Q-01", "1.", "No.3"). A
# column of nothing else labels its rows, as plain numbers do; a question is words ("K3?" has its "?")
_CODE = re.compile(r"\s*(?=[^\s?]{1,16}\s*$)[^\s?\d]*\d[^\s?]*\s*")


NO_HEADER = "no header naming a 'question' or 'pertanyaan' column; asking column 1 of every row"
_SEP_LINE = re.compile(r"\ufeff?sep=(.)\r?\n?", re.IGNORECASE)  # Excel's first-line delimiter hint


@dataclass(frozen=True)
class Layout:
    """``has_header``: the first non-blank row names the columns; ``qcol``/``idcol`` index into rows;
    ``sep_line``: the file's first line is Excel's ``sep=;`` hint, not a row."""

    delimiter: str
    has_header: bool = False
    qcol: int = 0
    idcol: int | None = None
    sep_line: bool = False


def _rows(text: list[str], delimiter: str) -> list[list[str]]:
    try:
        return [r for r in csv.reader(text, delimiter=delimiter) if any(c.strip() for c in r)]
    except csv.Error:
        return []


def _widest(text: list[str], prefer: str) -> tuple[str, list[list[str]]]:
    """The delimiter splitting the first row into the most cells (ties: ``prefer``), and the rows."""
    best, best_rows = ONE_COLUMN, _rows(text, ONE_COLUMN)
    for d in sorted(DELIMITERS, key=lambda c: c != prefer):
        rows = _rows(text, d)
        if rows and len(rows[0]) > (len(best_rows[0]) if best_rows else 1):
            best, best_rows = d, rows
    return best, best_rows


def _header(row: list[str], data: list[list[str]], name: str, warn: Callable[[str], None]) -> Layout | None:
    """The layout when ``row`` is a header (None when it is not one)."""
    keys = [c.strip().lower() for c in row]
    idcol = keys.index("id") if "id" in keys else None
    named_q = [i for i, k in enumerate(keys) if k in QUESTION_KEYS]
    if len(named_q) > 1:  # "question,question" asked column 1 and carried the other unasked, in silence
        cells = tuple(row[i].strip() for i in named_q)
        raise FileRefused(
            name,
            FileError("question_columns", tuple(i + 1 for i in named_q), cells),
            "keep one column named 'question' or 'pertanyaan' (rename the others), or split the file",
        )
    if named_q:
        return Layout("", True, named_q[0], idcol)
    columns = ", ".join(repr(c.strip()) for c in row)
    named = [i for i, k in enumerate(keys) if names_questions(k)]
    # "Pertanyaan Saya", "Questions", "question_text": asked, and said so; "1,Pertanyaan tentang …" is data
    if len(named) == 1 and not any(_CODE.fullmatch(c) for c in row):
        warn(f"{name}: no 'question' column; asking column {row[named[0]].strip()!r}, the one named so "
             f"({columns})")  # fmt: skip
        return Layout("", True, named[0], idcol)

    labels = [i for i in range(len(row)) if i != idcol and _labels_below(row, data, i)]
    if idcol is None and not labels:
        return None
    numbered = [i for i in labels if _numbers_only(data, i)]  # "No" over 1, 2: labels for sure
    # an empty column, as a trailing delimiter makes ("No,Teks,"), holds no text: it is not a candidate
    empty = [i for i in range(len(row)) if not row[i].strip() and not _holds_text([row, *data], i)]
    rest = [i for i in range(len(row)) if i != idcol and i not in numbered and i not in empty]
    # A label over ids labels the rows only beside a column of text; else the ids are the questions asked
    # under a header ("No,Teks" over "1,A1": "A1" asked, as before ids were labels; it was refused)
    text_cols = [i for i in rest if i not in labels and _holds_text(data, i)]
    text_cols = text_cols or [i for i in rest if i in labels]
    # Without an "id" cell or a label over plain numbers, labels over ids make a header only beside text:
    # "Gaji,A1" over "NIP1,A2" asked "A2" alone, two questions lost
    if idcol is None and not numbered and not any(_holds_text(data, i) for i in text_cols):
        return None
    if len(text_cols) != 1:
        raise FileRefused(
            name,
            FileError("no_question_column", names=tuple(c.strip() for c in row)),
            "name the question column 'question' or 'pertanyaan' in the first row",
        )
    warn(f"{name}: no 'question' column; asking column {row[text_cols[0]].strip()!r} ({columns})")
    return Layout("", True, text_cols[0], idcol)


def names_questions(cell: str) -> bool:
    """True for a header cell that names the question column loosely: a short label without a question
    mark holding the word (``Pertanyaan Saya``, ``Daftar pertanyaan``, ``Questions``, ``question_text``).
    Such a header was asked as a question, and in a table the whole row with it, commas and all."""
    words = re.findall(r"[^\W\d_]+", cell.lower())
    return "?" not in cell and 0 < len(words) <= 4 and any(w in _LOOSE_WORDS for w in words)


def table_layout(text: list[str], prefer: str, name: str, warn: Callable[[str], None]) -> Layout:
    """The layout of a table whose first lines (decoded, with their endings) are ``text``.

    A first line ``sep=;`` (Excel writes it, and reads it, to name the delimiter) decides the delimiter
    and is not a row: taken for data, it made the header and the id column the questions.
    """
    hint = _SEP_LINE.fullmatch(text[0]) if text else None
    if hint is not None and hint.group(1) not in '"\r\n':
        found = _declared(text[1:], hint.group(1), name, warn)
        return Layout(found.delimiter, found.has_header, found.qcol, found.idcol, sep_line=True)
    return _guessed(text, prefer, name, warn)


def _declared(text: list[str], delimiter: str, name: str, warn: Callable[[str], None]) -> Layout:
    """The layout when the file names its delimiter: only the header is left to find."""
    rows = _rows(text, delimiter)
    found = _header(rows[0], rows[1:], name, warn) if rows else None
    if found is not None:
        return Layout(delimiter, True, found.qcol, found.idcol)
    return _headerless(rows, delimiter, name, warn) if any(len(r) > 1 for r in rows) else Layout(delimiter)


def _numbers_only(rows: list[list[str]], i: int) -> bool:
    cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
    return bool(cells) and all(_NUMBER.fullmatch(c) for c in cells)


def _labels_below(row: list[str], data: list[list[str]], i: int) -> bool:
    """``row[i]`` is a label ("No", "Kode", Power Query's "Column1") over a column of numbers or ids: a
    word, no question ("Gaji?" over "NIP1" is two questions), and not of the kind of the cells below it
    (a number over numbers, or an id over ids, is one more row). "Column1" is an id, but over numbers it
    is their label: taken for a row, the header "Column2" was asked as the first question."""
    top = row[i]
    if "?" in top or not _labels_only(data, i):
        return False
    return not (_NUMBER if _numbers_only(data, i) else _CODE).fullmatch(top)


def _labels_only(rows: list[list[str]], i: int) -> bool:
    """Column ``i`` holds only numbers or ids ("A1", "Q-01", "1."): it labels the rows, asks nothing."""
    cells = [r[i] for r in rows if i < len(r) and r[i].strip()]
    return bool(cells) and all(_CODE.fullmatch(c) for c in cells)


def _asked(rows: list[list[str]]) -> int:
    """The column a header-less table asks: column 1, unless it holds only numbers (a numbered list, "1,Apa
    tugas asisten") or ids ("A1,Apa tugas asisten", "Q-01,…"): a bare number or code is never a
    question, so then the first column that holds text."""
    if not rows or not _labels_only(rows, 0):
        return 0
    return next(iter(_beside(rows)), 0)


def _beside(rows: list[list[str]]) -> list[int]:
    """The columns after a column 1 of labels that could be the question: those holding text; when none
    does and column 1 holds numbers, those holding ids, one-word questions numbered ("1,COVID-19",
    "2,NIP1": taken for ids, the numbers were asked)."""
    width = max(map(len, rows))
    text = [i for i in range(1, width) if _holds_text(rows, i)]
    if not text and _numbers_only(rows, 0):
        text = [i for i in range(1, width) if any(i < len(r) and r[i].strip() for r in rows)]
        text = [i for i in text if not _numbers_only(rows, i)]
    return text


def _holds_text(rows: list[list[str]], i: int) -> bool:
    """Column ``i`` holds a cell of text. An empty column is neither text nor numbers: the trailing
    delimiter many exports write ("1,Apa tugas asisten,") made the table "two text columns", refused."""
    return any(i < len(r) and r[i].strip() for r in rows) and not _labels_only(rows, i)


def _headerless(rows: list[list[str]], delimiter: str, name: str, warn: Callable[[str], None]) -> Layout:
    """A table without a header: column 1 asked, or the one text column beside a column of numbers."""
    qcol = _asked(rows)
    if not qcol:
        warn(f"{name}: {NO_HEADER}")
        return Layout(delimiter)
    text_cols = _beside(rows)
    kind = "numbers" if _numbers_only(rows, 0) else "ids"
    if len(text_cols) > 1:  # "1,Budi,Apa tugas asisten": which one is the question is a guess
        raise FileRefused(
            name,
            FileError("which_column", (kind, *(i + 1 for i in text_cols))),
            "name the question column 'question' or 'pertanyaan' in a first row",
        )
    what = LABELS[kind]
    warn(f"{name}: no header naming a 'question' or 'pertanyaan' column; column 1 holds only {what}, asking "
         f"column {qcol + 1} of every row")  # fmt: skip
    return Layout(delimiter, qcol=qcol)


def _guessed(text: list[str], prefer: str, name: str, warn: Callable[[str], None]) -> Layout:
    delimiter, rows = _widest(text, prefer)
    if not rows:
        return Layout(ONE_COLUMN)
    if len(rows[0]) > 1 or any(names_questions(c) for c in rows[0]):
        found = _header(rows[0], rows[1:], name, warn)
        if found is not None:
            return Layout(delimiter, True, found.qcol, found.idcol)
    best, best_score = ONE_COLUMN, 1
    for d in sorted(DELIMITERS, key=lambda c: c != prefer):
        rows = _rows(text, d)
        width = len(rows[0]) if rows else 0
        if width <= best_score or any(len(r) != width for r in rows):
            continue  # a table is rectangular
        later = [c for r in rows for c in r[1:] if c]
        if d in ",;" and later and all(c[:1].isspace() for c in later):
            continue  # "Siapa, dan kapan?": a comma in prose, not a column
        if d == "," and all(a[-1:].isdigit() and b[:1].isdigit() for r in rows for a, b in zip(r, r[1:])):
            continue  # "Berapa gaji 1,5 juta?": a decimal comma, not a column
        q = _asked(rows)
        if any("?" not in r[q] and any("?" in c for c in r[:q] + r[q + 1 :]) for r in rows):
            continue  # "Apa A,B?": the column asked would be a question cut off from its "?"
        best, best_score = d, width
    return Layout(best) if best == ONE_COLUMN else _headerless(_rows(text, best), best, name, warn)
