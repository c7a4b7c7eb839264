"""An HTML tree made to read as a browser shows it, before trafilatura or the block reading sees it.

Seven things read differently from the markup: templates and ``<noscript>``, which are never shown
(collapsed and hidden text is kept: see ``drop_templates``), the notes and comments of a page Word
saved as HTML, a note marker glued to the word before it, paragraphs made with two line breaks
instead of ``<p>``, preformatted text, whose lines are lines (or code), a ``<details>``'s summary,
and a table's header row written in bold cells rather than ``<th>``; and what editors' and
converters' exports write (``qa/readers/_htmlexports.py``). ``prepare`` changes the tree in place.
"""

from __future__ import annotations

import re

from ._htmlblocks import BLOCK, HEADINGS
from ._htmlexports import drop_back_links, free_header_rows, styles_from_classes
from ._htmlpre import settle_preformatted
from ._htmltables import mark_header_rows, note_bands


def prepare(root) -> None:
    """``root`` (an lxml.html tree: a page, or a piece of one) without templates and note markers,
    paragraphs apart (see the functions)."""
    styles_from_classes(root)  # a style sheet's bold and bands, for the header rows below
    settle_word_notes(root)  # before drop_templates takes the styles that mark them
    note_bands(root)  # so do a table's header band's
    drop_templates(root)
    settle_disclosures(root)
    settle_aria_hidden(root)
    drop_note_markers(root)
    drop_back_links(root)
    free_header_rows(root)
    settle_preformatted(root)  # before the split, which makes its lines paragraphs
    split_at_double_breaks(root)
    mark_header_rows(root)


# Word's "Save as Web Page": a note's marker and its back-link carry mso-footnote-id (or -endnote-id)
# in their style, the notes sit in a div styled mso-element:footnote-list (endnote-list) behind an
# <hr>, and a reviewer's comments in one styled mso-element:comment-list, anchored by a.msocomanchor.
_WORD_NOTE_LINK = re.compile(r"mso-(?:footnote|endnote)-id", re.IGNORECASE)
_WORD_LIST = re.compile(r"mso-element:\s*(footnote|endnote|comment)-list", re.IGNORECASE)


def settle_word_notes(root) -> None:
    """A page Word saved as HTML read as the document reads: each note marker ("pasal 5[1]") taken off
    the word before it, the notes themselves read (the ``<hr>`` above them made trafilatura take them
    for the page's footer and drop them), a reviewer's comments and their anchors ("[RA1]") dropped,
    as the Word reader drops them."""
    from lxml import etree  # type: ignore[import-untyped]

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        style = element.get("style") or ""
        listed = _WORD_LIST.search(style)
        anchor = _WORD_NOTE_LINK.search(style) or "msocomanchor" in element.get("class", "")
        if (element.tag == "a" and anchor) or (listed and listed.group(1).lower() == "comment"):
            element.tag = _DROPPED
        elif listed:
            for rule in element.findall("hr") + element.findall("br"):
                rule.tag = _DROPPED  # the separator line above the notes (its tail text stays)
    etree.strip_elements(root, _DROPPED, with_tail=False)


_DROPPED = "qa-dropped"  # a tag no page uses: what is marked so is removed (a <template> may be read)
_SHADOW_ROOT = {"shadowrootmode", "shadowroot"}  # the attribute (and its pre-2023 name) of a shadow root


def drop_templates(root) -> None:
    """Remove ``<template>`` contents, which a browser never renders (a script clones them), but not a
    declarative shadow root's, which server-rendered web components are made of. Then every ``style``
    attribute goes: trafilatura drops any element whose style mentions "hidden" or "display: none".

    Text hidden until the reader acts on it (``hidden`` elements, inline ``display: none`` or
    ``visibility: hidden``: an FAQ's collapsed answers, a page's inactive tabs, jQuery's toggled
    panels) is kept: it is the page's content, what a question to this assistant is about, and search
    engines index it as well. A stray dialog or form message read along costs one passage; an FAQ read
    without its answers would make the assistant say the document is silent."""
    from lxml import etree

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "template" and _SHADOW_ROOT.intersection(element.attrib):
            element.tag = "div"  # declarative shadow DOM: the browser shows it in place
        element.attrib.pop("style", None)
    etree.strip_elements(root, "template", with_tail=False)


def settle_disclosures(root) -> None:
    """A ``<details>``'s ``<summary>`` read as a paragraph, and ``<noscript>`` left out. trafilatura made
    the summary a heading that went on heading the page's paragraphs after the ``<details>`` (an FAQ's
    question became the place of every answer below it), and it read a ``<noscript>`` on short pages
    ("Aktifkan JavaScript …"), which the browser that saved the page, scripts on, never showed. A page
    with no text outside its ``<noscript>`` keeps it: it is all the file holds."""
    from lxml import etree

    for summary in root.iter("summary"):
        summary.tag = "p"
    if _shows_text(root):
        etree.strip_elements(root, "noscript", with_tail=False)
    else:  # the page's only text is for readers without scripts: what the file holds, it is read
        etree.strip_tags(root, "noscript")


_UNSHOWN = frozenset({"noscript", "script", "style", "template", "head"})


