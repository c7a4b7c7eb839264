"""Tables of contents Word documents build with a complex field rather than a content control.

A ``TOC`` field runs from a ``w:fldChar`` "begin" in one paragraph to its "end" in another, its
entries the paragraphs between: the headings again, page numbers attached ("Ketentuan Visa 1").
Word wraps it in a content control, which qa/readers/_wordxml.py already leaves out; Google Docs,
LibreOffice and older Word write the field alone, in paragraphs of any style, and its entries were
read as passages of their own.
"""

from __future__ import annotations

from ._wordxml import P, W

_CHAR, _INSTRUCTION, _TEXT = W + "fldChar", W + "instrText", W + "t"


def contents_paragraphs(body) -> set:
    """The paragraphs below ``body`` that are part of a ``TOC`` field: the field is open in them and none
    of their text is drawn outside it (the heading after the contents may hold the field's end before
    its own text, and stays). The fields are followed through the whole body in document order, tables
    and content controls the reading skips included, so a field that ends in one still ends. None are
    when a field that begins does not end (a broken file): an open field would hide the rest."""
    kinds = [e.get(W + "fldCharType") for e in body.iter(_CHAR)]
    if kinds.count("begin") != kinds.count("end"):
        return set()
    fields: list[str] = []  # the instructions of the fields open here, outermost first
    touched: dict = {}  # paragraph -> whether a TOC field is open in it
    outside: set = set()  # paragraphs with text drawn outside any TOC field
    for element in body.iter(P, _CHAR, _INSTRUCTION, _TEXT):
        if element.tag == P:
            touched[element] = _in_toc(fields)
            continue
        paragraph = next(element.iterancestors(P), None)
        if element.tag == _TEXT:
            if (element.text or "").strip() and not _in_toc(fields):
                outside.add(paragraph)
        elif element.tag == _INSTRUCTION:
            if fields:
                fields[-1] += element.text or ""
        elif element.get(W + "fldCharType") == "begin":
            fields.append("")
        elif element.get(W + "fldCharType") == "end" and fields:
            fields.pop()
        if paragraph is not None and _in_toc(fields):
            touched[paragraph] = True
    return {p for p, inside in touched.items() if inside and p not in outside}


def _in_toc(fields: list[str]) -> bool:
    return any(f.upper().split()[:1] == ["TOC"] for f in fields)  # Word reads field codes in any case
