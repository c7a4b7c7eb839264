"""Tables of contents Word documents build with a complex field rather than a content control.

A ``TOC`` field runs from a ``w:fldChar`` "begin" in one paragraph to its "end" in another, its
entries the paragraphs between: the headings again, page numbers attached ("Ketentuan Visa 1").
Word wraps it in a content control, which qa/readers/_wordxml.py already leaves out; Google Docs,
LibreOffice and older Word write the field alone, in paragraphs of any style, and its entries were
read as passages of their own.
"""

from __future__ import annotations

from ._wordxml import W

_CHAR, _INSTRUCTION = W + "fldChar", W + "instrText"


def balanced(body) -> bool:
    """Whether every complex field below ``body`` that begins also ends: a field left open by a broken
    file would otherwise hide the rest of the document."""
    kinds = [e.get(W + "fldCharType") for e in body.iter(_CHAR)]
    return kinds.count("begin") == kinds.count("end")


def in_contents_field(p, fields: list[str]) -> bool:
    """Whether paragraph ``p`` is part of a ``TOC`` field. ``fields``, the instructions of the fields
    open before ``p`` (outermost first), is carried from paragraph to paragraph."""
    inside = any(_is_toc(f) for f in fields)
    for element in p.iter(_CHAR, _INSTRUCTION):
        if element.tag == _INSTRUCTION:
            if fields:
                fields[-1] += element.text or ""
        elif element.get(W + "fldCharType") == "begin":
            fields.append("")
        elif element.get(W + "fldCharType") == "end" and fields:
            fields.pop()
        inside = inside or any(_is_toc(f) for f in fields)
    return inside


def _is_toc(instruction: str) -> bool:
    return instruction.split()[:1] == ["TOC"]