def _shows_text(root) -> bool:
    """Whether the page shows text outside ``<noscript>`` (and scripts, styles, templates, the head): a
    page whose scripts draw all of it (an app's shell, saved before they ran or without them) holds its
    article in ``<noscript>`` alone. It stops at the first such text; an XPath of every text node and its
    ancestors took 11 s on a page of 10,000 headings, and ran twice since section 78."""
    for element in root.iter():
        own = isinstance(element.tag, str) and (element.text or "").strip()  # a comment's text is no text
        if own and not _unshown(element):
            return True
        parent = element.getparent()
        if (element.tail or "").strip() and parent is not None and not _unshown(parent):
            return True
    return False


def _unshown(element) -> bool:
    return element.tag in _UNSHOWN or any(e.tag in _UNSHOWN for e in element.iterancestors())


def settle_aria_hidden(root) -> None:
    """Read ``aria-hidden="true"`` text the same way on long pages and short ones: trafilatura dropped
    all of it, the block reading none. What it hides from screen readers is shown on screen, and in a
    block (a collapsed accordion panel, a carousel's other slides, as older widgets mark them) it is the
    page's content, kept like any collapsed text; inline (an icon font's ligature "expand_more", a
    decorative "×", a figure repeated for the eye beside its spoken form) it is not, and is dropped."""
    from lxml import etree

    for element in root.iter():
        if not isinstance(element.tag, str) or element.get("aria-hidden", "").strip().lower() != "true":
            continue
        if any(isinstance(e.tag, str) and e.tag in BLOCK | HEADINGS for e in element.iter()):
            del element.attrib["aria-hidden"]
        else:
            element.tag = _DROPPED
    etree.strip_elements(root, _DROPPED, with_tail=False)


def drop_note_markers(root) -> None:
    """Remove the superscript markers that link to a note on the page (``5<sup><a href="#fn1">1</a>
    </sup>``, or the link around the ``<sup>``; Wikipedia's "[2]"): glued to the word before them they
    changed it, "pasal 5¹" read "pasal 51". A superscript that is not only such a link (m², x²) stays,
    and so does the note itself."""
    from lxml import etree

    markers = []
    for sup in root.iter("sup"):
        text = _words(sup.text_content())
        links = [a for a in sup.iter("a") if _in_page(a)]
        holder = sup.getparent()
        if text and links and text == _words("".join(a.text_content() for a in links)):
            markers.append(sup)
        elif text and holder is not None and _in_page(holder) and _words(holder.text_content()) == text:
            markers.append(holder)
    for marker in markers:
        marker.tag = "template"
    etree.strip_elements(root, "template", with_tail=False)


# Elements whose lines a double line break splits into paragraphs (not an inline element, nor one
# holding blocks of its own: those are already paragraphs).
_BREAKABLE = {"p", "div", "td", "th", "li", "dd", "section", "article", "main", "body", "blockquote",
              "center", "font"}  # fmt: skip


def split_at_double_breaks(root) -> None:
    """Make each run of text that two or more ``<br>`` in a row close a paragraph of its own, as the
    browser shows it: a page written in an editor that makes paragraphs with ``<br><br>`` (old sites,
    many CMS articles) had its headings and paragraphs read as one unpunctuated "sentence" ("Syarat
    cuti Pegawai berhak ... Prosedur pengajuan Permohonan ..."), since trafilatura merges the breaks
    into one and a single break is a space. A single ``<br>`` stays a space within its paragraph."""
    for parent in [e for e in root.iter(*_BREAKABLE) if e.find("br") is not None]:
        children = list(parent)
        if any(not isinstance(c.tag, str) for c in children):
            continue  # comments inside: left as they are
        runs: dict[int, int] = {}  # first -> last index of each run of 2+ breaks with no text between
        first = None
        for i, child in enumerate(children):
            if child.tag != "br":
                first = None
                continue
            first = i if first is None else first
            if (child.tail or "").strip() or i + 1 == len(children) or children[i + 1].tag != "br":
                if i > first:
                    runs[first] = i
                first = None
        if runs:
            _split(parent, children, runs)


def _split(parent, children: list, runs: dict[int, int]) -> None:
    """``parent``'s content as paragraphs, one per piece between the runs of breaks; a block or a
    heading among them stays itself, between the pieces before and after it."""
    out: list = []
    piece = parent.makeelement("p", {})
    piece.text = parent.text
    skip_to = -1
    for i, child in enumerate(children):
        if i <= skip_to:
            continue
        if i in runs or child.tag in BLOCK or child.tag in HEADINGS:
            out.append(piece)
            piece = parent.makeelement("p", {})
            if i in runs:
                skip_to = runs[i]
                piece.text = children[skip_to].tail
            else:
                piece.text, child.tail = child.tail, None
                out.append(child)
        else:
            piece.append(child)  # moves it, with its tail
    out.append(piece)
    out = [e for e in out if e.tag != "p" or len(e) or (e.text or "").strip() or e in children]
    if parent.tag == "p" and parent.getparent() is not None and not out:  # breaks only: the text
        for child in children:  # after it (removed with it before) becomes its paragraph, as shown
            parent.remove(child)
        parent.text, parent.tail = parent.tail, None
        return
    if parent.tag == "p" and parent.getparent() is not None:  # no paragraph in a paragraph: its
        out[-1].tail = parent.tail  # pieces take its place
        for element in out:
            parent.addprevious(element)
        parent.getparent().remove(parent)
        return
    parent.text = None
    for child in list(parent):
        parent.remove(child)
    parent.extend(out)


def _in_page(element) -> bool:
    return element.tag == "a" and element.get("href", "").startswith("#")


def _words(text: str) -> str:
    return " ".join(text.split())
