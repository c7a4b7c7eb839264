"""Readers of question files and the crash-safe output writers behind :mod:`qa.batch`.

Readers stream: a file is read line by line as bytes, each line decoded on its own, so an
undecodable line, a malformed JSON line or an over-long question becomes a :class:`Record`
with ``error`` set instead of stopping the batch.  Writers append whole records, flush and
``fsync`` them per chunk, and on resume cut a half-written tail back to the last complete
record, so a killed run loses at most the chunk it was answering.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from urllib.parse import quote, unquote

from .errors import InputError

MAX_QUESTION_CHARS = 2000
INPUT_EXTENSIONS = (".txt", ".csv", ".tsv", ".jsonl")
OUTPUT_EXTENSIONS = (".jsonl", ".csv", ".md")
QUESTION_KEYS = ("question", "pertanyaan")
ABSTAIN_TEXT = "Maaf, dokumen tidak memuat jawaban untuk pertanyaan ini."
CSV_COLUMNS = ["id", "line", "question", "answer", "source", "score", "confidence", "abstained", "error"]
# Extra input fields with these names are written as ``input_<name>`` so they never shadow ours.
RESERVED = {*CSV_COLUMNS, "passages", "chunk_id"}
_DELIMITERS = (",", ";", "\t", "|")
_ONE_COLUMN = "\x1f"  # a delimiter no question contains: the whole row is the question


@dataclass
class Record:
    """One input row; ``error`` says why it cannot be answered (the batch writes it and moves on)."""

    line: int
    id: str
    question: str | None
    extra: dict = field(default_factory=dict)
    error: str | None = None


def _record(line: int, rid: object, question: object, extra: dict, error: str | None = None) -> Record:
    rid = str(rid).strip() if rid is not None and str(rid).strip() else str(line)
    if error is None:
        if question is None:
            error = "no question field/column"
        elif not isinstance(question, str):
            error, question = "question is not a string", json.dumps(question, ensure_ascii=False)
        elif not question.strip():
            error = "empty question"
        elif len(question.strip()) > MAX_QUESTION_CHARS:
            error = f"question too long ({len(question.strip())} characters, limit {MAX_QUESTION_CHARS})"
    if isinstance(question, str):
        question = question.strip()
    return Record(line, rid, question, extra, error)


def _decode(raw: bytes, line: int) -> tuple[str, str | None]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = f"line {line} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        return raw.decode("utf-8", "replace"), error
    return (text[1:] if line == 1 and text.startswith("\ufeff") else text), None


def read_questions(source: str | Path) -> Iterator[Record]:
    """Stream the records of ``source`` ('-' = stdin); file-level problems raise :class:`InputError` now."""
    if str(source) == "-":
        return _read_stdin()
    path = Path(source)
    kind = path.suffix.lower()
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a question file")
    if not path.exists():
        raise InputError(f"{path}: question file not found")
    if kind not in INPUT_EXTENSIONS:
        raise InputError(
            f"{path}: unsupported question file type {kind or '(no extension)'!r}",
            f"use one of: {', '.join(INPUT_EXTENSIONS)} (or '-' for stdin)",
        )
    try:
        with path.open("rb") as f:
            head = f.read(65536)
            whole = not f.read(1)
    except OSError as exc:
        raise InputError(f"{path}: cannot read question file ({exc.strerror or exc})") from None
    if b"\x00" in head:
        raise InputError(f"{path}: not a text file (contains NUL bytes)", "save the questions as UTF-8 text")
    if kind == ".txt":
        return _txt(_file_lines(path))
    if kind == ".jsonl":
        return _jsonl(_file_lines(path))
    return _table(_file_lines(path), _sniff(head, whole, "\t" if kind == ".tsv" else ","))


def _file_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        yield from f


def _read_stdin() -> Iterator[Record]:
    stream = getattr(sys.stdin, "buffer", None)  # bytes, so one bad line cannot kill the whole read
    if stream is None:
        stream = (s.encode("utf-8", "surrogatepass") for s in sys.stdin)
    lines: Iterator[bytes] = iter(stream)
    peeked = []
    for raw in lines:
        peeked.append(raw)
        if raw.strip():
            break
    all_lines = chain(peeked, lines)
    first = peeked[-1].lstrip(b"\xef\xbb\xbf \t") if peeked else b""
    yield from (_jsonl if first.startswith(b"{") else _txt)(all_lines)


def _txt(lines: Iterable[bytes]) -> Iterator[Record]:
    for n, raw in enumerate(lines, 1):
        text, error = _decode(raw, n)
        text = text.strip()
        if text and not text.startswith("#"):
            yield _record(n, None, text, {}, error)


def _jsonl(lines: Iterable[bytes]) -> Iterator[Record]:
    for n, raw in enumerate(lines, 1):
        text, error = _decode(raw, n)
        if not text.strip():
            continue
        if error:
            yield _record(n, None, text.strip(), {}, error)
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            yield _record(n, None, text.strip(), {}, f"line {n} is not valid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            kind = type(obj).__name__
            yield _record(n, None, text.strip(), {}, f"line {n} is a JSON {kind}, not an object")
            continue
        qkey = next((k for k in obj if k.lower() in QUESTION_KEYS), None)
        extra = {k: v for k, v in obj.items() if k not in (qkey, "id")}
        yield _record(n, obj.get("id"), obj.get(qkey) if qkey else None, extra)


def _sniff(head: bytes, whole: bool, prefer: str) -> str:
    """Pick the delimiter splitting the first row into the most consistent columns (ties: ``prefer``)."""
    lines = head.splitlines(keepends=True)
    if not whole and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    text = [_decode(raw, n)[0] for n, raw in enumerate(lines[:200], 1)]
    best, best_score = _ONE_COLUMN, (0.0, 0)
    for d in sorted(_DELIMITERS, key=lambda c: c != prefer):
        try:
            rows = [r for r in csv.reader(text, delimiter=d) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if rows and len(rows[0]) > 1:
            score = (sum(len(r) == len(rows[0]) for r in rows) / len(rows), len(rows[0]))
            if score > best_score:
                best, best_score = d, score
    return best


def _table(lines: Iterable[bytes], delimiter: str) -> Iterator[Record]:
    bad: dict[int, str] = {}
    state = {"n": 0}

    def decoded() -> Iterator[str]:
        for raw in lines:
            state["n"] += 1
            text, error = _decode(raw, state["n"])
            if error:
                bad[state["n"]] = error
            yield text

    reader = csv.reader(decoded(), delimiter=delimiter)
    qcol, idcol, names = 0, None, None
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            bad.clear()
            yield _record(start, None, None, {}, f"line {start}: malformed CSV ({exc})")
            continue
        errors = [bad.pop(n) for n in range(start, reader.line_num + 1) if n in bad]
        if not any(c.strip() for c in row):
            continue
        if names is None:
            keys = [c.strip().lower() for c in row]
            qkey = next((k for k in keys if k in QUESTION_KEYS), None)
            if qkey is not None:
                qcol, idcol = keys.index(qkey), keys.index("id") if "id" in keys else None
                names = []
                for i, c in enumerate(row):
                    name = c.strip() or f"column_{i + 1}"
                    names.append(name if name not in names else f"{name}_{i + 1}")
                continue
            names = []
        extra = {
            names[i] if i < len(names) else f"column_{i + 1}": c
            for i, c in enumerate(row)
            if i not in (qcol, idcol)
        }
        rid = row[idcol] if idcol is not None and idcol < len(row) else None
        question = row[qcol] if qcol < len(row) else None
        yield _record(start, rid, question, extra, errors[0] if errors else None)


# ----------------------------------------------------------------------------------------- writers


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
        self.path, self.done, self.count = path, set(), 0
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
            passages = [f"passage_{i}_{f}" for i in range(1, k + 1) for f in ("text", "source", "score")]
            self.header = CSV_COLUMNS + passages + list(safe_extra(items[0][0].extra) if items else [])
            w.writerow(self.header)
        for rec, result in items:
            row = {"id": rec.id, "line": rec.line, "question": rec.question, "error": rec.error}
            if result is not None:
                ans = result.get("answer") or {}
                row.update(answer=ans.get("text"), source=ans.get("source"), score=ans.get("score"))
                row.update(confidence=result.get("confidence"), abstained=result.get("abstained"))
                row["error"] = result.get("error") or rec.error
                for i, p in enumerate(result.get("passages") or [], 1):
                    row.update({f"passage_{i}_{f}": p.get(f) for f in ("text", "source", "score")})
            row.update(safe_extra(rec.extra))
            w.writerow([csv_cell(row.get(col)) for col in self.header])
        return buf.getvalue()


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
            elif result.get("abstained") or not ans:
                out.append(f"{ABSTAIN_TEXT}\n\nKeyakinan: {_num(result.get('confidence'))}\n")
            else:
                lines = str(ans.get("text", "")).splitlines()
                quoted = "".join(f"> {line}".rstrip() + "\n" for line in lines)
                source = " ".join(str(ans.get("source", "")).split()).replace("`", "'")
                out.append(f"{quoted or '>' + chr(10)}\nSumber: `{source}` · skor {_num(ans.get('score'))}")
                out.append(f" · keyakinan {_num(result.get('confidence'))}\n")
            out.append(f"\n<!-- qa:id={quote(rec.id, safe='')} -->\n")
        return "".join(out)


def _num(value: object) -> str:
    try:
        return f"{float(value):.3f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"


WRITERS = {".jsonl": JsonlWriter, ".csv": CsvWriter, ".md": MarkdownWriter}
