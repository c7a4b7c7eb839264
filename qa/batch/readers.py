"""Streaming readers of question files (.txt, .csv/.tsv, .jsonl, stdin) for :mod:`qa.batch`.

A file is read line by line as bytes (:mod:`qa.batch.sources`: any line ending, UTF-16 transcoded)
and each line decoded on its own, so an undecodable line, a malformed JSON line or an over-long
question becomes a :class:`Record` with ``error`` set instead of stopping the batch; only file-level
problems (missing, a directory, binary, wrong type, a table with no clear question column) raise
:class:`~qa.errors.InputError`, before any model is loaded.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

from ..errors import InputError
from ..file_errors import FileError, FileRefused
from ..question_text import whole_chars
from ..questionfile import check_question_file
from .binary import binary_kind
from .broken_text import undecodable_detail
from .jsonvalues import JSON_KINDS, NameTwice, unique_keys, unwritable
from .row_errors import RowError
from .sources import LongLine, as_utf8, blocks, file_lines, read_head, split_lines, stream_head
from .tables import QUESTION_KEYS
from .too_long import TOO_LONG_KEPT, TooLong, refused_row

MAX_QUESTION_CHARS = 2000
INPUT_EXTENSIONS = (".txt", ".csv", ".tsv", ".jsonl")
_BLANK = re.compile(r"[\s\x00-\x1f\x7f-\x9f]*")
_ASCII_ALNUM = re.compile("[0-9A-Za-z]")


@dataclass
class Record:
    """One input row; ``error`` says why it cannot be answered (the batch writes it and moves on).
    ``why``: the same as data (:class:`~qa.batch.row_errors.RowError`, its code and values), for a caller
    that says it in its own words or at its own cap (the web page); no writer reads it."""

    line: int
    id: str
    question: str | None
    extra: dict = field(default_factory=dict)
    error: str | None = None
    why: RowError | None = None

    @property
    def too_long(self) -> TooLong | None:
        """When the row was refused for its length, what was counted (section 129)."""
        return None if self.why is None else self.why.counts


def _record(line: int, rid: object, question: object, extra: dict, why: RowError | None = None) -> Record:
    if rid is not None and not isinstance(rid, str):  # a JSON id as JSON writes it: true, {"a": 1}, [1]
        rid = json.dumps(rid, ensure_ascii=False)  # (Python's words were "True", "{'a': 1}")
    rid = rid.strip() if rid is not None and rid.strip() else str(line)
    if isinstance(question, str):
        question = question.strip()
    if why is None:
        if question is None:
            why = RowError("no_question")
        elif not isinstance(question, str):
            why, question = RowError("not_text"), json.dumps(question, ensure_ascii=False)
        elif _BLANK.fullmatch(question) or _empty_like(question):  # stops at the first visible character
            # Control characters count as blank, and a row of punctuation ("-", "?", ",,") is as empty, as
            # they are for the assistant: a chunk of such rows, all refused alike, ended the whole batch.
            why = RowError("empty")
    if isinstance(question, str) and (refused := refused_row(question, MAX_QUESTION_CHARS)):
        # Never carried whole into an output: a 5 MB row would be a 5 MB cell in every result file.
        if why is None:
            why = RowError.length(refused[0])
        question = refused[1]
    kept = question if isinstance(question, str) else None
    return Record(line, rid, kept, extra, None if why is None else why.said(), why)


def _empty_like(question: str) -> bool:
    """What the assistant refuses as an empty question (qa/assistant.py ``ask_many``)."""
    if _ASCII_ALNUM.search(question) and "\x1b" not in question and "\x9b" not in question:
        # the common case, at once: an ASCII letter or digit survives every normalisation (one inside an
        # escape sequence does not: "\x1b[0m" is as empty as nothing)
        return False
    from ..assistant import clean_question
    from ..question import analyze

    cleaned = clean_question(question)
    return not cleaned or analyze(cleaned).empty_like


def _decode(raw: bytes, line: int, encoding: str = "UTF-8") -> tuple[str, RowError | None]:
    """A line's text, and why it is refused when it is (too long to read, not valid text)."""
    if isinstance(raw, LongLine):  # its start, to recognise it by, and its length; the rest was never read
        kept = whole_chars(raw.decode("utf-8", "ignore"), TOO_LONG_KEPT)
        # counted in code points as it streamed past (LongLine), and said so
        counts = TooLong(raw.code_points, MAX_QUESTION_CHARS)
        why = RowError("long_line", line, (raw.code_points, MAX_QUESTION_CHARS, len(raw)), counts=counts)
        return f"{kept}… [{raw.code_points - len(kept)} more code points not kept]", why
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        why = RowError("undecodable", line, (encoding,), undecodable_detail(raw, exc, encoding))
        return raw.decode("utf-8", "replace"), why
    # Any line's: files joined with ``cat`` (or appended by tools that write one each time) carry one
    # per part; mid-file it made a JSONL line "not valid JSON" and a CSV id start with U+FEFF.
    return (text[1:] if text.startswith("\ufeff") else text), None


