"""The PDF reader on files of the fourth sweep (section 30 of docs/reliability.md), each written here."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.readers import READERS, Extracted
from qa.readers._pdfpages import drop_contents

from .documents import (
    BODY,
    LEAD,
    column_rows,
    write_across_pdf,
    write_endnoted_pdf,
    write_form_pdf,
    write_lead_pdf,
    write_noted_pdf,
    write_pdf,
    write_placed_pdf,
)

DUTY = "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur."


def read_pdf(path: Path) -> Extracted:
    return READERS[".pdf"].read(path.read_bytes(), path.name)


def test_a_roster_with_leaders_and_roman_numbers_is_not_a_contents_page(tmp_path: Path) -> None:
    """A homeroom roster ("Ibu Sari ........ VII", "........ VIII", "........ IX") was taken for a
    contents page and lost: any roman number counted as a front matter's page. A contents page names
    the body's pages in arabic numbers after its roman ones. Each row is a line of its own (they ran
    together as one paragraph, having no full stop, and a row ran on from a long last line before it)."""
    roster = [
        "Wali kelas tahun ajaran ini",
        "Ibu Sari Wulandari " + "." * 30 + " VII",
        "Bapak Hadi Santoso " + "." * 30 + " VIII",
        "Ibu Rina Marlina " + "." * 30 + " IX",
    ]
    e = read_pdf(write_pdf(tmp_path / "wali.pdf", [roster, [DUTY]]))
    assert e.text.splitlines()[:4] == [" ".join(line.split()) for line in roster]
    fee = "Tarif Jepang " + "." * 30 + " 300"
    e = read_pdf(write_pdf(tmp_path / "tarif.pdf", [[f"{DUTY} {DUTY}", fee]]))
    assert e.text.splitlines()[-1] == fee  # not the end of the paragraph before it
    assert drop_contents(roster, last_page=400) == roster
    contents = ["Kata Pengantar ..... iii", "Daftar Isi ..... iv", "BAB I ..... 1", "BAB II ..... 7"]
    assert drop_contents(contents, last_page=9) == ["", "", "", ""]  # roman, then arabic: contents
    backwards = ["Kata Pengantar ..... v", "Daftar Isi ..... iii", "BAB I ..... 1", "BAB II ..... 7"]
    assert drop_contents(backwards, last_page=9) == backwards  # roman numbers that go down: not one


def test_a_superscript_note_marker_does_not_change_the_word_before_it(tmp_path: Path) -> None:
    """A note number set as a superscript was glued to the word before it: "pasal 5¹" read "pasal 51",
    "kontrak¹" "kontrak1" (left in section 22; fixed for HTML there). An exponent with no note ("m²")
    stays as it was."""
    runs = [
        ("Honor penerjemah diatur dalam pasal 5", False), ("1", True),
        (" dan dibayar setelah kontrak", False), ("2", True),
        (" selesai. Ruang kerja paling sedikit 9 m", False), ("3", True), (" per orang.", False),
    ]  # fmt: skip
    notes = ["1 Peraturan Asosiasi Penerjemah Nomor 2 Tahun 2021.", "2 Kontrak tertulis, bukan lisan."]
    e = read_pdf(write_noted_pdf(tmp_path / "honor.pdf", runs, notes))
    assert e.text.splitlines() == [
        "Honor penerjemah diatur dalam pasal 5 dan dibayar setelah kontrak selesai. Ruang kerja paling "
        "sedikit 9 m3 per orang.",
        *notes,
    ]


def test_an_exponent_stays_when_a_line_opens_with_its_number(tmp_path: Path) -> None:
    """Section 37: a line opening with a number and a word ("2 Januari 2024 rapat ...") made every small
    2 glued to a word on the page a note marker: "120 m²" read "120 m", "x²" "x", "CO₂" "CO". A number
    after a word of one or two letters is an exponent or a formula's index; a note after a word is
    still dropped."""
    runs = [
        ("Luas tanah 120 m", False), ("2", True), (" dan nilai x", False), ("2", True),
        (" naik; gas CO", False), ("2", True), (" diatur pasal", False), ("2", True), (".", False),
    ]  # fmt: skip
    notes = ["2 Januari 2024 rapat warga memutuskan harga."]
    e = read_pdf(write_noted_pdf(tmp_path / "luas.pdf", runs, notes))
    assert e.text.startswith("Luas tanah 120 m2 dan nilai x2 naik; gas CO2 diatur pasal.\n2 Januari")


def test_a_filled_forms_answers_are_read(tmp_path: Path) -> None:
    """A filled PDF form's answers are its fields' values, drawn by the viewer and never in the page's
    text: "Nama pemohon: Sari Wulandari" was lost without a word, and a form with no other text was
    refused as having "no text layer" (left in section 22: not tried)."""
    fields: list[dict[str, object]] = [
        {"/T": "nama", "/TU": "Nama pemohon", "/V": "Sari Wulandari"},
        {"/T": "bahasa_sumber", "/V": "Jepang", "kid": True},  # no description: its name, on its parent
        {"/T": "catatan", "/V": ""},  # empty: nothing
        {"/T": "kode", "/V": "rahasia-internal", "/F": 2},  # hidden: neither shown nor printed
    ]
    e = read_pdf(write_form_pdf(tmp_path / "form.pdf", ["Permohonan penerjemah.", "Nama pemohon:"], fields))
    assert e.text.splitlines()[-2:] == ["Nama pemohon: Sari Wulandari", "bahasa sumber: Jepang"]
    assert "rahasia" not in e.text and all(s.page == 1 for s in e.sections)
    only = read_pdf(write_form_pdf(tmp_path / "isian.pdf", [], fields[:1]))
    assert only.text == "Nama pemohon: Sari Wulandari"
    from qa.readers._pdftext import form_lines

    assert form_lines({"/Annots": [None]}) == []  # a malformed form: the page is read, not refused


def test_a_pdf_scanned_but_for_a_typed_page_says_its_pages_have_no_text(tmp_path: Path) -> None:
    """A scan with one typed page (a cover, a form filled in by computer) was read as that page alone:
    the scanned pages were lost without a word, and the document seemed read. Most pages pictures with
    no text: refused by name, pages listed; a report with a photograph among typed pages is read."""
    from qa.corpus import load_corpus
    from qa.errors import CorpusError

    from .documents import write_scanned_pdf

    write_scanned_pdf(tmp_path / "kontrak.pdf", [DUTY, None, None])
    refusal = r"kontrak\.pdf: 2 of its 3 pages are images with no text .* 2, 3"
    with pytest.raises(CorpusError, match=refusal) as refused:
        load_corpus(tmp_path)
    hint = str(refused.value.hint)
    assert "ocrmypdf" in hint and "photographs" in hint and "qpdf" in hint  # a brochure's way out too
    write_scanned_pdf(tmp_path / "kontrak.pdf", [DUTY, None, DUTY.replace("direktur", "wakil direktur")])
    (doc,) = load_corpus(tmp_path)
    assert doc.text.splitlines() == [DUTY, DUTY.replace("direktur", "wakil direktur")]


def test_a_few_scanned_pages_among_typed_ones_are_named_in_a_warning(tmp_path: Path) -> None:
    """Section 42: a signed page scanned into a typed report was read without, silently (refusing it
    would block a build over a photograph). The rest is read, and the build is told which pages were
    not, as the mostly-scanned refusal names them."""
    from qa.corpus import load_corpus

    from .documents import write_scanned_pdf

    later = DUTY.replace("direktur", "wakil direktur")
    write_scanned_pdf(tmp_path / "laporan.pdf", [DUTY, None, later, DUTY, None])
    told: list[str] = []
    (doc,) = load_corpus(tmp_path, told.append)
    assert doc.text.splitlines() == [DUTY, later, DUTY]
    assert told == list(doc.warnings) and len(told) == 1
    assert "laporan.pdf: pages 2, 5 of its 5 hold only images, no text" in told[0] and "ocrmypdf" in told[0]
    write_scanned_pdf(tmp_path / "laporan.pdf", [DUTY, later, None])
    (doc,) = load_corpus(tmp_path, told.append)
    assert "laporan.pdf: page 3 of its 3 holds only images" in told[-1]
    write_scanned_pdf(tmp_path / "laporan.pdf", [DUTY, later])
    told.clear()
    assert load_corpus(tmp_path, told.append)[0].warnings == () and told == []


@pytest.mark.parametrize("raised", [False, True], ids=["numbers inline", "numbers raised"])
def test_endnote_markers_leave_their_words_and_each_note_is_a_paragraph(tmp_path: Path, raised: bool) -> None:
    """Section 42: notes gathered at the document's end (endnotes, left in section 30) kept their
    markers glued ("pasal 5¹" read "pasal 51", "kedutaan³" "kedutaan3"), and the notes ran together as
    one paragraph ("... saksi. 3 Atau konsulat ..."). A marker goes when its number opens a note on a
    later page and it goes on the endnotes' numbering: a small number after a word out of that order
    ("meter³" after note 3) and an exponent ("m²") stay. A note's own number set raised, as Word sets
    it, was taken for a marker glued to the line above and dropped: a line break glues nothing."""
    pages = [
        [("Honor penerjemah diatur dalam pasal 5", False), ("1", True),
         (" dan dibayar setelah kontrak", False), ("2", True), (" selesai.", False)],
        [("Dokumen negara asing dilegalisasi oleh kedutaan", False), ("3", True),
         (". Gudang arsip 40 meter", False), ("3", True), (" dan ruang kerja 9 m", False), ("2", True),
         (" per orang.", False)],
    ]  # fmt: skip
    notes = [
        "1 Peraturan Asosiasi Penerjemah Nomor 2 Tahun 2021.",
        "2 Kontrak tertulis, bukan lisan, yang ditandatangani kedua pihak di hadapan saksi dari kantor "
        "notaris.",
        "3 Atau konsulat jenderal.",
    ]
    e = read_pdf(write_endnoted_pdf(tmp_path / "honor.pdf", pages, "Catatan", notes, raised))
    assert e.text.splitlines() == [
        "Honor penerjemah diatur dalam pasal 5 dan dibayar setelah kontrak selesai.",
        "Dokumen negara asing dilegalisasi oleh kedutaan. Gudang arsip 40 meter3 dan ruang kerja 9 m2 per "
        "orang.",
        "Catatan",
        *notes,
    ]


def test_two_columns_drawn_line_across_line_are_read_column_by_column(tmp_path: Path) -> None:
    """Section 42: a page in two columns whose producer draws each line across the page was read line
    across line, every line half a sentence of each column (left in sections 22 and 30). The runs'
    places show the gutter; both sides wrapped prose, the left column is read, then the right, the
    title above and a line across the page below in their places. A table drawn the same way (its
    cells open with capitals and digits) is still read row by row."""
    import textwrap

    left = (
        "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur. "
        "Dokumen yang berasal dari negara asing harus dilegalisasi lebih dahulu oleh kedutaan besar."
    )
    right = (
        "Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun. Permohonan cuti "
        "diajukan paling lambat tujuh hari sebelumnya kepada atasan langsung pegawai."
    )
    lines = textwrap.wrap(left, 42), textwrap.wrap(right, 42)
    assert len(lines[0]) > len(lines[1]) >= 4  # the left column is the longer: its last lines stand alone
    rows = [(a, lines[1][i] if i < len(lines[1]) else "") for i, a in enumerate(lines[0])]
    closing = "Pedoman ini berlaku sejak tanggal ditetapkan oleh kepala kantor perwakilan di luar negeri."
    e = read_pdf(write_across_pdf(tmp_path / "pedoman.pdf", "Ketentuan Pegawai", rows, closing))
    assert e.text.splitlines() == ["Ketentuan Pegawai", left, right, closing]
    table = [("Jenis layanan", "Tarif per hari"), ("Simultan", "Rp2.000.000"), ("Konsekutif", "Rp1.500.000"),
             ("Bisik", "Rp1.000.000"), ("Tertulis", "Rp300.000 per halaman")]  # fmt: skip
    e = read_pdf(write_across_pdf(tmp_path / "tarif.pdf", "Tarif", table))
    across = "Tarif Jenis layanan Tarif per hari Simultan Rp2.000.000 Konsekutif"
    assert e.text.replace("\n", " ").startswith(across)
    opening = "yang sudah"  # words placed one by one, each line opening alike: the third word at one place
    prose = [f"{opening} {a.lower()}" for a in lines[0] + lines[1]]
    placed = [(20 + 5 * i, line) for i, line in enumerate(prose)]
    e = read_pdf(write_placed_pdf(tmp_path / "kata.pdf", placed, word_by_word=True))
    assert e.text.replace("\n", " ") == " ".join(prose)  # read as drawn, a line at a time


def test_the_space_between_paragraphs_ends_them(tmp_path: Path) -> None:
    """Section 42: pypdf writes a page's lines one after the other, the space a page leaves between
    paragraphs lost, so a paragraph whose last line filled the width ran on into the next, and a
    heading of some length into its paragraph ("3.1 Invoking asn1Parser asn1Parser reads ...", in
    Debian's libtasn1 manual). A step down of 1.4 times the page's usual line spacing ends a paragraph."""
    first = [
        "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum",
        "ditandatangani oleh direktur dan menyimpan salinannya di arsip kantor",
        "selama lima tahun sejak tanggal kontrak tersebut ditandatangani.",
    ]
    second = [
        "Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun",
        "dan diajukan kepada atasan langsung paling lambat tujuh hari sebelumnya.",
    ]
    heading = "Ketentuan tentang Honor bagi Penerjemah Lepas Kantor"  # over 0.6 of the width: no heading
    third = ["Honor dibayar setelah pekerjaan selesai dan diperiksa oleh kepala bagian."]
    assert min(len(line) for line in first + second + third) > 0.8 * max(map(len, first + second + third))
    placed = [(30 + 5 * i, line) for i, line in enumerate(first)]
    placed += [(50 + 5 * i, line) for i, line in enumerate(second)]
    placed += [(70, heading), (80, third[0])]
    e = read_pdf(write_placed_pdf(tmp_path / "pedoman.pdf", placed))
    assert e.text.splitlines() == [" ".join(first), " ".join(second), heading, third[0]]
    close = [(30 + 5 * i, line) for i, line in enumerate(first + second)]  # no space: one paragraph
    e = read_pdf(write_placed_pdf(tmp_path / "rapat.pdf", close))
    assert e.text.splitlines() == [" ".join(first + second)]


def test_a_paragraph_set_larger_than_the_body_is_one_paragraph(tmp_path: Path) -> None:
    """Section 50: a lead paragraph set in 15 pt above a body in 11 pt steps further down at each line
    than the body does, and section 42's paragraph space (1.4 times the body's step) split it at every
    line: three paragraphs of half sentences. Between two lines of the same larger type the step is
    measured against the body's scaled to that type; the space below the lead still ends it."""
    e = read_pdf(write_lead_pdf(tmp_path / "pedoman.pdf"))
    assert e.text.splitlines() == [" ".join(LEAD), " ".join(BODY)]


