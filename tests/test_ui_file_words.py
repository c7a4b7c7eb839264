"""A refused upload reaches the page and /batch in Indonesian, from its code (reliability 138).

The page read a refused file's English ``InputError`` back with a list of regular expressions
(``pages.UPLOAD_ERRORS``): a refusal none matched (a table with no header and two text columns) was
shown in the CLI's English with its English hint, a header cell reading like another refusal was taken
for it, and "column N" inside a quoted cell was rewritten. Each case goes through the real readers and
the Batch tab's and /batch's handlers; then the English is reworded where ``qa.file_errors`` keeps it,
and the page's words must not move while the CLI's do.
"""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import gradio as gr
import pytest

from qa import file_errors
from qa.batch import read_questions
from qa.file_errors import FILE_CODES, FileError, FileRefused
from qa.ui import file_words
from scripts.fakes import FakeEncoder
from tests.ui_helpers import make_app, run_to_end

SAVE_CSV = "buka di program spreadsheet-nya, simpan sebagai CSV (UTF-8), lalu unggah berkas itu."


def _xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")


# Each refused upload (the readers' own refusals: the Batch tab's checks of its type and size come first)
# and what the page says of it, whole.
UPLOADS = [
    ("q.csv", b"1,Budi,Apa tugas asisten\n2,Ani,Siapa atasannya\n",
     "Berkas tanpa baris judul: kolom 1 hanya berisi nomor, sedangkan kolom 2 dan 3 berisi teks; mana yang "
     "pertanyaan? Tambahkan baris judul yang menamai kolom pertanyaannya question atau pertanyaan."),
    ("q.csv", b"A1,Budi,Apa tugas asisten,Kapan\nB2,Ani,Siapa atasannya,Besok\n",
     "Berkas tanpa baris judul: kolom 1 hanya berisi ID (satu kata berangka, seperti 'A1'), sedangkan "
     "kolom 2, 3 dan 4 berisi teks; mana yang pertanyaan? Tambahkan baris judul yang menamai kolom "
     "pertanyaannya question atau pertanyaan."),
    ("q.csv", b"id,not a text file: it is a PDF,x\n1,apa,kapan\n2,siapa,mengapa\n",
     "Kolom pertanyaan tidak ditemukan di baris pertama ('id', 'not a text file: it is a PDF', 'x'); namai "
     "kolomnya question atau pertanyaan."),
    ("q.csv", b"id,my column 5 x,y\n1,apa,kapan\n2,siapa,mengapa\n",
     "Kolom pertanyaan tidak ditemukan di baris pertama ('id', 'my column 5 x', 'y'); namai kolomnya "
     "question atau pertanyaan."),
    ("q.csv", b"question,Pertanyaan\nApa tugas?,Apa gaji?\n",
     "Baris pertama menamai 2 kolom pertanyaan (kolom 1 'question', kolom 2 'Pertanyaan'); sisakan satu "
     "kolom bernama question atau pertanyaan (ganti nama yang lain)."),
    ("q.txt", gzip.compress(b"Apa tugas asisten?\n"),
     "Berkas yang diunggah terkompresi gzip; ekstrak dulu, lalu unggah berkas teks di dalamnya."),
    ("q.csv", _xlsx, "Berkas yang diunggah adalah arsip zip (buku kerja Excel .xlsx atau OpenDocument .ods "
     f"yang diganti namanya?); {SAVE_CSV}"),
    ("q.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(30),
     f"Berkas yang diunggah adalah berkas Office lama (buku kerja Excel .xls?); {SAVE_CSV}"),
    ("q.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
     "Berkas yang diunggah adalah PDF; salin pertanyaannya ke berkas .txt, satu per baris."),
    ("q.txt", b"apa\x00tugas",
     "Berkas yang diunggah bukan berkas teks; simpan pertanyaannya sebagai teks UTF-8 atau UTF-16."),
    ("q.csv", b"id,pertanyaan,catatan\xe9\n1,apa tugas?,x\n",
     "Baris judul berkas yang diunggah bukan teks UTF-8 yang sah, jadi nama kolomnya tidak terbaca; simpan "
     "sebagai CSV (UTF-8), lalu unggah ulang."),
]  # fmt: skip
IDS = ["no-header-numbers", "no-header-ids", "a-cell-reading-pdf", "a-cell-naming-a-column", "two-columns",
       "gzip", "xlsx", "xls", "pdf", "nul", "header-not-utf8"]  # fmt: skip


@pytest.fixture
def app(settings, tmp_path):
    return make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)


