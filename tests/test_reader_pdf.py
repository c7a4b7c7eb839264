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
