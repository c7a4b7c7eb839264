"""Crash-safe, resumable writers of batch answers (.jsonl, .csv, .md) for :mod:`qa.batch`.

Writers append whole records, flush and ``fsync`` them per chunk, and on resume cut a
half-written tail back to the last complete record and report the ids already done, so a
killed run loses at most the chunk it was answering and never duplicates a record.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from ..answer import ABSTAIN_TEXT
from ..errors import InputError
from .readers import Record

OUTPUT_EXTENSIONS = (".jsonl", ".csv", ".md")
CSV_COLUMNS = "id line question answer source location score confidence abstained error".split()
PASSAGE_COLUMNS = ("text", "source", "location", "score")
# Extra input fields with these names are written as ``input_<name>`` so they never shadow ours.
RESERVED = {*CSV_COLUMNS, "passages", "chunk_id"}


def safe_extra(extra: dict) -> dict:
    return {(f"input_{k}" if k in RESERVED or k.startswith("passage_") else k): v for k, v in extra.items()}


def _json_default(value: object) -> object:
    for attr in ("item", "tolist"):
        if hasattr(value, attr):
            return getattr(value, attr)()
    return str(value)


def _dumps(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell that spreadsheets will not run as a formula (OWASP): risky text gets a leading '."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return round(value, 6) if isinstance(value, float) else value
    text = value if isinstance(value, str) else _dumps(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


class Writer:
    """Appends rendered records to ``path``; ``done`` holds the ids already in it (resume)."""

    bom = False
    signature = b""  # how our files start: resume refuses to cut a file that is not one of ours

    def __init__(self, path: Path, resume: bool) -> None:
        self.path, self.count = path, 0
        self.done: set[str] = set()
        self.f = path.open("r+b" if resume else "wb")
        keep = self.scan() if resume else 0
        if resume and keep == 0:
            self.f.seek(0)
            head = self.f.read(len(self.signature))
            if head and head != self.signature[: len(head)]:
                self.f.close()
                raise InputError(f"{path} does not look like a qa batch output; refusing to resume into it")
        self.f.truncate(keep)
        self.f.seek(keep)
        self.fresh = keep == 0

    def scan(self) -> int:
        """Collect ids of complete records; return the byte offset right after the last one."""
        raise NotImplementedError

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        raise NotImplementedError

    def write(self, items: list[tuple[Record, dict | None]]) -> None:
        """Append ``items`` as one write, then flush and fsync: a crash leaves whole records or a cut tail."""
        data = self.render(items)
        if self.fresh and self.bom:
            data = "\ufeff" + data
        self.fresh = False
        self.count += len(items)
        self.f.write(data.encode("utf-8"))
        self.f.flush()
        os.fsync(self.f.fileno())

    def close(self) -> None:
        if self.fresh:
            self.write([])
        self.f.close()


def open_writer(path: Path, *, resume: bool, force: bool) -> Writer:
    """The writer for ``path``'s extension; refuses to clobber a non-empty file unless ``force``."""
    kind = path.suffix.lower()
    if kind not in WRITERS:
        raise InputError(
            f"{path}: unsupported output type {kind or '(no extension)'!r}",
            f"use one of: {', '.join(OUTPUT_EXTENSIONS)}",
        )
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected an output file")
    exists = path.exists() and path.stat().st_size > 0
    if exists and not resume and not force:
        raise InputError(f"{path} exists; use --resume to continue it or --force to overwrite")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return WRITERS[kind](path, resume and exists)
    except OSError as exc:
        raise InputError(f"{path}: cannot write output ({exc.strerror or exc})") from None


class JsonlWriter(Writer):
    signature = b'{"id": '

    def scan(self) -> int:
        keep = 0
        self.f.seek(0)
        for raw in self.f:
            try:
                obj = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                obj = None
            if not isinstance(obj, dict) or "id" not in obj:
                break
            self.done.add(str(obj["id"]))
            keep += len(raw)
        return keep

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = []
        for rec, result in items:
            head = {"id": rec.id, "line": rec.line}
            if result is None:
                obj = {**head, "question": rec.question, **safe_extra(rec.extra), "error": rec.error}
            else:
                obj = {**head, **safe_extra(rec.extra), "question": rec.question, **result}
            out.append(_dumps(obj) + "\n")
        return "".join(out)


