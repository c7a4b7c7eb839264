"""qa.locking: the one lock-then-check mechanism under the build lock and the batch output lock.

Both locks lost a race the same way before it was shared: a holder removed or replaced the file between
another process's open and its flock, which then held a lock on a file no one else would open. The tests
use real flocks on real files (two open file descriptions in one process exclude each other like two
processes do); only errors no local disk produces (NFS, ENOLCK) are simulated."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
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


_TAKE = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
if sys.argv[2] == "leave" and os.fork():  # the process that took the lock exits, its child keeps it
    os._exit(0)
print(os.getpid(), flush=True)
sys.stdin.readline()
"""


def _taken(folder: Path, how: str) -> subprocess.Popen:
    """A real process holding an ``flock`` on ``folder`` (``leave``: left to a child by the process that
    took it, which exited) until a line comes on its standard input."""
    return subprocess.Popen([sys.executable, "-c", _TAKE, str(folder), how], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip


def _release(proc: subprocess.Popen, folder: Path) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.close()
    proc.wait(timeout=60)
    fd = hold(folder, _opener(folder, os.O_RDONLY | os.O_DIRECTORY), wait=True)  # the child's too, then
    os.close(fd)


def test_the_holder_of_a_lock_is_the_process_that_holds_it(tmp_path: Path) -> None:
    """``qa index`` waiting on another build names it (section 77) from ``/proc/locks``."""
    proc = _taken(tmp_path, "keep")
    try:
        assert proc.stdout is not None and int(proc.stdout.readline()) == proc.pid
        assert locking.holder(tmp_path) == proc.pid
    finally:
        _release(proc, tmp_path)
    assert locking.holder(tmp_path) is None  # free: no one named


def test_a_lock_left_to_a_child_names_no_process(tmp_path: Path) -> None:
    """``/proc/locks`` keeps the number of the process that took a lock after it exits, its child (a fork)
    holding the lock on: "process N is building the index" named a process that was gone, or whose number
    another had taken (killed by a user who believed it). Now no process is named ("another process")."""
    proc = _taken(tmp_path, "leave")
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip()  # the child holds it now
        taker = proc.pid  # the process that took it
        assert proc.wait(timeout=60) == 0 and f" {taker} " in Path(locking.LOCKS).read_text()
        with pytest.raises(LockBusy):
            hold(tmp_path, _opener(tmp_path, os.O_RDONLY | os.O_DIRECTORY), wait=False)
        assert locking.holder(tmp_path) is None
    finally:
        _release(proc, tmp_path)


def test_no_list_of_locks_names_no_process(tmp_path: Path, monkeypatch) -> None:
    """Another system (macOS, BSD: no ``/proc/locks``), or one that hides it: "another process"."""
    proc = _taken(tmp_path, "keep")
    try:
        assert proc.stdout is not None and proc.stdout.readline()
        monkeypatch.setattr(locking, "LOCKS", str(tmp_path / "no-such-list"))
        assert locking.holder(tmp_path) is None
    finally:
        _release(proc, tmp_path)
