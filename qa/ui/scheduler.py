"""One model, many callers: a lock that lets interactive questions go before waiting batch work.

The core does not promise thread safety, and its calls use every core anyway, so model calls are
serialised. A plain lock would let two big uploads hold it in turn for minutes; here a batch takes the
lock for one small step at a time and only when no interactive question is waiting, so a visitor waits
at most for the step in flight. Batches share what is left among themselves in turn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PriorityLock:
    """A mutex with two doors: ``interactive()`` waiters always go before ``background()`` waiters."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._waiting = 0  # interactive callers waiting for the lock

    @contextmanager
    def interactive(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            try:
                self._cond.wait_for(lambda: not self._busy)
            finally:
                self._waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def background(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._busy and not self._waiting)
            self._busy = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        with self._cond:
            self._busy = False
            self._cond.notify_all()

    @property
    def waiting(self) -> int:
        """How many interactive callers wait right now (for tests and logs)."""
        with self._cond:
            return self._waiting
