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
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

SUPERSCRIPT = 0.85  # a run at most this share of the size of the run before it is set as a superscript
_MARKER = re.compile(r"\d{1,3}")
_GLUED = re.compile(r"[\w.,;:)\]’”]$")  # a marker follows a word or its punctuation, with no space
_SYMBOL = re.compile(r"(?<!\w)[^\W\d_]{1,2}$")  # a unit, a variable, an element: m², x², H₂O, CO₂
_NOTE_LINE = re.compile(r"(?m)^\s*(\d{1,3})[.)]?\s*[^\W\d_]")  # a note: its number ("1", "1."), a word


class Run(NamedTuple):
    """A run of a page's text as pypdf draws it: its size on the page and where it starts."""

    text: str
    size: float
    x: float
    y: float


def page_runs(page, glyphs: list[str] | None = None) -> Drawn:
    """The page's text as ``page.extract_text()`` gives it, and the runs that make it up (``None`` when
    they do not: the text is then read as it is). ``glyphs``, when given, gets the glyph names pypdf
    wrote as text (see ``_named_glyphs``)."""
    runs: list[Run] = []
    names: dict[int, tuple[object, re.Pattern[str] | None]] = {}  # per font (held): its unmapped names

    def visit(text: str, cm, tm, font, size: float) -> None:
        runs.append(Run(text, size * _scale(tm) * _scale(cm), *_origin(cm, tm)))
        if glyphs is not None and text.strip():
            if id(font) not in names:
                names[id(font)] = (font, _named_glyphs(font))
            pattern = names[id(font)][1]
            glyphs.extend(pattern.findall(text) if pattern is not None else ())

    text = page.extract_text(visitor_text=visit) or ""
    return text, runs if "".join(run.text for run in runs) == text else None


def unmapped(text: str, glyphs: Sequence[str] = ()) -> bool:
    """Whether a page's text is mostly glyphs rather than letters: a font with no ToUnicode map gives
    pypdf codes it reads as control characters (a CID font subset: "\\x02 \\x08"), or the names of its
    glyphs (``glyphs``: a Type3 font's own, "/g1/g2/g3"), which were indexed as passages of noise."""
    chars = [c for c in text if not c.isspace()]
    odd = sum(1 for c in chars if c == "\ufffd" or unicodedata.category(c) in ("Cc", "Co", "Cs"))
    odd += sum(len(name) for name in glyphs)
    return 2 * odd > len(chars) > 0


def _named_glyphs(font) -> re.Pattern[str] | None:
    """The glyph names of a font without a ToUnicode map that pypdf writes as they are ("/g1"), found by
    the font's structure, not the text's look: a path, a URL or a letter's number ("001/KEP/DIR/2024")
    drawn in a font that maps its letters is text. pypdf maps a name of Adobe's glyph list ("/a") or a
    "uniXXXX" name to its letter; any other name of the encoding's ``/Differences`` is written as is."""
    try:
        if font is None or "/ToUnicode" in font:
            return None
        encoding = font.get("/Encoding")
        encoding = encoding.get_object() if encoding is not None else None
        if not isinstance(encoding, dict):  # a named encoding (WinAnsi…): every name is a letter's
            return None
        differences = encoding.get("/Differences")
        differences = differences.get_object() if differences is not None else []
        from pypdf._cmap import _glyph_name_to_unicode

        unmapped = {str(n) for n in differences if isinstance(n, str) and _glyph_name_to_unicode(n) is None}
    except Exception:  # a damaged font dictionary (or pypdf without that helper): text as pypdf gives it
        return None
    ordered = sorted(unmapped, key=len, reverse=True)
    return re.compile("|".join(re.escape(name) for name in ordered)) if ordered else None


Drawn = tuple[str, list[Run] | None]  # a page's text and the runs that make it up, if they do


def without_markers(pages: list[Drawn]) -> tuple[list[list[Run] | None], list[set[str]]]:
    """Each page's runs less its note markers, and the numbers whose notes each page holds. A marker is
    a run of one to three digits set at most ``SUPERSCRIPT`` of the size of the word it is glued to,
    whose note is on its page (a line opening with its number and then a word, "1 Peraturan Menteri
    ...": a footnote) or on a later page (endnotes, gathered at a chapter's or the document's end), then
    only if it goes on the numbering of the endnotes before it (1, or the last one plus one): an
    exponent ("20 m²") has no note and stays, and so does a number after a word of one or two letters,
    even when a line opens with that number ("2 Januari 2024"): it is an exponent or a formula's index
    (m², cm³, x², H₂O, CO₂)."""
    openers = [{m.group(1) for m in _NOTE_LINE.finditer(text)} for text, _ in pages]
    later: list[set[str]] = [set() for _ in pages]  # numbers opening a line on a page after each
    for number in range(len(pages) - 2, -1, -1):
        later[number] = later[number + 1] | openers[number + 1]
    kept_pages: list[list[Run] | None] = []
    notes: list[set[str]] = [set() for _ in pages]
    last = 0  # the last endnote's number
    for number, (_, runs) in enumerate(pages):
        if runs is None:
            kept_pages.append(None)
            continue
        kept: list[Run] = []
        before = Run("", 0.0, 0.0, 0.0)  # the last run that was not empty
        for run in runs:
            if run.text.strip() and _small_number_glued(run, before):
                if run.text in openers[number]:
                    notes[number].add(run.text)
                    continue
                if run.text in later[number] and int(run.text) in (1, last + 1):
                    last = int(run.text)
                    for following in range(number + 1, len(pages)):
                        notes[following].add(run.text)
                    continue
            kept.append(run)
            if run.text:  # a space or a line break too: a number after one is glued to no word
                before = run
        kept_pages.append(kept)
    return kept_pages, notes


def _small_number_glued(run: Run, before: Run) -> bool:
    glued = _GLUED.search(before.text) and not _SYMBOL.search(before.text)
    return bool(_MARKER.fullmatch(run.text) and glued and 0 < run.size <= SUPERSCRIPT * before.size)


def _origin(cm, tm) -> tuple[float, float]:
    """Where a run starts on the page: the text matrix's origin through the current matrix."""
    try:
        x, y = float(tm[4]), float(tm[5])
        a, b, c, d, e, f = (float(v) for v in cm[:6])
        return x * a + y * c + e, x * b + y * d + f
    except (TypeError, IndexError, ValueError):
        return 0.0, 0.0


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
