"""A PDF page's text from pypdf, with the note markers set as superscripts taken off the words.

pypdf's text gives no sign of a superscript: a note number set small after a word was glued to it, so
"pasal 5¹" read "pasal 51" and "cuti¹" "cuti1" (a wrong number in a passage and in an answer). pypdf
does hand each run of text to a visitor with its font size and matrices, and the runs make up its text
exactly, so the page is rebuilt from them without such markers. A filled form's answers are not in the
page's text at all (they are the fields' values, drawn by the viewer): ``form_lines`` reads them.
"""

from __future__ import annotations

import math
import re

SUPERSCRIPT = 0.8  # a run at most this share of the size of the run before it is set as a superscript
_MARKER = re.compile(r"\d{1,3}")
_GLUED = re.compile(r"[\w.,;:)\]’”]$")  # a marker follows a word or its punctuation, with no space
_SYMBOL = re.compile(r"(?<!\w)[^\W\d_]{1,2}$")  # a unit, a variable, an element: m², x², H₂O, CO₂


def page_text(page) -> str:
    """The page's text as ``page.extract_text()`` gives it, less the note markers: a run of one to
    three digits, set at most ``SUPERSCRIPT`` of the size of the text it is glued to, whose note is on
    the page (a line opening with its number and then a word, "1 Peraturan Menteri ..."). An exponent
    ("20 m²") has no such note and stays, and so does a number after a word of one or two letters, even
    when a line of the page opens with that number ("2 Januari 2024"): it is an exponent or a formula's
    index (m², cm³, x², H₂O, CO₂), not a note. Notes gathered at the document's end are not looked for."""
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
        glued = _GLUED.search(before[0]) and not _SYMBOL.search(before[0])
        marker = _MARKER.fullmatch(run) and run in notes and glued
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


_HIDDEN = 2  # the annotation flag of a field the viewer neither shows nor prints


def form_lines(page) -> list[str]:
    """The filled text and choice fields of ``page``'s form (AcroForm), one line each, "label: value",
    in the order the page lists them: a form's answers ("Nama pemohon: Sari Wulandari") are the
    fields' values, which text extraction never sees. The label is the field's description for
    screen readers (``/TU``), else its name; empty, hidden, button and signature fields give none."""
    try:
        return _form_lines(page)
    except (AttributeError, KeyError, TypeError, ValueError):  # a malformed form: the page's text is read
        return []


def _form_lines(page) -> list[str]:
    lines: list[str] = []
    seen: set[int] = set()
    for ref in page.get("/Annots") or ():
        widget = ref.get_object()
        if widget.get("/Subtype") != "/Widget" or int(widget.get("/F", 0)) & _HIDDEN:
            continue
        field = widget if "/T" in widget or "/Parent" not in widget else widget["/Parent"].get_object()
        kind, value = _inherited(field, "/FT"), _inherited(field, "/V")
        if kind not in ("/Tx", "/Ch") or id(field) in seen:
            continue
        seen.add(id(field))
        values = value if isinstance(value, list) else [value]
        answer = " ".join(" ".join(str(v).split()) for v in values if v is not None)
        if answer:
            label = " ".join(str(field.get("/TU") or field.get("/T") or "").replace("_", " ").split())
            lines.append(f"{label}: {answer}" if label else answer)
    return lines


def _inherited(field, key: str):
    """A field's entry, or the nearest parent's (a form's fields inherit their type and value)."""
    for _ in range(32):  # a parent chain is short; a loop in a broken file is cut
        if key in field:
            return field[key]
        if "/Parent" not in field:
            return None
        field = field["/Parent"].get_object()
    return None


def draws_images(page) -> bool:
    """Whether ``page`` draws a picture (an image XObject, directly or in a form it draws): what a
    scanned page is, to a text extractor, when it has no text."""
    stack, seen = [page.get("/Resources")], 0
    try:
        while stack and seen < 64:  # forms nest a few levels; a loop in a broken file is cut
            resources, seen = stack.pop(), seen + 1
            found = resources.get_object().get("/XObject") if resources is not None else None
            for ref in found.get_object().values() if found is not None else ():
                xobject = ref.get_object()
                if xobject.get("/Subtype") == "/Image":
                    return True
                if xobject.get("/Subtype") == "/Form":
                    stack.append(xobject.get("/Resources"))
    except (AttributeError, KeyError, TypeError, ValueError):  # a malformed dictionary: no picture known
        return False
    return False
