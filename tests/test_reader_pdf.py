"""The PDF reader on files of the fourth sweep (section 30 of docs/reliability.md), each written here."""

from __future__ import annotations

from pathlib import Path

from qa.readers import READERS, Extracted
from qa.readers._pdfpages import drop_contents

from .documents import write_pdf

DUTY = "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur."


def read_pdf(path: Path) -> Extracted:
    return READERS[".pdf"].read(path.read_bytes(), path.name)


def test_a_roster_with_leaders_and_roman_numbers_is_not_a_contents_page(tmp_path: Path) -> None:
    """A homeroom roster ("Ibu Sari ........ VII", "........ VIII", "........ IX") was taken for a
    contents page and lost: any roman number counted as a front matter's page. A contents page names
    the body's pages in arabic numbers after its roman ones. Each row is a line of its own (they ran
    together as one paragraph, having no full stop)."""
    roster = [
        "Wali kelas tahun ajaran ini",
        "Ibu Sari Wulandari " + "." * 30 + " VII",
        "Bapak Hadi Santoso " + "." * 30 + " VIII",
        "Ibu Rina Marlina " + "." * 30 + " IX",
    ]
    e = read_pdf(write_pdf(tmp_path / "wali.pdf", [roster, [DUTY]]))
    assert e.text.splitlines()[:4] == [" ".join(line.split()) for line in roster]
    assert drop_contents(roster, last_page=400) == roster
    contents = ["Kata Pengantar ..... iii", "Daftar Isi ..... iv", "BAB I ..... 1", "BAB II ..... 7"]
    assert drop_contents(contents, last_page=9) == ["", "", "", ""]  # roman, then arabic: contents
    backwards = ["Kata Pengantar ..... v", "Daftar Isi ..... iii", "BAB I ..... 1", "BAB II ..... 7"]
    assert drop_contents(backwards, last_page=9) == backwards  # roman numbers that go down: not one


def write_noted_pdf(path: Path, runs: list[tuple[str, bool]], notes: list[str]) -> Path:
    """A page of text ``runs`` (text, superscript?) and, below, ``notes`` set small, as a word
    processor sets footnotes."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for text, superscript in runs:
        pdf.char_vpos = "SUP" if superscript else "LINE"
        pdf.write(6, text)
    pdf.char_vpos = "LINE"
    pdf.ln(12)
    pdf.set_font("helvetica", size=9)
    for note in notes:
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


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
