"""Pure rendering of one answer: a ``Result.to_dict()`` in, the card, context and table out (the score
bars: :mod:`qa.ui.bars`).

Kept apart from the handlers (:mod:`qa.ui.app`) so everything a user sees can be tested without a
server. Every bit of document or user text goes through ``html.escape``: passages, questions and
document names are data, never markup. Keys added by later cores (``reason``, ``location``) are shown
when present and never required.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import pandas as pd

from ..answer import ABSTAIN_TEXT, bm25_rounded
from ..printable import shown_name
from .bars import keyword_score, number

NEAREST_TEXT = "Kutipan terdekat, dengan kemiripan maknanya (kosinus), untuk yang penasaran:"
HIGHLIGHT_LABEL = "kata kunci"
MATCHED_BY = {"meaning": "makna", "keywords": "kata kunci", "both": "keduanya"}
HIGH_CONFIDENCE = 0.85  # "tinggi" at or above; "sedang" from the abstention threshold up; "rendah" below it
PASSAGE_HEADERS = ["#", "Kutipan", "Sumber", "Skor", "Makna (kosinus)", "Kata kunci (BM25)", "Cocok lewat"]


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


def name_html(name: str) -> str:
    """A document's name (or its place in it) inside a sentence of the page: escaped, and isolated in a
    ``<bdi>`` so that its own direction, a right-to-left override in a file name included, never turns
    the page's words after it around ("Sumber: cuti0# naigab ,txt.png", section 137)."""
    return f"<bdi>{html.escape(shown_name(name))}</bdi>"


def message_card(text: str) -> str:
    return f'<div class="qa-card"><p class="qa-answer">{html.escape(text)}</p></div>'


def _pill(text: str, kind: str = "") -> str:
    return f'<span class="{" ".join(["qa-pill", kind]).strip()}">{html.escape(text)}</span>'


def place(passage: dict[str, Any]) -> str:
    """Where a passage comes from, for people: the core's location label ("cuti.pdf, halaman 3") when
    it gives one, else the document name."""
    loc = passage.get("location")
    if isinstance(loc, dict) and loc.get("label"):
        return shown_name(str(loc["label"]))
    if isinstance(loc, str) and loc:
        return shown_name(loc)
    return shown_name(str(passage.get("source", "-")))


def _focus(passage: dict[str, Any], text: str) -> tuple[int, int] | None:
    """The answering sentence inside a passage that carries neighbours (absent in older results)."""
    span = (passage.get("sentence_start"), passage.get("sentence_end"))
    # ignored for mypy below: `None not in span` makes both offsets ints; mypy cannot narrow a tuple so
    return span if passage.get("text") == text and None not in span else None  # type: ignore[return-value]


def _abstention(result: dict[str, Any], passages: list[dict[str, Any]]) -> list[str]:
    """The plain "not in the document" (or the core's reason) and the near misses with their cosine:
    a fused score normalised to 1 next to "Keyakinan: rendah" would read as a contradiction."""
    message = result.get("message") if isinstance(result.get("message"), str) else None
    parts = [f'<p class="qa-answer">{html.escape(message or ABSTAIN_TEXT)}</p>']
    items = "".join(
        f'<li>{html.escape(p["text"])} <span class="qa-where">({name_html(place(p))}, kemiripan '
        f"{float(p.get('dense_score', 0.0)):.2f})</span></li>"
        for p in passages
    )
    if items:
        parts.append(f'<p class="qa-muted">{NEAREST_TEXT}</p><ol class="qa-nearest qa-muted">{items}</ol>')
    return parts


def answer_card(result: dict[str, Any], threshold: float) -> str:
    """The answer passage with its document first, highlights and confidence; or the abstention."""
    conf = float(result.get("confidence", 0.0))
    confidence = _pill(confidence_text(conf, threshold), f"qa-{confidence_tier(conf, threshold)}")
    parts = ['<div class="qa-card">']
    if result.get("notice"):
        parts.append(f'<div class="qa-notice">{html.escape(str(result["notice"]))}</div>')
    passages = result.get("passages") or []
    ans = result.get("answer")
    if result.get("abstained") or not ans:
        body = _abstention(result, passages)
        parts += [body[0], f'<div class="qa-meta">{confidence}</div>', *body[1:]]
    else:
        top = passages[0] if passages else {}
        part = str(ans.get("chunk_id", "")).rsplit("#", 1)[-1]
        where = place(top) if top.get("chunk_id") == ans.get("chunk_id") else str(ans.get("source", "-"))
        parts.append(
            f'<p class="qa-source">Sumber: <b>{name_html(where)}</b>, bagian #{html.escape(part)}</p>'
        )
        text = marked_html(ans["text"], ans.get("highlights") or [], _focus(top, ans["text"]))
        parts.append(f'<p class="qa-answer">{text}</p>')
        how = MATCHED_BY.get(top.get("matched_by", ""), "-")
        pills = [_pill(f"Skor {float(ans.get('score', 0.0)):.2f}"), _pill(f"Cocok lewat: {how}")]
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
        f'{name_html(place(p))}:</p><div class="qa-context">{body}</div>'
    )


def _matched(p: dict[str, Any]) -> str:
    return MATCHED_BY.get(p.get("matched_by", ""), str(p.get("matched_by", "-")))


def passage_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per passage for the "Kutipan pendukung" table (plain text cells: no markup runs)."""

    def score(p: dict[str, Any], key: str) -> float:
        return round(number(p.get(key)), 3)

    # "Kata kunci (BM25)" is the passage's (window's) BM25, the value "Cocok lewat" reads (qa.ui.bars);
    # one above 0 never shows 0 (``bm25_rounded``)
    rows = [
        [p.get("rank", i), p.get("text", ""), place(p), score(p, "score"), score(p, "dense_score"),
         bm25_rounded(keyword_score(p), 3), _matched(p)]
        for i, p in enumerate(result.get("passages") or [], start=1)
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=PASSAGE_HEADERS)
