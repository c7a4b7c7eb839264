"""One batch at a time per output file: a second ``qa batch`` onto the same output is refused at once.

Without it two runs (two terminals, a cron job that overran) both found the output missing or resumable
and appended their chunks into one file, interleaved. The lock is an OS lock (``flock``) on a hidden
sidecar next to the output, ``.<name>.qa-lock``, taken before the output is checked for content or
scanned for a resume and held until the run ends. The kernel drops it when the process dies (SIGKILL,
a crash), so a sidecar left behind never blocks anyone: the next run takes it and removes it. The output
is named by its real path (symbolic links resolved), so two names of one file share one lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
from pathlib import Path

from ..errors import InputError


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


class OutputLock:
    """Held while a run may write ``output``; :meth:`release` (idempotent) removes the sidecar."""

    def __init__(self, output: Path) -> None:
        self.output, self.path = output, lock_path(output)
        self.fd: int | None = None
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
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and self.output.exists():
                    return self  # a writable file in a folder we may not add to (a link into /dev)
                if exc.errno in (errno.EISDIR, errno.ELOOP):  # not a file this tool made: never followed
                    raise InputError(
                        f"{self.output}: its lock file {self.path} is a folder or a symbolic link",
                        f"remove {self.path} (qa batch makes it a plain file, and removes it after each run)",
                    ) from None
                raise
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno in (errno.EAGAIN, errno.EACCES):
                    raise self._busy() from None
                if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP):
                    self.path.unlink(missing_ok=True)
                    return self
                raise
            try:  # the holder may have removed the sidecar between our open and our lock: lock the new one
                if os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino:
                    break
            except FileNotFoundError:
                pass
            os.close(fd)
        self.fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return self

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
        """Remove the sidecar while still holding the lock, so no one locks a file about to vanish."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                self.path.unlink()
            os.close(self.fd)
            self.fd = None
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: a folder the run wrote into stays
        self.made = []
