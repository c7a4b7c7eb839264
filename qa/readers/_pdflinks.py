"""A PDF's links within the document: the signs that lead back from a note are no words of its text.

A page printed by a browser, or a PDF made from Markdown or HTML, ends each note with a link back to its
marker, "↩" (a heading of printed documentation has a "¶" or "#" linking to itself). In the PDF it is
a run of text like any other, read glued to the note's last word ("… kartu pelajar.↩"). The link
itself is kept beside the page, as an annotation with a destination in the document: a run inside
one whose text holds no letter or digit is navigation, and is left out. A marker ("1") and a link
with words stay, signs and all.
"""

from __future__ import annotations

import unicodedata

from ._pdftext import Drawn, Run

_SLACK = 1.0  # points: a run's origin on the rectangle's left or lower edge is inside
_PLACE_MARKS = "¶#§"


def without_back_links(page, drawn: Drawn) -> Drawn:
    """``drawn`` (a page's text and runs) less the runs of signs inside the page's internal links."""
    text, runs = drawn
    if runs is None:
        return drawn
    # a link whose runs hold a letter or a digit is a link with words: its signs are words of it
    # ("biaya ★ khusus", a star drawn in a fallback font, is a run of its own)
    worded = [run for run in runs if any(c.isalnum() for c in run.text)]
    rects = [rect for rect in _internal_links(page) if not any(_inside(run, [rect]) for run in worded)]
    if not rects:
        return drawn
    kept = [run._replace(text="") if _signs(run.text) and _inside(run, rects) else run for run in runs]
    if kept == runs:
        return drawn
    return "".join(run.text for run in kept), kept


def _internal_links(page) -> list[tuple[float, float, float, float]]:
    """The rectangles of the page's links to a place in the document (a destination, or a GoTo action);
    none when the annotations cannot be read: the page is then read as it is."""
    rects = []
    try:
        for ref in page.get("/Annots") or ():
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            internal = "/Dest" in annot or (isinstance(action, dict) and action.get("/S") == "/GoTo")
            if annot.get("/Subtype") == "/Link" and internal:
                x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
                rects.append((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
    except Exception:  # a broken annotation list: no link is known, nothing is left out
        return []
    return rects


def _signs(text: str) -> bool:
    """Whether ``text`` is signs alone: symbols ("↩", "↑", "^") and the marks of a place ("¶", "#",
    "§"), never a letter, a digit or punctuation, which a link's text goes on or ends with ("--" of an
    option's name, ")." drawn right after "Main packages")."""
    # a variation selector (the one in "↩︎") or a control is no sign of its own
    chars = [c for c in text if not c.isspace() and unicodedata.category(c)[0] not in "MC"]
    return bool(chars) and all(unicodedata.category(c)[0] == "S" or c in _PLACE_MARKS for c in chars)


def _inside(run: Run, rects: list[tuple[float, float, float, float]]) -> bool:
    """Whether the run starts inside a rectangle (on its left or lower edge too, never at its right end,
    where the text after the link begins)."""
    return any(
        x1 - _SLACK <= run.x < x2 - _SLACK and y1 - _SLACK <= run.y <= y2 + _SLACK for x1, y1, x2, y2 in rects
    )