def test_three_columns_drawn_line_across_line_are_read_column_by_column(tmp_path: Path) -> None:
    """Section 59: a page in three columns drawn line across line read its first column whole and the
    other two line across line, "Cuti tahunan diberikan Honor penerjemah lepas paling lama ..." (left
    in section 50: the gutter was found once). A side holding a gutter of its own is split again, and
    the columns' lines are joined at the columns' width, not the page's (a line across the page below
    made every column line "short", each sentence ending at a line end a paragraph)."""
    columns = [
        "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur. "
        "Dokumen yang berasal dari negara asing harus dilegalisasi lebih dahulu oleh kedutaan besar",
        "sebelum diserahkan. Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun bagi "
        "setiap pegawai tetap yang sudah bekerja paling sedikit satu tahun",
        "tanpa terputus. Honor penerjemah lepas dibayar setelah pekerjaan selesai dan diperiksa oleh "
        "kepala bagian yang membawahi urusan bahasa di kantor perwakilan.",
    ]
    rows = column_rows(columns)
    closing = "Pedoman ini berlaku sejak tanggal ditetapkan oleh kepala kantor perwakilan di luar negeri."
    e = read_pdf(
        write_across_pdf(tmp_path / "pedoman.pdf", "Ketentuan Pegawai", rows, closing, (10, 75, 140))
    )
    assert e.text.splitlines() == ["Ketentuan Pegawai", " ".join(columns), closing]
    table = [("Jenis layanan", "Satuan", "Tarif per hari"), ("Simultan", "Hari", "Rp2.000.000"),
             ("Konsekutif", "Hari", "Rp1.500.000"), ("Bisik", "Jam", "Rp1.000.000"),
             ("Tertulis", "Halaman", "Rp300.000")]  # fmt: skip
    e = read_pdf(write_across_pdf(tmp_path / "tarif.pdf", "Tarif", table, xs=(10, 75, 140)))
    assert e.text.replace("\n", " ").startswith("Tarif Jenis layanan Satuan Tarif per hari Simultan Hari")