class CsvWriter(Writer):
    """Fixed header from the first chunk: passages up to the largest k seen, then its extra columns."""

    bom = True
    signature = "\ufeffid,line,question,".encode()
    header: list[str] | None = None

    def scan(self) -> int:
        keep, pos = 0, [0, False]
        self.f.seek(0)

        def decoded() -> Iterator[str]:
            for raw in self.f:
                text = raw.decode("utf-8", "replace")
                text = text[1:] if pos[0] == 0 and text.startswith("\ufeff") else text
                pos[0], pos[1] = pos[0] + len(raw), raw.endswith(b"\n")
                yield text

        try:
            for row in csv.reader(decoded(), strict=True):
                if not pos[1] or (self.header is not None and len(row) != len(self.header)):
                    break
                if self.header is None:
                    self.header = row
                else:
                    self.done.add(_uncell(row[0]))
                keep = pos[0]
        except csv.Error:
            pass
        if self.header is None or self.header[: len(CSV_COLUMNS)] != CSV_COLUMNS:
            self.header, self.done = None, set()
            return 0
        return keep

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        if self.header is None:
            k = max((len((r or {}).get("passages") or []) for _, r in items), default=0)
            passages = [f"passage_{i}_{f}" for i in range(1, k + 1) for f in PASSAGE_COLUMNS]
            self.header = CSV_COLUMNS + passages + list(safe_extra(items[0][0].extra) if items else [])
            w.writerow(self.header)
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


def location_label(answer: dict) -> str | None:
    """ "cuti.pdf, halaman 3": the passage's location, or its source for results without one."""
    return (answer.get("location") or {}).get("label") or answer.get("source")


def _uncell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and csv_cell(cell[1:]) == cell else cell


class MarkdownWriter(Writer):
    """Readable report; each section ends with a hidden ``<!-- qa:id=… -->`` marker (resume uses it)."""

    signature = b"# Hasil tanya-jawab\n"
    marker = re.compile(rb"<!-- qa:id=(\S*) -->\r?\n")

    def scan(self) -> int:
        keep, pos = 0, 0
        self.f.seek(0)
        for raw in self.f:
            pos += len(raw)
            m = self.marker.fullmatch(raw)
            if m:
                self.done.add(unquote(m.group(1).decode("ascii", "replace")))
                keep, self.count = pos, self.count + 1
        return keep

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = [self.signature.decode()] if self.fresh else []
        for n, (rec, result) in enumerate(items, self.count + 1):
            question = " ".join((rec.question or "(tanpa pertanyaan)").split())
            question = question if len(question) <= 300 else question[:300] + "…"
            out.append(f"\n### {n}. {question}\n\n")
            error = rec.error or (result or {}).get("error")
            ans = (result or {}).get("answer")
            if error:
                out.append(f"**Galat** (baris {rec.line}): {' '.join(str(error).split())}\n")
            elif result is None or result.get("abstained") or not ans:
                out.append(f"{ABSTAIN_TEXT}\n\nKeyakinan: {_num((result or {}).get('confidence'))}\n")
            else:
                lines = str(ans.get("text", "")).splitlines()
                quoted = "".join(f"> {line}".rstrip() + "\n" for line in lines)
                source = " ".join(str(location_label(ans) or "").split()).replace("`", "'")
                out.append(f"{quoted or '>' + chr(10)}\nSumber: `{source}` · skor {_num(ans.get('score'))}")
                out.append(f" · keyakinan {_num(result.get('confidence'))}\n")
            out.append(f"\n<!-- qa:id={quote(rec.id, safe='')} -->\n")
        return "".join(out)


def _num(value: object) -> str:
    try:
        return f"{float(value):.3f}"  # type: ignore[arg-type]  # any object: a non-number is caught below
    except (TypeError, ValueError):
        return "–"


WRITERS = {".jsonl": JsonlWriter, ".csv": CsvWriter, ".md": MarkdownWriter}
