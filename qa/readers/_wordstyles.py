"""What a Word document's styles say about its paragraphs: which are headings, and at what level; which
lists a style numbers; which paragraphs are a table of contents.

Kept apart from the walk over the body (qa/readers/docx.py) because it reads only ``styles.xml`` and
``numbering.xml``, once per document, and because style names are where Word documents differ most:
renamed or localised styles ("Judul 1"), custom ones known only by their outline level ("Bab",
"Pasal"), chains of base styles (which may loop in a damaged file).
"""

from __future__ import annotations

import re

from ._numbering import Numbering
from ._wordxml import W

_TOC_STYLE = re.compile(r"toc \d", re.IGNORECASE)  # the entries of a table of contents ("TOC 1")
_HEADING_STYLE = re.compile(r"(?:heading|judul)\s*(\d)", re.IGNORECASE)


def _style_level(style) -> int | None:
    """1-9 for a heading style (or one based on a heading style, or a custom style with an outline
    level such as "Bab" or "Pasal"), None for others."""
    seen = 0
    while style is not None and seen < 20:  # base-style chains are short; a cycle must not hang us
        name = (style.name or "").strip()
        if name.lower() == "title":
            return 1
        m = _HEADING_STYLE.fullmatch(name)
        if m:
            return int(m.group(1))
        level = _outline_level(style.element.pPr)
        if level is not None:
            return level
        style, seen = style.base_style, seen + 1
    return None


def _outline_level(ppr) -> int | None:
    """1-9 from a ``w:pPr``'s outline level (9, "body text", and bad values are None)."""
    outline = ppr.find(W + "outlineLvl") if ppr is not None else None
    value = outline.get(W + "val", "9") if outline is not None else "9"
    return int(value) + 1 if value.isdigit() and int(value) < 9 else None


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


def heading_level(p, levels: dict[str | None, int | None]) -> int | None:
    """1-9 for a heading paragraph ``w:p`` (by style, else by its own outline level), None for body
    text."""
    level = levels.get(p.style)
    if level is not None:
        return level
    return _outline_level(p.pPr)


def numbering(document) -> Numbering:
    """The document's list definitions, and the paragraph style each list is tied to (a style's own
    ``w:numPr`` or the nearest one up its chain of base styles: numbered heading styles)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    root = next(
        (parse_xml(rel.target_part.blob) for rel in document.part.rels.values()
         if rel.reltype == RT.NUMBERING and not rel.is_external),
        None,
    )  # fmt: skip
    styles: dict[str, object] = {}
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        base, seen = style, 0
        while base is not None and seen < 20:  # a cycle of base styles must not hang us
            ppr = base.element.pPr
            if ppr is not None and ppr.find(W + "numPr") is not None:
                styles[style.style_id] = ppr
                break
            base, seen = base.base_style, seen + 1
    return Numbering(root, styles)


def contents_styles(document) -> set[str]:
    """The style ids of a table of contents' entries: they repeat the headings, so are not read."""
    return {s.style_id for s in document.styles if _TOC_STYLE.fullmatch((s.name or "").strip())}
