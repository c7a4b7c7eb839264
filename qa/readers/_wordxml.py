"""The text of WordprocessingML elements, read from the XML itself rather than python-docx's objects.

python-docx's ``Paragraph.text`` sees only runs and hyperlinks directly under a paragraph, and
``iter_inner_content`` only paragraphs and tables directly under the body, so text Word shows was
lost without a word: content controls (``w:sdt``, what forms and templates are made of), tracked
insertions (``w:ins``), simple fields, smart tags and custom XML, text boxes, tables inside table
cells and footnotes. Here every ``w:t`` a reader sees counts, in document order (and the text of
equations and of SmartArt diagrams), except deleted or moved-away text, hidden text and the VML copy
of a text box that Word writes beside the modern one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"  # equations (OMML)
P, TBL, TR, TC = W + "p", W + "tbl", W + "tr", W + "tc"
ALT_CHUNK = W + "altChunk"  # an embedded HTML or text document (qa/readers/_altchunk.py)
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
R_ID = _R + "id"
_DGM = "{http://schemas.openxmlformats.org/drawingml/2006/diagram}"  # SmartArt
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_TEXT = {W + "t", _M + "t"}
# The parts of an equation after its first (a denominator, an exponent, an index, a root's degree): a
# space keeps "p/l" or "m²" from running into one word ("pl", "m2").
_MATH_PARTS = {_M + "den", _M + "sup", _M + "sub", _M + "deg", _M + "lim"}
_SPACES = {W + "tab", W + "ptab", W + "br", W + "cr"}  # a line or page break is a space, not nothing
_SKIPPED = {
    W + "del",  # tracked deletion: no longer part of the text
    W + "moveFrom",  # tracked move: the text is read at its new place (w:moveTo)
    W + "pPr",  # paragraph properties (also hold the mark of a deleted paragraph)
    W + "rPr",
    _MC + "Fallback",  # the VML duplicate of what mc:Choice holds (text boxes are written twice)
}
_CONTAINERS = {W + "sdt", W + "sdtContent", W + "customXml", W + "smartTag", _MC + "AlternateContent",
               _MC + "Choice"}  # fmt: skip
_BLOCK_MATH = {_M + "oMathPara", _M + "oMath"}
_NOTE_REFS = {W + "footnoteReference": "footnotes", W + "endnoteReference": "endnotes"}


@dataclass
class Inline:
    """A paragraph's (or a cell's) text, the text boxes anchored in it and the notes it refers to."""

    parts: list[str] = field(default_factory=list)
    boxes: list = field(default_factory=list)  # w:txbxContent elements: their paragraphs come after
    notes: list[tuple[str, str]] = field(default_factory=list)  # ("footnotes", id)
    diagrams: list[str] = field(default_factory=list)  # relationship ids of SmartArt diagrams' data

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def inline(element, into: Inline | None = None) -> Inline:
    """The visible text below ``element`` (a paragraph), with its text boxes and note references."""
    out = into if into is not None else Inline()
    for child in element:
        tag = child.tag
        if tag in _TEXT:
            out.parts.append(child.text or "")
        elif tag == W + "r" and _is_hidden(child):
            continue  # hidden text (Font > Hidden): Word neither shows nor prints it
        elif tag in _MATH_PARTS:
            out.parts.append(" ")
            inline(child, out)
        elif tag in _SPACES:
            out.parts.append(" ")
        elif tag == W + "ruby":  # a phonetic guide over its base: the base, then the guide in brackets,
            base, guide = child.find(W + "rubyBase"), child.find(W + "rt")  # as a browser without ruby
            inline(base if base is not None else [], out)
            out.parts.append(f"({inline(guide).text})" if guide is not None else "")
        elif tag == W + "noBreakHyphen":
            out.parts.append("-")
        elif tag == W + "txbxContent":
            out.boxes.append(child)
        elif tag in _NOTE_REFS:
            out.notes.append((_NOTE_REFS[tag], child.get(W + "id", "")))
        elif tag == _DGM + "relIds":
            out.diagrams.append(child.get(_R + "dm", ""))
        elif tag not in _SKIPPED and isinstance(tag, str) and not _is_placeholder(child):
            inline(child, out)  # (comments and processing instructions have no str tag)
    return out


def mark_deleted(p) -> bool:
    """Whether paragraph ``p``'s mark is a tracked deletion: what is left of its text runs on into the
    next paragraph, as Word shows the document once the change is accepted."""
    return p.find(f"{W}pPr/{W}rPr/{W}del") is not None


def _is_hidden(run) -> bool:
    """A run formatted as hidden text (``w:vanish``; ``w:webHidden`` is shown when printed, so it stays)."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(W + "val", "true").lower() not in ("0", "false", "off")


