"""The Batch tab and the /batch API: an uploaded question file in, ``jawaban.jsonl`` and ``jawaban.csv`` out.

An upload is copied once into a fresh folder (:mod:`qa.ui.runs`) and parsed once; its size, question
count and total characters are checked before the model sees anything. The model answers each question
once, in small steps that give way to interactive questions (:class:`~qa.ui.scheduler.PriorityLock`), and
:func:`qa.batch.run_batch` writes each answered chunk to both the JSONL and the CSV.
The handlers are generators: when the visitor leaves, Gradio closes them and the work stops after the
step in flight, and its folder is removed.
"""

from __future__ import annotations

import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from ..batch import INPUT_EXTENSIONS, BatchSummary, run_batch
from ..errors import InputError, QAError
from ..live import LiveAssistant
from ..manifest import corpus_key
from . import pages
from .limits import MAX_FILE_BYTES, parse_k, read_upload, ui_error, with_hint
from .runs import copy_in, prune
from .scheduler import Admission, Cancelled, Full
from .visitor import BUSY, for_visitor

WRITE_CHUNK = 32  # questions per durable write
STEP_QUESTIONS, STEP_CHARS = 8, 600  # one hold of the model: a few short questions or one long one
Progress = Callable[[int, int], None]


class BatchCancelled(Exception):
    """The visitor left: stop answering (never shown to anyone)."""


def _steps(questions: list[str]) -> Iterator[list[str]]:
    """Consecutive slices of at most STEP_QUESTIONS questions and about STEP_CHARS characters."""
    step: list[str] = []
    size = 0
    for q in questions:
        if step and (len(step) >= STEP_QUESTIONS or size + len(q) > STEP_CHARS):
            yield step
            step, size = [], 0
        step.append(q)
        size += len(q)
    if step:
        yield step


class _Cancel(threading.Event):
    """Set when the generator is closed, or read as set once ``gone()`` says the client left (polled by
    the line every 0.5 s and before each step)."""

    def __init__(self, gone: Callable[[], bool] | None) -> None:
        super().__init__()
        self._gone = gone

    def is_set(self) -> bool:
        return super().is_set() or (self._gone is not None and self._gone())


