"""Crash-safe, resumable writing of batch answers for :mod:`qa.batch`: the base writer.

Writers append whole records, write and ``fsync`` them per chunk, and on resume cut a
half-written tail back to the last complete record and report the ids already done (with a key
of the question each answered), so a killed run loses at most the chunk it was answering and
never duplicates a record.  The three formats are in :mod:`qa.batch.outputs`, the output checks
in :mod:`qa.batch.destination`, the cell rules in :mod:`qa.batch.cells` (re-exported here).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, OutputError, write_fix
from .cells import (
    CSV_COLUMNS,
    OUTPUT_EXTENSIONS,
    PASSAGE_COLUMNS,
    RESERVED,
    SOURCE_FIELD,
    csv_cell,
    location_label,
    question_key,
    safe_extra,
    to_json,
)
from .durable import check_still_named, fsync_file, fsync_folder
from .lock import OutputLock, sidecar
from .readers import Record
from .scope import Scope

# the cell rules stay importable from here
__all__ = ["CSV_COLUMNS", "OUTPUT_EXTENSIONS", "PASSAGE_COLUMNS", "RESERVED", "SOURCE_FIELD", "Writer",
           "csv_cell", "location_label", "question_key", "safe_extra", "to_json"]  # fmt: skip


class Writer:
    """Appends rendered records to ``path``; ``done`` maps the ids already in it to their question keys.

    Nothing touches the file before the first :meth:`write` (or :meth:`finish`): a run that fails
    while loading the model or on its first chunk leaves the output as it found it.
    """

    bom = False
    signature = b""  # how our files start: resume refuses to cut a file that is not one of ours
    lock: OutputLock | None = None  # held from open_writer until close
    keyed = False  # the run records a corpus key (set by run_batch before expect: the CSV header holds it)
    created = False  # the first write created the file (removed again if nothing could be written)
    note: str | None = None  # what expect() found worth a warning (a CSV resumed in an older layout)
    is_cut: Callable[[str], bool] | None = None  # whether a question is read from its start only (run_batch)

    def __init__(self, path: Path, resume: bool) -> None:
        self.path, self.count = path, 0
        self.done: dict[str, str | None] = {}  # id -> question key (None: an older file, not checkable)
        self.f: BinaryIO | None = None
        self.replacing: tuple[Path, Path] | None = None  # (new file, old file) until the first chunk is whole
        self.offset = 0  # bytes of complete records: where the next write goes
        self.sources: set[str] = set()  # the corpus keys of the records already there (scan fills it)
        self.source: str | None = None  # this run's corpus key, written into each record when known
        self.doc: str | None = None  # the document this run's questions were limited to (qa batch --doc)
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

    def stamp(self, source: str | Scope, warn: Callable[[str], None] | None = None) -> None:
        """This run's corpus key (or :class:`~qa.batch.scope.Scope`, with the document ``--doc`` limited
        it to), once the index is open: refuse to resume answers of another corpus, or of another scope.

        An output whose records carry no key (written before qa recorded it) is resumed with a warning:
        refusing it would strand every such output, and its question keys are still checked.
        """
        scope = source if isinstance(source, Scope) else Scope(source)
        other = sorted(self.sources - {scope.key})
        if other:
            raise scope.mixed(self.path, other[0])
        if self.done and not self.sources and warn is not None:
            warn(f"{self.path}: its records do not say which corpus answered them (an older qa wrote them); "
                 "resuming without that check")  # fmt: skip
        self.source, self.doc = scope.key, scope.doc

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
                self.f = self._open()
                self._follow()  # a file just created is locked too
            while payload:
                payload = payload[self.f.write(payload) :]
            fsync_file(self.f)
            if self.replacing is not None:  # the first chunk is safe: now it replaces the old file
                os.replace(*self.replacing)
                self.replacing = None
                fsync_folder(self.path.resolve().parent)
                self._follow()
        except OSError as exc:
            replacing, kept = self.replacing is not None, len(self.done) + self.count
            self._cut_back()
            # a quota is the user's, not the disk: "disk full" sent them to a disk with room to spare
            what = "disk full" if exc.errno == errno.ENOSPC else f"{exc.strerror or exc}"
            room = write_fix(exc, "the output folder", " (or choose another output folder)")
            if replacing:
                hint = f"{room}, then run it again"
                raise OutputError(
                    f"{what} writing {self.path}; the file was left as it was", hint, exc.errno
                ) from None
            if kept == 0:  # "0 answers kept, rerun with --resume" was true, and sent the user the long way
                if self.created:
                    with contextlib.suppress(OSError):
                        self.path.unlink()
                hint = f"{room}, then run the same command again"
                raise OutputError(
                    f"{what} writing {self.path}; nothing was written", hint, exc.errno
                ) from None
            raise OutputError(
                f"{what} writing {self.path}; {kept} answer{'s' * (kept != 1)} kept, rerun with --resume",
                f"{room}, then run the same command with --resume",
                exc.errno,
            ) from None
        self.offset += len(data.encode("utf-8"))
        self.fresh = False
        self.count += len(items)
        check_still_named(self.path, self.f, len(self.done) + self.count)

    def _open(self) -> BinaryIO:
        """The file the first chunk goes to. An existing file started over (``--force``) is not emptied:
        the chunk is written beside it and replaces it once whole, so a failed first write (disk full)
        leaves the user's old file as it was."""
        if self.offset:
            f = self.path.open("r+b", buffering=0)
            f.truncate(self.offset)
            f.seek(self.offset)
            return f
        real = self.path.resolve()
        if not (real.is_file() and real.stat().st_size > 0):
            self.created = not os.path.lexists(self.path)  # a failed first write removes it again
            return self.path.open("wb", buffering=0)
        new = sidecar(real, "qa-new")
        f = new.open("wb", buffering=0)
        self.replacing = (new, real)  # from here a failure removes it
        with contextlib.suppress(OSError):  # the old file's mode, where the file system keeps modes (not FAT)
            os.fchmod(f.fileno(), stat.S_IMODE(real.stat().st_mode))
        return f

    def _follow(self) -> None:
        if self.lock is not None:
            self.lock.follow()

    def _cut_back(self) -> None:
        if self.replacing is not None:  # the old file was never touched: drop the new one
            new, self.replacing = self.replacing[0], None
            try:
                new.unlink()
            except FileNotFoundError:  # already renamed over the old one (interrupted just after): it holds
                self._close()  # a whole first chunk, which is now the output; cutting it would lose both
                return
            except OSError:
                pass
        if self.f is None:
            return
        with contextlib.suppress(OSError):
            self.f.truncate(self.offset)
        self._close()

    def _close(self) -> None:
        if self.f is not None:
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
            if self.replacing is not None:  # interrupted before its first chunk was whole
                self._cut_back()
            if self.f is not None:
                self.f.close()
                self.f = None
        finally:
            if self.lock is not None:
                self.lock.release()