def blocks(container) -> Iterator:
    """The paragraphs, tables and embedded documents of a body, cell, text box or note, content controls
    opened (except a table of contents: its entries repeat the headings, page numbers attached). An
    equation set as a block of its own, outside any paragraph (the body may hold one), is a paragraph."""
    for child in container:
        if child.tag in (P, TBL, ALT_CHUNK):
            yield child
        elif child.tag in _BLOCK_MATH:
            yield _paragraph_of(child)
        elif child.tag in _CONTAINERS and not _is_contents(child) and not _is_placeholder(child):
            yield from blocks(child)


def _paragraph_of(math):
    """A ``w:p`` holding a copy of a block-level equation (the copy leaves the document's tree whole)."""
    from copy import deepcopy

    from docx.oxml import OxmlElement

    paragraph = OxmlElement("w:p")
    paragraph.append(deepcopy(math))
    return paragraph


def _is_contents(element) -> bool:
    gallery = element.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
    return gallery is not None and gallery.get(W + "val", "").lower().startswith("table of contents")


def _is_placeholder(element) -> bool:
    """A content control still showing its prompt ("Click or tap here to enter text."): not content."""
    shown = element.find(f"{W}sdtPr/{W}showingPlcHdr")
    return shown is not None and shown.get(W + "val", "true").lower() not in ("0", "false", "off")


def _within(parent, tag: str) -> Iterator:
    """``parent``'s children of ``tag`` (a table's rows, a row's cells), also inside content controls."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _within(child, tag)


def _rows(tbl) -> Iterator:
    return _within(tbl, TR)


def _cells(tr) -> Iterator:
    return _within(tr, TC)


def cell_inline(tc, numbers: dict | None = None) -> Inline:
    """All the text of a cell on one line: its paragraphs (after their list numbers, ``numbers``: see
    qa/readers/_numbering.py), nested tables and text boxes included."""
    out = Inline()
    for block in blocks(tc):
        if block.tag == TBL:
            for tr in _rows(block):
                for inner in _cells(tr):
                    nested = cell_inline(inner, numbers)
                    out.parts.append(" " + nested.text)
                    out.notes.extend(nested.notes)
        else:
            if numbers and block in numbers:
                out.parts.append(numbers[block] + " ")  # an auto-numbered "No." column
            inline(block, out)
            out.parts.append(" ")
    for box in out.boxes:
        out.parts.append(" " + " ".join(inline(p).text for p in blocks(box) if p.tag == P))
    out.boxes = []
    return out


def _number(parent, tag: str, default: int) -> int:
    """An integer property such as ``w:tcPr/w:gridSpan/@w:val`` (the default when absent or bad)."""
    element = parent.find(W + tag) if parent is not None else None
    value = element.get(W + "val", "") if element is not None else ""
    return int(value) if value.isdigit() and int(value) < 1000 else default


def table_rows(tbl, numbers: dict | None = None) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Cell texts per row (rows and cells inside content controls included) and the notes the cells
    refer to. A cell merged with the one above it (``w:vMerge``) repeats that cell's text, so every
    row reads whole, as Word shows it."""
    rows: list[list[str]] = []
    refs: list[tuple[str, str]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell starting there in the row above
    for tr in _rows(tbl):
        column = _number(tr.find(W + "trPr"), "gridBefore", 0)
        texts: list[str] = []
        here: dict[int, str] = {}
        for tc in _cells(tr):
            props = tc.find(W + "tcPr")
            merge = props.find(W + "vMerge") if props is not None else None
            if merge is not None and merge.get(W + "val", "continue") == "continue":
                text = above.get(column, "")
            else:
                content = cell_inline(tc, numbers)
                text = content.text
                refs.extend(content.notes)
            here[column] = text
            texts.append(text)
            column += max(1, _number(props, "gridSpan", 1))
        above = here
        rows.append(texts)
    return rows, refs


def notes(root) -> dict[str, list]:
    """Footnote or endnote id -> its paragraphs; the separator "notes" Word always writes are left out."""
    found: dict[str, list] = {}
    for note in root:
        if note.get(W + "type") in (None, "normal"):
            found[note.get(W + "id", "")] = [b for b in blocks(note) if b.tag == P]
    return found


def diagram_boxes(root) -> list[str]:
    """The text of a SmartArt diagram's boxes (its data part, ``dgm:dataModel``), one line each, in
    the order Word lists them: an organisation chart, a process, a cycle. Word keeps that text out of
    the document's XML, so it was lost without a word. Connectors and the diagram's own point hold no
    text a reader sees."""
    lines: list[str] = []
    for point in root.iter(_DGM + "pt"):
        body = point.find(_DGM + "t")
        if point.get("type", "node") not in ("node", "asst") or body is None:
            continue
        paragraphs = ("".join(t.text or "" for t in p.iter(_A + "t")) for p in body.iter(_A + "p"))
        text = " ".join(" ".join(paragraphs).split())
        if text:
            lines.append(text)
    return lines
