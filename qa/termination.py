"""SIGTERM and SIGHUP unwind the process like Ctrl-C, for every entry point (``qa …``, ``python app.py``).

``kill``, a stopped container or Space (SIGTERM) and a closed terminal or SSH session (SIGHUP) ended the
process at once: no ``finally`` and no ``atexit`` ran, so a build's half-written folder, a batch's lock
and the web app's folder of visitors' uploads and answers stayed behind. Raised as ``SystemExit(128 +
signal)`` in the main thread instead, they unwind as an interrupt does. A signal the caller ignores
(``nohup``) stays ignored.
"""

from __future__ import annotations

import signal
import sys
import threading


def unwind_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` (exit 143 / 129) unless the caller ignores them.

    Only the main thread can set a handler (``qa.cli.main`` run in a caller's thread raised ValueError
    before doing anything); elsewhere the signals stay as the program running us set them."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _exit)


def _exit(signum: int, frame: object) -> None:
    sys.exit(128 + signum)
