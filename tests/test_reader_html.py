"""The HTML reader on pages trafilatura handles badly on its own: short ones, malformed ones."""

from __future__ import annotations

import pytest

from qa.errors import CorpusError
from qa.readers import READERS, Extracted


def read(html: str, name: str = "doc.html") -> Extracted:
    return READERS[".html"].read(html.encode(), name)


def located(e: Extracted) -> list[tuple[tuple[str, ...], str]]:
    return [(s.headings, line) for s in e.sections for line in e.text[s.start : s.end].splitlines()]


FILLER = "Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian."


def page(heading: str, filler: int, body: str) -> str:
    """A page of a heading, ``filler`` numbered paragraphs, then ``body``: at 0 a short page (read block by
    block), at 4 a long one (read by trafilatura); the tests run both readings."""
    fill = "".join(f"<p>{i}. {FILLER}</p>" for i in range(filler))
    return f"<html><body><article><h1>{heading}</h1>{fill}{body}</article></body></html>"


# Each of these short pages came back from trafilatura as one paragraph "Cuti Cuti tahunan ... Visa Visa
# diurus ...": headings inside the passage, blocks merged, no heading path.
SHORT_PAGES = {
    "figure": "<article><h1>Cuti</h1><p>Cuti tahunan dua belas hari</p><h2>Visa</h2>"
    "<p>Visa diurus bagian protokol</p><figure><figcaption>Gambar satu</figcaption></figure></article>",
    "section": "<h1>Cuti</h1><p>Cuti tahunan dua belas hari</p><h2>Visa</h2>"
    "<p>Visa diurus bagian protokol</p><section>Catatan kecil</section>",
    "article header": "<header><a href='/'>Beranda</a></header><article><header><h1>Cuti</h1></header>"
    "<p>Cuti tahunan dua belas hari</p><h2>Visa</h2><p>Visa diurus bagian protokol</p>"
    "<figure><figcaption>Gambar satu</figcaption></figure></article><footer>Hak cipta</footer>",
    "noscript": "<script>var rahasia = 1;</script><style>p {color: red}</style><h1>Cuti</h1>"
    "<p>Cuti tahunan dua belas hari</p><!-- komentar --><noscript>Aktifkan JavaScript</noscript>"
    "<h2>Visa</h2><p>Visa diurus <b>bagian</b> protokol</p>",
}


@pytest.mark.parametrize("body", SHORT_PAGES.values(), ids=SHORT_PAGES.keys())
def test_a_short_page_keeps_its_blocks_and_heading_path(body: str) -> None:
    e = read(f"<html><head><title>Judul</title></head><body>{body}</body></html>")
    pairs = located(e)
    assert pairs[:2] == [
        (("Cuti",), "Cuti tahunan dua belas hari"),
        (("Cuti", "Visa"), "Visa diurus bagian protokol"),
    ]
    assert all(headings == ("Cuti", "Visa") for headings, _ in pairs[2:])  # a caption or note, if kept
    for gone in ("rahasia", "color", "komentar", "JavaScript", "Judul", "Beranda", "Hak cipta"):
        assert gone not in e.text


def test_a_short_page_of_a_heading_and_a_table_keeps_its_rows() -> None:
    """trafilatura dumped such a page as one paragraph, "Tarif Negara Tarif Jepang 300 dolar Korea ...":
    the rows lost their column names and the heading its place. A table's rows are sentences of our own,
    never in that dump, so the dump is recognised as the page's whole text instead."""
    rows = "".join(f"<tr><td>{n}</td><td>{v} dolar</td></tr>" for n, v in [("Jepang", 300), ("Korea", 250)])
    e = read(
        f"<html><body><h1>Tarif</h1><table><tr><th>Negara</th><th>Tarif</th></tr>{rows}</table></body></html>"
    )
    assert located(e) == [
        (("Tarif",), "Negara: Jepang; Tarif: 300 dolar."),
        (("Tarif",), "Negara: Korea; Tarif: 250 dolar."),
    ]


def test_a_one_paragraph_article_stays_trafilaturas_reading() -> None:
    text = " ".join(["Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan."] * 4)
    e = read(f"<html><body><div class='menu'><a href='/'>Beranda</a></div><article><p>{text}</p></article>"
             "<div class='sosial'>Bagikan ke Facebook</div></body></html>")  # fmt: skip
    assert e.text == text


