"""What a batch row refused as too long says, and keeps of its question.

Two counts, as ``qa.question_text`` explains: characters (graphemes) are the limit a person is told of,
code points the work; a row is said in the count it was refused by.
"""

from __future__ import annotations

from ..question_text import chars, code_point_cap, whole_chars

TOO_LONG_KEPT = 200  # code points of an over-long question kept in its error record (whole characters)


def refused_row(question: str, limit: int) -> tuple[str, str] | None:
    """The error of a row whose ``question`` is over ``limit`` (``question_text.over_limit``'s rule) and
    what its record keeps of it (``row_too_long``, ``kept_start``), or None within the limit. Its
    characters are counted once for the three (a grapheme scan of up to a MiB: it was three scans)."""
    size, error = counted_row(question, limit)
    return None if error is None else (error, kept_start(question, limit, size))


def counted_row(question: str, limit: int) -> tuple[int, str | None]:
    """``chars(question)`` and the row's error when it is over ``limit`` (None within it): one count for
    the check, the error's words and what a caller adds up of the rows it accepts (the web's upload
    total), where ``chars_within`` and then ``row_too_long`` counted a refused row twice."""
    size = chars(question)
    if size <= limit and len(question) <= code_point_cap(limit):
        return size, None
    return size, row_too_long(question, limit, size)


def kept_start(question: str, limit: int, size: int | None = None) -> str:
    """What an error record keeps of a ``question`` refused as too long, to recognise it by: its start,
    whole characters only (a cut at a code point kept half a flag, a letter without its marks), and what
    is dropped, in the count the row was refused by (one letter's 8,800 marks are not "1 more").
    ``size``: ``chars(question)``, when the caller has counted it."""
    kept = whole_chars(question, TOO_LONG_KEPT)
    if (total := chars(question) if size is None else size) > limit:
        dropped, unit = total - chars(kept), "character"  # kept ends between two: the rest counts alike
    else:
        dropped, unit = len(question) - len(kept), "code point"
    return f"{kept}… [{dropped} more {unit}{'s' * (dropped != 1)} not kept]"


def row_too_long(question: str, limit: int, size: int | None = None) -> str:
    """A row's error for a question over ``limit`` characters, or, under it, over the work bound in code
    points (a few letters carrying thousands of combining marks): then its characters are said too, or
    "too long" of a row of 4 characters reads as a mistake. ``size``: ``chars(question)``, if counted."""
    size = chars(question) if size is None else size
    if size > limit:
        return f"question too long ({size} characters, limit {limit})"
    return (f"question too long ({size} character{'s' * (size != 1)} but {len(question)} code points, "
            f"limit {code_point_cap(limit)} code points)")  # fmt: skip
