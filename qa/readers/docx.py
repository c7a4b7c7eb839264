"""Word (.docx) via python-docx (MIT): paragraphs in order, headings as the path, tables as sentences.

A heading is recognised by its style ("Heading 1".."Heading 9", "Title") or, for documents whose
styles are renamed or localised, by the paragraph's outline level; like in Markdown it locates the
paragraphs under it instead of being a passage. Table rows become sentences naming their columns.
"""

from __future__ import annotations

import io
import re

from ..errors import CorpusError
from . import Extracted
from ._blocks import Blocks, table_sentences

_HEADING_STYLE = re.compile(r"(?:heading|judul)\s*(\d)", re.IGNORECASE)


def _style_level(style) -> int | None:
    """1-9 for a heading style (or one based on a heading style), None for others."""
    seen = 0
    while style is not None and seen < 20:  # base-style chains are short; a cycle must not hang us
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        m = _HEADING_STYLE.fullmatch(name)
        if m:
            return int(m.group(1))
        style, seen = style.base_style, seen + 1
    return None


def style_levels(document) -> dict[str | None, int | None]:
    """Heading level per paragraph style id, computed once: python-docx resolves a paragraph's style
    by scanning every style (a 400-paragraph file took 5 s when asked per paragraph)."""
    from docx.enum.style import WD_STYLE_TYPE

    levels: dict[str | None, int | None] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            levels[style.style_id] = _style_level(style)
            if style.element.default:
                levels[None] = levels[style.style_id]
    return levels


def heading_level(paragraph, levels: dict[str | None, int | None]) -> int | None:
    """1-9 for a heading paragraph (by style, else by its own outline level), None for body text."""
    level = levels.get(paragraph._p.style)
    if level is not None:
        return level
    ppr = paragraph._p.pPr
    outline = ppr.find(_qn("w:outlineLvl")) if ppr is not None else None
    if outline is not None:
        value = int(outline.get(_qn("w:val"), "9"))
        return value + 1 if value < 9 else None
    return None


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _rows(table) -> list[list[str]]:
    """Cell texts per row; a merged cell (repeated by python-docx for each grid column) counts once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            if any(cell._tc is tc for tc in seen):
                continue
            seen.append(cell._tc)
            cells.append(cell.text)
        rows.append(cells)
    return rows


def read(raw: bytes, name: str) -> Extracted:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # zipfile, lxml and python-docx errors all mean "not a usable .docx"
        raise CorpusError(
            f"corpus file {name} is not a readable Word document ({type(exc).__name__}: {exc})",
            "open and re-save it in Word or LibreOffice as .docx",
        ) from None
    blocks = Blocks()
    path: list[tuple[int, str]] = []
    levels = style_levels(document)
    for item in document.iter_inner_content():
        headings = [h for _, h in path]
        if isinstance(item, Table):
            for sentence in table_sentences(_rows(item), has_header=True):
                blocks.add(sentence, headings=headings)
            continue
        level = heading_level(item, levels)
        text = " ".join(item.text.split())
        if level is None:
            blocks.add(text, headings=headings)
        elif text:
            path = [(lv, h) for lv, h in path if lv < level] + [(level, text)]
    return blocks.build(name, "holds no text outside headings")