class BatchHandlers:
    """Mixed into :class:`qa.ui.app.WebApp`, which provides ``workdir`` and ``answer_batch``."""

    workdir: Path
    live: LiveAssistant  # the assistant to answer with (pinned for a whole upload)
    uploads: Admission  # uploads answered at once, and waiting in line, across every visitor
    running: dict[str, set[threading.Event]]  # each page's runs in flight, by session: Hentikan stops them
    running_lock: threading.Lock  # guards ``running``
    answer_batch: Callable[[list[str], int, str | None], list[dict]]
    check_doc: Callable[[Any], str | None]

    def run_file(
        self,
        upload: str | Path | None,
        k: Any,
        on_progress: Progress | None = None,
        cancel: threading.Event | None = None,
        doc: Any = None,
        on_wait: Callable[[int], None] | None = None,
    ) -> tuple[BatchSummary, Path, Path]:
        """Answer an upload into a fresh folder; returns the summary, the CSV and the JSONL paths.

        The upload's name is untrusted: only its extension is used, after checking it. Checked, it waits
        for a slot in ``uploads`` (``on_wait`` hears its place in line), or is refused when the line is full.
        """
        k, doc = parse_k(k), self.check_doc(doc)
        if upload is None:
            raise InputError("Pilih berkas pertanyaan dulu (.txt, .csv, .tsv atau .jsonl).")
        path = Path(upload)
        ext = path.suffix.lower()
        if ext not in INPUT_EXTENSIONS:
            raise InputError(
                f"Jenis berkas {ext[:12] or '(tanpa ekstensi)'} tidak didukung; "
                f"pakai {', '.join(INPUT_EXTENSIONS)}."
            )
        if path.is_dir():
            raise InputError(pages.FOLDER_UPLOAD)
        if not path.is_file():
            raise InputError(pages.MISSING_UPLOAD)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"Berkas terlalu besar ({path.stat().st_size / 2**20:.1f} MB); batasnya 5 MB.")
        try:
            with self.uploads.enter(cancel, on_wait), self.live.pinned():  # one index for the whole file
                doc = self.check_doc(doc)  # again: the index may have been rebuilt while it waited
                return self._answer_file(path, ext, k, doc, on_progress, cancel)
        except Full:
            raise InputError(BUSY.format(slots=self.uploads.slots, line=self.uploads.line)) from None
        except Cancelled:
            raise BatchCancelled from None

    def _answer_file(
        self, path: Path, ext: str, k: int, doc: str | None, on_progress: Progress | None,
        cancel: threading.Event | None,
    ) -> tuple[BatchSummary, Path, Path]:  # fmt: skip
        prune(self.workdir)
        run = copy_in(self.workdir, path, ext)
        src = run / f"pertanyaan{ext}"
        try:
            records = read_upload(src)
            total = len(records)

            handled = [0]  # records written so far (run_batch reports after each write)

            def report(n: int) -> None:
                handled[0] = n
                if on_progress:
                    on_progress(n, total)

            def answer(questions: list[str]) -> list[dict]:
                out: list[dict] = []
                for step in _steps(questions):
                    if cancel is not None and cancel.is_set():
                        raise BatchCancelled
                    out.extend(self.answer_batch(step, k, doc))
                    if on_progress:  # after every step, so a closed generator is noticed soon
                        on_progress(handled[0] + len(out), total)
                return out

            out = run / "jawaban.jsonl"
            summary = run_batch(  # both files from the one pass: each chunk answered once, written twice
                records, answer, [out, run / "jawaban.csv"], progress=False, on_progress=report,
                chunk_size=WRITE_CHUNK, k=k, source=src,
                corpus_key=lambda: corpus_key(self.live.current().index.manifest),
            )  # fmt: skip
        except QAError as exc:
            shutil.rmtree(run, ignore_errors=True)
            raise for_visitor(exc, src, run) from None
        except BaseException:
            shutil.rmtree(run, ignore_errors=True)
            raise
        return summary, run / "jawaban.csv", run / "jawaban.jsonl"

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
    ) -> Iterator[int | tuple[int, int] | tuple[BatchSummary, Path, Path]]:
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
        request: gr.Request | None = None,
    ) -> Iterator[tuple[str, Any, Any]]:  # fmt: skip
        """The Batch tab: progress lines, then the summary, preview table and both result files.

        The first update clears the previous run's table and files: kept on screen while this run
        waits or works (or after it fails), they would be downloaded as this run's answers. A run its
        page stopped (:meth:`stop_batch`) ends by saying so, not on its last progress line. ``stopped``:
        the page's Hentikan was pressed while this run waited in the browser for its file to finish
        uploading (``layout.STOP_BEFORE_SENT``); it is not started."""
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
                if isinstance(item[0], int):
                    done, total = item
                    yield pages.batch_progress(done, total), gr.skip(), gr.skip()
                    continue
                summary, csv_path, jsonl_path = item
                table = pages.preview_table(jsonl_path)
                counts = (summary.total, summary.answered, summary.abstained, summary.errors)
                yield pages.batch_summary(*counts, len(table)), table, [str(csv_path), str(jsonl_path)]
                return
            yield pages.batch_stopped(done, total), pages.preview_table(None), None
        except InputError as exc:  # with its hint, as the Tanya tab's pop-up gives it ("Saran: …")
            said = pages.markdown_text(with_hint(exc, between="\n\n"))
            yield f"⚠️ {said}", pages.preview_table(None), None
        except QAError as exc:
            raise ui_error(exc) from None

    def batch_file(self, upload: str | None, k: float, doc: str | None = None) -> Iterator[Any]:
        """The /batch API: a question file in, the JSONL results file (one ``qa ask --json`` per line) out."""
        try:
            for item in self._stream(upload, k, doc):
                if isinstance(item, tuple) and isinstance(item[0], BatchSummary):
                    yield str(item[2])
                else:
                    yield gr.skip()
        except QAError as exc:
            raise ui_error(exc) from None
