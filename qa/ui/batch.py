"""The Batch tab and the /batch API: an uploaded question file in, ``jawaban.jsonl`` and ``jawaban.csv`` out.

The work itself (the upload checked, copied, answered in steps, written) is
:class:`~qa.ui.uploadrun.UploadAnswering`'s; here it runs in a worker thread and reaches its client.
The handlers are generators: when the visitor leaves, Gradio closes them and the work stops after the
step in flight, and its folder is removed. The page's Hentikan stops its own runs (:meth:`stop_batch`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from ..errors import InputError, OutputError, QAError
from . import pages
from .limits import ui_error, with_hint
from .uploadrun import Answered, BatchCancelled, UploadAnswering


class _Cancel(threading.Event):
    """Set when the generator is closed, or read as set once ``gone()`` says the client left (polled by
    the line every 0.5 s and before each step)."""

    def __init__(self, gone: Callable[[], bool] | None) -> None:
        super().__init__()
        self._gone = gone

    def is_set(self) -> bool:
        return super().is_set() or (self._gone is not None and self._gone())


class BatchHandlers(UploadAnswering):
    """Mixed into :class:`qa.ui.app.WebApp`, which provides ``running`` and what
    :class:`~qa.ui.uploadrun.UploadAnswering` needs."""

    running: dict[str, set[threading.Event]]  # each page's runs in flight, by session: Hentikan stops them
    running_lock: threading.Lock  # guards ``running``

    def stop_batch(self, request: gr.Request) -> None:
        """The Hentikan button: the runs of this page (its session) stop after the step in flight, or
        leave the line; nothing runs, nothing happens. Every run of the session, not the latest only: a
        client that sent two under one session could otherwise stop only the second."""
        with self.running_lock:
            stops = list(self.running.get(getattr(request, "session_hash", None) or "", ()))
        for stop in stops:
            stop.set()

    def _stream(
        self, upload: Any, k: Any, doc: Any, session: str | None = None
    ) -> Iterator[int | tuple[int, int] | Answered]:
        """``run_file`` in a worker thread: yields its place in line while it waits, (done, total) as it
        goes, then its result. Closing the
        generator (Gradio does when the client has gone) cancels the work after the step in flight; so
        does Gradio marking the client gone while the upload waits in line, where nothing is yielded."""
        from .asking import client_gone  # (asking imports app, which imports this module)

        events: queue.Queue = queue.Queue()
        cancel = _Cancel(client_gone())
        if session:
            with self.running_lock:
                self.running.setdefault(session, set()).add(cancel)

        def work() -> None:
            try:
                result = self.run_file(
                    upload, k, lambda n, t: events.put(("step", (n, t))), cancel, doc,
                    lambda place: events.put(("step", place)),
                )  # fmt: skip
                events.put(("done", result))
            except BaseException as exc:  # noqa: BLE001 - handed to the generator, which re-raises it
                events.put(("error", exc))

        threading.Thread(target=work, name="qa-batch", daemon=True).start()
        try:
            while True:
                kind, value = events.get()
                if kind == "error":
                    if isinstance(value, BatchCancelled):
                        return
                    raise value
                yield value
                if kind == "done":
                    return
        finally:
            cancel.set()
            if session:
                with self.running_lock:
                    runs = self.running.get(session, set())
                    runs.discard(cancel)
                    if not runs:
                        self.running.pop(session, None)

    def batch_view(
        self, upload: str | None, k: float, doc: str | None = None, stopped: bool = False,
        again: bool = False, request: gr.Request | None = None,
    ) -> Iterator[tuple[str, Any, Any]]:  # fmt: skip
        """The Batch tab: progress lines, then the summary, preview table and both result files.

        The first update clears the previous run's table and files: kept on screen while this run
        waits or works (or after it fails), they would be downloaded as this run's answers. A run its
        page stopped (:meth:`stop_batch`) ends by saying so, not on its last progress line. ``stopped``:
        the page's Hentikan was pressed while this run waited in the browser for its file to finish
        uploading (``eventjs.RUN_SENT``); it is not started. ``again``: the page asked for the run before
        this one again (its file, k and document) while that one was on its way; the page stays as it is."""
        if again is True:
            yield gr.skip(), gr.skip(), gr.skip()
            return
        if stopped is True:
            yield pages.batch_stopped(0, 0), pages.preview_table(None), None
            return
        yield pages.BATCH_CHECKING, pages.preview_table(None), None
        done, total = 0, 0
        try:
            for item in self._stream(upload, k, doc, getattr(request, "session_hash", None)):
                if isinstance(item, int):
                    yield pages.batch_waiting(item), gr.skip(), gr.skip()
                    continue
                if not isinstance(item, Answered):
                    done, total = item
                    yield pages.batch_progress(done, total), gr.skip(), gr.skip()
                    continue
                summary = item.summary
                table = pages.preview_table(item.jsonl, item.errors)
                counts = (summary.total, summary.answered, summary.abstained, summary.errors)
                said = pages.batch_summary(*counts, len(table), summary.cut)
                yield said, table, [str(item.csv), str(item.jsonl)]
                return
            yield pages.batch_stopped(done, total), pages.preview_table(None), None
        except (InputError, OutputError) as exc:  # with its hint, as the Tanya tab's pop-up gives it ("Saran:
            # …"). Results the server could not save are said here too: a pop-up goes in seconds, and the
            # last progress line ("Menjawab… 32 dari 60") stayed, as if the run were still going
            said = pages.markdown_text(with_hint(exc, between="\n\n"))
            yield f"⚠️ {said}", pages.preview_table(None), None
        except QAError as exc:
            raise ui_error(exc) from None

    def batch_file(self, upload: str | None, k: float, doc: str | None = None) -> Iterator[Any]:
        """The /batch API: a question file in, the JSONL results file (one ``qa ask --json`` per line) out."""
        try:
            for item in self._stream(upload, k, doc):
                if isinstance(item, Answered):
                    yield str(item.jsonl)
                else:
                    yield gr.skip()
        except QAError as exc:
            raise ui_error(exc) from None
