"""The three output formats of :mod:`qa.batch` (.jsonl, .csv, .md).

Each format knows how to render records and how to find, in a file it wrote, the complete records
(their ids and question keys) and where the torn tail starts; :class:`~qa.batch.writers.Writer`
does the durable appending.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import BinaryIO
from urllib.parse import quote, unquote

from ..answer import ABSTAIN_TEXT
from ..errors import InputError
from ..printable import for_terminal
from .readers import Record
from .writers import (
    CSV_COLUMNS,
    PASSAGE_COLUMNS,
    Writer,
    csv_cell,
    question_key,
    safe_extra,
    to_json,
)

KEY_FIELD = "question_sha256"  # in each JSONL record: the key of the input question it answers


class JsonlWriter(Writer):
    """One ``qa ask --json`` object per line, with ``id``, ``line``, the run's ``k`` and the question key.

    On resume the records already there must have been written with this run's ``k`` (the number
    of passages each holds), else the file would mix two settings without saying so.
    """

    signature = b'{"id": '
    k: int | None = None  # this run's passages per question, written into each record when known

    def scan(self, f: BinaryIO) -> int:
        keep = 0
        self.found_k: set[int] = set()  # the k of the records already there (older files: none)
        for raw in f:
            try:
                obj = json.loads(raw) if raw.endswith(b"\n") else None
            except (ValueError, RecursionError):
                obj = None
            if not isinstance(obj, dict) or "id" not in obj:
                break
            key = obj.get(KEY_FIELD)
            self.done[str(obj["id"])] = (
                key if isinstance(key, str) else question_key(_text(obj.get("question")))
            )
            if isinstance(obj.get("k"), int) and not isinstance(obj["k"], bool):
                self.found_k.add(obj["k"])
            keep += len(raw)
        return keep

    def expect(self, k: int | None, first: Record) -> None:
        self.k = k
        other = sorted(getattr(self, "found_k", set()) - {k}) if k is not None else []
        if other:
            raise InputError(
                f"{self.path}: its records were written with -k {', '.join(map(str, other))}, "
                f"this run asks for {k} passages per question",
                f"resume with the -k it was written with ({other[0]}), write to a new output file, "
                "or start it over with --force instead of --resume",
            )

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = []
        for rec, result in items:
            head = {"id": rec.id, "line": rec.line}
            if result is None:
                obj = {**head, "question": rec.question, **safe_extra(rec.extra), "error": rec.error}
            else:
                obj = {**head, **safe_extra(rec.extra), "question": rec.question, **result}
            if self.k is not None:
                obj["k"] = self.k
            obj[KEY_FIELD] = self.key(rec)
            out.append(to_json(obj) + "\n")
        return "".join(out)


class CsvWriter(Writer):
    """Fixed header: passages 1..k, then the first input record's extra columns (all neutralised).

    Without a known k (a library caller), the largest number of passages in the first chunk.  On
    resume the header must be the one this run would write, or the new rows would not fit it.
    """

    bom = True
    signature = "\ufeffid,line,question,".encode()
    header: list[str] | None = None  # the column names (raw; written through csv_cell)
    found: list[str] | None = None  # the header cells of the file resumed into

    def scan(self, f: BinaryIO) -> int:
        keep, pos = 0, [0, False]

        def decoded() -> Iterator[str]:
            for raw in f:
                text = raw.decode("utf-8", "replace")
                text = text[1:] if pos[0] == 0 and text.startswith("\ufeff") else text
                pos[0], pos[1] = pos[0] + len(raw), raw.endswith(b"\n")
                yield text

        try:
            for row in csv.reader(decoded(), strict=True):
                if not pos[1] or (self.found is not None and len(row) != len(self.found)):
                    break
                if self.found is None:
                    self.found = row
                    if row[: len(CSV_COLUMNS)] != CSV_COLUMNS:
                        break
                else:
                    self.done[_uncell(row[0])] = question_key(_uncell(row[2]))
                keep = pos[0]
        except csv.Error:
            pass
        if self.found is None or self.found[: len(CSV_COLUMNS)] != CSV_COLUMNS:
            self.found, self.done = None, {}
            return 0
        return keep

    def expect(self, k: int | None, first: Record) -> None:
        if k is None and self.found is not None:
            k = sum(1 for c in self.found if re.fullmatch(r"passage_\d+_text", c))
        self.first_extra = first.extra
        if k is None:
            return  # decided by the first chunk
        header = _header(k, first.extra)
        if self.found is not None and [str(csv_cell(c)) for c in header] != self.found:
            if self.done:
                have, want = set(self.found), {str(csv_cell(c)) for c in header}
                diff = [f"missing {', '.join(sorted(want - have))}" if want - have else "",
                        f"unexpected {', '.join(sorted(have - want))}" if have - want else ""]  # fmt: skip
                raise InputError(
                    f"{self.path}: its columns are not the ones this run writes "
                    f"({'; '.join(d for d in diff if d) or 'another order'})",
                    f"resume with the -k it was written with ({k} now), write to a new output file, "
                    "or start it over with --force instead of --resume",
                )
            self.offset, self.fresh, self.found = 0, True, None  # a header and no rows: nothing to keep
        self.header = header

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        if self.header is None:
            k = max((len((r or {}).get("passages") or []) for _, r in items), default=0)
            first = getattr(self, "first_extra", None)
            self.header = _header(k, first if first is not None else items[0][0].extra if items else {})
        if self.fresh:
            w.writerow([csv_cell(c) for c in self.header])
        for rec, result in items:
            row = {"id": rec.id, "line": rec.line, "question": rec.question, "error": rec.error}
            if result is not None:
                ans = result.get("answer") or {}
                row.update(answer=ans.get("text"), source=ans.get("source"), score=ans.get("score"))
                row["location"] = location_label(ans)
                row.update(confidence=result.get("confidence"), abstained=result.get("abstained"))
                row["error"] = result.get("error") or rec.error
                for i, p in enumerate(result.get("passages") or [], 1):
                    row.update({f"passage_{i}_{f}": p.get(f) for f in PASSAGE_COLUMNS})
                    row[f"passage_{i}_location"] = location_label(p)
            row.update(safe_extra(rec.extra))
            w.writerow([csv_cell(row.get(col)) for col in self.header])
        return buf.getvalue()


def _header(k: int, extra: dict) -> list[str]:
    passages = [f"passage_{i}_{f}" for i in range(1, k + 1) for f in PASSAGE_COLUMNS]
    return CSV_COLUMNS + passages + list(safe_extra(extra))


def location_label(answer: dict) -> str | None:
    """ "cuti.pdf, halaman 3": the passage's location, or its source for results without one."""
    return (answer.get("location") or {}).get("label") or answer.get("source")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)


