"""Word (.docx) via python-docx (MIT): paragraphs in order, headings as the path, tables as sentences.

A heading is recognised by its style ("Heading 1".."Heading 9", "Title") or, for documents whose
styles are renamed or localised, by the paragraph's outline level (qa/readers/_wordstyles.py); like
in Markdown it locates the paragraphs under it instead of being a passage. Table rows become sentences
naming their columns. The text itself is read from the XML (qa/readers/_wordxml.py): content controls,
tracked insertions, text boxes, nested tables, footnotes, equations, SmartArt diagrams and embedded HTML
(``w:altChunk``, read by qa/readers/_altchunk.py) are part of the document; headers and footers are not
(like a PDF's running lines), nor is text formatted as hidden; tracked changes read as accepted (a
paragraph whose mark is deleted runs on into the next). Any failure on a malformed file is the file's
error, named.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import CorpusError
from ..signatures import OLE
from . import Extracted
from . import _wordxml as wordxml
from ._altchunk import read_chunk
from ._blocks import Blocks, table_sentences
from ._wordfields import contents_paragraphs
from ._wordstyles import contents_styles, heading_level, numbering, style_levels

# A .docx is a zip: a few kilobytes can inflate to gigabytes of XML that python-docx and lxml would hold
# in memory (1 MB of zipped blanks took 2 GB and 13 s before lxml gave up). The sizes the zip declares
# bound what zipfile will inflate, so they are checked first. A 1,000-page report has ~20 MB of XML.
MAX_XML_BYTES = 128 * 2**20
MAX_UNPACKED_BYTES = 1024 * 2**20  # pictures included


def check_sizes(raw: bytes, name: str) -> None:
    """Refuse a zip bomb by the sizes its directory declares (a zip that lies fails its CRC instead)."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except Exception:
        return  # not a zip at all: python-docx says so below
    xml = sum(e.file_size for e in entries if e.filename.lower().endswith((".xml", ".rels")))
    total = sum(e.file_size for e in entries)
    if xml > MAX_XML_BYTES or total > MAX_UNPACKED_BYTES:
        raise CorpusError(
            f"corpus file {name} unpacks to {max(xml, total) / 2**20:,.0f} MB "
            f"(at most {MAX_XML_BYTES / 2**20:.0f} MB of XML and {MAX_UNPACKED_BYTES / 2**20:.0f} MB in all "
            "are read): a zip bomb, or a document too large to index",
            "split the document, or save it without embedded media",
        )


def read(raw: bytes, name: str) -> Extracted:
    import docx

    if raw.startswith(OLE):  # Word writes a password-protected .docx as an encrypted OLE file
        raise CorpusError(
            f"corpus file {name} is password-protected (or an old .doc renamed to .docx)",
            "put an unprotected copy saved as .docx in the corpus",
        )
    check_sizes(raw, name)
    try:
        document = docx.Document(io.BytesIO(raw))
        return _Body(document).read(name)
    except CorpusError:
        raise
    except Exception as exc:  # zipfile, lxml and python-docx errors all mean "not a usable .docx"
        if _strict(raw):
            raise CorpusError(
                f"corpus file {name} is saved as a Strict Open XML Document, which cannot be read",
                'open it in Word and save it as "Word Document (*.docx)", or export it to PDF',
            ) from None
        raise CorpusError(
            f"corpus file {name} is not a readable Word document ({type(exc).__name__}: {exc})",
            "open and re-save it in Word or LibreOffice as .docx",
        ) from None


def _strict(raw: bytes) -> bool:
    """Whether ``raw`` is Word's "Strict Open XML Document": the same parts under other namespaces
    (purl.oclc.org/ooxml), which python-docx does not know; its error named a missing relationship."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open("_rels/.rels") as rels:
            return b"purl.oclc.org/ooxml/" in rels.read(64 * 1024)
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False


def _all_notes(document) -> dict[tuple[str, str], list]:
    """("footnotes" | "endnotes", id) -> the note's paragraphs."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    found: dict[tuple[str, str], list] = {}
    for rel in document.part.rels.values():
        kind = {RT.FOOTNOTES: "footnotes", RT.ENDNOTES: "endnotes"}.get(rel.reltype)
        if kind and not rel.is_external:
            for key, paragraphs in wordxml.notes(parse_xml(rel.target_part.blob)).items():
                found[(kind, key)] = paragraphs
    return found


