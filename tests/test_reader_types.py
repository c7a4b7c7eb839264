"""Files that lie about their type, empty files and PDFs of too many pages (section 59): refused by name,
with the way out, never with a library's words or after minutes of work."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from qa.corpus import load_corpus
from qa.errors import CorpusError

from .documents import write_docx, write_pdf

PAGE = (
    "<!DOCTYPE html><html><head><title>Pedoman</title></head><body><h1>Cuti</h1>"
    "<p>Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun.</p></body></html>"
)


def _zip(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refusal(tmp_path: Path, name: str, raw: bytes) -> str:
    corpus = tmp_path / name.replace(".", "-")
    corpus.mkdir()
    (corpus / name).write_bytes(raw)
    with pytest.raises(CorpusError) as info:
        load_corpus(corpus)
    return str(info.value)


def test_a_file_whose_suffix_lies_is_refused_with_what_it_is(tmp_path: Path) -> None:
    """A page a browser saved as .pdf, a Word file named .pdf, an OpenDocument or RTF file renamed .docx,
    a PDF named .html or .txt: each was refused in its reader's words ("not a readable PDF (Stream has
    ended unexpectedly)", "not a readable Word document (KeyError: There is no item named
    '[Content_Types].xml' ...)", "has no main text that could be found"), the host left to guess. The
    refusal now says what the file is, and how to read it: the right name, or the conversion."""
    docx = write_docx(tmp_path / "asli.docx", [("p", "Cuti tahunan dua belas hari kerja.")]).read_bytes()
    pdf = write_pdf(tmp_path / "asli.pdf", [["Cuti tahunan dua belas hari kerja."]]).read_bytes()
    odt = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})
    xlsx = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>"})
    text, png, page = b"Cuti tahunan dua belas hari.\n", b"\x89PNG\r\n\x1a\n" + bytes(64), PAGE.encode()
    cases = [  # (file, its bytes, what the refusal says, what its hint says)
        ("pedoman.pdf", page, "pedoman.pdf is an HTML page, not a .pdf", "rename it to pedoman.html"),
        ("surat.pdf", docx, "surat.pdf is a Word document, not a .pdf", "rename it to surat.docx"),
        ("catatan.pdf", text, "catatan.pdf is plain text, not a .pdf", "rename it to catatan.txt"),
        ("laporan.docx", odt, "is an OpenDocument file (text), not a .docx", "save it as .docx, or export"),
        ("memo.docx", b"{\\rtf1\\ansi Cuti tahunan.}", "memo.docx is an RTF document", "save it as .docx"),
        ("arsip.docx", _zip({"a.txt": "x"}), "arsip.docx is a zip archive", "unpack it"),
        ("tabel.docx", xlsx, "tabel.docx is an Excel workbook", "export its text"),
        ("unduhan.html", pdf, "unduhan.html is a PDF, not a .html", "rename it to unduhan.pdf"),
        ("salinan.txt", pdf, "salinan.txt is a PDF, not a .txt", "rename it to salinan.pdf"),
        ("pindaian.pdf", png, "pindaian.pdf is a picture", "ocrmypdf"),
        ("kosong.pdf", b"", "kosong.pdf is empty (0 bytes)", "add text to it"),
        ("kosong.docx", b"  \n", "kosong.docx is empty (3 bytes)", "add text to it"),
    ]
    for name, raw, message, hint in cases:
        shown = _refusal(tmp_path, name, raw)
        assert message in shown and hint in shown.split("\nhint: ", 1)[1], shown
        assert "Traceback" not in shown and "KeyError" not in shown and "Stream has ended" not in shown


def test_a_file_that_does_not_lie_keeps_its_readers_refusal(tmp_path: Path) -> None:
    """Only a refusal asks what the bytes are, and only a kind told for sure is named: a broken PDF, a
    broken zip named .docx, a page with no main text and an encrypted Word file keep their readers'
    words (which say more), and a file that reads is read as before."""
    assert "not a readable PDF" in _refusal(tmp_path, "rusak.pdf", b"%PDF-1.4\n1 0 obj garbage")
    assert "not a readable Word document" in _refusal(tmp_path, "rusak.docx", b"PK\x03\x04 bukan zip")
    assert "password-protected" in _refusal(
        tmp_path, "kunci.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    )
    assert "no main text" in _refusal(tmp_path, "menu.html", b"<html><nav>menu</nav></html>")
    corpus = tmp_path / "baik"
    corpus.mkdir()
    (corpus / "catatan.md").write_text(PAGE, encoding="utf-8")  # HTML in a Markdown file: its own to hold
    assert "dua belas hari" in load_corpus(corpus)[0].text


def test_a_pdf_of_too_many_pages_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF's pages each cost time and memory whatever they hold: 20,000 pages of one line sharing one
    content stream (a 3 MB file) took 10 s of CPU and 230 MB, a million (150 MB) minutes and gigabytes,
    under the content limit. Past ``MAX_PAGES`` (10,000) it is refused at once, with how to split it."""
    from pypdf import PdfReader, PdfWriter

    from qa.readers import pdf as reader

    monkeypatch.setattr(reader, "MAX_PAGES", 50)  # the real limit with 1/200 of the pages
    source = PdfReader(write_pdf(tmp_path / "satu.pdf", [["Cuti tahunan dua belas hari kerja."]]))
    writer = PdfWriter()
    for _ in range(51):
        writer.add_page(source.pages[0])
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    writer.write(corpus / "besar.pdf")
    monkeypatch.setattr(reader, "page_runs", lambda page: pytest.fail("a page was read"))
    started = time.process_time()
    with pytest.raises(CorpusError, match=r"besar\.pdf has 51 pages \(at most 50 are read\)\nhint: split it"):
        load_corpus(corpus)
    assert time.process_time() - started < 2


