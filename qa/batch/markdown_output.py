"""The .md output of :mod:`qa.batch`: a readable report whose sections end in hidden resume markers.

Everything a question or a passage holds is shown as inert text: no HTML, no hidden comment, no
terminal escape sequence survives into the report.
"""

from __future__ import annotations

import re
from typing import BinaryIO
from urllib.parse import quote, unquote

from ..answer import ABSTAIN_TEXT
from ..printable import for_terminal
from .cells import location_label, question_key
from .readers import Record
from .writers import Writer


class MarkdownWriter(Writer):
    """Readable report; each section ends with a hidden ``<!-- qa:id=… q=… -->`` marker (resume uses it).

    ``q=`` is the start of the question's key (:func:`question_key`), ``c=`` the corpus key
    (:func:`qa.manifest.corpus_key`); older reports lack them.
    """

    signature = b"# Hasil tanya-jawab\n"
    sections = 0  # sections found on resume: numbering goes on after them (``count`` is this run's)
    marker = re.compile(rb"<!-- qa:id=(\S*)(?: q=([0-9a-f]{16}))?(?: c=(\S+))? -->\r?\n")

    def scan(self, f: BinaryIO) -> int:
        keep, pos = 0, 0
        for raw in f:
            pos += len(raw)
            m = self.marker.fullmatch(raw)
            if m:
                key = m.group(2).decode() if m.group(2) else None
                self.done[unquote(m.group(1).decode("ascii", "replace"))] = key
                if m.group(3):
                    self.sources.add(unquote(m.group(3).decode("ascii", "replace")))
                keep, self.sections = pos, self.sections + 1
        return keep

    def key(self, rec: Record) -> str:
        return question_key(rec.question)[:16]

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = [self.signature.decode()] if self.fresh else []
        for n, (rec, result) in enumerate(items, self.sections + self.count + 1):
            question = _plain(" ".join((rec.question or "(tanpa pertanyaan)").split()))
            question = question if len(question) <= 300 else question[:300] + "…"
            out.append(f"\n### {n}. {question}\n\n")
            res = result or {}
            error = rec.error or res.get("error")
            ans = res.get("answer")
            if error:
                out.append(f"**Galat** (baris {rec.line}): {_plain(' '.join(str(error).split()))}\n")
            elif res.get("abstained") or not ans:
                # the result's message says why (e.g. "Dokumen tidak menyebut lokasi kantor.")
                message = _plain(" ".join(str(res.get("message") or ABSTAIN_TEXT).split()))
                out.append(f"{message}\n\nKeyakinan: {_num(res.get('confidence'))}\n")
            else:
                lines = _plain(str(ans.get("text", ""))).splitlines()
                quoted = "".join(f"> {line}".rstrip() + "\n" for line in lines)
                source = " ".join(str(location_label(ans) or "").split()).replace("`", "'")
                out.append(f"{quoted or '>' + chr(10)}\nSumber: `{source}` · skor {_num(ans.get('score'))}")
                out.append(f" · keyakinan {_num(res.get('confidence'))}\n")
            # quoted like the id: a caller's own key ("v2 corpus") must not break the marker resume reads
            source = f" c={quote(self.source, safe='')}" if self.source else ""
            out.append(f"\n<!-- qa:id={quote(rec.id, safe='')} q={self.key(rec)}{source} -->\n")
        return "".join(out)


def _plain(text: str) -> str:
    """Text shown as text: ``<`` and ``&`` escaped, so a question or passage holding ``<!--`` cannot hide
    the rest of the rendered report, nor ``<img onerror=...>`` become live HTML in a Markdown viewer;
    control characters as ``\\xNN``, so ``cat report.md`` cannot run terminal escape sequences."""
    return for_terminal(text.replace("&", "&amp;").replace("<", "&lt;"))


def _num(value: object) -> str:
    try:
        return f"{float(value):.3f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
