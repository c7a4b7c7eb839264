"""HTML via trafilatura (Apache-2.0): the main content only, with headings as the path.

trafilatura finds the article among navigation, menus, footers, scripts and cookie banners (it leads
the public main-content benchmarks and is actively maintained) and hands back its structure as XML:
headings (``<head rend="h2">``), paragraphs, list items, quotes, tables. Code is left out like in
Markdown; table rows become sentences naming their columns. A short page that trafilatura returns as
one flattened paragraph is read block by block instead (qa/readers/_htmlblocks.py). The bytes are
decoded first as a browser decodes a saved page (qa/readers/_charset.py), not guessed, and what a
browser never shows is removed before trafilatura looks, note markers are taken off the words they
follow and paragraphs made of double line breaks are set apart (qa/readers/_htmlprep.py).
"""

from __future__ import annotations

from ..errors import CorpusError
from . import Extracted
from ._blocks import Blocks, definition_sentences, table_sentences
from ._charset import decode_html
from ._htmlblocks import HEADINGS, read_blocks
from ._htmlexports import drop_menu_headings
from ._htmlprep import prepare

SETTINGS = {"include_tables": True, "include_comments": False, "include_images": False, "favor_recall": True}
MAX_HTML_BYTES = 20 * 2**20  # trafilatura's own limit for the pages it downloads (MAX_FILE_SIZE)
_TEXT_BLOCKS = {"p", "item", "quote", "cell", "label"}
_SKIPPED = {"code", "graphic", "comments"}  # as blocks: a code block is never an answer
_SKIPPED_INLINE = {"graphic", "comments"}  # inside a sentence, <code>F-7</code> is one of its words
_HOLDS_BLOCKS = {"head", "p", "list", "table", "quote"}  # a text block holding these is a container