def test_what_a_refused_file_is_is_asked_of_its_first_bytes_only(tmp_path: Path) -> None:
    """Section 61: the sniffer read an OpenDocument's whole ``mimetype`` member to learn its kind, so a
    zip bomb named .pdf (a member of zeros) was inflated whole, 1.9 GB for a 1 MB file; a member whose
    data is broken raised zlib's error out of the sniffer, the PDF reader's refusal lost for "could not
    be read (Error -3 while decompressing data ...)"; and "%PDF-" anywhere in the first kilobyte named a
    file a PDF, so a Latin-1 note about PDFs, named .txt and refused as not UTF-8, was told to be
    renamed .pdf. A kind is read from its first bytes, a damaged file keeps its reader's words, and a
    PDF's header opens the file, or a line with objects after it."""
    import tracemalloc

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as member:
            member.write(b"application/vnd.oasis.opendocument.text")
            for _ in range(64):
                member.write(bytes(2**20))  # 64 MB of zeros, 64 kB packed
        archive.writestr("content.xml", "<office/>")
    tracemalloc.start()
    try:
        shown = _refusal(tmp_path, "bom.pdf", bomb.getvalue())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "bom.pdf is an OpenDocument file (text), not a .pdf" in shown, shown
    assert peak < 16 * 2**20, peak

    broken = bytearray(_zip({"mimetype": "application/vnd.oasis.opendocument.text" * 40, "b.xml": "<b/>"}))
    broken[broken.index(b"mimetype") + 12 : broken.index(b"mimetype") + 40] = b"\xff" * 28
    shown = _refusal(tmp_path, "rusak.pdf", bytes(broken))
    assert "not a readable PDF" in shown and "rename" not in shown and "Error -3" not in shown, shown

    note = "Catatan berkas:\n%PDF-1.4 membuka setiap berkas PDF, kata Andr\xe9.\n".encode("latin-1")
    shown = _refusal(tmp_path, "catatan.txt", note)
    assert "catatan.txt is not valid UTF-8" in shown and "iconv" in shown and "PDF, not" not in shown, shown
    cut = _refusal(tmp_path, "terpotong.pdf", b"%PDF-1.4\nterpotong")  # cut short after its header
    assert "not a readable PDF" in cut and "plain text" not in cut, cut


def test_a_compressed_file_is_named_as_a_question_file_names_it(tmp_path: Path) -> None:
    """A ``.txt.gz`` renamed ``.txt`` was "looks binary (it contains NUL bytes)" in the corpus, where
    ``qa batch`` says of the same bytes "it is gzip-compressed" and how to unpack it (reliability 141):
    both now read the compressed formats from ``qa.signatures``."""
    import bz2
    import gzip
    import lzma

    from qa.batch.binary import binary_kind

    text = b"Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun.\n" * 3
    packed = [("gzip", "zcat", gzip.compress(text, mtime=0)), ("xz", "xzcat", lzma.compress(text)),
              ("bzip2", "bzcat", bz2.compress(text))]  # fmt: skip
    for fmt, cat, raw in packed:
        shown = _refusal(tmp_path, f"pedoman-{fmt}.txt", raw)
        assert f"pedoman-{fmt}.txt is a {fmt}-compressed file, not a .txt" in shown, shown
        assert f"decompress it first ({cat})" in shown.split("\nhint: ", 1)[1], shown
        known = binary_kind(raw)
        assert known is not None and known[0].what() == f"{fmt}-compressed" and cat in known[1]
