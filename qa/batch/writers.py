"""Crash-safe, resumable writing of batch answers for :mod:`qa.batch`: the cell rules and the base writer.

Writers append whole records, write and ``fsync`` them per chunk, and on resume cut a
half-written tail back to the last complete record and report the ids already done (with a key
of the question each answered), so a killed run loses at most the chunk it was answering and
never duplicates a record.  The three formats are in :mod:`qa.batch.outputs`, the output checks
in :mod:`qa.batch.destination`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..errors import InputError, OutputError
from .readers import Record

if TYPE_CHECKING:
    from .lock import OutputLock

OUTPUT_EXTENSIONS = (".jsonl", ".csv", ".md")
CSV_COLUMNS = "id line question answer source location score confidence abstained error".split()
PASSAGE_COLUMNS = ("text", "source", "location", "score")
# Every top-level field of a ``qa ask --json`` result (qa/answer.py Result.to_dict), and ours.
RESULT_FIELDS = ("question", "abstained", "confidence", "answer", "message", "reason", "passages", "notice")
# Extra input fields with these names are written as ``input_<name>``: they never shadow ours, nor pass
# for ours (an input "notice" looked like the assistant's notice, an input "reason" was overwritten).
SOURCE_FIELD = "corpus_key"  # which corpus and model answered (qa.manifest.corpus_key), per record
RESERVED = {*CSV_COLUMNS, *RESULT_FIELDS, "chunk_id", "k", "question_sha256", SOURCE_FIELD}


def safe_extra(extra: dict) -> dict:
    """Extra input fields renamed so they never shadow an output field."""
    return {(f"input_{k}" if k in RESERVED or k.startswith("passage_") else k): v for k, v in extra.items()}


def _json_default(value: object) -> object:
    for attr in ("item", "tolist"):
        if hasattr(value, attr):
            return getattr(value, attr)()
    return str(value)


def to_json(obj: object) -> str:
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
    text = value if isinstance(value, str) else to_json(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def question_key(question: str | None) -> str:
    """The fingerprint resume compares: a record may only be skipped for the question it answered."""
    return hashlib.sha256((question or "").encode("utf-8", "surrogatepass")).hexdigest()


def location_label(answer: dict) -> str | None:
    """ "cuti.pdf, halaman 3": the passage's location, or its source for results without one."""
    return (answer.get("location") or {}).get("label") or answer.get("source")


class Writer:
    """Appends rendered records to ``path``; ``done`` maps the ids already in it to their question keys.

    Nothing touches the file before the first :meth:`write` (or :meth:`finish`): a run that fails
    while loading the model or on its first chunk leaves the output as it found it.
    """

    bom = False
    signature = b""  # how our files start: resume refuses to cut a file that is not one of ours
    lock: OutputLock | None = None  # held from open_writer until close
    keyed = False  # the run records a corpus key (set by run_batch before expect: the CSV header holds it)

    def __init__(self, path: Path, resume: bool) -> None:
        self.path, self.count = path, 0
        self.done: dict[str, str | None] = {}  # id -> question key (None: an older file, not checkable)
        self.f: BinaryIO | None = None
        self.offset = 0  # bytes of complete records: where the next write goes
        self.sources: set[str] = set()  # the corpus keys of the records already there (scan fills it)
        self.source: str | None = None  # this run's corpus key, written into each record when known
        if resume:
            with path.open("rb") as f:
                self.offset = self.scan(f)
                if self.offset == 0:
                    f.seek(0)
                    head = f.read(len(self.signature))
                    if head and head != self.signature[: len(head)]:
                        raise InputError(
                            f"{path} does not look like a qa batch output; refusing to resume into it"
                        )
        self.fresh = self.offset == 0

    def scan(self, f: BinaryIO) -> int:
        """Collect ids of complete records; return the byte offset right after the last one."""
        raise NotImplementedError

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        raise NotImplementedError

    def expect(self, k: int | None, first: Record) -> None:
        """The run's passages per question and first input record (the CSV header depends on them)."""

    def stamp(self, source: str, warn: Callable[[str], None] | None = None) -> None:
        """This run's corpus key, once the index is open: refuse to resume answers of another corpus.

        An output whose records carry no key (written before qa recorded it) is resumed with a warning:
        refusing it would strand every such output, and its question keys are still checked.
        """
        other = sorted(self.sources - {source})
        if other:
            raise InputError(
                f"{self.path}: its answers come from another corpus or model (corpus key {other[0]}, "
                f"this run's is {source}); resuming would mix the two",
                "resume with the corpus (and model) it was written with, write to a new output file, "
                "or start it over with --force instead of --resume",
            )
        if self.done and not self.sources and warn is not None:
            warn(f"{self.path}: its records do not say which corpus answered them (an older qa wrote them); "
                 "resuming without that check")  # fmt: skip
        self.source = source

    def key(self, rec: Record) -> str:
        """What :attr:`done` holds for ``rec`` once written (compared on resume)."""
        return question_key(rec.question)

    def check(self, rec: Record) -> None:
        """Refuse to resume when the output's record ``rec.id`` was the answer to another question."""
        stored = self.done.get(rec.id)
        if stored is not None and stored != self.key(rec):
            raise InputError(
                f"{self.path}: record {rec.id!r} answers another question than line {rec.line} of the input "
                "(the output belongs to another question file)",
                "write to a new output file, or start this one over with --force instead of --resume",
            )

    def write(self, items: list[tuple[Record, dict | None]]) -> None:
        """Append ``items`` as one write, then fsync: a crash leaves whole records or a cut tail.

        A failed write (disk full...) is cut back to the last whole record, so ``--resume`` goes on
        from there, and raised as :class:`~qa.errors.OutputError`.
        """
        data = self.render(items)
        if self.fresh and self.bom:
            data = "\ufeff" + data
        payload = memoryview(data.encode("utf-8"))
        try:
            if self.f is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.f = self.path.open("r+b" if self.offset else "wb", buffering=0)
                if self.offset:
                    self.f.truncate(self.offset)
                    self.f.seek(self.offset)
            while payload:
                payload = payload[self.f.write(payload) :]
            _fsync(self.f)
        except OSError as exc:
            self._cut_back()
            kept = len(self.done) + self.count
            what = "disk full" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else f"{exc.strerror or exc}"
            raise OutputError(
                f"{what} writing {self.path}; {kept} answer{'s' * (kept != 1)} kept, rerun with --resume",
                "free some space (or choose another output folder), then run the same command with --resume",
            ) from None
        self.offset += len(data.encode("utf-8"))
        self.fresh = False
        self.count += len(items)

    def _cut_back(self) -> None:
        if self.f is None:
            return
        with contextlib.suppress(OSError):
            self.f.truncate(self.offset)
        with contextlib.suppress(OSError):
            self.f.close()
        self.f = None

    def finish(self) -> None:
        """After a successful run: an empty input still gets a valid (header-only) file."""
        if self.fresh:
            self.write([])

    def close(self) -> None:
        """Close the file, then release the lock :func:`~qa.batch.destination.open_writer` took."""
        try:
            if self.f is not None:
                self.f.close()
                self.f = None
        finally:
            if self.lock is not None:
                self.lock.release()


def _fsync(f: BinaryIO) -> None:
    try:
        os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):  # a device or pipe: nothing to sync
            raise
