"""One model, many callers: a lock that lets interactive questions go before waiting batch work, and a
bounded line for the uploads themselves.

The core does not promise thread safety, and its calls use every core anyway, so model calls are
serialised. A plain lock would let two big uploads hold it in turn for minutes; here a batch takes the
lock for one small step at a time and only when no interactive question is waiting, so a visitor waits
at most for the step in flight. Batches share what is left among themselves in turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
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


class Full(Exception):
    """No room: every slot is taken and the line is full (the caller tells the visitor to come back)."""


class Cancelled(Exception):
    """The caller's ``cancel`` event was set while it waited in line."""


class Admission:
    """At most ``slots`` holders at once and ``line`` more waiting in turn (first come, first served);
    anyone beyond that is refused at once with :class:`Full`.

    Uploads wait here, not in Gradio's queue: that queue is shared by every event (``max_size``), so
    uploads parked there would turn every visitor's question away with "Queue is full" for as long as
    they take to answer. Refused at the door, they leave the queue in milliseconds.
    """

    def __init__(self, slots: int, line: int) -> None:
        self.slots, self.line = slots, line
        self._cond = threading.Condition()
        self._holding = 0
        self._queue: list[object] = []  # tickets of the waiting callers, oldest first

    @contextmanager
    def enter(self, cancel: threading.Event | None = None, on_wait: Callable[[int], None] | None = None
              ) -> Iterator[None]:  # fmt: skip
        """Hold a slot for the ``with`` body; ``on_wait(ahead)`` is told the place in line while waiting."""
        ticket = object()
        with self._cond:
            if self._holding >= self.slots and len(self._queue) >= self.line:
                raise Full
            self._queue.append(ticket)
            told = 0
            try:
                while self._holding >= self.slots or self._queue[0] is not ticket:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled
                    place = self._queue.index(ticket) + 1
                    if on_wait is not None and place != told:
                        on_wait(place)
                        told = place
                    self._cond.wait(0.5)  # woken at each release; the timeout notices ``cancel``
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()
            self._holding += 1
        try:
            yield
        finally:
            with self._cond:
                self._holding -= 1
                self._cond.notify_all()

    @property
    def load(self) -> tuple[int, int]:
        """(holding, waiting) right now, for tests and logs."""
        with self._cond:
            return self._holding, len(self._queue)
