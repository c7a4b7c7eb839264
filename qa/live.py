"""A long-running assistant that follows its index: a rebuild (``qa index``, ``qa calibrate``) is served
without a restart.

``qa serve`` opens the index once; without this, a rebuild was not seen until the server restarted. Every
``interval`` seconds a watcher thread (:meth:`LiveAssistant.watch`, started by the server), and at most as
often a request, looks at a cheap stamp of the index (a ``stat`` of the local manifest and calibration,
the collection a Milvus server alias points at): the request's look runs in the background and answers
with the index open, so without the watcher the first question after a quiet spell was answered from the
index replaced minutes before (section 126). When the stamp changed, a new
:class:`~qa.assistant.Assistant` is opened in the background, with ``build="never"`` and the warm
encoder, and swapped in as one reference. Requests in flight keep the assistant they started with (a
batch pins it for the whole upload), so no answer mixes two indexes. A new index that cannot be opened
(stale against the corpus read now, damaged, half-copied) is logged once and the previous one served; it
is tried again after 2 s, 4 s, ... at most every minute while it fails (a copy still arriving, a Milvus
server briefly away), so a failure the stamp does not see end is not served around for good.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .errors import QAError

REOPEN_SECONDS = 2.0  # how stale a served index may be after a rebuild committed, at most (plus its load)
RETRY_FIRST, RETRY_MAX = 2.0, 60.0  # seconds before a failed reopen is tried again, doubling up to the max
Stamp = tuple[Any, ...]


def _file_stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return ("absent",)
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def index_stamp(settings: Any) -> Stamp | None:
    """What changes when the index (or its calibration) is replaced; None when it cannot be told now."""
    from .calibration import calibration_path
    from .manifest import MANIFEST
    from .milvus.target import parse_store

    target = parse_store(settings.store)
    calibration = _file_stamp(calibration_path(settings))
    if target.kind != "server":  # Milvus Lite serves one process per file: no one else rebuilds it
        index = _file_stamp(settings.index_dir / MANIFEST) if target.kind == "local" else ()
        return (index, calibration)
    from .milvus.store import current_name

    try:
        return (current_name(target), calibration)
    except Exception:  # noqa: BLE001 - a server that does not answer now: the request will say so itself
        return None


def _rebuilt_since(assistant: Any) -> bool:
    """True when the local manifest on disk names another build than the one ``assistant`` opened (a
    rebuild committed while it was opening, before the first stamp was taken)."""
    from .manifest import read_manifest
    from .milvus.target import parse_store

    if parse_store(assistant.settings.store).kind != "local":
        return False
    try:
        on_disk = read_manifest(assistant.settings.index_dir) or {}
    except QAError:
        return True
    return on_disk.get("build", {}).get("id") != assistant.index.manifest.get("build", {}).get("id")


class LiveAssistant:
    """The assistant to answer with now; ``interval=None`` never looks for a new index."""

    def __init__(
        self,
        assistant: Any,
        interval: float | None = REOPEN_SECONDS,
        *,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._current = assistant
        self.interval = interval
        self.log: Callable[[str], None] = log or getattr(assistant, "log", None) or print
        self._clock = clock
        self._stamp = index_stamp(assistant.settings) if interval is not None else None
        if interval is not None and _rebuilt_since(assistant):
            self._stamp = ("rebuilt while it opened",)  # the first look reopens
        self._looked = clock()
        # a changed index that failed to open: its stamp, when to try it again, the delay after that
        self._failing: Stamp | None = None
        self._retry_at, self._retry_in = 0.0, RETRY_FIRST
        self._logged: str | None = None  # the failure last logged (each distinct one is logged once)
        self._reopening = threading.Lock()
        self._pinned = threading.local()
        self._told = set(getattr(assistant, "warnings", ()))  # readers' warnings logged: each once
        self._stop = threading.Event()
        self._watching = threading.Lock()  # guards _watcher: one watcher thread at a time
        self._watcher: threading.Thread | None = None

    def watch(self) -> None:
        """Look for a rebuilt index every ``interval`` seconds whether or not anyone asks, so a rebuild is
        served within seconds of its commit, not after a request that still got the old one. One daemon
        thread per assistant however often this is called; it ends with the process, at :meth:`stop`, or
        when nothing else holds this assistant (it holds it weakly: an app dropped or replaced in the same
        process, as a second ``create_app``, no longer kept its whole index alive and looked for it every
        2 s, for good). One that cannot start is logged, and requests still look."""
        if self.interval is None:
            return
        with self._watching:
            if self._watcher is not None and self._watcher.is_alive() and not self._stop.is_set():
                return
            self._stop = threading.Event()  # a thread stopped before (still in its wait) keeps its own
            ref, interval = weakref.ref(self), max(float(self.interval), 0.1)
            thread = threading.Thread(target=_watch, args=(ref, self._stop, interval), name="qa-watch",
                                      daemon=True)  # fmt: skip
            try:
                thread.start()
            except RuntimeError as exc:
                self.log(f"cannot watch the index for rebuilds ({exc}); a request will look for one")
                return
            self._watcher = thread

    def stop(self) -> None:
        """End the watcher (the server closing, tests, a library that serves one app after another)."""
        self._stop.set()

    def _look(self) -> None:
        """One look of the watcher, unless one (a request's) is under way."""
        if self._reopening.acquire(blocking=False):  # a look under way (a request's) is not doubled
            self._looked = self._clock()
            try:
                self._reopen()
            except Exception as exc:  # noqa: BLE001 - the watcher outlives any one failed look
                self.log(f"looking for a rebuilt index failed ({exc}); serving the one open")
            finally:
                self._reopening.release()

    def current(self) -> Any:
        """The assistant of this thread's pinned request, else the newest one opened; starts a look for
        a new index in the background when the last one is ``interval`` seconds old."""
        pinned = getattr(self._pinned, "assistant", None)
        if pinned is not None:
            return pinned
        due = self.interval is not None and self._clock() - self._looked >= self.interval
        if due and self._reopening.acquire(blocking=False):
            self._looked = self._clock()
            try:
                threading.Thread(target=self._reopen_locked, name="qa-reopen", daemon=True).start()
            except RuntimeError as exc:  # no thread to spare now: this request is served, a later one looks
                self._reopening.release()
                self.log(f"cannot look for a new index now ({exc}); serving the one open")
        return self._current

    @contextlib.contextmanager
    def pinned(self) -> Iterator[Any]:
        """Every ``current()`` of this thread returns one assistant until the block ends (one request)."""
        outer = getattr(self._pinned, "assistant", None)
        self._pinned.assistant = outer or self.current()
        try:
            yield self._pinned.assistant
        finally:
            self._pinned.assistant = outer

    def reopen_if_changed(self) -> bool:
        """Look now (waiting for a look in progress); True when a new index was swapped in."""
        with self._reopening:
            return self._reopen()

    def _reopen_locked(self) -> None:
        try:
            self._reopen()
        finally:
            self._reopening.release()

    def _reopen(self) -> bool:
        old = self._current
        stamp = index_stamp(old.settings)
        if stamp is not None and stamp == self._stamp:
            # the served index is back as it was (moved away and back, a mount that came back): a failure
            # after this is a new one, logged and tried at once (it was silent, as the first one's repeat)
            self._failing, self._logged, self._retry_in = None, None, RETRY_FIRST
        if stamp is None or stamp == self._stamp:
            return False
        if stamp == self._failing and self._clock() < self._retry_at:
            return False  # failed before, unchanged since: tried again only after its delay
        failure, fresh = self._open(old)
        if failure is not None:
            again = stamp == self._failing
            self._retry_in = min(self._retry_in * 2, RETRY_MAX) if again else RETRY_FIRST
            self._failing, self._retry_at = stamp, self._clock() + self._retry_in
            if not again or failure != self._logged:  # each change, and each distinct failure, once
                self._logged = failure
                delay = self._retry_in
                self.log(f"{failure}; still serving the previous one (trying again in {delay:.0f} s, "
                         f"then less often, every {RETRY_MAX:.0f} s at most, while it fails)")  # fmt: skip
            return False
        self._stamp, self._failing, self._logged, self._retry_in = stamp, None, None, RETRY_FIRST
        self._current = fresh
        built = fresh.index.manifest.get("build", {}).get("created", "at an unrecorded time")
        self.log(f"index reopened: {len(fresh.index.chunks)} passages, built {built}")
        return True

    def _warn(self, note: str) -> None:
        """A reader's warning (a PDF's scanned pages) logged the first time only: every reopen, and every
        retry of a failing one (each minute), reads the corpus again and logged it again."""
        from .assistant import warning_line

        if note not in self._told:
            self._told.add(note)
            self.log(warning_line(note))

    def _open(self, old: Any) -> tuple[str | None, Any]:
        """(None, the new assistant), or (what failed, None)."""
        from .assistant import Assistant

        try:
            fresh = Assistant(old.settings, build="never", encoder=old.encoder, log=self.log, warn=self._warn)
            fresh.speller  # noqa: B018 - the new corpus's words, read here and not by the next visitor
            return None, fresh
        except QAError as exc:
            return f"the index changed but cannot be opened ({exc.message})", None
        except Exception as exc:  # noqa: BLE001 - a bug must not take down a server that answers
            return f"the index changed but reopening it failed ({type(exc).__name__}: {exc})", None


def _watch(live: weakref.ref[LiveAssistant], stop: threading.Event, interval: float) -> None:
    """The watcher thread: holds its assistant only while looking, so the thread never keeps it alive."""
    while not stop.wait(interval):
        assistant = live()
        if assistant is None:
            return
        assistant._look()
        del assistant