def _ignore(message: str) -> None:
    """The default ``warn``: library callers who want the notes pass their own."""


def read_questions(source: str | Path, warn: Callable[[str], None] = _ignore) -> Iterator[Record]:
    """Stream the records of ``source`` ('-' = stdin); file-level problems raise :class:`InputError` now.

    ``warn`` receives one line per guess the reader had to make (a CSV without a question header),
    before the first record; the CLI prints it on stderr.
    """
    if str(source) == "-":
        if sys.stdin is None:  # closed (``<&-``, a job started without one): Python has no sys.stdin
            raise InputError(
                "no standard input to read the questions from (it is closed)",
                "name the file: qa batch questions.txt -o OUTPUT (or pipe it: qa batch - -o OUTPUT < FILE)",
            )
        return _read_stdin(*_stdin_lines())
    path = Path(source)
    kind = path.suffix.lower()
    piped = f"pipe the questions in on standard input instead: qa batch - -o OUTPUT < {path}"
    check_question_file(path, piped)
    if kind not in INPUT_EXTENSIONS:
        raise FileRefused(
            path,
            FileError("unsupported", (kind,)),
            f"use one of: {', '.join(INPUT_EXTENSIONS)} (or '-' for stdin)",
        )
    try:
        head, whole, encoding = read_head(path)
    except OSError as exc:
        raise FileRefused(path, FileError("unreadable", detail=str(exc.strerror or exc))) from None
    known = binary_kind(head) if encoding == "UTF-8" else None
    if known:
        raise FileRefused(path, known[0], known[1].replace("FILE", shlex.quote(str(path))))
    if encoding == "UTF-8" and b"\x00" in head:  # UTF-16 is text by its BOM or pattern: a NUL is a blank
        raise FileRefused(path, FileError("nul_bytes"), "save the questions as UTF-8 or UTF-16 text")
    if kind == ".jsonl":
        return _jsonl(file_lines(path), encoding)
    lines = list(split_lines([head]))
    if not whole and len(lines) > 1:
        lines = lines[:-1]  # the sample may end mid-line
    sample = [_decode(raw, n)[0] for n, raw in enumerate(lines[:200], 1)]
    if kind == ".txt" and not _tab_table(sample):
        return _txt(file_lines(path), encoding)
    from .table_head import header_layout  # they build on this module's records
    from .tablerows import table_records

    layout = header_layout(
        lines[:200], sample, "\t" if kind in (".tsv", ".txt") else ",", path, encoding, warn
    )
    return table_records(file_lines(path), layout, encoding)


