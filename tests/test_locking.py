"""qa.locking: the one lock-then-check mechanism under the build lock and the batch output lock.

Both locks lost a race the same way before it was shared: a holder removed or replaced the file between
another process's open and its flock, which then held a lock on a file no one else would open. The tests
use real flocks on real files (two open file descriptions in one process exclude each other like two
processes do); only errors no local disk produces (NFS, ENOLCK) are simulated."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from pathlib import Path

import pytest

from qa import locking
from qa.locking import LockBusy, LockRaced, LocksUnsupported, hold, names


def _opener(path: Path, flags: int = os.O_RDWR | os.O_CREAT):
    return lambda: os.open(path, flags, 0o644)


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_held_lock_refuses_a_second_holder_and_frees_on_close(tmp_path: Path) -> None:
    path = tmp_path / "l"
    fd = hold(path, _opener(path), wait=False)
    before = _open_fds()
    with pytest.raises(LockBusy):
        hold(path, _opener(path), wait=False)
    assert _open_fds() == before  # the refused attempt closed its descriptor
    os.close(fd)
    os.close(hold(path, _opener(path), wait=False))


def test_a_waiting_holder_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    path = tmp_path / "l"
    fd = hold(path, _opener(path), wait=False)
    released = threading.Event()

    def release() -> None:
        released.set()  # before the lock goes: a waiter that got it did wait for this
        os.close(fd)

    # An order, not seconds: a bound on the wait measured after the timer started failed whenever the
    # test was paused for 50 ms between the two (a loaded CI machine).
    threading.Timer(0.3, release).start()
    mine = hold(path, _opener(path), wait=True)
    assert released.is_set() and names(mine, path)
    os.close(mine)


def test_a_path_replaced_between_open_and_lock_is_locked_again(tmp_path: Path, monkeypatch) -> None:
    """The race itself: the first open gets a file that is deleted and recreated before the flock."""
    path = tmp_path / "l"
    path.write_text("")
    real, locked = fcntl.flock, []

    def flock(fd: int, op: int) -> None:
        if not locked:  # as if the holder finished now: removed its file, and a new one was made
            path.unlink()
            path.write_text("")
        locked.append(os.fstat(fd).st_ino)
        real(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    fd = hold(path, _opener(path), wait=False)
    assert len(locked) == 2 and locked[1] == path.stat().st_ino == os.fstat(fd).st_ino
    os.close(fd)


def test_a_path_replaced_under_every_attempt_is_given_up(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "l"
    real, calls = fcntl.flock, []

    def flock(fd: int, op: int) -> None:
        calls.append(fd)
        path.unlink()
        real(fd, op)

    monkeypatch.setattr(fcntl, "flock", flock)
    before = _open_fds()
    with pytest.raises(LockRaced):
        hold(path, _opener(path), wait=False, attempts=3)
    assert len(calls) == 3 and _open_fds() == before


def test_a_folder_can_be_held_and_a_deleted_path_names_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    folder.mkdir()
    fd = hold(folder, _opener(folder, os.O_RDONLY | os.O_DIRECTORY), wait=False)
    with pytest.raises(LockBusy):
        hold(folder, _opener(folder, os.O_RDONLY | os.O_DIRECTORY), wait=False)
    other = tmp_path / "other"
    other.mkdir()
    assert names(fd, folder) and not names(fd, other) and not names(fd, tmp_path / "gone")
    os.close(fd)


@pytest.mark.parametrize(
    ("code", "target", "unsupported"),
    [
        (errno.ENOLCK, "file", True),  # NFS without a lock daemon
        (errno.EOPNOTSUPP, "file", True),  # some FUSE file systems
        (errno.EBADF, "folder", True),  # NFS: byte-range emulation needs a file open for writing
        (errno.EBADF, "read-only", True),
        (errno.EBADF, "file", False),  # a file open for writing: a real error, raised as it is
        (errno.EIO, "file", False),
    ],
)
def test_lock_errors_tell_a_file_system_without_locks_from_other_failures(
    tmp_path: Path, monkeypatch, code: int, target: str, unsupported: bool
) -> None:
    def failing(fd: int, op: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fcntl, "flock", failing)
    flags = {"file": os.O_RDWR | os.O_CREAT, "folder": os.O_RDONLY | os.O_DIRECTORY, "read-only": os.O_RDONLY}
    path = tmp_path if target == "folder" else tmp_path / "l"
    path.touch(exist_ok=True)
    fd = os.open(path, flags[target], 0o644)
    try:
        with pytest.raises(LocksUnsupported if unsupported else OSError) as info:
            locking.flock(fd, wait=False)
        if unsupported:
            assert info.value.error.errno == code
        else:
            assert info.value.errno == code
    finally:
        os.close(fd)
