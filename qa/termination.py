"""SIGTERM and SIGHUP unwind the process like Ctrl-C, for every entry point (``qa …``, ``python app.py``).

``kill``, a stopped container or Space (SIGTERM) and a closed terminal or SSH session (SIGHUP) ended the
process at once: no ``finally`` and no ``atexit`` ran, so a build's half-written folder, a batch's lock
and the web app's folder of visitors' uploads and answers stayed behind. Raised as ``SystemExit`` in the
main thread instead, they unwind as an interrupt does; once everything has run, the process ends by the
same signal, as it would have without us: a shell still shows 143 / 129, and a supervisor still sees
"stopped by SIGTERM" (systemd counts that a clean stop, but an exit status of 143 a failure). A signal
the caller ignores (``nohup``) stays ignored.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading

_received: list[int] = []  # the signal that started the unwinding (the first one)


def unwind_on_termination() -> None:
    """Turn SIGTERM and SIGHUP into ``SystemExit`` (128 + the signal) unless the caller ignores them, and
    end the process by that signal after the exit handlers.

    Call it early, before the heavy imports: exit handlers run last-registered first, so the ones that
    Gradio, Milvus Lite or the web app register later (its folder removed) all run before the end.
    Only the main thread can set a handler (``qa.cli.main`` run in a caller's thread raised ValueError
    before doing anything); elsewhere the signals stay as the program running us set them."""
    if threading.current_thread() is not threading.main_thread():
        return
    installed = False
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _unwind)
            installed = True
    if installed:
        atexit.unregister(_end_by_signal)  # once, however often called
        atexit.register(_end_by_signal)


def _unwind(signum: int, frame: object) -> None:
    if not _received:
        _received.append(signum)
    sys.exit(128 + signum)


def _end_by_signal() -> None:
    """The last exit handler: after a SIGTERM or SIGHUP, end by it (what is printed flushed first)."""
    if not _received:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass
    signal.signal(_received[0], signal.SIG_DFL)
    os.kill(os.getpid(), _received[0])
