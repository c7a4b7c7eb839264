"""One batch at a time per output file: a second ``qa batch`` onto the same output is refused at once.

Without it two runs (two terminals, a cron job that overran) both found the output missing or resumable
and appended their chunks into one file, interleaved. The lock is an OS lock (``flock``) on a hidden
sidecar next to the output, ``.<name>.qa-lock``, taken before the output is checked for content or
scanned for a resume and held until the run ends. The kernel drops it when the process dies (SIGKILL,
a crash), so a sidecar left behind never blocks anyone: the next run takes it and removes it. The output
is named by its real path (symbolic links resolved), so two names of one file share one lock; an
existing output is locked itself as well, so a hard link (a second name, with its own sidecar) is refused
too; the lock moves to the file the run creates or renames over the output (``--force``): :meth:`follow`.
The mechanism (lock, then check the path still names what was locked) is :mod:`qa.locking`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
from pathlib import Path

from .. import locking
from ..errors import InputError
from ..locking import LockBusy, LocksUnsupported


class OutputBusyError(InputError):
    """Another process is writing this output right now (exit 2, like every refused output)."""


def lock_path(output: Path) -> Path:
    return sidecar(output, "qa-lock")


def sidecar(output: Path, suffix: str) -> Path:
    """``.<name>.<suffix>`` beside the real file (a hash for a name too long to take the affixes)."""
    real = output.resolve()
    name = real.name if len(real.name.encode("utf-8", "surrogateescape")) <= 200 else _digest(real.name)
    return real.with_name(f".{name}.{suffix}")


def _digest(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:32]


_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class _Unlocked(Exception):
    """The sidecar cannot be made beside an output that exists (a writable link into /dev): run unlocked."""


class OutputLock:
    """Held while a run may write ``output``; :meth:`release` (idempotent) removes the sidecar."""

    def __init__(self, output: Path) -> None:
        self.output, self.path = output, lock_path(output)
        self.fd: int | None = None  # the sidecar's
        self.file_fd: int | None = None  # the output's own, when it exists (see _lock_the_file)
        self.made: list[Path] = []  # folders created for the sidecar, removed again if left empty

    def acquire(self) -> OutputLock:
        """Take the lock without waiting: :class:`OutputBusyError` when another run holds it.

        OSError (a read-only folder, a parent that is a file) is left to the caller. An existing output
        whose folder takes no sidecar, or a file system without locks (ENOLCK, EOPNOTSUPP), runs
        unlocked, as before, rather than not at all.
        """
        if self.output.exists() and not self.output.is_file():
            return self  # a device (a link to /dev/null): no file of the user's to interleave into
        self._make_parents()
        try:
            self.fd = locking.hold(self.path, self._open, wait=False)
        except LockBusy:
            raise self._busy() from None
        except _Unlocked:
            return self
        except LocksUnsupported:
            self.path.unlink(missing_ok=True)
            return self
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        try:
            self.file_fd = self._lock_the_file()
        except LockBusy:
            self.release()
            raise OutputBusyError(
                f"{self.output} is being written by another qa batch, under another name of the same file",
                "wait for it to finish, or write to another output file (a hard link is the same file)",
            ) from None
        except BaseException:
            self.release()
            raise
        return self

    def _lock_the_file(self) -> int | None:
        """The output file itself, locked too: another name of it (a hard link) has another sidecar.

        Best effort beside the sidecar: an output not there yet, unreadable, or on a file system that
        cannot lock a file open read-only runs on the sidecar lock alone. Held: :class:`LockBusy`."""
        real = self.output.resolve()
        try:
            return locking.hold(real, lambda: os.open(real, _READ_FLAGS), wait=False, attempts=3)
        except (OSError, LocksUnsupported, locking.LockRaced):
            return None

    def follow(self) -> None:
        """The writer made the output another file (created it, or renamed ``--force``'s new file over
        it): lock that one instead. Else a hard link made to it would run unrefused, and the old file,
        which another name may still hold, would stay refused as if it were this run's."""
        if self.fd is None or (self.file_fd is not None and locking.names(self.file_fd, self.output)):
            return  # a run without a lock, or still the file locked at the start
        try:
            new = self._lock_the_file()
        except LockBusy:  # a hard link made and taken by another run in that instant: too late to refuse
            new = None
        if self.file_fd is not None:
            os.close(self.file_fd)
        self.file_fd = new

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and self.output.exists():
                raise _Unlocked() from None  # a writable file in a folder we may not add to (/dev)
            if exc.errno in (errno.EISDIR, errno.ELOOP):  # not a file this tool made: never followed
                raise InputError(
                    f"{self.output}: its lock file {self.path} is a folder or a symbolic link",
                    f"remove {self.path} (qa batch makes it a plain file, and removes it after each run)",
                ) from None
            raise

    def _make_parents(self) -> None:
        missing = [p for p in (self.path.parent, *self.path.parent.parents) if not p.exists()]
        for folder in reversed(missing):
            with contextlib.suppress(FileExistsError):
                folder.mkdir()
                self.made.append(folder)

    def _busy(self) -> OutputBusyError:
        try:
            pid = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            pid = ""
        who = f"another qa batch (process {pid})" if pid.isdigit() else "another qa batch"
        return OutputBusyError(
            f"{self.output} is being written by {who}",
            "wait for it to finish (then --resume if it was stopped), or write to another output file",
        )

    def release(self) -> None:
        """Remove the sidecar while still holding the lock, so no one locks a file about to vanish; only
        the one locked: deleted under the run, the name may now be another run's sidecar, in use.

        Each descriptor is let go of before it is closed: a forced stop (Ctrl-C thrice) landing after a
        slow close runs this again, and closed it twice (EBADF, or another thread's newly opened file),
        which ended that run before the sidecar went."""
        if self.file_fd is not None:
            fd, self.file_fd = self.file_fd, None
            os.close(fd)
        if self.fd is not None:
            if locking.names(self.fd, self.path):
                with contextlib.suppress(OSError):
                    self.path.unlink()
            fd, self.fd = self.fd, None
            os.close(fd)
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: a folder the run wrote into stays
        self.made = []
