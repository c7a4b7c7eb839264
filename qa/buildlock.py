"""The lock that keeps two builds of one index folder from interleaving, and the folders it creates.

Held around ``qa.writing.write_index`` by every build. It is taken on the index folder itself (or a
``.lock`` file in it where folders cannot be locked), so the folder is created here when missing, with
any missing parents: a first build that fails (a full disk, Ctrl-C, SIGTERM) removes again what it
created, when empty, and never a folder that was there before.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from . import locking
from .errors import IndexError_, IndexLockedError, no_room
from .locking import LockBusy, LockRaced, LocksUnsupported
from .manifest import UNWRITABLE_HINT
from .termination import finishing

_LOCK_ATTEMPTS = 5  # a folder replaced this many times while we wait for its lock is given up on
LOCK_FILE = ".lock"  # locked instead of the folder where a file system cannot lock folders (NFS)


def unwritable(index_dir: Path, exc: OSError) -> IndexError_:
    reason = exc.strerror or str(exc)
    full = no_room(exc.errno) == "full"  # a full disk or quota: the CLI's and the page's one rule
    if exc.errno is None:  # numpy reports a short write as "N requested and M written", without an errno
        with contextlib.suppress(OSError):
            full = shutil.disk_usage(index_dir).free < 1 << 20
            reason = "the disk is full" if full else reason
    hint = UNWRITABLE_HINT
    if full:
        hint = "free some disk space (any previous index is unchanged), or choose another folder with --index"
    error = IndexError_(f"cannot write the index folder {index_dir}: {reason}", hint)
    error.full = full  # a commit may then retry without its checkpoint (``qa.indexing._commit``)
    return error


@contextlib.contextmanager
def build_lock(
    index_dir: Path, wait: bool = True, waiting: Callable[[int | None], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on the index folder while building, so two builds never interleave.
    ``waiting`` is called once when another process holds it and we are about to wait, with that process's
    id when the system names it (a build of a big corpus takes minutes: a command silent all that time
    looks hung, and one that says only "waiting" leaves the user to hunt for what it waits on).

    The lock is on the folder itself, not on a file in it: a lock file deleted during a build (by a user
    tidying up) let the next build create a new one and lock that, beside the running build. Where a
    folder cannot be locked (NFS emulates ``flock`` with byte-range locks, which need a file open for
    writing) a ``.lock`` file is locked instead, as before. Either is taken again when what it names was
    replaced or deleted while we waited for it.
    """
    made: list[Path] = []  # the folders of index_dir's path this lock created (a first build's)
    try:
        fd = _take_lock(index_dir, made, wait=False)
    except _Held as busy:
        if not wait:
            raise
        if waiting is not None:
            waiting(busy.pid)
        fd = _take_lock(index_dir, made, wait=True)
    # a forced stop too (only empty folders), while the build runs and while this takes them back
    with finishing(lambda: _remove_made(index_dir, made)):
        try:
            yield
        except BaseException:  # a failed build (disk full, Ctrl-C, SIGTERM) takes back the folders it made
            _remove_made(index_dir, made)  # still locked: no other build is in them
            raise
        finally:
            os.close(fd)


def _take_lock(index_dir: Path, made: list[Path], wait: bool) -> int:
    """An open descriptor holding the lock: the folder's, or ``.lock``'s where folders cannot be locked."""
    try:
        return _hold(index_dir, index_dir, os.O_RDONLY | os.O_DIRECTORY, wait, made)
    except LocksUnsupported as exc:
        if exc.error.errno not in (errno.EBADF, errno.EINVAL):  # no locks at all, not just on folders
            raise _no_locks(index_dir, exc.error) from None
    try:
        return _hold(index_dir, index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, wait, made)
    except LocksUnsupported as exc:
        raise _no_locks(index_dir, exc.error) from None


def _make_folders(folder: Path, made: list[Path]) -> None:
    """Create ``folder`` and its missing parents, adding those this call created to ``made``, outermost
    first, as each is made (one made by another process meanwhile is not ours)."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir()
        except FileExistsError:
            continue
        made.append(path)


def _remove_made(index_dir: Path, made: list[Path]) -> None:
    """Remove the folders a failed first build created, innermost first, each only when empty (the build
    took its own files back; a file anyone else put there keeps its folder): a folder that existed
    before, or a parent the build did not make, is never touched."""
    if index_dir in made:
        with contextlib.suppress(OSError):  # ours too, in a folder we made (where folders cannot be locked)
            (index_dir / LOCK_FILE).unlink()
    for folder in reversed(made):
        try:
            folder.rmdir()
        except FileNotFoundError:  # already removed: by this, run again by a forced stop (Ctrl-C thrice)
            continue
        except OSError:
            return


def _hold(index_dir: Path, target: Path, flags: int, wait: bool, made: list[Path]) -> int:
    def open_fd() -> int:
        tries = _LOCK_ATTEMPTS
        while True:
            try:
                _make_folders(index_dir, made)
                return os.open(target, flags, 0o644)
            except FileNotFoundError as exc:  # a folder found was removed meanwhile: a failed first build
                tries -= 1  # beside us, under the same new parent, took back its own; made again
                if not tries:
                    raise unwritable(index_dir, exc) from None
            except OSError as exc:
                raise unwritable(index_dir, exc) from None

    try:
        return locking.hold(target, open_fd, wait=wait, attempts=_LOCK_ATTEMPTS)
    except LockBusy:
        raise _Held(f"another process is building the index in {index_dir}", locking.holder(target)) from None
    except LockRaced:
        replaced = f"the index folder {index_dir} kept being replaced while it was locked"
        raise IndexLockedError(replaced) from None
    except OSError as exc:
        raise _no_locks(index_dir, exc) from None


class _Held(IndexLockedError):
    """Busy, as opposed to replaced under every attempt; ``pid``: the holder, when the system says."""

    def __init__(self, message: str, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


def _no_locks(index_dir: Path, exc: OSError) -> IndexError_:
    return IndexError_(  # ENOLCK, EOPNOTSUPP: a network or FUSE file system without locks
        f"cannot lock the index folder {index_dir}: {exc.strerror or exc}",
        "choose an index folder on a local disk with --index / QA_INDEX",
    )