def test_a_parser_failure_is_the_files_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("trafilatura.extract", lambda *a, **k: "<doc><main><p>Teks</p></main></doc>")
    monkeypatch.setattr("lxml.etree.fromstring", broken)
    with pytest.raises(CorpusError, match=r"rusak\.html cannot be parsed as HTML \(RecursionError"):
        read("<p>Teks</p>", "rusak.html")


def test_a_page_nested_past_the_parsers_depth_is_refused_not_cut() -> None:
    text = "Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian."

    def page(depth: int) -> str:
        deep = "<div>" * depth + f"<p>Terdalam: {text}</p>" + "</div>" * depth
        return f"<html><body><article><p>{text}</p>{deep}<p>Penutup: {text}</p></article></body></html>"

    assert "Terdalam" in read(page(200)).text and "Penutup" in read(page(200)).text
    # libxml2 stops at 256 levels and drops the rest of the page, "Penutup" included
    with pytest.raises(CorpusError, match=r"dalam\.html is beyond what the HTML parser reads whole"):
        read(page(300), "dalam.html")


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_inline_code_is_a_word_of_its_sentence_a_code_block_is_dropped(filler: int) -> None:
    body = (
        "<p>Isi formulir <code>F-7</code> sebelum berangkat</p><pre><code>print('rahasia')</code></pre>"
        + "<ul><li>Unduh <code>F-8</code> dari portal</li></ul>"
    )  # fmt: skip
    e = read(page("Formulir", filler, body))
    assert e.text.splitlines()[filler:] == ["Isi formulir F-7 sebelum berangkat", "Unduh F-8 dari portal"]
    assert "rahasia" not in e.text and section_of_first(e) == ("Formulir",)


def section_of_first(e: Extracted) -> tuple[str, ...]:
    return e.sections[0].headings


def test_a_page_laid_out_in_a_table_is_read_as_blocks_a_data_table_as_rows() -> None:
    text = "Permohonan visa diplomatik diproses oleh bagian protokol paling lambat tiga puluh hari."
    layout = (
        "<table><tr><td><a href='/'>Beranda</a></td><td><h1>Panduan Cuti</h1>"
        f"<p>Cuti tahunan dua belas hari kerja bagi setiap pegawai.</p><h2>Visa</h2><p>{text}</p>"
        f"<p>Paspor dinas dibawa saat perjalanan dan {text}</p></td></tr></table>"
    )
    e = read(f"<html><body>{layout}</body></html>")
    assert located(e)[-3:] == [
        (("Panduan Cuti",), "Cuti tahunan dua belas hari kerja bagi setiap pegawai."),
        (("Panduan Cuti", "Visa"), text),
        (("Panduan Cuti", "Visa"), f"Paspor dinas dibawa saat perjalanan dan {text}"),
    ]
    # Word's HTML export puts a paragraph in every cell of a data table: still rows
    cells = "".join(
        f"<tr><th><p>{a}</p></th><th><p>{b}</p></th></tr>"
        if i == 0
        else f"<tr><td><p>{a}</p></td><td><p>{b}</p></td></tr>"
        for i, (a, b) in enumerate([("Negara", "Uang"), ("Jepang", "300 dolar"), ("Korea", "280 dolar")])
    )
    e = read(
        f"<html><body><article><h1>Uang</h1><p>{text}</p><table>{cells}</table><p>{text}!</p></article></body></html>"
    )
    assert "Negara: Jepang; Uang: 300 dolar." in e.text.splitlines()


@pytest.mark.parametrize("filler", [0, 3], ids=["short page", "long page"])
def test_a_definition_names_its_term(filler: int) -> None:
    text = "Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian."
    glossary = (
        "<dl><dt>Visa</dt><dd>Izin masuk ke negara lain dari kedutaan.</dd>"
        "<dt>Paspor</dt><dt>Pasport</dt><dd>Dokumen perjalanan resmi.</dd></dl>"
    )
    filled = "".join(f"<p>{i}. {text}</p>" for i in range(filler))
    e = read(
        f"<html><body><article><h1>Istilah</h1>{filled}{glossary}<section>Catatan</section></article></body></html>"
    )
    lines = e.text.splitlines()
    assert "Visa: Izin masuk ke negara lain dari kedutaan." in lines
    assert "Paspor, Pasport: Dokumen perjalanan resmi." in lines
    assert "Visa" not in lines and section_of_first(e) == ("Istilah",)


