"""Standard error that never stops the work: its messages are for people, the work is the files.

``qa index 2>&1 | head -1`` (or ``| grep -m1 …``, a log pipe whose reader died): head takes the first
line ("no index in …; building it now") and exits, the next message then raised BrokenPipeError, which
the CLI reads as "the reader of standard output has what it wanted": exit 0, no index built, no answers
written, nothing said. ``2>/dev/full`` ended the batch with a traceback no one saw (exit 1). A message
that cannot be written is dropped; standard error goes to the null device for the rest of the run (so
nothing buffered fails again at exit) and the command goes on to its result and its exit status.
"""

from __future__ import annotations

import os
from typing import Any, TextIO

from .printable import shown_path


class Diagnostics:
    """A text stream around ``stream`` whose failing writes fall silent instead of raising."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        text = shown_path(text)  # a path that is not UTF-8 as standard output shows it, not ``\udcff``
        try:
            return self.wrapped.write(text)
        except UnicodeEncodeError:  # the stream is fine, the text is not in its encoding (``ascii:strict``)
            return self._write_escaped(text)
        except (OSError, ValueError):  # a broken pipe, a full device, a stream closed under us
            self._fall_silent()
            return len(text)

    def _write_escaped(self, text: str) -> int:
        """``text`` with what the stream's encoding cannot take escaped (``caf\\xe9``): a UnicodeEncodeError
        (a ValueError) was taken for a broken stream, silencing every later message of the run."""
        encoding = getattr(self.wrapped, "encoding", None) or "utf-8"
        try:
            return self.wrapped.write(text.encode(encoding, "backslashreplace").decode(encoding))
        except (OSError, ValueError, LookupError):
            self._fall_silent()
            return len(text)

    def flush(self) -> None:
        try:
            self.wrapped.flush()
        except (OSError, ValueError):
            self._fall_silent()

    def _fall_silent(self) -> None:
        try:  # the descriptor too: what is still buffered in the old stream is flushed there at exit
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.wrapped.fileno())
            os.close(null)
        except (OSError, ValueError, AttributeError):  # an in-memory stream (a test's capture) has none
            pass
        self.wrapped = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the rest of the run

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, errors: the stream's own
        return getattr(self.wrapped, name)


def quiet_on_failure(stream: TextIO) -> TextIO:
    """``stream`` wrapped (once) so that a failing write drops the message and the work goes on."""
    return stream if isinstance(stream, Diagnostics) else Diagnostics(stream)  # type: ignore[return-value]
