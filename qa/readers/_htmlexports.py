"""What the HTML that editors and converters export says in ways the extractor misreads.

Hosts bring pages made by a tool rather than a site: pandoc, a static site's Markdown, Google Docs'
"Download as web page", LibreOffice. Three things in them read wrong before these changes:

- a note's back-link ("↩", "↑", a heading's "¶"), a link to a place on the page made of signs alone:
  glued to the note's last word, and on a page of a few short notes trafilatura took the list of notes,
  a link in every item, for a list of links and dropped it, the notes lost;
- a table's header row carrying a class (pandoc writes ``<tr class="header">``): the readability
  fallback trafilatura may prefer drops any element whose class says "header", and the table's columns
  lost their names;
- bold written as a class of the page's style sheet (Google Docs: ``.c9{font-weight:700}``) rather than
  ``<b>``: a table's bold header row was not seen as one;
- and on such a page without ``<article>``, a menu's heading placed the text after it (see
  ``drop_menu_headings``, which ``qa.readers.html`` calls before placing a page's lines).
"""

from __future__ import annotations

import re

from ._htmlblocks import HEADINGS

_DROPPED = "qa-dropped"  # a tag no page uses: what is marked so is removed
_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_BOLD = re.compile(r"bold(?:er)?|[6-9]00")
_CARRIED = {"font-weight", "text-align", "background-color", "background"}  # what the table rules read


def drop_back_links(root) -> None:
    """Remove links to a place on the page whose text is signs alone (no letter or digit): a note's way
    back ("↩︎", "↑"), a heading's permalink ("¶", "#"). They are navigation, never words of the text; a
    note marker ("[1]", "2") and a link with words ("Kembali ke atas") stay."""
    from lxml import etree  # type: ignore[import-untyped]

    for link in root.iter("a"):
        text = link.text_content()
        if link.get("href", "").startswith("#") and text.strip() and not any(c.isalnum() for c in text):
            link.tag = _DROPPED
    etree.strip_elements(root, _DROPPED, with_tail=False)


def free_header_rows(root) -> None:
    """Take the class and id off a table's header rows (those in ``<thead>``, or a first row of ``<th>``
    cells), their cells and their ``<thead>``: a class names how they look, and one saying "header"
    made the header row look like a page's header to the extractor, which dropped it."""
    for table in root.iter("table"):
        rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
        heads = [tr for tr in rows if tr.getparent() is not None and tr.getparent().tag == "thead"]
        if not heads and rows and all(c.tag == "th" for c in rows[0] if isinstance(c.tag, str)):
            heads = rows[:1]
        for row in heads:
            for element in (row.getparent(), row, *row):
                if element is not None and isinstance(element.tag, str) and element.tag != "table":
                    element.attrib.pop("class", None)
                    element.attrib.pop("id", None)


def styles_from_classes(root) -> None:
    """Give each element what its classes say in the page's ``<style>`` sheets of weight, alignment and
    background (simple ``.name`` selectors, as Google Docs and LibreOffice write them), before its own
    ``style``, which wins; then a ``<span>`` whose style makes it bold is a ``<b>``. The header-row and
    band rules read bold type and a row's look from the markup (``qa/readers/_htmltables.py``). Only
    those declarations are carried, the last one of each kind a class sets: a page repeating a rule
    thousands of times gives each element a few words, not the whole sheet."""
    rules: dict[str, dict[str, str]] = {}
    for sheet in root.iter("style"):
        for rule in _without_comments(sheet.text or "").split("}"):  # no pattern: linear whatever it holds
            selectors, brace, body = rule.rpartition("{")
            if not brace:
                continue
            carried = {}
            for declaration in body.split(";"):
                key, _, value = declaration.partition(":")
                if key.strip().lower() in _CARRIED:
                    carried[key.strip().lower()] = value.strip()
            for selector in selectors.split(",") if carried else ():
                name = _CLASS.fullmatch(selector.strip())
                if name:
                    rules.setdefault(name.group(1), {}).update(carried)
    if not rules:
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        merged: dict[str, str] = {}
        for word in (element.get("class") or "").split():
            merged.update(rules.get(word, {}))
        if merged:
            own = element.get("style") or ""
            element.set("style", ";".join(f"{key}:{value}" for key, value in merged.items()) + ";" + own)
        if element.tag == "span" and _bold(element.get("style") or ""):
            element.tag = "b"


def _without_comments(css: str) -> str:
    """A style sheet without its ``/* … */`` comments (an unclosed one runs to the end), in one pass."""
    out, at = [], 0
    while (start := css.find("/*", at)) != -1:
        out.append(css[at:start])
        end = css.find("*/", start + 2)
        at = len(css) if end == -1 else end + 2
    out.append(css[at:])
    return "".join(out)


def _bold(style: str) -> bool:
    """Whether the last ``font-weight`` of a style makes its text bold."""
    weights = [v.strip().lower() for k, _, v in (d.partition(":") for d in style.split(";"))
               if k.strip().lower() == "font-weight"]  # fmt: skip
    return bool(weights) and _BOLD.fullmatch(weights[-1].replace("!important", "").strip()) is not None


MENU_LINKS = 0.8  # a heading whose container's other text is this share links or more heads a menu


def drop_menu_headings(tree) -> None:
    """Take out the headings of menus and link lists outside ``<nav>`` (``<div id="menu"><h3>Tautan
    Cepat</h3><ul>`` of links): trafilatura leaves their links out, and the page's text after them, with
    no heading between, was placed in "Tautan Cepat". Each container is measured once (a page of
    40,000 headings in ``<body>`` would otherwise measure the whole page for each)."""
    measured: dict = {}  # a container -> (its text's length, its links' text's length)
    for heading in list(tree.iter(*HEADINGS)):
        container = heading.getparent()
        if container is None:
            continue
        if container not in measured:
            measured[container] = (_length(container), sum(_length(a) for a in _links(container)))
        text, links = measured[container]
        rest = text - _length(heading)
        links -= sum(_length(a) for a in _links(heading))
        if rest > 0 and links >= MENU_LINKS * rest:
            heading.drop_tree()


def _length(element) -> int:
    return len("".join(element.text_content().split()))


def _links(element) -> list:
    return [a for a in element.iter("a") if a.get("href")]
