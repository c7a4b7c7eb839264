"""Each reader on small documents written here: text with structure, offsets and loud errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from qa.chunking import chunk_document
from qa.corpus import load_corpus, read_document
from qa.errors import CorpusError
from qa.readers import READERS, Extracted

from .documents import HEADER, write_blank_pdf, write_docx, write_pdf

MARKDOWN = """---
judul: metadata, bukan isi
---
# Cuti

Pegawai berhak atas cuti tahunan
selama **dua belas** hari kerja. Lihat `formulir-7` dan <b>tanda</b> tangan.

## Visa

| Jenis | Pengurus | Batas |
|---|---|---|
| Visa diplomatik | Asisten menteri | H-30 |
| Visa dinas | | H-14 |

```python
print("kode rahasia")
```

    kode_berindentasi = 1

<details>
<summary>Ringkasan tersembunyi</summary>

Isi lipatan dibaca sebagai teks.

</details>

- Paspor dinas berlaku enam bulan.
- Surat tugas dari pimpinan.

# Lain
Teks lain.
"""

HTML = """<html><head><title>Judul</title><script>var rahasia = "skrip";</script>
<style>.x{color:red}</style></head><body>
<nav><a href="/">Beranda</a> <a href="/kontak">Kontak kami sekarang juga</a></nav>
<main><article>
<h1>Panduan Cuti</h1>
<p>Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian.</p>
<h2>Visa</h2>
<p>Permohonan visa diplomatik diproses oleh bagian protokol paling lambat tiga puluh hari sebelum
keberangkatan.</p>
<ul><li>Paspor dinas berlaku enam bulan sejak tanggal terbit.</li></ul>
<table><tr><th>Jenis</th><th>Batas</th></tr><tr><td>Visa diplomatik</td><td>H-30</td></tr></table>
<pre><code>print("kode rahasia")</code></pre>
</article></main>
<footer>Hak cipta Kementerian. Semua hak dilindungi undang-undang.</footer>
</body></html>"""


def extract(suffix: str, raw: bytes, name: str = "doc") -> Extracted:
    return READERS[suffix].read(raw, name + suffix)


def section_of(e: Extracted, needle: str):
    pos = e.text.index(needle)
    return next(s for s in e.sections if s.start <= pos < s.end)


def assert_blocks_are_lines(e: Extracted) -> None:
    """Sections tile the text at line starts: no sentence can run from one section into the next."""
    for s in e.sections:
        assert s.start == 0 or e.text[s.start - 1] == "\n"
        assert e.text[s.start : s.end] == e.text[s.start : s.end].strip()


def test_markdown_keeps_prose_and_drops_markup() -> None:
    e = extract(".md", MARKDOWN.encode())
    lines = e.text.splitlines()
    assert lines[0] == (
        "Pegawai berhak atas cuti tahunan selama dua belas hari kerja. Lihat formulir-7 dan tanda tangan."
    )
    assert "Jenis: Visa diplomatik; Pengurus: Asisten menteri; Batas: H-30." in lines
    assert "Jenis: Visa dinas; Batas: H-14." in lines  # the empty cell is left out
    assert "Isi lipatan dibaca sebagai teks." in lines and "Paspor dinas berlaku enam bulan." in lines
    assert "Ringkasan tersembunyi" in lines  # the text of a raw HTML block, not its tags
    for gone in ("print", "kode", "<", "|", "---", "metadata", "Cuti\n", "# "):
        assert gone not in e.text, gone
    assert "Cuti" not in lines and "Visa" not in lines  # headings are context, not passages
    assert section_of(e, "Pegawai").headings == ("Cuti",)
    assert section_of(e, "Visa dinas").headings == ("Cuti", "Visa")
    assert section_of(e, "Teks lain").headings == ("Lain",)  # a new h1 closes the h2 under the old one
    assert_blocks_are_lines(e)


def test_markdown_heading_and_paragraph_are_never_one_sentence() -> None:
    e = extract(".md", b"# Jadwal rapat tanpa titik\nRapat dimulai pukul sembilan.\n")
    chunks = chunk_document("a.md", e.text)
    assert [c.text for c in chunks] == ["Rapat dimulai pukul sembilan."]


def test_pdf_pages_paragraphs_hyphenation_and_running_lines(tmp_path: Path) -> None:
    long = (
        "Bagian ini menjelaskan tata cara pengajuan perjalanan dinas luar negeri yang harus disetujui "
        "oleh pejabat berwenang sebelum tanggal keberangkatan, termasuk dokumen pendukung yang diperlukan."
    )
    path = write_pdf(
        tmp_path / "p.pdf",
        [[long], ["Uang harian ke Jepang tiga ratus dolar per hari.", "Anak-anak tidak ikut."], ["Selesai."]],
    )
    e = extract(".pdf", path.read_bytes())
    assert e.text.splitlines()[0] == long  # a wrapped paragraph is one line again
    assert HEADER not in e.text and "Halaman" not in e.text  # running header and page numbers dropped
    assert section_of(e, "Uang harian").page == 2 and section_of(e, "Anak-anak").page == 2
    assert section_of(e, "Selesai").page == 3 and section_of(e, "Bagian ini").page == 1
    assert_blocks_are_lines(e)


def test_pdf_line_joining_rules() -> None:
    from qa.readers.pdf import drop_running_lines, paragraphs

    lines = [
        "Pengajuan perjalanan dinas harus disertai dokumen perjalan-",
        "an dan kunjungan ke kawasan Asia-",
        "Pasifik bersama anak-",
        "anak pegawai yang terdaftar.",
        "Baris pendek.",
        "• butir daftar pertama",
    ]
    assert paragraphs(lines) == [
        "Pengajuan perjalanan dinas harus disertai dokumen perjalanan dan kunjungan ke kawasan Asia-Pasifik "
        "bersama anak-anak pegawai yang terdaftar.",
        "Baris pendek.",
        "• butir daftar pertama",
    ]
    body = ["Pembukaan laporan.", "Isi bagian kedua.", "Penutup laporan."]
    pages = [["Laporan Tahunan 2024", text, f"- {i} -"] for i, text in enumerate(body, 1)]
    assert drop_running_lines(pages) == [[text] for text in body]
    assert drop_running_lines([["Laporan Tahunan 2024", "Satu halaman saja."]]) == [
        ["Laporan Tahunan 2024", "Satu halaman saja."]  # one page: nothing repeats, nothing is dropped
    ]


def test_pdf_typographic_hyphens_at_a_line_or_page_end_join_as_a_hyphen_minus_does() -> None:
    """A PDF typeset with the Unicode hyphen (U+2010, or U+2011) kept "kerja\u2010 sama" apart."""
    from qa.readers.pdf import join_across_pages, paragraphs

    for hyphen in ("\u2010", "\u2011"):
        lines = [
            f"Asisten menteri menyiapkan bahan rapat kerja{hyphen}",
            f"sama dengan anak{hyphen}",
            "anak.",
        ]
        assert paragraphs(lines) == [
            f"Asisten menteri menyiapkan bahan rapat kerjasama dengan anak{hyphen}anak."
        ]
        pages = [[f"Delegasi dari kawasan Asia{hyphen}"], ["Pasifik dan Eropa datang."]]
        assert join_across_pages(pages) == [
            [f"Delegasi dari kawasan Asia{hyphen}Pasifik"],
            ["dan Eropa datang."],
        ]


def test_docx_headings_paragraphs_and_tables(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "d.docx",
        [
            ("h1", "Cuti"),
            ("p", "Pegawai berhak atas cuti dua belas hari."),
            ("h2", "Visa"),
            ("table", [["Jenis", "Batas"], ["Visa dinas", "H-14"]]),
            ("p", "Setelah tabel."),
            ("h1", "Lain"),
            ("p", "Teks lain."),
        ],
    )
    e = extract(".docx", path.read_bytes())
    assert e.text.splitlines() == [
        "Pegawai berhak atas cuti dua belas hari.",
        "Jenis: Visa dinas; Batas: H-14.",
        "Setelah tabel.",
        "Teks lain.",
    ]
    assert section_of(e, "Jenis").headings == ("Cuti", "Visa")
    assert section_of(e, "Teks lain").headings == ("Lain",)
    assert_blocks_are_lines(e)


def test_html_main_content_only_with_heading_path() -> None:
    e = extract(".html", HTML.encode())
    for gone in ("Beranda", "Kontak", "Hak cipta", "rahasia", "color", "Judul"):
        assert gone not in e.text, gone
    assert "Jenis: Visa diplomatik; Batas: H-30." in e.text.splitlines()
    assert section_of(e, "Pegawai berhak").headings == ("Panduan Cuti",)
    assert section_of(e, "Permohonan visa").headings == ("Panduan Cuti", "Visa")
    assert "sebelum keberangkatan." in e.text  # the line break inside the paragraph is a space
    assert_blocks_are_lines(e)


def test_plain_text_is_unchanged(tmp_path: Path) -> None:
    raw = "\ufeffBaris satu.\r\n\r\n  Baris dua tanpa titik\n".encode()
    (tmp_path / "a.txt").write_bytes(raw)
    doc = read_document(tmp_path / "a.txt", "a.txt")
    assert doc.text == raw.decode("utf-8")[1:] and doc.sections == ()
    assert doc.locate(5).label == "a.txt"


OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # all 8 bytes, as every OLE file (an encrypted .docx)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("rahasia.pdf", lambda p: write_pdf(p, [["Isi rahasia."]], password="kunci"), "password-protected"),
        ("pindaian.pdf", write_blank_pdf, "no text layer"),
        ("kosong.pdf", lambda p: write_blank_pdf(p, pages=0), "PDF without pages"),
        ("rusak.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj garbage"), "not a readable PDF"),
        ("rusak.docx", lambda p: p.write_bytes(b"PK\x03\x04 bukan zip"), "not a readable Word document"),
        ("teks.docx", lambda p: p.write_text("ini teks biasa", encoding="utf-8"), "plain text, not a .docx"),
        ("terkunci.docx", lambda p: p.write_bytes(OLE_HEADER + bytes(600)), "password-protected"),
        ("kosong.html", lambda p: p.write_text("<html><nav>menu</nav></html>"), "no main text"),
        ("kode.md", lambda p: p.write_text("# Judul\n\n```\nkode\n```\n"), "no text outside headings"),
        ("gambar.png", lambda p: p.write_bytes(b"\x89PNG"), "type that cannot be read"),
        ("lama.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0"), r"type that cannot be read \(.doc\)"),
    ],
)
def test_unusable_files_stop_the_build_by_name(tmp_path: Path, name: str, make, reason: str) -> None:
    (tmp_path / "baik.txt").write_text("Baik.", encoding="utf-8")
    make(tmp_path / name)
    with pytest.raises(CorpusError, match=reason) as info:
        load_corpus(tmp_path)
    assert name in info.value.message


def test_a_pdf_encrypted_without_user_password_is_read(tmp_path: Path) -> None:
    write_pdf(tmp_path / "izin.pdf", [["Dokumen hanya dibatasi izin cetaknya."], ["Dua."]], password="")
    (doc,) = load_corpus(tmp_path)
    assert doc.text == "Dokumen hanya dibatasi izin cetaknya.\nDua."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path: Path, encoding: str, suffix: str) -> None:
    text = "Uang harian ke Jepang tiga ratus dolar.\r\nCuti dua belas hari."
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw  # the -be codec writes no mark of its own
    (tmp_path / f"catatan{suffix}").write_bytes(raw)
    (doc,) = load_corpus(tmp_path)
    assert doc.text.split() == text.split()
    nul = b"\x00" * (4 if "32" in encoding else 2)
    (tmp_path / f"catatan{suffix}").write_bytes(raw + nul)  # a NUL character is still refused
    with pytest.raises(CorpusError, match=f"catatan\\{suffix}"):
        load_corpus(tmp_path)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_utf16_without_a_byte_order_mark_is_read_as_html_is(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    """Refused as "binary (NUL bytes)"; recognised now by the same rule as an HTML page's bytes."""
    text = "Uang harian ke São Tomé – tiga ratus dolar.\r\nCuti dua belas hari."
    (tmp_path / f"catatan{suffix}").write_bytes(text.encode(encoding))
    (doc,) = load_corpus(tmp_path)
    assert doc.text.split() == text.split()
    (tmp_path / f"catatan{suffix}").write_bytes(text.encode(encoding) + b"\x00\x00")  # a NUL: refused
    with pytest.raises(CorpusError, match=f"catatan\\{suffix} looks binary"):
        load_corpus(tmp_path)


