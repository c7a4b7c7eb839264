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
    or moved away (another file, or none, in its place). ``kept``: the answers written into it so far.

    Only sure signs stop a run, as a false alarm would stop a healthy one: the path naming nothing, or
    naming a file of another size than the one just written and synced (``_another_file``). A path that
    cannot be looked up for another reason (a folder made unreadable) says nothing: the writes still work."""
    try:
        ours = os.fstat(f.fileno())
    except OSError:
        return  # the write just made says what went wrong, if anything
    try:
        named: os.stat_result | None = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        named = None
    except OSError:
        return
    if named is not None and not _another_file(named, ours):
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


def _another_file(named: os.stat_result, ours: os.stat_result) -> bool:
    """``named`` (what the path names) is not ``ours`` (the file written): another device and inode, and
    another size. Device and inode alone are not trusted: overlayfs before Linux 4.19 gives an open file's
    fstat the upper layer's device and its path's stat the overlay's (a container's every file), and a
    client may number a network share's files itself, anew at each lookup (CIFS ``noserverino``). The
    file just written and synced has its size under any name; a file put in its place (``mv``, an
    editor's save) of the very same size is found at the next chunk, when ours has grown."""
    if (named.st_dev, named.st_ino) == (ours.st_dev, ours.st_ino):
        return False
    return named.st_size != ours.st_size
