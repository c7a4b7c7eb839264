"""The three output formats of :mod:`qa.batch`: the .jsonl writer here, .csv and .md in their modules.

Each format knows how to render records and how to find, in a file it wrote, the complete records
(their ids and question keys) and where the torn tail starts; :class:`~qa.batch.writers.Writer`
does the durable appending.
"""

from __future__ import annotations

import codecs
import json
from typing import BinaryIO, TypeGuard

from ..errors import InputError
from .cells import SOURCE_FIELD, question_key, safe_extra, to_json
from .csv_output import CsvWriter
from .markdown_output import MarkdownWriter
from .readers import Record
from .sources import LongLine, blocks, split_lines
from .writers import Writer

# A record holds at most 20 passages of 21 sentences of 1,000 characters, with their context: far below
SCAN_LINE_BYTES = 32 << 20
KEY_FIELD = "question_sha256"  # in each JSONL record: the key of the input question it answers
DOC_FIELD = "doc"  # in each JSONL record of ``qa batch --doc``: the id of the document asked


class JsonlWriter(Writer):
    """One ``qa ask --json`` object per line, with ``id``, ``line``, the run's ``k`` and corpus key, and
    the question key.

    On resume the records already there must have been written with this run's ``k`` (the number
    of passages each holds), else the file would mix two settings without saying so.
    """

    signature = b'{"id": '
    k: int | None = None  # this run's passages per question, written into each record when known

    def scan(self, f: BinaryIO) -> int:
        keep = end = 0  # where the last record ends; where this line ends
        torn = 0  # the line of a torn write of ours: only blank lines may follow it
        self.found_k: set[int] = set()  # the k of the records already there (older files: none)
        # In blocks, a line kept up to SCAN_LINE_BYTES: a foreign file's 1 GB line was read whole to refuse it
        for n, raw in enumerate(split_lines(blocks(f), SCAN_LINE_BYTES), 1):
            if isinstance(raw, LongLine):  # longer than any record of ours: someone else's
                raise InputError(
                    f"{self.path} does not look like a qa batch output (line {n} is longer than any answer "
                    "qa writes); refusing to resume into it",
                    "write the answers to a new file",
                )
            end += len(raw)
            ended = raw.endswith((b"\n", b"\r"))  # a lone \r too: a file converted to old-Mac endings
            try:
                obj = json.loads(raw) if ended else None
            except (ValueError, RecursionError):
                obj = None
            if obj is None and not raw.strip():
                continue  # a blank line between records: nothing to keep or lose (cut if last)
            if b"\0" in raw and not isinstance(obj, dict):
                break  # a crash's zero-filled block: cut from there
            if torn or not _ours(obj):
                # A torn write of ours is the file's last line and the start of a record, ended or not (an
                # editor or a line-end conversion may end it); a line that is not (JSON or not, a note
                # left unended by an editor that adds no last line end), or any line after one, is someone
                # else's: it was cut, with all after it
                if torn or isinstance(obj, dict) or not self._started(raw, n):
                    raise InputError(
                        f"{self.path} does not look like a qa batch output (line {torn or n} is not an "
                        "answer qa wrote); refusing to resume into it",
                        "write the answers to a new file, or move the added lines out of this one",
                    )
                torn = n
                continue
            key = obj.get(KEY_FIELD)
            self.done[str(obj["id"])] = (
                key if isinstance(key, str) else question_key(_text(obj.get("question")))
            )
            if isinstance(obj.get(SOURCE_FIELD), str):
                self.sources.add(obj[SOURCE_FIELD])
            if isinstance(obj.get("k"), int) and not isinstance(obj["k"], bool):
                self.found_k.add(obj["k"])
            keep = end
        return keep

    def _started(self, raw: bytes, n: int) -> bool:
        """``raw`` opens as a record of ours does, and is no whole one: a torn write's start."""
        head = raw.rstrip(b"\r\n").removeprefix(codecs.BOM_UTF8 if n == 1 else b"")
        return bool(head) and (head.startswith(self.signature) or self.signature.startswith(head))

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
            # under --doc an input "doc" never passes for the document asked
            extra = safe_extra(rec.extra, frozenset() if self.doc is None else frozenset({DOC_FIELD}))
            head = {"id": rec.id, "line": rec.line}
            if result is None:
                obj = {**head, "question": rec.question, **extra, "error": rec.error}
            else:
                obj = {**head, **extra, "question": rec.question, **result}
            if self.k is not None:
                obj["k"] = self.k
            if self.source is not None:
                obj[SOURCE_FIELD] = self.source
            if self.doc is not None:  # where k and the key are: the document the run was limited to
                obj[DOC_FIELD] = self.doc
            obj[KEY_FIELD] = self.key(rec)
            out.append(to_json(obj) + "\n")
        return "".join(out)


def _ours(obj: object) -> TypeGuard[dict]:
    """A record this writer wrote: an id and either an answer (``abstained``) or an ``error`` row. A user's
    JSONL of questions (``{"id": …, "question": …}``) was taken for answers of an older qa: ``--resume``
    counted them done and appended to it, and cut it at its first line without an id."""
    return isinstance(obj, dict) and "id" in obj and ("abstained" in obj or "error" in obj)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)


WRITERS: dict[str, type[Writer]] = {".jsonl": JsonlWriter, ".csv": CsvWriter, ".md": MarkdownWriter}
