"""Holding an OS lock (``flock``) on a path that others may delete or replace: one mechanism for the
build lock (``qa/writing.py``, the index folder, waits) and the batch output lock (``qa/batch/lock.py``,
a sidecar file, refused at once).

An ``flock`` belongs to the file (inode) that was opened, not to its name. A holder may remove or replace
the file between our ``open`` and our ``flock``; we would then hold a lock on a file no one else will ever
open, beside the holder of the new one. So after locking, the path must still name the locked file;
otherwise the lock is taken again on what the path names now. What a lock error means (busy, or a file
system that cannot lock) is told apart here; what to do about it is each caller's.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable
from pathlib import Path


class LockBusy(Exception):
    """Another open file holds the lock (only when not waiting for it)."""


class LocksUnsupported(Exception):
    """This file system cannot ``flock`` this descriptor: ENOLCK, EOPNOTSUPP (NFS without a lock daemon,
    some FUSE), or EBADF/EINVAL where NFS emulates ``flock`` with byte-range locks, which need a file open
    for writing (a folder, a file open read-only)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


class LockRaced(Exception):
    """The path was replaced under every attempt to lock it."""


def flock(fd: int, *, wait: bool) -> None:
    """An exclusive ``flock`` on ``fd``, waiting for it or not; errors as :class:`LockBusy`,
    :class:`LocksUnsupported`, or the raw ``OSError`` for anything else."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise LockBusy() from None
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
            raise LocksUnsupported(exc) from None
        if exc.errno in (errno.EBADF, errno.EINVAL) and not _open_for_writing(fd):
            raise LocksUnsupported(exc) from None
        raise


def _open_for_writing(fd: int) -> bool:
    if stat.S_ISDIR(os.fstat(fd).st_mode):
        return False
    return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE != os.O_RDONLY


LOCKS = "/proc/locks"  # Linux: "1: FLOCK  ADVISORY  WRITE 4242 fe:00:2451896 0 EOF" for each lock held


def holder(path: Path) -> int | None:
    """The process holding an ``flock`` on what ``path`` names, when the system says (Linux's
    ``/proc/locks``, which lists each lock's process and file): a command waiting on a lock can then say
    whose it waits for. None when unknown (another system, a holder in another PID namespace, gone).

    ``/proc/locks`` names the process that took the lock, which may have exited since, leaving it to a
    child that inherited the descriptor (a fork): that number may be no process, or by now another one,
    and a user told "process N" may kill it. So N is named only while it still holds the lock itself."""
    try:
        st = os.stat(path)
        with open(LOCKS, encoding="ascii", errors="replace") as listing:
            lines = listing.read().splitlines()
    except OSError:
        return None
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in lines:  # "1: -> FLOCK ..." is a process waiting for it: skipped
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == key and fields[4].isdigit():
            pid = int(fields[4])
            if pid > 0 and pid != os.getpid() and _holds(pid, key):
                return pid
    return None


def _holds(pid: int, key: str) -> bool:
    """Whether process ``pid`` holds the lock on ``key`` (device:inode) through a descriptor of its own:
    ``/proc/PID/fdinfo`` lists each descriptor's locks, read from the kernel without touching the file
    (a stat of a file on a hung network mount would hang). True when its descriptors cannot be read
    (another user's process, which still exists: ``/proc/locks`` is taken at its word); False when gone."""
    folder = f"/proc/{pid}/fdinfo"
    try:
        fds = os.listdir(folder)
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")
    for fd in fds:
        try:
            with open(f"{folder}/{fd}", encoding="ascii", errors="replace") as info:
                if any(line.startswith("lock:") and f" {key} " in line for line in info):
                    return True
        except OSError:  # closed meanwhile
            continue
    return False


def names(fd: int, path: Path) -> bool:
    """True while ``path`` still names the file or folder open as ``fd`` (same device and inode)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (held.st_dev, held.st_ino)


def hold(path: Path, open_fd: Callable[[], int], *, wait: bool, attempts: int | None = None) -> int:
    """A descriptor of what ``path`` names, locked, opened by ``open_fd`` (the caller's flags and its
    own handling of open errors), checked after the lock to be still what ``path`` names.

    A path replaced meanwhile is opened and locked again, at most ``attempts`` times (None: until it
    holds; a replacing holder releases its lock, so the loop ends), then :class:`LockRaced`.
    """
    tries = 0
    while attempts is None or tries < attempts:
        tries += 1
        fd = open_fd()
        try:
            flock(fd, wait=wait)
        except BaseException:
            os.close(fd)
            raise
        if names(fd, path):
            return fd
        os.close(fd)
    raise LockRaced(str(path))