def test_markdown_line_break_tags_separate_words_inline_tags_do_not() -> None:
    source = (
        "# Jadwal<br>Rapat\n\nRapat pertama<br>pukul sembilan<br/>pagi, <b>ruang</b> <span>dua</span>.\n\n"
        "| Hari | Acara |\n|---|---|\n| Senin | Rapat<br>Makan siang |\n\nKata<i>nya</i> baru.\n"
    )
    e = extract(".md", source.encode())
    assert e.text.splitlines() == [
        "Rapat pertama pukul sembilan pagi, ruang dua.",
        "Hari: Senin; Acara: Rapat Makan siang.",
        "Katanya baru.",
    ]
    assert section_of(e, "Rapat pertama").headings == ("Jadwal Rapat",)


@pytest.mark.parametrize(
    "front",
    ["---\njudul: rahasia\n---\n", "---\n---\n", '+++\njudul = "x"\n+++\n', "---\r\njudul: x\r\n...\r\n"],
)
def test_markdown_front_matter_yaml_toml_or_empty_is_metadata(front: str) -> None:
    e = extract(".md", f"{front}# Cuti\n\nCuti dua belas hari.\n".encode())
    assert e.text == "Cuti dua belas hari." and section_of(e, "Cuti dua").headings == ("Cuti",)


