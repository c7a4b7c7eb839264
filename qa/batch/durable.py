"""What makes a chunk of answers last once written: its bytes synced to the disk, a rename synced into
its folder, and the file written still being the output the run was asked for.

The last: a run writes through the file it opened, so an output deleted while it ran (``rm`` of it or
of its folder, a clean-up of old files) took every answer after it with it, and the run still ended
"200 questions … → answers.jsonl", exit 0, with no such file. Checked after each chunk: the run stops
at once (:class:`~qa.errors.OutputError`, exit 6) rather than answering for hours into a file no one
can open.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every file system syncs a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(f: BinaryIO) -> None:
    try:
        os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):  # a device or pipe: nothing to sync
            raise


def check_still_named(path: Path, f: BinaryIO, kept: int) -> None:
    """Refuse to go on when ``path`` no longer names the file ``f`` writes (OutputError): it was deleted,
    or moved away (another file, or none, in its place). ``kept``: the answers written into it so far."""
    try:
        ours = os.fstat(f.fileno())
    except OSError:
        return  # the write just made says what went wrong, if anything
    try:
        named = path.stat()
    except OSError:
        named = None
    if named is not None and (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino):
        return
    answers = f"{kept} answer{'s' * (kept != 1)}"
    if ours.st_nlink == 0:
        raise OutputError(
            f"{path} was deleted while this run wrote it, and the {answers} written went with it; stopped",
            "run the same command again: the answers start over",
        )
    raise OutputError(
        f"{path} was moved or replaced while this run wrote it; the {answers} written are in the moved "
        "file; stopped",
        f"move it back to {path} and run the same command with --resume, or write to another file",
    )
