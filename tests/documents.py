"""Small documents of every supported format, written by the tests themselves (no binary fixtures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from qa.readers import Extracted, reader_for

HEADER = "Pedoman Perjalanan Dinas Luar Negeri"


def write_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    header: str | tuple[str, str] = HEADER,
    password: str | None = None,
    footer: Callable[[int], str] = "Halaman {}".format,
) -> Path:
    """A PDF with one page per item (each a list of paragraphs), a running header (or a pair: odd pages,
    even pages) and a footer by page number ("Halaman N")."""
    from fpdf import FPDF

    odd, even = (header, header) if isinstance(header, str) else header

    class Doc(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", size=9)
            self.cell(0, 8, odd if self.page_no() % 2 else even, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 8, footer(self.page_no()), align="C")

    pdf = Doc()
    for paragraphs in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        for text in paragraphs:
            pdf.multi_cell(0, 6, text)
            pdf.ln(4)
    pdf.output(str(path))
    if password is not None:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
        writer.write(path)
    return path


def write_blank_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF without a text layer (what a scan without OCR looks like to a text extractor)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.write(path)
    return path


def write_docx(path: Path, items: Sequence[tuple[str, object]]) -> Path:
    """A .docx from ("h1".."h3", text), ("p", text) and ("table", rows) items, in order."""
    import docx

    document = docx.Document()
    for kind, value in items:
        if kind.startswith("h"):
            document.add_heading(str(value), int(kind[1:]))
        elif kind == "p":
            document.add_paragraph(str(value))
        elif kind == "table":
            rows = list(value)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    document.save(str(path))
    return path


WORD_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def word_paragraph(text: str, style: str | None = None) -> str:
    """The XML of a Word paragraph (for ``write_docx_xml``)."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def write_docx_xml(
    path: Path,
    body: str,
    footnotes: str | None = None,
    numbering: str = "",
    style_lists: dict[str, str] | None = None,
) -> Path:
    """A .docx whose body is the WordprocessingML ``body`` (the namespaces ``w``, ``mc``, ``wps``,
    ``v`` are declared), with a footnotes part holding the ``w:footnote`` elements ``footnotes``, the
    list definitions ``numbering`` (``w:abstractNum`` and ``w:num`` elements) added to the numbering
    part, and paragraph styles tied to lists (``style_lists``: style id -> numId)."""
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    namespaces = " ".join(
        (
            WORD_NS,
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"',
            'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"',
            'xmlns:v="urn:schemas-microsoft-com:vml"',
        )
    )
    document = docx.Document()
    body_element = document.element.body
    for child in list(body_element)[:-1]:  # keep the final w:sectPr
        body_element.remove(child)
    for child in parse_xml(f"<w:body {namespaces}>{body}</w:body>"):
        body_element[-1].addprevious(child)
    if footnotes is not None:
        blob = f"<w:footnotes {WORD_NS}>{footnotes}</w:footnotes>".encode()
        part = Part(PackURI("/word/footnotes.xml"), CONTENT_TYPE.WML_FOOTNOTES, blob, document.part.package)
        document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    lists = document.part.numbering_part.element
    for child in parse_xml(f"<w:numbering {WORD_NS}>{numbering}</w:numbering>"):
        lists.append(child)
    for style_id, num_id in (style_lists or {}).items():
        style = document.styles.element.get_by_id(style_id)
        style.get_or_add_pPr().append(parse_xml(f'<w:numPr {WORD_NS}><w:numId w:val="{num_id}"/></w:numPr>'))
    document.save(str(path))
    return path