def _tab_table(sample: list[str]) -> bool:
    """A .txt whose first non-blank line is a tab-separated header naming a question column: what Excel
    saves as "Unicode text" (UTF-16, tabs). Read line by line, its header and ids became questions."""
    first = next((t for t in sample if t.strip()), "")
    cells = [c.strip().strip('"').lower() for c in first.split("\t")] if "\t" in first else []
    return any(c in QUESTION_KEYS for c in cells)


def _stdin_lines() -> tuple[Iterator[bytes], str]:
    """Standard input's lines and encoding; refused now, as a file is, when it is not text: binary piped
    in was read as error rows, and ``< /dev/zero`` read NUL bytes forever in silence."""
    stream = getattr(sys.stdin, "buffer", None)  # bytes, so one bad line cannot kill the whole read
    if stream is None:
        return split_lines(s.encode("utf-8", "surrogatepass") for s in sys.stdin), "UTF-8"
    encoding = "UTF-8"
    if hasattr(stream, "peek"):  # UTF-16 piped in (iconv, PowerShell) is decoded as a file would be
        stream, head = stream_head(stream)
        stream, encoding = as_utf8(stream, head)
        known = binary_kind(head) if encoding == "UTF-8" else None
        if known:
            raise InputError(f"standard input is not text: it is {known[0].what()}", known[1])
        if encoding == "UTF-8" and b"\x00" in head:
            raise InputError(
                "standard input is not text (it holds NUL bytes)", "pipe in questions as UTF-8 or UTF-16 text"
            )
    return split_lines(blocks(stream)), encoding


def _read_stdin(lines: Iterator[bytes], encoding: str) -> Iterator[Record]:
    blank, first = 0, b""  # blank lines before the first are counted, not kept: they may be millions
    for raw in lines:
        if raw.strip():
            first = raw
            break
        blank += 1
    all_lines = chain(repeat(b"\n", blank), [first] if first else [], lines)
    first = first.lstrip(b"\xef\xbb\xbf \t")
    yield from (_jsonl if first.startswith(b"{") else _txt)(all_lines, encoding)


def _txt(lines: Iterable[bytes], encoding: str = "UTF-8") -> Iterator[Record]:
    for n, raw in enumerate(lines, 1):
        text, why = _decode(raw, n, encoding)
        text = text.strip()
        if text and not text.startswith("#"):
            yield _record(n, None, text, {}, why)


def _jsonl(lines: Iterable[bytes], encoding: str = "UTF-8") -> Iterator[Record]:
    for n, raw in enumerate(lines, 1):
        text, why = _decode(raw, n, encoding)
        if not text.strip():
            continue
        if why:
            yield _record(n, None, text.strip(), {}, why)
            continue
        try:
            obj = json.loads(text, object_pairs_hook=unique_keys)
        except NameTwice as exc:
            yield _record(n, None, text.strip(), {}, RowError("name_twice", n, (repr(exc.name),)))
            continue
        except ValueError as exc:
            yield _record(n, None, text.strip(), {}, RowError("not_json", n, detail=str(exc)))
            continue
        except RecursionError:
            yield _record(n, None, text.strip(), {}, RowError("not_json", n, detail="nested too deeply"))
            continue
        if not isinstance(obj, dict):
            kind = JSON_KINDS.get(type(obj), "value")  # JSON's words: Python's were "NoneType", "int", "str"
            yield _record(n, None, text.strip(), {}, RowError("not_object", n, (kind,)))
            continue
        problem = unwritable(obj)
        qkeys = [k for k in obj if k.lower() in QUESTION_KEYS]
        if len(qkeys) > 1 and not problem:  # {"question": …, "Pertanyaan": …}: which one is asked is a guess
            problem = RowError("question_fields", args=(len(qkeys), ", ".join(map(repr, qkeys))))
        if problem:
            yield _record(n, None, text.strip(), {}, problem.on(n))
            continue
        qkey = qkeys[0] if qkeys else None
        extra = {k: v for k, v in obj.items() if k not in (qkey, "id")}
        yield _record(n, obj.get("id"), obj.get(qkey) if qkey else None, extra)
