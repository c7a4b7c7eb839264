"""Typed errors of the core.

The core raises these; only the edges (the CLI, the web UI) turn them into messages
and exit codes, so library callers can catch precisely what they care about.
"""

from __future__ import annotations

import errno
from typing import Literal


class QAError(Exception):
    """Base class of every error a user can cause or fix; ``exit_code`` is for the CLI."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return describe(self)


def describe(exc: QAError) -> str:
    """The one rendering of an error for people: its message, then ``hint: ...`` on a second line.

    The CLI prints it after ``error: ``; the web UI shows it in its pop-up; ``str(exc)`` is the same text,
    so a traceback seen by a library caller carries the hint too.
    """
    return f"{exc.message}\nhint: {exc.hint}" if exc.hint else exc.message


class InputError(QAError):
    """A question or an input file the user handed us is unusable (empty, unreadable, wrong type)."""

    exit_code = 2


class CorpusError(QAError):
    """The corpus folder or one of its documents cannot be used (missing, empty, not UTF-8, binary)."""

    exit_code = 3


class EncoderError(QAError):
    """The requested embedding runtime or model cannot be loaded."""

    exit_code = 4


class IndexError_(QAError):
    """Base of the index problems (named with a trailing underscore to not shadow the builtin)."""

    exit_code = 5
    full = False  # a write short of space (``qa.buildlock.unwritable``): a checkpoint's removal may help


class IndexMissingError(IndexError_):
    """No index has been built in the index folder yet."""


class IndexStaleError(IndexError_):
    """The index on disk was built from other settings or another corpus than the current ones."""


class IndexCorruptError(IndexError_):
    """An index file is missing, truncated, altered, or not in the expected format."""


class IndexMismatchError(IndexCorruptError):
    """The index files are intact (their checksums hold) but do not belong together or to this corpus:
    files of another build or corpus put in with recomputed checksums. ``build="auto"`` rebuilds it."""


class IndexNewerError(IndexError_):
    """The index was written by a newer release of qa (a later format): never rebuilt over unasked,
    since the newer release would then have to rebuild it again."""


class IndexLockedError(IndexError_):
    """Another process is building the same index right now."""


class OutputError(QAError):
    """An output file could not be written part-way (disk full, I/O error); what was written is kept.
    ``errno``: the failed write's, when one failed (the page words a full disk and a size limit apart)."""

    exit_code = 6

    def __init__(self, message: str, hint: str | None = None, errno: int | None = None) -> None:
        super().__init__(message, hint)
        self.errno = errno


def no_room(code: int | None) -> Literal["full", "limit"] | None:
    """What a failed write's errno says, the one rule the CLI's hint and the page's words follow: "full"
    (a full disk or quota: freeing space makes room), "limit" (a file-size limit, EFBIG: ``ulimit -f`` or
    the file system's largest file, which freeing space does not lift), None (something else)."""
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "full"
    return "limit" if code == errno.EFBIG else None


def write_fix(exc: OSError, folder: str, elsewhere: str = "") -> str:
    """What lets a failed write through, by its errno, for every writer's hint (batch outputs, the
    calibration): a file-size limit (:func:`no_room`'s "limit") is lifted by neither space nor
    permissions, nor is a folder where the file goes (EISDIR); a read-only or forbidden ``folder`` by no
    freed space; a full disk or quota by space; anything else gets both. ``elsewhere``: the writer's other
    way out, bar EFBIG's."""
    kind = no_room(exc.errno)
    if kind == "limit":
        return "raise the file-size limit (ulimit -f) or write to a file system that takes larger files"
    if exc.errno == errno.EISDIR:  # a folder where the file goes: neither rights nor space move it
        return f"move the folder of that name out of the way{elsewhere}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"make {folder} writable{elsewhere}"
    if kind == "full":
        return f"free some space{elsewhere}"
    return f"check that {folder} is writable and has free space{elsewhere}"  # EIO, a folder gone...
