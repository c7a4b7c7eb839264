"""The file a checkpoint is written to before its rename: one per writer, locked while it is written.

Two processes building one alias of a Milvus server from one index folder share its checkpoint folder
(section 158). With one ``.qa-embedded.partial`` for both, a write unlinked the other's file while the
other wrote it, and the other's rename then installed a file still being written: a kill in that window
left a torn checkpoint, moved aside for good. So each write has its own name
(``.qa-embedded.partial-<pid>-<random>``) and holds an ``flock`` on it until its rename. The writer
removes its own file when a write fails or is stopped; a file a killed writer left is removed by the
next write, commit or open that finds it unlocked (a kill releases the lock), never while its writer
lives. A lock on the folder would serialise the writers too, but a local checkpoint's folder is the
index folder, already locked by its build (a second ``flock`` there would wait on its own process), and
a writer would then wait on another's write.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import uuid
from pathlib import Path

from .locking import LockBusy, LocksUnsupported, flock, names

PARTIAL = ".qa-embedded.partial"  # the name before section 162: still removed, as a killed write's
_OURS = re.compile(re.escape(PARTIAL) + r"(-[0-9]+-[0-9a-f]{8})?")
_ATTEMPTS = 5  # a new file unlinked under us (a clean-up, a folder removed) this many times: given up


def is_partial(name: str) -> bool:
    """Whether ``name`` is one this module gives a checkpoint's write (or gave, before section 162)."""
    return _OURS.fullmatch(name) is not None


def found(folder: Path) -> list[Path]:
    """The partial files (or anything under their names) in ``folder``; none when it cannot be listed."""
    try:
        return [folder / name for name in os.listdir(folder) if is_partial(name)]
    except OSError:
        return []


def create(folder: Path, parents: bool) -> tuple[Path, int]:
    """A new partial file of this writer in ``folder`` (made again if removed meanwhile), open and locked
    (where the file system can lock): its path and descriptor, the lock held until it is closed."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for attempt in range(_ATTEMPTS):
        path = folder / f"{PARTIAL}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        try:
            fd = os.open(path, flags, 0o644)
        except FileNotFoundError:  # the folder was removed meanwhile (another's commit emptied it)
            if attempt + 1 == _ATTEMPTS:
                raise
            folder.mkdir(parents=parents, exist_ok=True)
            continue
        try:  # waited for only while a clean-up holds it (a moment): it then unlinks it, and we go on
            flock(fd, wait=True)
        except LocksUnsupported:  # written unlocked: a clean-up, unable to tell, leaves it
            pass
        except BaseException:
            os.close(fd)
            path.unlink(missing_ok=True)
            raise
        if names(fd, path):
            return path, fd
        os.close(fd)  # a clean-up found it before its lock and removed it: another name
    raise FileNotFoundError(f"{folder}: its new files kept being removed")


def clean(folder: Path) -> bool:
    """Remove the partial files no writer holds (a killed write's), never one being written nor a
    folder of that name (a user's); whether any went. A link of such a name goes, never its target."""
    went = False
    for path in found(folder):
        with contextlib.suppress(OSError):
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode) or (path.name == PARTIAL and not stat.S_ISDIR(mode)):
                path.unlink()
                went = True
            elif stat.S_ISREG(mode):
                went = _remove_unheld(path) or went
    return went


def _remove_unheld(path: Path) -> bool:
    """Unlink ``path`` when no writer holds it, under its lock (so no writer takes it meanwhile)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        flock(fd, wait=False)
        if not names(fd, path):  # renamed to the checkpoint by its writer meanwhile
            return False
        path.unlink()
        return True
    except (LockBusy, LocksUnsupported):  # being written; or a file system without locks: cannot tell
        return False
    finally:
        os.close(fd)
