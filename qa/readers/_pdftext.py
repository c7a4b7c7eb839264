"""A PDF page's text from pypdf, with the note markers set as superscripts taken off the words.

pypdf's text gives no sign of a superscript: a note number set small after a word was glued to it, so
"pasal 5¹" read "pasal 51" and "cuti¹" "cuti1" (a wrong number in a passage and in an answer). pypdf
does hand each run of text to a visitor with its font size and matrices, and the runs make up its text
exactly, so the page is rebuilt from them without such markers.
"""

from __future__ import annotations

import math
import re

SUPERSCRIPT = 0.8  # a run at most this share of the size of the run before it is set as a superscript
_MARKER = re.compile(r"\d{1,3}")
_GLUED = re.compile(r"[\w.,;:)\]’”]$")  # a marker follows a word or its punctuation, with no space


def page_text(page) -> str:
    """The page's text as ``page.extract_text()`` gives it, less the note markers: a run of one to
    three digits, set at most ``SUPERSCRIPT`` of the size of the text it is glued to, whose note is on
    the page (a line opening with its number and then a word, "1 Peraturan Menteri ..."). An exponent
    ("20 m²") has no such note and stays; notes gathered at the document's end are not looked for."""
    runs: list[tuple[str, float]] = []

    def visit(text: str, cm, tm, font, size: float) -> None:
        runs.append((text, size * _scale(tm) * _scale(cm)))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(run for run, _ in runs) != text:  # not the runs we assume: pypdf's text as it is
        return text
    notes = {m.group(1) for m in re.finditer(r"(?m)^\s*(\d{1,3})\s*[^\W\d_]", text)}
    kept: list[str] = []
    before = ("", 0.0)  # the last run with text: its words and its size
    for run, size in runs:
        if not run.strip():
            kept.append(run)
            continue
        marker = _MARKER.fullmatch(run) and run in notes and _GLUED.search(before[0])
        if not (marker and 0 < size <= SUPERSCRIPT * before[1]):
            kept.append(run)
            before = (run, size)
    return "".join(kept)


def _scale(matrix) -> float:
    """The vertical scale of a PDF matrix [a b c d e f] (1 when pypdf gives none)."""
    try:
        return math.hypot(float(matrix[2]), float(matrix[3])) or 1.0
    except (TypeError, IndexError, ValueError):
        return 1.0