def numbered_paragraph(text: str, num_id: str, level: int = 0) -> str:
    """The XML of a Word paragraph in list ``num_id`` at ``level`` (for ``write_docx_xml``)."""
    props = f'<w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr>'
    return f'<w:p>{props}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def write_docx_chunk(path: Path, chunk: bytes, content_type: str, before: str = "", after: str = "") -> Path:
    """A .docx whose body is the paragraph ``before``, an embedded document (``w:altChunk``: ``chunk``
    of ``content_type``, as html-docx-js writes one) and the paragraph ``after``."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    for child in list(body)[:-1]:  # keep the final w:sectPr
        body.remove(child)
    part = Part(PackURI("/word/afchunk.mht"), content_type, chunk, document.part.package)
    rid = document.part.relate_to(part, RELATIONSHIP_TYPE.A_F_CHUNK)
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    xml = word_paragraph(before) if before else ""
    xml += f'<w:altChunk {r_ns} r:id="{rid}"/>' + (word_paragraph(after) if after else "")
    for child in parse_xml(f"<w:body {WORD_NS}>{xml}</w:body>"):
        body[-1].addprevious(child)
    document.save(str(path))
    return path


def _write_runs(pdf, runs: list[tuple[str, bool]]) -> None:  # type: ignore[no-untyped-def]
    """Text runs (text, superscript?) on an fpdf2 page, the position set back to the line after them."""
    for text, superscript in runs:
        pdf.char_vpos = "SUP" if superscript else "LINE"
        pdf.write(6, text)
    pdf.char_vpos = "LINE"


def write_noted_pdf(path: Path, runs: list[tuple[str, bool]], notes: list[str]) -> Path:
    """A page of text ``runs`` (text, superscript?) and, below, ``notes`` set small, as a word
    processor sets footnotes."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    _write_runs(pdf, runs)
    pdf.ln(12)
    pdf.set_font("helvetica", size=9)
    for note in notes:
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_form_pdf(path: Path, labels: list[str], fields: list[dict[str, object]]) -> Path:
    """A page of ``labels`` with a form (AcroForm) of text ``fields``: each a dict of the field's
    entries (``/T``, ``/TU``, ``/V``, ``/F``; ``kid``: the value sits on a parent field, as forms made
    of several widgets of one field have it)."""
    import io

    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for label in labels:
        pdf.cell(0, 10, label, new_x="LMARGIN", new_y="NEXT")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    annots, roots = ArrayObject(), ArrayObject()
    for i, entries in enumerate(fields):
        field = DictionaryObject({NameObject("/FT"): NameObject("/Tx")})
        for key, value in entries.items():
            if key.startswith("/"):
                field[NameObject(key)] = NumberObject(value) if key == "/F" else TextStringObject(str(value))
        rect = ArrayObject(FloatObject(v) for v in (150, 770 - 28 * i, 400, 785 - 28 * i))
        widget = DictionaryObject({NameObject("/Subtype"): NameObject("/Widget"), NameObject("/Rect"): rect})
        if entries.get("kid"):
            parent = writer._add_object(field)
            widget[NameObject("/Parent")] = parent
            widget_ref = writer._add_object(widget)
            field[NameObject("/Kids")] = ArrayObject([widget_ref])
            roots.append(parent)
        else:
            widget.update(field)
            widget_ref = writer._add_object(widget)
            roots.append(widget_ref)
        annots.append(widget_ref)
    writer.pages[0][NameObject("/Annots")] = annots
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): roots})
    writer.write(path)
    return path


DIAGRAM_NS = 'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram"'
DRAWING_NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'


def write_docx_smartart(path: Path, before: str, nodes: list[tuple[str, str]], after: str) -> Path:
    """A .docx of the paragraph ``before`` holding a SmartArt diagram (an organisation chart) whose
    points are ``nodes`` (type, text: "doc" for the diagram itself, "node" for a box, "parTrans" for a
    connector), then the paragraph ``after``, as Word writes one: the text in a diagram data part."""
    import docx
    from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    points = "".join(
        f'<dgm:pt modelId="{{{i}}}" type="{kind}"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/>'
        + "".join(f"<a:p><a:r><a:t>{line}</a:t></a:r></a:p>" for line in text.split("\n"))
        + "</dgm:t></dgm:pt>"
        for i, (kind, text) in enumerate(nodes)
    )
    data = f"<dgm:dataModel {DIAGRAM_NS} {DRAWING_NS}><dgm:ptLst>{points}</dgm:ptLst></dgm:dataModel>"
    document = docx.Document()
    uri = PackURI("/word/diagrams/data1.xml")
    part = Part(uri, CONTENT_TYPE.DML_DIAGRAM_DATA, data.encode(), document.part.package)
    rid = document.part.relate_to(part, RELATIONSHIP_TYPE.DIAGRAM_DATA)
    r_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    wp_ns = 'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
    drawing = (
        f'<w:p {WORD_NS}><w:r><w:t xml:space="preserve">{before}</w:t></w:r><w:r><w:drawing>'
        f'<wp:inline {wp_ns}><wp:extent cx="5486400" cy="3200400"/><wp:docPr id="1" name="Diagram 1"/>'
        f'<a:graphic {DRAWING_NS}><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
        f'<dgm:relIds {DIAGRAM_NS} {r_ns} r:dm="{rid}" r:lo="" r:qs="" r:cs=""/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing></w:r></w:p>"
    )
    body = document.element.body
    body[-1].addprevious(parse_xml(drawing))
    body[-1].addprevious(parse_xml(word_paragraph(after).replace("<w:p>", f"<w:p {WORD_NS}>", 1)))
    document.save(str(path))
    return path