def _uncell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and csv_cell(cell[1:]) == cell else cell


class MarkdownWriter(Writer):
    """Readable report; each section ends with a hidden ``<!-- qa:id=… q=… -->`` marker (resume uses it).

    ``q=`` is the start of the question's key (:func:`question_key`); older reports have none.
    """

    signature = b"# Hasil tanya-jawab\n"
    marker = re.compile(rb"<!-- qa:id=(\S*)(?: q=([0-9a-f]{16}))? -->\r?\n")

    def scan(self, f: BinaryIO) -> int:
        keep, pos = 0, 0
        for raw in f:
            pos += len(raw)
            m = self.marker.fullmatch(raw)
            if m:
                key = m.group(2).decode() if m.group(2) else None
                self.done[unquote(m.group(1).decode("ascii", "replace"))] = key
                keep, self.count = pos, self.count + 1
        return keep

    def key(self, rec: Record) -> str:
        return question_key(rec.question)[:16]

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = [self.signature.decode()] if self.fresh else []
        for n, (rec, result) in enumerate(items, self.count + 1):
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
            out.append(f"\n<!-- qa:id={quote(rec.id, safe='')} q={self.key(rec)} -->\n")
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


WRITERS: dict[str, type[Writer]] = {".jsonl": JsonlWriter, ".csv": CsvWriter, ".md": MarkdownWriter}
