"""What a batch row refused as too long says, and keeps of its question.

Two counts, as ``qa.question_text`` explains: characters (graphemes) are the limit a person is told of,
code points the work; a row is said in the count it was refused by. The counts travel as data
(:class:`TooLong`, on the record), so a caller holding a row to a cap of its own (the web page, at 500)
says it from the numbers instead of parsing the reader's sentence back (reliability 129).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from ..question_text import chars, code_point_cap, whole_chars

TOO_LONG_KEPT = 200  # code points of an over-long question kept in its error record (whole characters)


@dataclass(frozen=True)
class TooLong:
    """What a row refused for its length was counted at, against a ``limit`` of characters (and its
    ``code_point_cap`` of work). ``characters``: its graphemes, or None where only code points were
    counted (a line counted as it streamed past, a field the csv module stopped reading); ``over``: the
    count of ``code_points`` is a lower bound ("over N")."""

    code_points: int
    limit: int
    characters: int | None = None
    over: bool = False

    @property
    def unit(self) -> Literal["characters", "code points"]:
        """The count the row is refused by: its characters when over ``limit``, else its code points."""
        over_chars = self.characters is not None and self.characters > self.limit
        return "characters" if over_chars else "code points"

    def at(self, limit: int) -> TooLong:
        """The same counts held to another cap (a stricter one: the row is over it too)."""
        return dataclasses.replace(self, limit=limit)

    def said(self) -> str:
        """The row's error (the CLI's words): over ``limit`` characters, or over the work bound in code
        points (a few letters carrying thousands of combining marks); a row refused in code points says
        its characters too when they were counted, or "too long" of a row of 4 characters reads as a
        mistake."""
        size = self.characters
        if self.unit == "characters":
            return f"question too long ({size} characters, limit {self.limit})"
        cap = code_point_cap(self.limit)
        if size is None:
            points = f"{'over ' * self.over}{self.code_points}"
            return f"question too long ({points} code points, limit {cap} code points)"
        return (f"question too long ({size} character{'s' * (size != 1)} but {self.code_points} code points, "
                f"limit {cap} code points)")  # fmt: skip


def refused_row(question: str, limit: int) -> tuple[TooLong, str] | None:
    """How a row whose ``question`` is over ``limit`` (``question_text.over_limit``'s rule) was counted
    and what its record keeps of it (``kept_start``), or None within the limit. Its characters are
    counted once for the three (a grapheme scan of up to a MiB: it was three scans)."""
    size, refused = counted_row(question, limit)
    return None if refused is None else (refused, kept_start(question, limit, size))


def counted_row(question: str, limit: int) -> tuple[int, TooLong | None]:
    """``chars(question)`` and, when it is over ``limit``, its counts (None within it): one count for
    the check, the error's words and what a caller adds up of the rows it accepts (the web's upload
    total), where the cap and then the error's words counted a refused row twice (section 125)."""
    size = chars(question)
    if size <= limit and len(question) <= code_point_cap(limit):
        return size, None
    return size, TooLong(len(question), limit, size)


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