def _text(element) -> str:
    """The element's text (inline code included, as in Markdown), line breaks as spaces."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _SKIPPED_INLINE:
            parts.append(_text(child) if child.tag != "lb" else " ")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _is_layout(table) -> bool:
    """A table used for layout, not data: a cell holds a heading (old sites put the whole page in one
    cell). Read as rows, its article became one "sentence" with the headings inside. A data table
    whose cells hold paragraphs (as Word's HTML export writes them) stays a table."""
    return any(next(cell.iter("head"), None) is not None for cell in table.iter("cell"))


def _table(table) -> tuple[list[list[str]], bool]:
    rows: list[list[str]] = []
    has_header = False
    for row in table.iter("row"):
        cells = [c for c in row if c.tag == "cell"]
        has_header = has_header or (not rows and any(c.get("role") == "head" for c in cells))
        rows.append([_text(c) for c in cells])
    return rows, has_header


def read(raw: bytes, name: str) -> Extracted:
    try:
        return _read(raw, name)
    except CorpusError:
        raise
    except Exception as exc:  # a parser failure on a user's file is a corpus problem, named
        raise CorpusError(
            f"corpus file {name} cannot be parsed as HTML ({type(exc).__name__}: {exc})"
        ) from None


def check_limits(raw: bytes, name: str) -> None:
    """Refuse a page libxml2 would cut short, or trafilatura take minutes on (``check_size``). Past 255
    nested elements (or a 10 MB text node) its HTML parser stops and drops the rest of the page, the
    end of the article included, without an error that trafilatura passes on. ``raw``: UTF-8 bytes
    (libxml2 sees no UTF-16 without a byte order mark: such a page passed whatever its depth)."""
    from lxml import etree  # type: ignore[import-untyped]

    check_size(len(raw), name)
    parser = etree.HTMLParser(encoding="utf-8", collect_ids=False)
    try:
        etree.fromstring(raw, parser)
    except etree.LxmlError:
        return  # nothing to parse: trafilatura finds no text below
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        raise CorpusError(
            f"corpus file {name} is beyond what the HTML parser reads whole ({limits[0]})",
            "nest its elements less than 255 deep, or save the article as .txt or .md",
        )


def check_size(size: int, name: str) -> None:
    """Refuse a page too large for trafilatura to finish soon: its time grows faster than the size (4 MB
    took 14 s, 25 MB 275 s)."""
    if size > MAX_HTML_BYTES:
        raise CorpusError(
            f"corpus file {name} is {size / 2**20:.0f} MB of HTML (at most "
            f"{MAX_HTML_BYTES / 2**20:.0f} MB are read): too slow to find its main text",
            "save the page's article as .txt or .md instead",
        )


def _read(raw: bytes, name: str) -> Extracted:
    import trafilatura
    from lxml import etree
    from trafilatura.utils import load_html

    check_size(len(raw), name)  # before decoding: refused at once
    page = decode_html(raw)
    check_limits(page.encode("utf-8"), name)
    tree = load_html(page)  # as trafilatura loads it, then made to read as a browser shows it
    if tree is not None:
        prepare(tree)
    xml = tree is not None and trafilatura.extract(
        tree,
        output_format="xml",
        include_tables=SETTINGS["include_tables"],
        include_comments=SETTINGS["include_comments"],
        include_images=SETTINGS["include_images"],
        favor_recall=SETTINGS["favor_recall"],
    )
    if not xml:
        raise CorpusError(
            f"corpus file {name} has no main text that could be found (navigation or scripts only?)",
            "save the page's article as .txt or .md instead",
        )
    root = etree.fromstring(xml.encode("utf-8"))
    blocks = Blocks()
    path: list[tuple[int, str]] = []

    def loose(text: str | None) -> None:
        """Text between blocks (after a heading or a paragraph in a ``<div>``, in no ``<p>`` of its
        own), which trafilatura writes as the tail of the block before it: a paragraph."""
        words = " ".join((text or "").split())
        if words:
            blocks.add(words, headings=[h for _, h in path])

    def walk(element) -> None:
        nonlocal path
        for child in element:
            tag = child.tag
            if tag in _SKIPPED:
                pass
            elif tag == "head":
                rend = child.get("rend", "h2")
                level = int(rend[1:]) if rend[1:].isdigit() else 2
                text = _text(child)
                if text:
                    path = [(lv, h) for lv, h in path if lv < level] + [(level, text)]
            elif tag == "list" and child.get("rend") == "dl":
                entries = [(i.get("rend", "").startswith("dt"), _text(i)) for i in child if i.tag == "item"]
                for sentence in definition_sentences(entries):
                    blocks.add(sentence, headings=[h for _, h in path])
            elif tag == "table" and _is_layout(child):
                walk(child)  # a page laid out in a table: its cells hold headings and paragraphs
            elif tag == "table":
                rows, has_header = _table(child)
                for sentence in table_sentences(rows, has_header):
                    blocks.add(sentence, headings=[h for _, h in path])
            elif tag in _TEXT_BLOCKS and not any(c.tag in _HOLDS_BLOCKS for c in child):
                blocks.add(_text(child), headings=[h for _, h in path])
            else:
                if tag in _TEXT_BLOCKS:  # a list item holding a nested list: its own words first
                    blocks.add(" ".join((child.text or "").split()), headings=[h for _, h in path])
                walk(child)
            loose(child.tail)

    main = root.find("main")
    walk(main if main is not None else root)
    extracted = blocks.build(name, "has no main text besides headings")
    return _unflattened(page, extracted) or _headed(page, extracted) or extracted


def _headed(page: str, extracted: Extracted) -> Extracted | None:
    """trafilatura's text with the headings the page shows above each line, when it kept none, else
    None. On a page with no ``<article>`` or ``<main>`` (what LibreOffice, pandoc and other editors
    export) it may gather the text element by element and leave every heading out: no passage knew its
    section. The block reading places each line under its headings; a line of trafilatura's found there
    (in order) takes that place, one not found the place of the line before. The text stays as
    trafilatura chose it, word for word."""
    if any(section.headings for section in extracted.sections):
        return None
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None or next(tree.iter(*HEADINGS), None) is None:
        return None
    drop_menu_headings(tree)
    own = Blocks()
    read_blocks(tree, own)
    if not own.parts:
        return None
    shown = own.build("")
    places: dict[str, list[tuple[int, tuple[str, ...]]]] = {}  # a line -> (its rank, its headings)
    placed = [(line, s.headings) for s in shown.sections for line in shown.text[s.start : s.end].split("\n")]
    for i, (line, headings) in enumerate(placed):
        places.setdefault(line, []).append((i, headings))
    blocks, found = Blocks(), 0
    path: tuple[str, ...] = ()
    for line in extracted.text.split("\n"):
        at = next(((i, h) for i, h in places.get(line, ()) if i >= found), None)
        if at is not None:
            (found, path) = (at[0] + 1, at[1])
        blocks.add(line, headings=path)
    result = blocks.build("")
    return result if any(section.headings for section in result.sections) else None


def _unflattened(page: str, extracted: Extracted) -> Extracted | None:
    """The page read block by block when trafilatura returned it as one paragraph made of several of
    its blocks (its fallback for short pages, a heading and a table among them), else None."""
    if len(extracted.sections) != 1 or extracted.sections[0].headings or "\n" in extracted.text:
        return None
    from trafilatura.utils import load_html

    tree = load_html(page)
    if tree is None:
        return None
    own = Blocks()
    read_blocks(tree, own)
    if not own.parts:
        return None
    result = own.build("")
    pieces = set(result.text.splitlines()) | {h for s in result.sections for h in s.headings}
    if sum(piece in extracted.text for piece in pieces) >= 2:
        return result
    # A table's rows are sentences of our own, never in trafilatura's dump: the dump is then known by
    # being the page's whole text (what the block reading kept), white space aside.
    dump = "".join("".join(tree.itertext()).split())
    return result if len(own.parts) >= 2 and dump == "".join(extracted.text.split()) else None