def test_a_page_too_large_for_trafilatura_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from qa.readers import html

    monkeypatch.setattr(html, "MAX_HTML_BYTES", 2**20)  # the real limit (20 MB: minutes), scaled down
    monkeypatch.setattr("trafilatura.extract", lambda *a, **k: pytest.fail("extracted"))
    page = "<html><body>" + "<p>Paragraf panjang tentang perjalanan dinas.</p>" * 30_000 + "</body></html>"
    with pytest.raises(CorpusError, match=r"besar\.html is 1 MB of HTML \(at most 1 MB are read\)"):
        read(page, "besar.html")


KUNJUNGAN = (
    "<h1>Kunjungan</h1><p>Menteri menerima delegasi dari São Tomé dan Señor García – “kunjungan resmi”…</p>"
    "<p>Delegasi kembali ke hotel setelah jamuan makan malam di kediaman duta besar.</p>"
)
EXPECTED = "Menteri menerima delegasi dari São Tomé dan Señor García – “kunjungan resmi”…"


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        ("", "cp1252"),  # undeclared: not UTF-8, so Windows-1252 (was read as Windows-1250: "Săo", "Seńor")
        ('<meta charset="iso-8859-1">', "cp1252"),  # "Latin-1" means Windows-1252: the quotes were dropped
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', "cp1252"),
        ('<meta charset="utf-8">', "cp1252"),  # declared wrong: the bytes are not UTF-8
        ("", "utf-8"),
        ('<meta charset="koi8-r">', "koi8-r"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?>', "cp1252"),  # XHTML: decoded once, never twice
        ("\ufeff", "utf-8"),
        ("\ufeff", "utf-16-le"),  # a byte order mark decides
    ],
    ids=["undeclared", "meta-latin1", "http-equiv", "declared-wrong", "utf8", "koi8-r", "xml-decl",
         "bom-utf8", "bom-utf16"],
)  # fmt: skip
def test_a_page_in_a_legacy_encoding_is_decoded_as_a_browser_decodes_it(head: str, encoding: str) -> None:
    """trafilatura guessed with charset-normalizer and ignored what the page declares."""
    text = EXPECTED if encoding != "koi8-r" else "Министр принял делегацию из Сан-Томе."
    rest = f"<title>K</title></head><body>{KUNJUNGAN.replace(EXPECTED, text)}</body></html>"
    if head.startswith("<?xml"):
        page = f'{head}<html xmlns="http://www.w3.org/1999/xhtml"><head>{rest}'
    elif head == "\ufeff":
        page = f"{head}<html><head>{rest}"  # the mark opens the file
    else:
        page = f"<html><head>{head}{rest}"
    raw = page.encode(encoding)  # real bytes of that encoding
    assert READERS[".html"].read(raw, "a.html").text.splitlines()[0] == text


def test_charset_declarations_are_read_only_near_the_top_and_by_known_names() -> None:
    from qa.readers._charset import declared

    assert declared(b'<meta charset="latin1">') == "cp1252" and declared(b"<meta charset=UTF-8>") == "utf-8"
    assert declared(b" " * 1100 + b'<meta charset="koi8-r">') is None  # past the standard's 1,024 bytes
    assert declared(b'<meta charset="x-no-such-thing">') is None
    assert declared(b'<meta charset="hex">') == "hex"  # a codec, not a text encoding: decoding falls back
    from qa.readers._charset import decode_html

    assert decode_html('<meta charset="hex"><p>é</p>'.encode("cp1252")) == '<meta charset="hex"><p>é</p>'


def test_a_utf8_page_with_one_stray_latin1_byte_keeps_its_utf8_letters() -> None:
    """A page saved as UTF-8 with one pasted Latin-1 byte is not a Windows-1252 page: its "–" and "é"
    stay themselves (not "â€“", "Ã©"), the stray byte alone is U+FFFD, as a browser shows it."""
    page = f"<html><head><title>K</title></head><body>{KUNJUNGAN}</body></html>".encode()
    raw = page.replace("Señor".encode(), b"Se\xf1or")
    line = READERS[".html"].read(raw, "a.html").text.splitlines()[0]
    assert line == EXPECTED.replace("Señor", "Se\ufffdor")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("head", ["", '<meta charset="utf-16">'], ids=["undeclared", "declared"])