class _Body:
    """One walk over a document's body, in order. What the styles, the numbering and the notes say is
    read once before it; what the walk holds between paragraphs is here: the blocks so far, the heading
    path in force, the notes already added (a note is read once, after its first reference) and the
    paragraphs whose mark is a tracked deletion (they run on into the next)."""

    def __init__(self, document) -> None:
        body = document.element.body
        self.document = document
        self.blocks = Blocks()
        self.path: list[tuple[int, str]] = []
        self.levels = style_levels(document)
        self.toc_styles = contents_styles(document)  # a table of contents' entries repeat the headings
        self.toc_paragraphs = contents_paragraphs(body)  # a field-built table of contents
        self.notes = _all_notes(document)
        self.noted: set[tuple[str, str]] = set()
        self.numbers = numbering(document).labels(body)
        self.carried: list[wordxml.Inline] = []

    @property
    def headings(self) -> list[str]:
        return [h for _, h in self.path]

    def read(self, name: str) -> Extracted:
        for item in wordxml.blocks(self.document.element.body):
            if item.tag != wordxml.P:
                self.flush()
            if item.tag == wordxml.ALT_CHUNK:
                part = self.document.part.related_parts[item.get(wordxml.R_ID)]
                self.path = read_chunk(part, self.blocks, self.path, name)
            elif item.tag == wordxml.TBL:
                self.table(item)
            elif item not in self.toc_paragraphs and item.style not in self.toc_styles:
                self.paragraph(item)  # a table of contents outside a content control is not read
        self.flush()
        return self.blocks.build(name, "holds no text outside headings")

    def table(self, tbl) -> None:
        rows, refs = wordxml.table_rows(tbl, self.numbers)
        for sentence in table_sentences(rows, has_header=True):
            self.blocks.add(sentence, headings=self.headings)
        self.add_notes(refs)

    def paragraph(self, p) -> None:
        """A paragraph of text (a block), or a heading (the path); what is anchored in it after it."""
        content = wordxml.inline(p)
        if wordxml.mark_deleted(p):  # Word joins it to the next paragraph, which keeps its own style;
            self.carried.append(content)  # one deleted whole on the way (text and mark) leaves nothing
            return
        content.parts[:0] = [c.text + " " for c in self.carried]
        level = heading_level(p, self.levels)
        text = f"{self.numbers[p]} {content.text}".strip() if p in self.numbers else content.text
        if level is None:
            self.blocks.add(text if content.text else "", headings=self.headings)  # a number alone: nothing
        elif text:
            self.path = [(lv, h) for lv, h in self.path if lv < level] + [(level, text)]
        self.add_anchored([*self.carried, content])

    def flush(self) -> None:
        """Carried text before a table or an embedded document, or at the end: a paragraph of its own."""
        if self.carried:
            self.blocks.add(" ".join(c.text for c in self.carried), headings=self.headings)
            self.add_anchored(list(self.carried))

    def add_anchored(self, contents: list[wordxml.Inline]) -> None:
        """What paragraphs hold besides their text, after it: text boxes, diagrams, notes."""
        for content in contents:
            self.add_boxes(content.boxes)
            self.add_diagrams(content.diagrams)
            self.add_notes(content.notes)
        self.carried.clear()

    def add_notes(self, refs: list[tuple[str, str]]) -> None:
        for ref in refs:  # a note's text follows the paragraph that refers to it, once
            if ref in self.notes and ref not in self.noted:
                self.noted.add(ref)
                for paragraph in self.notes[ref]:
                    self.blocks.add(wordxml.inline(paragraph).text, headings=self.headings)

    def add_boxes(self, boxes: list) -> None:
        for box in boxes:  # a text box's paragraphs follow the paragraph it is anchored in
            for block in wordxml.blocks(box):
                if block.tag == wordxml.P:
                    content = wordxml.inline(block)
                    number = self.numbers.get(block) if content.text else None  # a list inside the box
                    text = f"{number} {content.text}" if number else content.text
                    self.blocks.add(text, headings=self.headings)
                    self.add_notes(content.notes)

    def add_diagrams(self, ids: list[str]) -> None:
        from docx.oxml import parse_xml

        for rid in ids:  # a diagram's boxes follow the paragraph that holds it
            part = self.document.part.related_parts.get(rid)
            for line in wordxml.diagram_boxes(parse_xml(part.blob)) if part is not None else ():
                self.blocks.add(line, headings=self.headings)
