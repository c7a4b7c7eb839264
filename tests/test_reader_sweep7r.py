"""The second reading of the seventh reader sweep (section 73 of docs/reliability.md): what section 71's
rules took from ordinary files, each written here (fpdf2, python-docx's XML, HTML and Markdown source)."""

from __future__ import annotations

from qa.readers import READERS, Extracted


def read(name: str, raw: bytes) -> Extracted:
    return READERS["." + name.rsplit(".", 1)[1]].read(raw, name)


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