@pytest.mark.parametrize("front", ["---\rjudul: rahasia\rpenulis: a\r---\r", '+++\rjudul = "rahasia"\r+++\r'])
def test_markdown_front_matter_with_classic_mac_line_ends_is_metadata(front: str) -> None:
    """Lines ending in a lone \r (CommonMark line ends): the YAML became the heading of the whole file
    ("judul: rahasia penulis: a", a setext heading), the TOML a passage ("+++ judul = ... +++ Cuti ...")."""
    e = extract(".md", f"{front}Cuti dua belas hari.\r".encode())
    assert e.text == "Cuti dua belas hari." and e.sections[0].headings == ()


def test_markdown_nested_deeper_than_the_parser_reads_is_refused_not_cut(tmp_path: Path) -> None:
    # markdown-it stops at its nesting limit and drops the rest of the document, "Penutup." included
    ten_levels = "".join("  " * i + f"- butir {i}\n" for i in range(12)) + "\nPenutup.\n"
    assert extract(".md", ten_levels.encode()).text.splitlines()[-2:] == ["butir 11", "Penutup."]
    quotes = b"> " * 40 + b"Kutipan terdalam.\n\nPenutup.\n"
    assert extract(".md", quotes).text == "Kutipan terdalam.\nPenutup."
    sixty_levels = "".join("  " * i + f"- butir {i}\n" for i in range(60)) + "\nPenutup.\n"
    (tmp_path / "dalam.md").write_text(sixty_levels)
    with pytest.raises(CorpusError, match=r"dalam\.md nests lists or quotes too deep"):
        load_corpus(tmp_path)