def test_a_utf16_page_without_a_byte_order_mark_keeps_its_letters(head: str, encoding: str) -> None:
    """Without a mark, a UTF-16 page's ASCII letters and NULs are valid UTF-8: it was read as UTF-8 and
    every letter beyond ASCII was lost ("São Tomé" became "So Tom", the dashes and quotes went)."""
    page = f"<html><head>{head}<title>K</title></head><body>{KUNJUNGAN}</body></html>"
    assert READERS[".html"].read(page.encode(encoding), "a.html").text.splitlines()[0] == EXPECTED


def test_a_utf16_page_without_a_mark_nested_past_the_parsers_depth_is_refused() -> None:
    """libxml2 reads no UTF-16 without a mark, so the depth check passed such a page whatever its depth
    (and trafilatura then found "no main text"): the check runs on the decoded page."""
    deep = "<div>" * 300 + "<p>Terdalam.</p>" + "</div>" * 300
    page = f"<html><body><article><p>{EXPECTED}</p>{deep}<p>Penutup.</p></article></body></html>"
    with pytest.raises(CorpusError, match=r"dalam\.html is beyond what the HTML parser reads whole"):
        READERS[".html"].read(page.encode("utf-16-le"), "dalam.html")


def test_utf16_without_a_mark_is_recognised_only_by_its_pattern() -> None:
    from qa.readers._charset import utf16_without_bom

    text = "Uang harian ke São Tomé – tiga ratus dolar."
    assert utf16_without_bom(text.encode("utf-16-le")) == text
    assert utf16_without_bom(text.encode("utf-16-be")) == text
    assert utf16_without_bom(text.encode("utf-8")) is None  # no NUL: not UTF-16
    assert utf16_without_bom(text.encode("utf-32-le")) is None  # NUL units: UTF-32 (or binary)
    assert utf16_without_bom(text.encode("utf-16-le") + b"\n") == text  # a stray last byte: no character
    assert utf16_without_bom(text.encode("utf-16-le") + b"\x00\x00") is None  # a NUL character
    assert utf16_without_bom("Министр принял делегацию".encode("utf-16-le")) is None  # mostly not Latin
    assert utf16_without_bom(b"\x00\xd8" + text.encode("utf-16-le")) is None  # a lone surrogate


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_templates_are_dropped_collapsed_and_hidden_text_is_kept(filler: int) -> None:
    """A <template>'s content is never shown (trafilatura kept it). Text hidden until the reader acts
    (an FAQ's collapsed answer, an inactive tab: ``hidden``, inline display:none or visibility:hidden) is
    the page's content and stays; and trafilatura dropped text inside ``overflow: hidden``, a plain
    layout wrapper, for the word "hidden" in its style."""
    body = (
        "<div style='overflow: hidden'><p>Cuti bersama ditetapkan oleh menteri setiap tahun</p></div>"
        + "<template><p>Templat kosong untuk skrip</p></template>"
        + "<p hidden>Cuti melahirkan diberikan selama tiga bulan</p>"
        + "<div style='color: red; DISPLAY:none'>Cuti alasan penting paling lama satu bulan</div>"
        + "<p style='visibility: hidden'>Cuti di luar tanggungan negara paling lama tiga tahun</p>"
        + "<p style='content-visibility: hidden'>Cuti sakit dengan surat dokter</p>"
        + "<div hidden='until-found'><p>Cuti besar setelah enam tahun bekerja</p></div>"
    )  # fmt: skip
    e = read(page("Cuti", filler, body))
    assert e.text.splitlines()[filler:] == [
        "Cuti bersama ditetapkan oleh menteri setiap tahun",
        "Cuti melahirkan diberikan selama tiga bulan",
        "Cuti alasan penting paling lama satu bulan",
        "Cuti di luar tanggungan negara paling lama tiga tahun",
        "Cuti sakit dengan surat dokter",
        "Cuti besar setelah enam tahun bekerja",
    ]
    assert section_of_first(e) == ("Cuti",)


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_an_faqs_collapsed_answers_are_read(filler: int) -> None:
    """A saved FAQ page whose answers are collapsed by an inline style until clicked (jQuery's toggle):
    the answers are what a question is about."""
    body = (
        "<h3 class='q'>Berapa lama masa berlaku paspor?</h3>"
        + "<div class='a' style='display:none'><p>Paspor berlaku selama sepuluh tahun.</p></div>"
        + "<h3 class='q'>Di mana paspor diambil?</h3>"
        + "<div class='a' hidden><p>Paspor diambil di kantor imigrasi tempat permohonan.</p></div>"
    )  # fmt: skip
    e = read(page("Tanya jawab", filler, body))
    assert "Paspor berlaku selama sepuluh tahun." in e.text
    assert "Paspor diambil di kantor imigrasi tempat permohonan." in e.text


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_a_declarative_shadow_root_is_shown_text(filler: int) -> None:
    """A server-rendered web component puts its text in ``<template shadowrootmode>``, which a browser
    shows in place: read like any other element (the block reading dropped it with other templates)."""
    body = (
        "<kartu-info><template shadowrootmode='open'><p>Cuti bersama ditetapkan menteri</p></template>"
        + "</kartu-info><template><p>Templat kosong</p></template>"
    )  # fmt: skip
    e = read(page("Cuti", filler, body))
    assert e.text.splitlines()[filler:] == ["Cuti bersama ditetapkan menteri"]


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_a_note_marker_does_not_change_the_number_before_it(filler: int) -> None:
    """A superscript link to a note, glued to the word before it, changed it: "pasal 5¹" read "pasal 51",
    "catatan 9⁴" "catatan 94". A superscript that is not only such a link (m²) stays; so does the note."""
    body = (
        '<p>Menurut pasal 5<sup><a href="#fn1">1</a></sup>, ruang 20 m<sup>2</sup> naik 3'
        + '<sup class="reference"><a href="#cite-2">[2]</a></sup> kali.</p>'
        + '<p>Lihat catatan 9<a href="#fn4" class="footnote-ref"><sup>4</sup></a> dan situs'
        + '<sup><a href="https://kemlu.go.id">5</a></sup> ini.</p>'
        + '<ol><li id="fn1">Catatan kaki pertama tentang tarif.</li></ol>'
    )  # fmt: skip
    e = read(page("Tarif", filler, body))
    assert e.text.splitlines()[filler:] == [
        "Menurut pasal 5, ruang 20 m2 naik 3 kali.",
        "Lihat catatan 9 dan situs5 ini.",  # a link elsewhere is no note marker
        "Catatan kaki pertama tentang tarif.",
    ]


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_paragraphs_made_with_double_line_breaks_stay_apart(filler: int) -> None:
    """An editor that makes paragraphs with <br><br> (old sites, many CMS articles): trafilatura merges
    the breaks into one, a single break is a space, so a heading and the paragraphs around it became
    one unpunctuated "sentence": "Syarat cuti Pegawai berhak ... penuh Prosedur pengajuan ..."."""
    body = (
        "<div>Syarat cuti<br><br>Pegawai berhak atas cuti setelah bekerja satu tahun penuh<br>\n <br/>"
        + "<br><b>Prosedur</b> pengajuan<br>kepada atasan langsung</div>"
        + "<p>Alamat kantor<br><br>Jalan Pejambon nomor enam</p>"
        + "<div>Catatan penting<br><br>Berkas diserahkan ke sekretariat<p>Paragraf di dalamnya.</p>"
        + "Teks sesudahnya</div>"  # blocks among the lines: they stay, the lines around them split
    )  # fmt: skip
    e = read(page("Cuti", filler, body))
    assert e.text.splitlines()[filler:] == [
        "Syarat cuti",
        "Pegawai berhak atas cuti setelah bekerja satu tahun penuh",
        "Prosedur pengajuan kepada atasan langsung",  # one break: the same paragraph
        "Alamat kantor",
        "Jalan Pejambon nomor enam",
        "Catatan penting",
        "Berkas diserahkan ke sekretariat",
        "Paragraf di dalamnya.",
        "Teks sesudahnya",
    ]
    assert all(s.headings == ("Cuti",) for s in e.sections)


