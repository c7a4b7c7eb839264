"""One pass over the question file before the run: how many records (the progress bar's total) and
which extra fields they hold (the CSV header is written before the first row)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .readers import read_questions

MAX_INPUT_COLUMNS = 100  # input fields written as CSV columns at most (a hostile file could have one per row)


def count_questions(source: str | Path) -> int | None:
    """How many records ``read_questions(source)`` yields (for a progress bar); None for stdin."""
    if str(source) == "-":
        return None
    try:
        return sum(1 for _ in read_questions(source))
    except InputError:
        return None


def input_columns(source: str | Path) -> list[str] | None:
    """Every extra field of the records of ``source``, in order of first appearance; None for stdin.

    The CSV header is written before the rows: taken from the first record alone, a field that only
    later JSONL records hold was silently missing from the CSV. Read once up front, as for the count.
    """
    if str(source) == "-":
        return None
    if Path(source).suffix.lower() != ".jsonl":
        return []  # a table's fields are its header's; a .txt has none
    seen: dict[str, None] = {}
    try:
        for rec in read_questions(source):
            seen.update(dict.fromkeys(rec.extra))
            if len(seen) > MAX_INPUT_COLUMNS:
                break
    except InputError:
        return None
    return list(seen)
