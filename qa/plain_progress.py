"""A long build's progress as plain lines, for a standard error that is not a terminal.

On a terminal the build draws tqdm's bar, redrawn in place with carriage returns. Into a CI log, a
``nohup.out`` or a service's journal that bar is not drawn (it would be thousands of lines of ``\r``), and
a build of a large corpus said nothing for many minutes: it looked hung. Here a line is written now and
then instead: never in the first ``EVERY_SECONDS`` (a short build says no more than it did), then at each
further tenth of the work once that long has passed since the last line, and at least every
``HEARTBEAT_SECONDS`` however slow the work; a last line when it is done, if any line was written.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

EVERY_SECONDS = 10.0  # no line sooner than this after the start or the last line
STEP = 0.10  # the share of the work a line waits for (after EVERY_SECONDS)
HEARTBEAT_SECONDS = 60.0  # a line at least this often, however little was done


class PlainProgress:
    """``update(n)`` after each ``n`` items of ``total``; ``close()`` at the end."""

    def __init__(
        self,
        total: int,
        what: str = "embedding",
        unit: str = "passages",
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total, self.what, self.unit, self.clock = total, what, unit, clock
        self.stream = stream
        self.start = self.last_at = clock()
        self.done = self.last_done = 0
        self.lines = 0

    def update(self, n: int) -> None:
        self.done += n
        now = self.clock()
        since = now - self.last_at
        stepped = self.done - self.last_done >= STEP * self.total
        if self.done < self.total and (since >= HEARTBEAT_SECONDS or (since >= EVERY_SECONDS and stepped)):
            percent = 100 * self.done // max(self.total, 1)
            self._say(f"{self.done:,} of {self.total:,} {self.unit} ({percent}%), {_clock(now - self.start)}")
            self.last_at, self.last_done = now, self.done

    def close(self) -> None:
        if self.lines:
            self._say(f"done, {self.done:,} {self.unit} in {_clock(self.clock() - self.start)}")

    def _say(self, text: str) -> None:
        print(f"{self.what}: {text}", file=self.stream or sys.stderr, flush=True)
        self.lines += 1


def _clock(seconds: float) -> str:
    """Elapsed time as a log reader reads it: 0:42, 12:05, 1:02:03."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