def test_pdf_headings_are_not_glued_to_the_first_sentence_under_them(tmp_path: Path) -> None:
    long = (
        "Pegawai berhak atas cuti tahunan selama dua belas hari kerja menurut peraturan kepegawaian "
        "yang berlaku di lingkungan kementerian dan perwakilan di luar negeri."
    )
    pages = [["BAB I PENDAHULUAN", long, "Pasal 3", "Uang harian dibayar di muka."], ["1.2 Tujuan", long]]
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", pages).read_bytes())
    assert e.text.splitlines() == [line for page in pages for line in page]
    from qa.readers.pdf import paragraphs

    wrapped = ["Surat tugas ditandatangani oleh pejabat yang berwenang di", "Kementerian Luar Negeri."]
    assert paragraphs(wrapped) == [" ".join(wrapped)]  # a wrapped line before a capital is not a heading


@pytest.mark.parametrize("suffix", sorted(set(READERS)))
def test_any_failure_inside_a_reader_is_the_files_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    # the parsing libraries raise whatever they raise on hostile input (RecursionError, ValueError...)
    def broken(self, raw: bytes, name: str) -> Extracted:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(type(READERS[suffix]), "read", broken)
    (tmp_path / f"aneh{suffix}").write_bytes(b"isi")
    with pytest.raises(CorpusError, match=rf"aneh\{suffix} could not be read \(RecursionError"):
        load_corpus(tmp_path)


