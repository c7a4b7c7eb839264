"""An upload row the batch reader refused for its length, said at the page's cap (reliability 128).

The reader (``qa.batch``) refuses a row at its own bounds before the page's pass sees it: over 2,000
characters, a line over 1 MiB, a CSV field over the csv module's cap. The page says one question holds 500
characters, yet such a row's Status said "batasnya 2000", and the last two were shown in English. The row is
over the page's cap too, so it is said so, in the count the reader made (characters, or code points).
"""

from __future__ import annotations

import re

from ..question_text import code_point_cap

# The reader's words (qa.batch.too_long.row_too_long, qa.batch.readers._decode, qa.batch.tablerows)
_CHARS = re.compile(r"question too long \((\d+) characters, limit \d+\)")
_CHARS_AND_POINTS = re.compile(
    r"question too long \((\d+) characters? but (\d+) code points, limit \d+ code points\)"
)
_LONG_LINE = re.compile(
    r"line \d+ is too long \((\d+) code points; a question holds at most \d+ characters\).*", re.S
)
_CSV_FIELD = re.compile(r"question too long \(over (\d+) code points, limit \d+ characters\)")


def at_web_cap(error: str, limit: int) -> str:
    """``error`` as the page's cap of ``limit`` characters says it, when it is the reader's refusal of a
    row for its length; any other error as it is."""
    cap = code_point_cap(limit)
    if found := _CHARS.fullmatch(error):
        return f"question too long ({found[1]} characters, limit {limit})"
    if found := _CHARS_AND_POINTS.fullmatch(error):
        size, points = int(found[1]), found[2]
        if size > limit:
            return f"question too long ({size} characters, limit {limit})"
        said = f"{size} character{'s' * (size != 1)} but {points} code points"  # as row_too_long says it
        return f"question too long ({said}, limit {cap} code points)"
    if found := _LONG_LINE.fullmatch(error):  # counted in code points as it streamed past, and said so
        return f"question too long ({found[1]} code points, limit {cap} code points)"
    if found := _CSV_FIELD.fullmatch(error):
        return f"question too long (over {found[1]} code points, limit {cap} code points)"
    return error