def test_a_numbered_heading_opening_a_page_is_not_a_running_header(tmp_path: Path) -> None:
    """Section 59: "Pasal 2" opening a page (and "Pasal 5" another) was dropped as a running header
    (left in section 50): lines are compared with their digits masked, so "Pasal #" at the top of two
    pages was one repeated line. A running line's numbers are the same on most pages or go up with the
    pages; a heading has its own number, once, and its kind is in the pages' bodies too. Numbered
    running lines still go: a document's number beside the page's ("Peraturan No. 123 - Hal 2", the
    count offset by a cover) and a chapter's over its pages ("Bab 1 Ketentuan Umum")."""
    duty = "Setiap pegawai yang bertugas di luar negeri wajib melapor kepada kepala perwakilan."
    leave = "Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun."
    fee = "Honor penerjemah dibayar setelah pekerjaan selesai dan diperiksa."
    pages = [["PERATURAN DIREKTUR JENDERAL", "Pasal 1", duty], ["Pasal 2", leave], ["Pasal 5", fee]]
    e = read_pdf(write_pdf(tmp_path / "aturan.pdf", pages, footer="Peraturan No. 123 - Hal {}".format))
    assert e.text.splitlines() == [
        "PERATURAN DIREKTUR JENDERAL",
        "Pasal 1",
        duty,
        "Pasal 2",
        leave,
        "Pasal 5",
        fee,
    ]
    assert [s.page for s in e.sections] == [1, 2, 3]
    first, second, third = (
        f"{leave} {fee} {duty}",
        f"{duty} {leave} {fee}",
        f"{fee} {duty} {leave}",
    )  # wrapped
    stepped = [
        ["Pasal 1", first],
        ["Pasal 2", second, "Pasal 3", third],
    ]  # numbered with the pages, as a page's
    e = read_pdf(write_pdf(tmp_path / "dua.pdf", stepped, header=""))
    assert e.text.splitlines() == ["Pasal 1", first, "Pasal 2", second, "Pasal 3", third]
    chapters = [[duty], [leave], [fee], ["Pedoman ini berlaku sejak tanggal ditetapkan oleh direktur."]]
    e = read_pdf(
        write_pdf(tmp_path / "bab.pdf", chapters, footer=lambda n: f"Bab {(n + 1) // 2} Ketentuan Umum")
    )
    assert e.text.splitlines() == [duty, leave, fee, chapters[3][0]]
    e = read_pdf(
        write_pdf(tmp_path / "hal.pdf", chapters, footer=lambda n: f"Peraturan No. 123 - Hal {n + 1}")
    )
    assert e.text.splitlines() == [duty, leave, fee, chapters[3][0]]


def test_running_lines_are_told_in_one_reading_of_the_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Section 61: section 59's test of a running line's numbers masked every line of every page again
    for each repeated key: a 10,000-page report took 4.1 s of CPU there (0.18 s before it), on top of
    its pages' reading. The edge lines are masked once for all keys, and the bodies only for a key whose
    numbers go up with the pages, only on lines holding its words; the same lines go."""
    from qa.readers import _pdfpages

    body = [f"Kalimat isi nomor {i} berisi kata-kata yang cukup panjang untuk diuji." for i in range(30)]
    pages = [
        ["Laporan Tahunan 2024", f"Bab {p // 200 + 1} Ketentuan", *body, "Rahasia", f"Hal {p + 1}"]
        for p in range(2000)
    ]
    calls = 0
    masked = _pdfpages._key

    def counted(line: str) -> str:
        nonlocal calls
        calls += 1
        return masked(line)

    monkeypatch.setattr(_pdfpages, "_key", counted)
    assert _pdfpages.drop_running_lines(pages) == [body] * len(pages)
    assert calls < 2 * sum(len(lines) for lines in pages), calls