def test_a_pdf_too_slow_to_extract_is_refused_before_extraction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 400,000 text operators (a 5 kB file) took pypdf 20-30 s; a page may inflate to 75 MB of them
    from pypdf import PageObject

    from qa.readers import pdf

    path = write_pdf(tmp_path / "berat.pdf", [["Halaman satu berisi teks."], ["Halaman dua."]])
    page_bytes = len(pdf._open(path.read_bytes(), "x").pages[0].get_contents().get_data())
    monkeypatch.setattr(PageObject, "extract_text", lambda *a, **k: pytest.fail("extracted"))
    monkeypatch.setattr(pdf, "MAX_PAGE_CONTENT", page_bytes - 1)  # the real limits, scaled down
    with pytest.raises(CorpusError, match=r"berat\.pdf: page 1 holds .* drawing instructions"):
        load_corpus(tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(pdf, "MAX_DOCUMENT_CONTENT", page_bytes + 1)
    with pytest.raises(CorpusError, match=r"berat\.pdf holds over .* by page 2"):
        load_corpus(tmp_path)


REPORT = "Laporan pelaksanaan kegiatan dikirim kepada menteri setiap minggu melalui sekretariat."


def test_pdf_a_word_hyphenated_across_a_page_break_is_joined_as_within_a_page(tmp_path: Path) -> None:
    """ "kerja-" ending page 1 and "sama" opening page 2 stayed two words ("kerja-" / "sama"), so neither
    matched "kerjasama"; reduplications across a page keep their hyphen, as within a page."""
    pages = [
        ["Asisten menteri menyiapkan bahan rapat kerja-"],
        ["sama, lalu mencatat kerja-"],
        ["kerja delegasi sehari-"],
        ["hari di kawasan Asia-"],
        ["Bab 3 Pelaksanaan", REPORT],  # a capital: a heading, not a word's rest
    ]
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", pages).read_bytes())
    assert e.text.splitlines() == [
        "Asisten menteri menyiapkan bahan rapat kerjasama,",
        "lalu mencatat kerja-kerja",
        "delegasi sehari-hari",
        "di kawasan Asia-",
        "Bab 3 Pelaksanaan",
        REPORT,
    ]
    assert section_of(e, "kerjasama").page == 1 and section_of(e, "lalu mencatat").page == 2
    assert section_of(e, "Asia-").page == 4 and section_of(e, "Bab 3").page == 5
    assert_blocks_are_lines(e)


def test_pdf_a_capitalised_compound_split_by_a_page_break_is_joined_with_its_hyphen(tmp_path: Path) -> None:
    """ "Asia-" ending a page and "Pasifik" opening the next stayed "Asia-" / "Pasifik" (only a lower-case
    rest was joined), so neither matched "Asia-Pasifik"; a heading opening the next page stays apart."""
    forum = "di Jakarta bersama para menteri luar negeri dari sembilan negara anggota forum kerja sama itu."
    pages = [
        ["Delegasi menghadiri forum kerja sama kawasan Asia-"],
        [f"Pasifik {forum}", "Jalur kereta baru menghubungkan Jawa-"],
        ["Bali.", REPORT],  # a short line, but a sentence's end: text, not a heading
        ["Rapat berikutnya membahas Kerja-"],
        ["Kerja Bakti pegawai di halaman kantor kementerian setiap hari Jumat pagi, mulai pukul tujuh."],
        ["Bahan rapat disiapkan untuk Eropa-"],
        ["Bab 3 Pelaksanaan", REPORT],  # a capitalised heading: not the word's rest
    ]
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", pages).read_bytes())
    lines = e.text.splitlines()
    assert lines[0] == "Delegasi menghadiri forum kerja sama kawasan Asia-Pasifik"
    assert lines[1] == forum
    assert "Jalur kereta baru menghubungkan Jawa-Bali." in lines
    assert "Rapat berikutnya membahas Kerja-Kerja" in lines  # a reduplication keeps its hyphen too
    assert lines[-3:] == ["Bahan rapat disiapkan untuk Eropa-", "Bab 3 Pelaksanaan", REPORT]
    assert section_of(e, "Asia-Pasifik").page == 1 and section_of(e, forum).page == 2
    assert_blocks_are_lines(e)


def test_pdf_alternating_running_headers_are_dropped_with_an_odd_number_of_pages(tmp_path: Path) -> None:
    """A report printed on both sides alternates its headers; with 5 pages the even pages' header was on
    2 of them, under half, and became a passage twice."""
    from qa.readers.pdf import drop_running_lines

    bodies = [f"Bagian {n}: {text}" for n, text in enumerate(REPORT.split(" ", 4)[:4] + [REPORT], 1)]
    headers = ("Laporan Tahunan Kementerian 2024", "Direktorat Jenderal Protokol dan Konsuler")
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", [[b] for b in bodies], header=headers).read_bytes())
    assert e.text.splitlines() == bodies
    assert [s.page for s in e.sections] == [1, 2, 3, 4, 5]
    # one side's repeated line without a pair on the other side is body text: kept
    pages = [
        ["Pembukaan.", "Tanda tangan."],
        ["Isi dua."],
        ["Isi tiga.", "Tanda tangan."],
        ["Isi empat."],
        ["Isi lima."],
    ]
    assert drop_running_lines(pages) == pages


def test_pdf_roman_page_numbers_of_a_front_matter_are_dropped(tmp_path: Path) -> None:
    """A foreword and contents numbered i, ii, iii: each numeral is on one page only, so it was kept,
    glued to the end of the page's last sentence ("... sekretariat. ii")."""
    roman = ["i", "- ii -", "Halaman iii", "iv"]
    bodies = [f"Bagian {n}: {text}" for n, text in enumerate(REPORT.split(" ", 5)[:5], 1)]
    pages = [[b] for b in bodies]
    path = write_pdf(tmp_path / "p.pdf", pages, footer=lambda n: roman[n - 1] if n <= 4 else str(n - 4))
    assert extract(".pdf", path.read_bytes()).text.splitlines() == bodies
    from qa.readers.pdf import drop_running_lines

    kept = [["Pembukaan.", "II"], ["Isi.", "c."], ["TINJAUAN PUSTAKA", "Isi tiga."]]
    assert drop_running_lines(kept) == kept  # a chapter's "II", a list's "c.": not page numbers


def test_pdf_table_of_contents_entries_are_not_passages(tmp_path: Path) -> None:
    """A "Daftar Isi" page became passages of headings, dot leaders and page numbers ("BAB I
    PENDAHULUAN .... 1 1.1 Latar Belakang .... 1"), which matched questions better than the chapters."""
    contents = [
        "Daftar Isi",
        "Kata Pengantar " + "." * 50 + " iii",
        "BAB I PENDAHULUAN " + "." * 60 + " 1",
        "1.1 Latar Belakang " + ". " * 30 + "1",
        "Lampiran " + "." * 40 + " 2",  # a contents page names no page past the document's end
    ]
    form = ["Nama pegawai: ....................", "Biaya naik .... 5 persen setiap tahun anggaran."]
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", [contents, [REPORT, *form]]).read_bytes())
    assert e.text.splitlines()[0] == "Daftar Isi" and section_of(e, REPORT).page == 2
    for gone in ("PENDAHULUAN", "Latar Belakang", "Pengantar", "Lampiran"):
        assert gone not in e.text
    assert all(line in e.text for line in form)  # dots that lead to no page number are text
    from qa.readers.pdf import drop_contents

    entries = ["Kata Pengantar ………… iii", "BAB I ………… 1", "BAB II ………… 4"]  # Word's ellipsis leader
    assert drop_contents(entries, last_page=4) == ["", "", ""]
    prices = [
        "Tarif uang harian",
        "Jepang " + "." * 20 + " 300",
        "Korea " + "." * 20 + " 250",
        "Cina .... 200",
    ]
    assert drop_contents(prices, last_page=400) == prices  # a price list with leaders: amounts go down


def test_pdf_a_list_with_leaders_and_rising_numbers_is_not_a_contents_page(tmp_path: Path) -> None:
    """A fee or quota list with dot leaders whose amounts go up ("Pendaftaran ..... 100", "Ujian
    ..... 250", "Wisuda ..... 500") was taken for a table of contents and lost: a contents page names
    no page past the document's end, and this document has 2."""
    fees = [
        "Biaya layanan akademik",
        "Pendaftaran " + "." * 30 + " 100",
        "Ujian ulang " + "." * 30 + " 250",
        "Wisuda " + "." * 30 + " 500",
    ]
    e = extract(".pdf", write_pdf(tmp_path / "p.pdf", [fees, [REPORT]]).read_bytes())
    for line in fees[1:]:
        assert line.split(" .")[0] in e.text and line.rsplit(" ", 1)[1] in e.text
    from qa.readers.pdf import drop_contents

    assert drop_contents(fees, last_page=2) == fees
    assert drop_contents(fees, last_page=600) == ["Biaya layanan akademik", "", "", ""]  # as a contents page


def test_pdf_repairs_pypdf_logs_as_errors_stay_off_the_terminal(tmp_path: Path, caplog) -> None:
    """An unknown font encoding is repaired by pypdf, which logs it at ERROR with the whole substitute
    table: a 3 kB line on the terminal of ``qa index`` for each font of each page, the text read fine."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(write_pdf(tmp_path / "p.pdf", [[REPORT]])))
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        font.get_object()[NameObject("/Encoding")] = NameObject("/TidakDikenalEncoding")
    out = io.BytesIO()
    writer.write(out)
    with caplog.at_level(logging.DEBUG):
        e = extract(".pdf", out.getvalue())
    assert REPORT in e.text
    assert [r.getMessage()[:60] for r in caplog.records if r.name.startswith("pypdf")] == []


def test_pdf_page_joining_leaves_list_items_and_whole_words_alone() -> None:
    from qa.readers.pdf import join_across_pages

    pages = [
        ["Syarat perjalanan:", "dokumen-"],
        ["• paspor dinas"],
        ["Selesai -"],
        ["berikutnya"],
        ["akhir-"],
        [],
    ]
    assert join_across_pages(pages) == pages  # a bullet, a dash after a space, a last page: untouched
    assert join_across_pages([["perjalan-", ""], ["", "an dinas"]]) == [["perjalanan", ""], ["", "dinas"]]
    assert join_across_pages([["kawasan Asia\u00ad"], ["Pasifik."]]) == [["kawasan AsiaPasifik."], [""]]
    # a number goes on any hyphenated word, not a numbered list item or heading
    assert join_across_pages([["pandemi COVID-"], ["19 melanda dunia sejak awal tahun itu."]]) == [
        ["pandemi COVID-19"],
        ["melanda dunia sejak awal tahun itu."],
    ]
    numbered = (
        [["dokumen kerja-"], ["1. Paspor dinas"]],
        [["dokumen kerja-"], ["2.1 Latar Belakang", REPORT]],
    )
    assert all(join_across_pages([list(p) for p in pages]) == list(pages) for pages in numbered)


def test_markdown_keeps_the_text_of_raw_html_blocks_never_their_markup() -> None:
    """A raw HTML block (no blank line inside, so CommonMark does not read its lines as Markdown) was
    dropped with its text: a README's centred paragraph, a note in a <div>, a table written in HTML."""
    source = """# Panduan

<div class="catatan">
Pegawai wajib melapor dalam <b>tiga</b> hari &amp; membawa surat tugas.
</div>

<p align="center">Kantor buka pukul delapan.<script>alert("skrip")</script></p>

<!-- komentar rahasia -->
<style>.x {color: red}</style>

<h2>Visa</h2>

Visa diurus bagian protokol.

<table><tr><th>Jenis</th><th>Batas</th></tr><tr><td>Visa dinas</td><td>H-14</td></tr></table>

<pre><code>kode_rahasia()</code></pre>
"""
    e = extract(".md", source.encode())
    assert e.text.splitlines() == [
        "Pegawai wajib melapor dalam tiga hari & membawa surat tugas.",
        "Kantor buka pukul delapan.",
        "Visa diurus bagian protokol.",
        "Jenis: Visa dinas; Batas: H-14.",
    ]
    assert section_of(e, "Kantor").headings == ("Panduan",)
    assert section_of(e, "Visa diurus").headings == ("Panduan", "Visa")  # an HTML heading heads what follows
    assert section_of(e, "Jenis").headings == ("Panduan", "Visa")
    assert_blocks_are_lines(e)
    deep = "<div>" * 300 + "Teks terdalam." + "</div>" * 300
    with pytest.raises(CorpusError, match=r"doc\.md is beyond what the HTML parser reads whole"):
        extract(".md", f"# Judul\n\n{deep}\n".encode())