def _refused(app, tmp_path: Path, data: bytes | object, name: str) -> tuple[str, str]:
    """What the Batch tab says (its Markdown escapes undone) and what /batch's error says, of one upload."""
    upload = tmp_path / name
    upload.write_bytes(data) if isinstance(data, bytes) else data(upload)  # type: ignore[operator]
    summary, preview, files = run_to_end(app.batch_view(str(upload), 3))
    assert summary.startswith("⚠️ ") and files is None and len(preview) == 0
    with pytest.raises(gr.Error) as api:
        run_to_end(app.batch_file(str(upload), 3))
    return summary.removeprefix("⚠️ ").replace("\\", ""), api.value.message


@pytest.mark.parametrize(("name", "data", "said"), UPLOADS, ids=IDS)
def test_each_refused_upload_is_said_in_indonesian_from_its_code(app, tmp_path, name, data, said) -> None:
    assert _refused(app, tmp_path, data, name) == (said, said)
    assert list(app.workdir.glob("batch-*")) == []  # nothing left behind


@pytest.mark.parametrize(("name", "data", "said"), UPLOADS, ids=IDS)
def test_rewording_the_english_does_not_change_the_page(app, tmp_path, monkeypatch, name, data, said) -> None:
    """The point of section 138: the CLI's sentences are reworded where qa.file_errors keeps them; the
    readers' refusal says the new words (so the rewording took), the page and /batch what they said before."""
    reworded = {code: f"REFUSED {code.upper()}" for code in file_errors.ENGLISH}
    monkeypatch.setattr(file_errors, "ENGLISH", reworded)
    upload = tmp_path / "direct" / name
    upload.parent.mkdir()
    upload.write_bytes(data) if isinstance(data, bytes) else data(upload)  # type: ignore[operator]
    with pytest.raises(FileRefused, match=": REFUSED "):
        read_questions(upload)
    assert _refused(app, tmp_path, data, name) == (said, said)


def test_every_code_has_the_pages_words() -> None:
    """A code added to qa.file_errors without words here fails; each code's words are Indonesian."""
    assert set(file_words.WORDS) == set(FILE_CODES)
    for code in FILE_CODES:
        words = file_words.said(FileError(code, ("numbers", 2, 3), ("a", "b")))
        assert words and not any(w in words for w in ("file", "column", "header", "not ")), words


def test_a_quoted_header_is_cut_between_two_characters(app, tmp_path) -> None:
    """The cells are quoted up to 200 code points (a header can be megabytes): the cut at the 199th left
    half a flag (a lone regional indicator, another character); it now falls between two characters."""
    cell = "k" * 191 + "\U0001f1ee\U0001f1e9"  # quoted after "'id', '": the flag is code points 199 and 200
    header = f"id,{cell},y\n1,apa,kapan\n2,siapa,mengapa\n".encode()
    said = f"Kolom pertanyaan tidak ditemukan di baris pertama ('id', '{'k' * 191}…); namai kolomnya"
    assert all(s.startswith(said) for s in _refused(app, tmp_path, header, "q.csv"))


def test_the_batch_tabs_own_refusals_share_the_words(app, tmp_path) -> None:
    """The type, a folder and a missing upload, checked before anything is read, say the same words."""
    folder = tmp_path / "f.txt"
    folder.mkdir()
    refusals = [(tmp_path / "q.pdf", FileError("unsupported", (".pdf",))), (folder, FileError("directory")),
                (tmp_path / "nope.txt", FileError("not_found"))]  # fmt: skip
    for upload, code in refusals:
        if upload.suffix == ".pdf":
            upload.write_text("apa?\n", encoding="utf-8")
        summary = run_to_end(app.batch_view(str(upload), 3))[0]
        assert summary.removeprefix("⚠️ ").replace("\\", "") == file_words.said(code)
    assert file_words.said(FileError("unsupported", ("",))).startswith("Jenis berkas (tanpa ekstensi) tidak")


def test_an_old_office_file_is_not_guessed_to_be_opendocument() -> None:
    """An OLE file is an old Office one (the CLI: "an Excel .xls workbook?"); the page shared the zip's
    guess, "buku kerja Excel atau OpenDocument", though no OpenDocument file is an OLE file."""
    said = file_words.said(FileError("old_office"))
    assert (
        "OpenDocument" not in said
        and ".xls?" in said
        and "OpenDocument .ods" in file_words.said(FileError("workbook"))
    )


LISTS = [((2,), "kolom 2"), ((2, 3), "kolom 2 dan 3"), ((2, 3, 4), "kolom 2, 3 dan 4"),
         ((3, 5, 6, 9), "kolom 3, 5, 6 dan 9")]  # fmt: skip


@pytest.mark.parametrize(("numbers", "said"), LISTS)
def test_the_text_columns_are_listed_as_indonesian_lists_them(numbers, said) -> None:
    """ "kolom 2, 3 semuanya berisi teks" read as a list left unfinished (section 145)."""
    words = file_words.said(FileError("which_column", ("numbers", *numbers)))
    assert f"sedangkan {said} berisi teks;" in words, words
