"""The .csv output of :mod:`qa.batch`: one spreadsheet-safe row per record under a fixed header.

The header is fixed by ``k`` (passages 1..k flattened into columns) and the input's extra fields, and
ends with ``corpus_key`` when the run knows it; a resume must find exactly the header this run would
write, or the new rows would not fit it.

Files written by an older qa are resumed in their own layout: one from before the corpus key without
it (and one with it by a library caller passing none), one from before the ``notice`` column (a question
cut to the model's window) without that, one from before the ``message`` column without either. Every row
is written by column name under the file's header, so a new row never shifts a cell; the new rows lack
the columns as the old rows do (a warning names them), since refusing would strand the answers already
there (a long run would be answered again from the start) and rewriting the old rows would mean a second
copy of the file. A header-only file holds nothing to keep and is started over with the full
header. A file under our ``id,line,question`` header whose columns are none qa writes (a newer qa's) is
refused when it holds rows, never replaced; so is one the CSV reader fails on other than by its end inside
a quoted cell (a quote typed into a cell, old-Mac line ends), as a torn write never leaves it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from ..answer import ABSTAIN_TEXT
from ..errors import InputError
from .cells import (
    CSV_COLUMNS,
    LATER_COLUMNS,
    PASSAGE_COLUMNS,
    SOURCE_FIELD,
    csv_cell,
    location_label,
    question_key,
    safe_extra,
)
from .csv_fields import wide_rows
from .readers import Record
from .writers import Writer


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

        reader = csv.reader(decoded(), strict=True)
        try:
            for row in wide_rows(reader):  # a long note cell of the input, echoed, is read back whole
                if not pos[1]:  # a torn write: its last row unfinished
                    break
                if not row:
                    continue  # a blank line: nothing to keep or lose
                if self.found is not None and len(row) != len(self.found):  # whole, so someone else's row
                    raise InputError(
                        f"{self.path} does not look like a qa batch output (a row of {len(row)} cells under "
                        f"its header of {len(self.found)}); refusing to resume into it",
                        "write the answers to a new file, or move the added rows out of this one",
                    )
                if self.found is None:
                    self.found = row
                    if not _ours(row) and row[:3] != CSV_COLUMNS[:3]:
                        break  # not a batch output: the base class refuses it (or it is empty)
                else:
                    self.done[_uncell(row[0])] = question_key(_uncell(row[2]))
                    if row[-1] and self.found[-1] == SOURCE_FIELD:
                        self.sources.add(_uncell(row[-1]))
                keep = pos[0]
        except csv.Error as exc:
            if not _torn(exc):  # whole rows may follow: cutting here rewrote them, or replaced the file
                raise InputError(
                    f"{self.path} does not look like a qa batch output (line {reader.line_num} is not CSV as "
                    f"qa writes it: {_unreadable(exc)}); refusing to resume into it",
                    f"write the answers to a new file, or mend line {reader.line_num} of this one",
                ) from None
        if self.found is not None and not _ours(self.found) and self.done:  # was replaced by the resume
            raise InputError(
                f"{self.path}: its columns are not ones this qa writes (a newer qa's, or edited?); refusing "
                f"to resume into it, which would replace its {len(self.done)} rows",
                "write the answers to a new file, or resume it with the qa that wrote it",
            )
        if self.found is None or not _ours(self.found):
            self.found, self.done, self.sources = None, {}, set()
            return 0
        return keep

    def expect(self, k: int | None, first: Record) -> None:
        if k is None and self.found is not None:
            k = sum(1 for c in self.found if re.fullmatch(r"passage_\d+_text", c))
        self.first_extra = first.extra
        if k is None:
            return  # decided by the first chunk
        header = _header(k, first.extra, self.keyed)
        if self.found is not None and self.done:  # rows to keep: an older qa's layout goes on as it is
            header = next((h for h in _layouts(header) if _cells(h) == self.found), header)
            if lacking := [c for c in LATER_COLUMNS if c not in header]:
                self.note = _older_note(self.path, lacking)
        if self.found is not None and _cells(header) != self.found:
            if self.done:  # named against the layout of the file's own qa: "missing message" misled
                have = set(self.found)
                want = min((set(_cells(h)) for h in _layouts(header)), key=lambda w: len(w ^ have))
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
            extra = first if first is not None else items[0][0].extra if items else {}
            self.header = _header(k, extra, self.keyed)
        if self.fresh:
            w.writerow([csv_cell(c) for c in self.header])
        for rec, result in items:
            row = {"id": rec.id, "line": rec.line, "question": rec.question, "error": rec.error}
            if result is not None:
                ans = result.get("answer") or {}
                row.update(answer=ans.get("text"), source=ans.get("source"), score=ans.get("score"))
                row["location"] = location_label(ans)
                row.update(confidence=result.get("confidence"), abstained=result.get("abstained"))
                row["message"] = _message(result, ans)
                row["notice"] = result.get("notice")  # the question was cut to the model's window
                row["error"] = result.get("error") or rec.error
                for i, p in enumerate(result.get("passages") or [], 1):
                    row.update({f"passage_{i}_{f}": p.get(f) for f in PASSAGE_COLUMNS})
                    row[f"passage_{i}_location"] = location_label(p)
            row.update(safe_extra(rec.extra))
            row[SOURCE_FIELD] = self.source
            w.writerow([csv_cell(row.get(col)) for col in self.header])
        return buf.getvalue()


def _header(k: int, extra: dict, keyed: bool) -> list[str]:
    passages = [f"passage_{i}_{f}" for i in range(1, k + 1) for f in PASSAGE_COLUMNS]
    return CSV_COLUMNS + passages + list(safe_extra(extra)) + [SOURCE_FIELD] * keyed


def _message(result: dict, ans: dict) -> str | None:
    """Why the answer cell is empty ("Dokumen tidak menyebut lokasi kantor.", a question too vague), as
    the JSONL and the report say it; an answered row's message is its answer, not repeated. A result
    without one (an older or a library caller's answerer) gets the report's generic sentence."""
    if result.get("error"):
        return None  # the error column says why
    message = result.get("message")
    if result.get("abstained") or not ans:
        return message or ABSTAIN_TEXT
    return None if message == ans.get("text") else message


def _older_note(path: object, lacking: list[str]) -> str:
    """The warning of a CSV resumed in an older qa's layout, naming the columns its new rows lack. How to
    have them is said to whoever typed ``--resume`` (with ``--force`` too: resume wins, section 122), so
    "--force" alone read as the flag already given: it is ``--force`` instead of ``--resume``."""
    names, many = " and ".join(lacking), len(lacking) > 1
    return (f"{path}: written by an older qa, without the {names} column{'s' * many}; its new rows keep that "
            f"layout (to have {'them' if many else 'the column'}, start the file over with --force instead "
            "of --resume, or write to a new file)")  # fmt: skip


def _ours(header: list[str]) -> bool:
    """The header starts with the columns of this qa, or of one from before ``notice`` or ``message``."""
    return any(header[: len(base)] == base for base in _releases(CSV_COLUMNS))


def _layouts(header: list[str]) -> list[list[str]]:
    """``header`` as this run writes it, then as other runs wrote it for the same questions: without the
    corpus key (a run that did not record it), with it (a run that did, resumed by a library caller that
    passes none: its rows leave the cell empty), and each of these as an older qa wrote it."""
    unkeyed = _unkeyed(header)
    return [h for base in (header, unkeyed, unkeyed + [SOURCE_FIELD]) for h in _releases(base)]


def _unkeyed(header: list[str]) -> list[str]:
    """The header without its last column when that is the corpus key (older files have none)."""
    return header[:-1] if header[-1:] == [SOURCE_FIELD] else header


def _releases(header: list[str]) -> list[list[str]]:
    """``header`` as this qa writes it, then as each older one did: without ``notice`` (sections 108 to
    119), without ``message`` too (before 108). Only our own columns go (an input's own "notice" is
    ``input_notice``), so a header not starting with ours has no older form."""
    n = len(CSV_COLUMNS)
    if header[:n] != CSV_COLUMNS:
        return [header]
    gone = [LATER_COLUMNS[i:] for i in range(len(LATER_COLUMNS), -1, -1)]  # (), ("notice",), (both)
    return [[c for c in CSV_COLUMNS if c not in drop] + header[n:] for drop in gone]


# The reader's errors a file of ours may hold: it ends inside a quoted cell (a torn write: a prefix of whole
# CSV never holds a stray quote or a bare line end), a crash's zero-filled block (Python 3.10's reader
# refuses NUL), a cell over the csv module's own cap (an input's long column, copied). Each is cut there.
_TORN = ("unexpected end of data", "line contains NUL", "field larger than field limit")


def _torn(exc: csv.Error) -> bool:
    """The reader stopped where a file of ours may stop (``_TORN``), not at a row an edit broke."""
    return any(m in str(exc) for m in _TORN)


def _unreadable(exc: csv.Error) -> str:
    """The csv module's error in a user's words ("',' expected after '\"'" is a stray quote)."""
    text = str(exc)
    if "expected after" in text:
        return "a quote inside a quoted cell that is not doubled"
    if "new-line character" in text:
        return "a bare line end inside a cell without quotes, as old Mac line ends leave"
    return text


def _cells(header: list[str]) -> list[str]:
    """The header as written (each name through :func:`csv_cell`), to compare with a file's."""
    return [str(csv_cell(c)) for c in header]


def _uncell(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and csv_cell(cell[1:]) == cell else cell
