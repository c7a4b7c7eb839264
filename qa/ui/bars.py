"""The "Skor kutipan" chart: each passage's scores as plain HTML bars, built by one pure function.

Gradio's BarPlot kept the colour categories of the first answer it drew and went blank when a later
answer matched differently; bars rendered here as escaped HTML (widths in inline styles) are rebuilt
whole for every answer, so they can never go blank, and they need nothing but the browser's layout.

An answer shows three channels per passage: the fused score (what ranks the passages), the meaning
channel's cosine similarity and the keyword channel's BM25 score of the passage shown, the sentence with
its neighbours (``keyword_score``: what its label and highlights read). BM25 has no upper bound, so its bars
are drawn relative to the highest BM25 among the passages shown and the raw value is printed. An
abstention shows the cosine similarity only, as its card does (a fused score normalised to 1 next to
"Keyakinan: rendah" would read as a contradiction). Keys are read with ``.get``: a result of another
core version (more keys, fewer keys) still draws.
"""

from __future__ import annotations

import html
import math
from typing import Any

from ..answer import bm25_rounded

# channel key in a passage -> (label, colour); the colours are fixed, so the legend never changes
FUSED, MEANING, KEYWORDS = "score", "dense_score", "window_score"
CHANNELS = {
    FUSED: ("gabungan", "#6366f1"),
    MEANING: ("makna (kosinus)", "#0d9488"),
    KEYWORDS: ("kata kunci (BM25)", "#f59e0b"),
}
TITLE = "Skor kutipan"
EMPTY_TEXT = "Skor tiap kutipan muncul di sini setelah bertanya."
ABSTAIN_NOTE = "Dokumen tidak menjawab: batang menunjukkan kemiripan makna (kosinus) kutipan terdekat."
ANSWER_NOTE = "Gabungan dan kosinus pada skala 0–1; BM25 relatif terhadap nilai tertinggi yang tampil."


def number(value: Any) -> float:
    """A finite float from whatever the result carries (missing, None, text or NaN: 0)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return out if math.isfinite(out) else 0.0


def keyword_score(passage: dict[str, Any]) -> float:
    """The BM25 a passage shows: its window's (the text shown, whose words the highlights mark and
    ``matched_by`` reads), so "kata kunci" never stands beside a 0 for a word in a neighbour sentence.
    The sentence's own ``lexical_score`` only for a result without ``window_score`` (another core)."""
    return number(passage.get(KEYWORDS, passage.get("lexical_score")))


def _value(passage: dict[str, Any], key: str) -> float:
    return keyword_score(passage) if key == KEYWORDS else number(passage.get(key))


def _printed(key: str, value: float) -> tuple[str, str]:
    """The value as the bar's title and data (3 decimals) and as its text (2): a BM25 above 0 is never
    printed as 0 beside "kata kunci" (its label reads above 0): its first digits in the title, "<0.01"
    in the text (as wide as "10.00")."""
    exact, text = f"{value:.3f}", f"{value:.2f}"
    if key != KEYWORDS or not value > 0:
        return exact, text
    return exact if float(exact) else f"{bm25_rounded(value, 3):g}", text if float(text) else "<0.01"


def _bar(rank: str, key: str, value: float, width: float) -> str:
    label, colour = CHANNELS[key]
    pct = f"{100 * min(1.0, max(0.0, width)):.1f}%"
    exact, text = _printed(key, value)
    return (
        f'<div class="qa-bar-row" data-rank="{html.escape(rank)}" data-channel="{key}" '
        f'data-value="{exact}" title="{html.escape(label)}: {exact}">'
        f'<span class="qa-bar-name">{html.escape(label)}</span>'
        f'<span class="qa-bar-track"><span class="qa-bar" style="width:{pct};background:{colour}">'
        f'</span></span><span class="qa-bar-value">{html.escape(text)}</span></div>'
    )


def _legend(keys: list[str]) -> str:
    items = "".join(
        f'<span class="qa-legend-item"><span class="qa-swatch" style="background:{CHANNELS[k][1]}"></span>'
        f"{html.escape(CHANNELS[k][0])}</span>"
        for k in keys
    )
    return f'<div class="qa-legend">{items}</div>'


def score_bars(result: dict[str, Any]) -> str:
    """The chart for one ``Result.to_dict()``: a group of bars per passage, in rank order."""
    passages = [p for p in result.get("passages") or [] if isinstance(p, dict)]
    head = f'<div class="qa-bars" data-passages="{len(passages)}"><p class="qa-bars-title">{TITLE}</p>'
    if not passages:
        return f'{head}<p class="qa-muted">{EMPTY_TEXT}</p></div>'
    keys = [MEANING] if result.get("abstained") else [FUSED, MEANING, KEYWORDS]
    top_bm25 = max((keyword_score(p) for p in passages), default=0.0)
    groups = []
    for i, p in enumerate(passages, start=1):
        rank = str(p.get("rank", i))
        bars = []
        for key in keys:
            value = _value(p, key)
            width = value / top_bm25 if key == KEYWORDS and top_bm25 > 0 else value
            bars.append(_bar(rank, key, value, width))
        groups.append(f'<div class="qa-bar-group"><span class="qa-bar-rank">#{html.escape(rank)}</span>'
                      f'{"".join(bars)}</div>')  # fmt: skip
    note = ABSTAIN_NOTE if result.get("abstained") else ANSWER_NOTE
    return f'{head}{_legend(keys)}{"".join(groups)}<p class="qa-muted qa-bars-note">{note}</p></div>'


CSS = """
.qa-bars {font-size: .85rem}
.qa-bars-title {font-weight: 600; margin: 0 0 .3rem}
.qa-legend {display: flex; flex-wrap: wrap; gap: .3rem .8rem; margin-bottom: .4rem}
.qa-swatch {display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem;
  vertical-align: -.1rem}
.qa-bar-group {margin-bottom: .45rem}
.qa-bar-rank {font-weight: 600}
.qa-bar-row {display: grid; grid-template-columns: 8.5rem 1fr 2.6rem; align-items: center; gap: .4rem}
.qa-bar-track {height: .75rem; background: var(--background-fill-secondary); border-radius: 3px;
  overflow: hidden}
.qa-bar {display: block; height: 100%; border-radius: 3px}
.qa-bar-value {text-align: right; font-variant-numeric: tabular-nums}
.qa-bars-note {font-size: .8rem; margin-top: .3rem}
"""
