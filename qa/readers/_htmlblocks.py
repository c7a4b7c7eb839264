"""HTML read block by block with lxml, for the pages whose structure trafilatura flattens.

On a short page (under ~250 characters of main text) trafilatura falls back to a "baseline" dump that
returns the whole article or body as one paragraph: headings ran into the paragraphs under them and
every heading path was lost. Such pages have little boilerplate to remove, so reading their blocks
directly is both safe and exact; ``qa.readers.html`` decides when.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._blocks import Blocks, definition_sentences, table_sentences

# Never content: scripts, styles, page furniture, forms, embedded media, code blocks (as in Markdown;
# inline <code> is a word of its sentence and stays).
DROPPED = ("script", "style", "noscript", "template", "head", "title", "nav", "header", "footer", "aside",
           "form", "button", "select", "textarea", "iframe", "svg", "math", "object", "embed", "canvas",
           "audio", "video", "dialog")  # fmt: skip
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Blocks: each starts a line of its own (table parts only matter in a layout table, which is walked).
BLOCK = {"address", "article", "blockquote", "body", "caption", "center", "dd", "details", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "hr", "html", "li", "main", "ol", "p", "pre", "section",
          "summary", "ul", "legend", "menu", "hgroup", "table", "thead", "tbody", "tfoot", "tr", "td",
          "th"}  # fmt: skip


def _words(text: str) -> str:
    return " ".join(text.split())


def _text_of(element) -> str:
    """An element's words on one line (a cell, a heading, a term): a line break or a block inside it
    separates words, which ``text_content`` glued ("Tarif harian<br>tiga ratus" read "hariantiga")."""
    parts: list[str] = []

    def walk(node) -> None:
        parts.append(node.text or "")
        for child in node:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            apart = tag == "br" or tag in BLOCK or tag in HEADINGS
            parts.append(" " if apart else "")
            if tag:
                walk(child)
            parts.append(" " if apart else "")
            parts.append(child.tail or "")

    walk(element)
    return _words("".join(parts))


def _is_layout(table) -> bool:
    """A table used for layout (a cell holds a heading), to be read as blocks; see qa.readers.html."""
    return any(next(cell.iter(*HEADINGS), None) is not None for cell in table.iter("td", "th"))


def _rows(table) -> tuple[list[list[str]], bool]:
    """Cell texts per row of this table (not of the tables nested in its cells: they are cell text)."""
    rows: list[list[str]] = []
    has_header = False
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is not table:
            continue
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]
        has_header = has_header or (not rows and bool(cells) and all(c.tag == "th" for c in cells))
        rows.append([_text_of(c) for c in cells])
    return rows, has_header


Path = Sequence[tuple[int, str]]  # (level, heading text), outermost first


def read_blocks(root, blocks: Blocks, around: Path = ()) -> list[tuple[int, str]]:
    """Every block of ``root`` (an lxml.html tree: a page, or a piece of one) in order, under its
    heading path (starting from ``around``, the headings around it); returns the heading path in force
    after it."""
    from lxml import etree  # type: ignore[import-untyped]

    from ._htmlprep import prepare

    prepare(root)
    for code in root.iter("code"):
        block = code.getparent()
        if block is not None and block.tag == "pre":
            block.tag = "script"  # a code block: dropped below with the rest
    for element in root.iter("header", "footer"):  # an article's own header holds its title
        if next(element.iterancestors("article", "main"), None) is not None:
            element.tag = "div"
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *DROPPED, with_tail=False)
    path = list(around)
    line: list[str] = []

    def flush() -> None:
        blocks.add("".join(line), headings=[h for _, h in path])
        line.clear()

    def walk(element) -> None:
        nonlocal path
        line.append(element.text or "")
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in HEADINGS:
                flush()
                text = _text_of(child)
                if text:
                    path = [(lv, h) for lv, h in path if lv < int(tag[1])] + [(int(tag[1]), text)]
            elif tag == "dl":
                flush()
                entries = [(c.tag == "dt", _text_of(c)) for c in child.iter("dt", "dd")]
                for sentence in definition_sentences(entries):
                    blocks.add(sentence, headings=[h for _, h in path])
            elif tag == "table" and not _is_layout(child):
                flush()
                for sentence in table_sentences(*_rows(child)):
                    blocks.add(sentence, headings=[h for _, h in path])
            elif tag in BLOCK:
                flush()
                walk(child)
                flush()
            elif tag == "br":
                line.append(" ")
            else:
                walk(child)
            line.append(child.tail or "")

    walk(root)
    flush()
    return path


def read_fragment(html: str, blocks: Blocks, path: Path) -> list[tuple[int, str]]:
    """A piece of HTML (a raw HTML block of a Markdown file) read as a page's blocks are: its text
    under ``path``, never its tags, scripts, styles, comments or code. Returns the heading path after
    it (an ``<h1>`` in a README's HTML heads the Markdown below it)."""
    from lxml import etree
    from lxml.html import HTMLParser  # type: ignore[import-untyped]

    # bytes with their encoding named: a fragment declaring another charset is not decoded twice
    root = etree.fromstring(html.encode("utf-8"), HTMLParser(encoding="utf-8", collect_ids=False))
    return list(path) if root is None else read_blocks(root, blocks, path)
