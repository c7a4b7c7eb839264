"""The Markdown reader on a host's notes of the fourth sweep (section 30 of docs/reliability.md)."""

from __future__ import annotations

from qa.readers import READERS, Extracted


def read_md(source: str) -> Extracted:
    return READERS[".md"].read(source.encode(), "penerjemah.md")


def located(e: Extracted) -> list[tuple[tuple[str, ...], str]]:
    return [(s.headings, line) for s in e.sections for line in e.text[s.start : s.end].splitlines()]


def test_footnotes_are_read_as_github_shows_them() -> None:
    """A footnote's marker stayed in its sentence ("resmi[^1] dari") and its note began with the
    label ("[^1]: Dokumen resmi ..."), as CommonMark, which has no footnotes, reads them (left in
    section 22); GitHub and Pandoc show the marker as a small link and each note apart. Each note is
    read after the first block that cites it (section 78), as the Word reader reads a footnote."""
    source = (
        "Penerjemah\n==========\n\nPenerjemah tersumpah menerjemahkan dokumen resmi[^1] dari bahasa "
        "asing[^asing]. Nilai [^x] bukan catatan.\n\n| Dokumen | Tarif |\n|---|---|\n| Akta[^1] | "
        "Rp150.000 |\n\n[^1]: Dokumen resmi meliputi akta, ijazah, dan putusan pengadilan.\n"
        "[^asing]:   Terutama bahasa Inggris dan Arab.\n"
    )
    assert located(read_md(source)) == [
        (("Penerjemah",), "Penerjemah tersumpah menerjemahkan dokumen resmi dari bahasa asing. Nilai [^x] "
                          "bukan catatan."),
        (("Penerjemah",), "Dokumen resmi meliputi akta, ijazah, dan putusan pengadilan."),
        (("Penerjemah",), "Terutama bahasa Inggris dan Arab."),
        (("Penerjemah",), "Dokumen: Akta; Tarif: Rp150.000."),
    ]  # fmt: skip


def test_a_footnotes_further_paragraphs_are_read() -> None:
    """A note's second paragraph, indented by four spaces as GitHub wants it, was a code block and
    dropped without a word."""
    source = (
        "Honor dibayar per halaman[^honor].\n\n[^honor]: Satu halaman berisi 250 kata.\n\n"
        "    Halaman yang kurang dari itu dihitung penuh.\n\n\tTabel tarif dilampirkan.\n\n"
        "    kode = 1\n\nPenutup dokumen.\n"
    )
    assert read_md(source).text.splitlines() == [
        "Honor dibayar per halaman.",
        "Satu halaman berisi 250 kata.",
        "Halaman yang kurang dari itu dihitung penuh.",
        "Tabel tarif dilampirkan.",
        "kode = 1",
        "Penutup dokumen.",
    ]
    code = "Teks biasa.\n\n    kode_rahasia = 1\n"  # an indented code block outside a note stays code
    assert read_md(code).text == "Teks biasa."


def test_a_code_span_keeps_what_looks_like_a_note_marker() -> None:
    """Section 37: a footnote's marker was taken out of code spans too: "`arr[^1]`" read "arr" (code
    is literal, GitHub shows it as written); markers in the text around it still go."""
    source = "Pola `x[^1]` cocok dengan huruf selain 1 dan pasal 5[^1] berlaku.\n\n[^1]: Peraturan Nomor 2.\n"
    assert read_md(source).text.splitlines() == [
        "Pola x[^1] cocok dengan huruf selain 1 dan pasal 5 berlaku.",
        "Peraturan Nomor 2.",
    ]


def test_a_task_lists_boxes_and_an_alerts_kind_are_marks_not_text() -> None:
    """Section 59: GitHub draws "- [ ]" and "- [x]" as checkboxes and "> [!NOTE]" as the title of an
    alert; CommonMark has neither, and the marks were read into the passages ("[ ] Siapkan paspor.",
    "[!WARNING] Paspor harus berlaku ..."), as in Node.js's own contributing guides. Only a mark that
    opens its item or quotation goes: brackets later in a line, a link and a numbered reference stay."""
    source = (
        "# Persiapan\n\n- [ ] Siapkan paspor dinas.\n- [x] Isi formulir permohonan visa.\n"
        "- [1] Lihat surat edaran nomor 5.\n- Tanda [x] pada kolom berarti sudah.\n\n"
        "> [!WARNING]\n> Paspor harus berlaku paling sedikit enam bulan.\n\n"
        "> [!catatan] Kutipan biasa tetap terbaca.\n"
    )
    assert read_md(source).text.splitlines() == [
        "Siapkan paspor dinas.",
        "Isi formulir permohonan visa.",
        "[1] Lihat surat edaran nomor 5.",
        "Tanda [x] pada kolom berarti sudah.",
        "Paspor harus berlaku paling sedikit enam bulan.",
        "[!catatan] Kutipan biasa tetap terbaca.",
    ]


def test_a_box_or_an_alerts_kind_in_a_code_span_or_after_its_block_is_text() -> None:
    """Section 61: the marks of section 59 were taken off the text as read, so a box in a code span
    ("- `[ ]` berarti ...") lost its brackets, which GitHub shows; and a list item opening with a code
    block left its mark to the next paragraph read, after the list ("[x] Kotak ..."). A mark is one
    only as written at the start of its block's first paragraph; escaped ("\\[!TIP]", "\\[ ]", as
    Node.js's guides write them) it is still one."""
    source = (
        "# Tanda\n\n- `[ ]` berarti belum dikerjakan.\n- \\[x] Isi formulir.\n"
        "- ```\n  kode\n  ```\n\n[x] Kotak bertanda silang di formulir berarti setuju.\n\n"
        "> `[!NOTE]` adalah penanda peringatan di GitHub.\n\n- [ ] Siapkan paspor.\n\n"
        "> \\[!TIP]\n> Ajukan visa lebih awal.\n"
    )
    assert read_md(source).text.splitlines() == [
        "[ ] berarti belum dikerjakan.",
        "Isi formulir.",
        "[x] Kotak bertanda silang di formulir berarti setuju.",
        "[!NOTE] adalah penanda peringatan di GitHub.",
        "Siapkan paspor.",
        "Ajukan visa lebih awal.",
    ]
