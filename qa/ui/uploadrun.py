"""Answering an uploaded question file (the Batch tab's and /batch's common work), no Gradio in sight.

An upload is copied once into a fresh folder (:mod:`qa.ui.runs`) and parsed once; its size, question
count and total characters are checked before the model sees anything. The model answers each question
once, in small steps that give way to interactive questions (:class:`~qa.ui.scheduler.PriorityLock`), and
:func:`qa.batch.run_batch` writes each answered chunk to both the JSONL and the CSV. How the answers reach
the page or an API client, and how a run is stopped, is :mod:`qa.ui.batch`'s.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ..batch import INPUT_EXTENSIONS, BatchSummary, RowError, run_batch
from ..errors import InputError, QAError
from ..file_errors import FileError
from ..live import LiveAssistant
from ..manifest import corpus_key
from . import file_words
from .limits import MAX_FILE_BYTES, parse_k, read_upload
from .runs import copy_in, prune
from .scheduler import Admission, Cancelled, Full
from .visitor import BUSY, for_visitor

WRITE_CHUNK = 32  # questions per durable write
STEP_QUESTIONS, STEP_CHARS = 8, 600  # one hold of the model: a few short questions or one long one
Progress = Callable[[int, int], None]


class Answered(NamedTuple):
    """What an answered upload gives back, by name (a fourth value unpacked by position was easy to
    swap): its summary, the two files, and its refused rows by input line as the reader made them (codes
    and values: the files hold only their English, which the page does not parse)."""

    summary: BatchSummary
    csv: Path
    jsonl: Path
    errors: dict[int, RowError]


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


class UploadAnswering:
    """Mixed into :class:`qa.ui.app.WebApp` (through :class:`qa.ui.batch.BatchHandlers`), which provides
    ``workdir``, ``live``, ``uploads``, ``answer_batch`` and ``check_doc``."""

    workdir: Path
    live: LiveAssistant  # the assistant to answer with (pinned for a whole upload)
    uploads: Admission  # uploads answered at once, and waiting in line, across every visitor
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
    ) -> Answered:
        """Answer an upload into a fresh folder; returns the summary, the CSV and the JSONL paths, and the
        refused rows' errors by line (what the page says of them).

        The upload's name is untrusted: only its extension is used, after checking it. Checked, it waits
        for a slot in ``uploads`` (``on_wait`` hears its place in line), or is refused when the line is full.
        """
        k, doc = parse_k(k), self.check_doc(doc)
        if upload is None:
            raise InputError("Pilih berkas pertanyaan dulu (.txt, .csv, .tsv atau .jsonl).")
        path = Path(upload)
        ext = path.suffix.lower()
        if ext not in INPUT_EXTENSIONS:  # refused before it is read, in the words of qa.batch's refusals
            raise InputError(file_words.said(FileError("unsupported", (ext,))))
        if path.is_dir() or not path.is_file():
            raise InputError(file_words.said(FileError("directory" if path.is_dir() else "not_found")))
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
    ) -> Answered:  # fmt: skip
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
            refused: dict[int, RowError] = {}  # rows the answerer refused: said from their code too
            summary = run_batch(  # both files from the one pass: each chunk answered once, written twice
                records, answer, [out, run / "jawaban.csv"], progress=False, on_progress=report,
                chunk_size=WRITE_CHUNK, k=k, source=src,
                corpus_key=lambda: corpus_key(self.live.current().index.manifest),
                on_refused=refused.__setitem__,
            )  # fmt: skip
        except QAError as exc:
            shutil.rmtree(run, ignore_errors=True)
            raise for_visitor(exc, src, run) from None
        except BaseException:
            shutil.rmtree(run, ignore_errors=True)
            raise
        errors = {**{r.line: r.why for r in records if r.why is not None}, **refused}
        return Answered(summary, run / "jawaban.csv", run / "jawaban.jsonl", errors)