def test_a_line_break_or_block_inside_a_cell_or_heading_separates_words() -> None:
    """Read block by block (a short page, a Markdown file's raw HTML), a cell's, heading's or term's
    words were glued across a <br> or a block inside it: "Tarif hariantiga ratusBerlaku"."""
    table = (
        "<table><tr><th>Negara</th><th>Catatan</th></tr><tr><td>Jepang</td>"
        "<td>Tarif harian<br>tiga ratus<p>Berlaku</p><div>sejak 2024</div></td></tr></table>"
    )
    source = f"<h2>Tarif<br>Harian</h2>\n\n{table}\n\n<dl><dt>Uang<br>harian</dt><dd>Biaya hidup.</dd></dl>\n"
    e = READERS[".md"].read(source.encode(), "a.md")
    assert e.text.splitlines() == [
        "Negara: Jepang; Catatan: Tarif harian tiga ratus Berlaku sejak 2024.",
        "Uang harian: Biaya hidup.",
    ]
    assert e.sections[0].headings == ("Tarif Harian",)


def test_a_markdown_files_raw_html_keeps_collapsed_text_and_drops_templates() -> None:
    source = (
        "Teks pembuka.\n\n<div hidden>\nJawaban yang dilipat\n</div>\n\n"
        "<div>\n<template><p>Templat</p></template>\n</div>\n\n<p>Teks tampil.</p>\n"
    )
    assert READERS[".md"].read(source.encode(), "a.md").text.splitlines() == [
        "Teks pembuka.",
        "Jawaban yang dilipat",
        "Teks tampil.",
    ]


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
@pytest.mark.parametrize(
    "hiding",
    ["<body style='display: none'>", "<body><div id='app' hidden>", "<body style='visibility:hidden'>"],
)
def test_a_page_hidden_whole_until_its_script_runs_is_read(filler: int, hiding: str) -> None:
    """A page hidden whole by an inline style or ``hidden`` that its script removes once loaded (against
    a flash of unstyled content) is read; hidden text is kept (see above), a hidden message with it."""
    text = "Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian."
    body = (
        "<h1>Cuti</h1>" + "".join(f"<p>{i}. {text}</p>" for i in range(filler))
        + "<p>Cuti bersama ditetapkan oleh menteri setiap tahun</p>"
        + "<div style='display:none'><p>Sesi Anda berakhir, muat ulang halaman</p></div>"
    )  # fmt: skip
    e = read(f"<html>{hiding}<article>{body}</article></body></html>")
    assert e.text.splitlines()[filler:] == [
        "Cuti bersama ditetapkan oleh menteri setiap tahun",
        "Sesi Anda berakhir, muat ulang halaman",
    ]
    assert section_of_first(e) == ("Cuti",)


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_a_paragraph_of_line_breaks_only_keeps_the_text_after_it(filler: int) -> None:
    """A spacer paragraph of two breaks (``<p><br><br></p>``, as WYSIWYG editors leave them) with text
    after it in the same element: the double-break split removed the empty paragraph and the text after
    it went with it."""
    body = (
        "<div><p>Syarat cuti</p><p><br><br></p>Pegawai berhak atas cuti setelah bekerja satu tahun"
        + "<p><br/>\n<br/></p>Permohonan diajukan kepada atasan langsung</div>"
    )  # fmt: skip
    e = read(page("Cuti", filler, body))
    assert e.text.splitlines()[filler:] == [
        "Syarat cuti",
        "Pegawai berhak atas cuti setelah bekerja satu tahun",
        "Permohonan diajukan kepada atasan langsung",
    ]


@pytest.mark.parametrize("filler", [0, 4], ids=["short page", "long page"])
def test_text_between_blocks_without_a_paragraph_of_its_own_is_read(filler: int) -> None:
    """Text written straight into a ``<div>`` after a heading or a paragraph (old CMS pages, many blogs)
    is in trafilatura's output as the tail of the block before it, which the reading of that output
    skipped: the answer under "Syarat cuti" was lost."""
    body = (
        "<div><p>Syarat cuti</p>Pegawai berhak atas cuti setelah bekerja satu tahun penuh.</div>"
        + "<div><h2>Prosedur</h2>Permohonan diajukan kepada atasan langsung.</div><p>Akhir.</p>"
    )  # fmt: skip
    e = read(page("Cuti", filler, body))
    assert e.text.splitlines()[filler:] == [
        "Syarat cuti",
        "Pegawai berhak atas cuti setelah bekerja satu tahun penuh.",
        "Permohonan diajukan kepada atasan langsung.",
        "Akhir.",
    ]
    assert (("Cuti", "Prosedur"), "Permohonan diajukan kepada atasan langsung.") in located(e)
