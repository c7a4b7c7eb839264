"""Tables of contents Word documents build with a complex field rather than a content control.

A ``TOC`` field runs from a ``w:fldChar`` "begin" in one paragraph to its "end" in another, its
entries the paragraphs between: the headings again, page numbers attached ("Ketentuan Visa 1").
Word wraps it in a content control, which qa/readers/_wordxml.py already leaves out; Google Docs,
LibreOffice and older Word write the field alone, in paragraphs of any style, and its entries were
read as passages of their own.
"""

from __future__ import annotations

from ._wordxml import W

_CHAR, _INSTRUCTION, _TEXT = W + "fldChar", W + "instrText", W + "t"


def balanced(body) -> bool:
    """Whether every complex field below ``body`` that begins also ends: a field left open by a broken
    file would otherwise hide the rest of the document."""
    kinds = [e.get(W + "fldCharType") for e in body.iter(_CHAR)]
    return kinds.count("begin") == kinds.count("end")


def in_contents_field(p, fields: list[str]) -> bool:
    """Whether paragraph ``p`` is part of a ``TOC`` field: the field is open in it and none of its text
    is drawn outside the field (the heading after the contents may hold the field's end before its own
    text, and stays). ``fields``, the instructions of the fields open before ``p`` (outermost first), is
    carried from paragraph to paragraph."""
    touched = any(_is_toc(f) for f in fields)
    outside = False
    for element in p.iter(_CHAR, _INSTRUCTION, _TEXT):
        if element.tag == _TEXT:
            outside = outside or (bool((element.text or "").strip()) and not any(_is_toc(f) for f in fields))
        elif element.tag == _INSTRUCTION:
            if fields:
                fields[-1] += element.text or ""
        elif element.get(W + "fldCharType") == "begin":
            fields.append("")
        elif element.get(W + "fldCharType") == "end" and fields:
            fields.pop()
        touched = touched or any(_is_toc(f) for f in fields)
    return touched and not outside


def _is_toc(instruction: str) -> bool:
    return instruction.upper().split()[:1] == ["TOC"]  # Word reads field codes in any case