def write_scanned_pdf(path: Path, pages: Sequence[str | None]) -> Path:
    """A PDF of one page per item: a typed paragraph, or (None) a picture and no text, as a scanner
    without OCR makes a page."""
    import io

    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (120, 160), color=235).save(picture, format="PNG")
    pdf = FPDF()
    for text in pages:
        pdf.add_page()
        if text is None:
            pdf.image(io.BytesIO(picture.getvalue()), x=10, y=10, w=190)
        else:
            pdf.set_font("helvetica", size=12)
            pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def write_endnoted_pdf(
    path: Path, pages: list[list[tuple[str, bool]]], heading: str, notes: list[str], raised: bool = False
) -> Path:
    """A PDF of one page per item of text runs (text, superscript?), then a last page of endnotes: the
    ``heading`` ("Catatan") and each note set smaller, as word processors gather them at the end; with
    ``raised`` each note's number a superscript too, as Word sets it."""
    from fpdf import FPDF

    pdf = FPDF()
    for runs in pages:
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        _write_runs(pdf, runs)
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=12)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    for note in notes:
        if raised:
            number, text = note.split(" ", 1)
            pdf.char_vpos = "SUP"
            pdf.write(5, number)
            pdf.char_vpos = "LINE"
            pdf.write(5, " " + text)
            pdf.ln(6)
        else:
            pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def column_rows(columns: Sequence[str], width: int = 30) -> list[tuple[str, ...]]:
    """Each column's text wrapped at ``width``, as rows across the columns (a shorter column's rows
    empty): what ``write_across_pdf`` draws line across line."""
    import textwrap

    wrapped = [textwrap.wrap(column, width) for column in columns]
    return [tuple(w[i] if i < len(w) else "" for w in wrapped) for i in range(max(map(len, wrapped)))]


def write_across_pdf(
    path: Path,
    title: str,
    rows: Sequence[tuple[str, ...]],
    closing: str = "",
    xs: Sequence[float] = (10, 110),
) -> Path:
    """A page whose columns (two, or one per place in ``xs``) are drawn line across line (each row: the
    left column's line, then the next one's at the same height), as some producers draw columns and
    every table: a ``title`` across the page above, a ``closing`` line across it below."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", size=12)
    pdf.text(10, 15, title)
    pdf.set_font("helvetica", size=10)
    for i, row in enumerate(rows):
        for x, text in zip(xs, row, strict=True):
            if text:
                pdf.text(x, 25 + 5 * i, text)
    if closing:
        pdf.text(10, 30 + 5 * len(rows), closing)
    pdf.output(str(path))
    return path


def write_placed_pdf(
    path: Path, lines: Sequence[tuple[float, str]], word_by_word: bool = False, sizes: Sequence[float] = ()
) -> Path:
    """A page of ``lines``, each (its height from the top in mm, its text) at the left margin: the
    space between paragraphs is where the page leaves it, as typesetters do, with no blank line. With
    ``word_by_word`` each word is placed on its own, as some producers (browsers) draw text; ``sizes``
    the type size of the first lines (11 pt, else)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    for i, (y, text) in enumerate(lines):
        pdf.set_font("helvetica", size=sizes[i] if i < len(sizes) else 11)
        x = 20.0
        for word in text.split() if word_by_word else [text]:
            pdf.text(x, y, word)
            x += pdf.get_string_width(word + " ")
    pdf.output(str(path))
    return path


LEAD = [
    "Asisten menteri membantu menteri menyiapkan perundingan",
    "bilateral dengan negara mitra, menyusun bahan rapat, dan",
    "memantau pelaksanaan perjanjian yang sudah ditandatangani.",
]
BODY = [
    "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur",
    "dan menyimpan salinannya di arsip kantor selama lima tahun sejak kontrak ditandatangani.",
    "Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun dan diajukan kepada",
    "atasan langsung paling lambat tujuh hari sebelumnya melalui bagian kepegawaian kantor.",
]


def write_lead_pdf(path: Path) -> Path:
    """Section 50's page: a lead paragraph (``LEAD``) in 15 pt, its lines 7 mm apart, then a body
    (``BODY``) in 11 pt, 5 mm apart: a larger type steps further down at each line, which is no
    paragraph break."""
    placed = [(30 + 7 * i, line) for i, line in enumerate(LEAD)]
    placed += [(58 + 5 * i, line) for i, line in enumerate(BODY)]
    return write_placed_pdf(path, placed, sizes=[15] * len(LEAD))


def read_named(name: str, raw: bytes) -> Extracted:
    """``raw`` read by the reader ``name``'s suffix picks, as the corpus reads a file of that name."""
    reader = reader_for(name)
    assert reader is not None, f"no reader for {name}"
    return reader.read(raw, name)
