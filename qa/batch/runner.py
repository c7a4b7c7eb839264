"""The batch runner: a file of questions in, a file of answers out — streaming, resumable, crash-safe.

This module knows nothing about retrieval: :func:`run_batch` takes an ``answer`` callable that
turns a list of questions into one ``qa ask --json`` dict per question, and is called once per
chunk of ``chunk_size`` valid questions so the caller can batch the model.  The readers live in
:mod:`qa.batch.readers`, the writers in :mod:`qa.batch.writers`; the package exports the API.

Guarantees:

* Streaming: records are read lazily and written per chunk; memory holds one chunk plus the
  set of ids (done on resume, and seen — to make duplicate ids unique).
* Nothing half-written: each chunk is one append, written and ``fsync``-ed, so Ctrl-C, SIGTERM
  or SIGKILL loses at most the chunk in flight; nothing is created or replaced before the first
  chunk is ready; a full disk is one :class:`~qa.errors.OutputError` with the tail cut back.
  ``resume=True`` cuts a torn tail back to the last complete record, skips the ids already
  present (each checked to answer the same question: a key of it is stored per record) and
  appends the rest, so the output holds every input record exactly once, in input order.
* The output is never the question file (same path, symlink, hard link, or stdin redirected).
* One run per output: each output is locked (:mod:`qa.batch.lock`) from before it is checked until
  the run ends however it ends; a second run onto it is refused at once (``OutputBusyError``).
* Bad rows (empty, too long, undecodable, malformed or unwritable JSON, missing column) are
  written with an ``error`` and never stop the batch; ``answer`` is not called for them.  When
  ``answer`` refuses a chunk with :class:`~qa.errors.InputError`, its questions are retried one
  by one and only the refused ones get an ``error`` (unless all of them are refused with the same
  message: then the problem is not the questions, and the error ends the batch).
* Input (:func:`read_questions`): ``Record.line`` is the physical line a row starts on (a CSV
  row with quoted newlines spans several).  The CSV/TSV layout is decided up front
  (:mod:`qa.batch.tables`); a guess is reported through ``warn``.
* Duplicate ids: the first occurrence keeps its id, a later one becomes ``"<id>#<line>"``
  (deterministic, so a resumed run computes the same ids).
* CSV output is spreadsheet-safe: text cells starting with ``= + - @``, tab, CR or ``'`` get a
  leading ``'`` (OWASP CSV-injection advice); numbers, and text that is just a plain number
  such as ``-0.5``, are written as they are.  A new CSV file starts with a UTF-8 BOM (Excel).
  Header cells are neutralised like data cells.  Its header is fixed by ``k`` and the input's
  extra fields (``columns``: all of a file's, up to MAX_INPUT_COLUMNS; else the first record's).
* Extra input fields that collide with output fields (``id``, ``answer``, ``score``…) are
  written as ``input_<name>``, and an ``input_…`` form of such a name takes one more ``input_``
  (``input_score`` is ``input_input_score``): no two input fields meet.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..termination import finishing
from .answering import AnswerFn, answer_chunk
from .destination import open_writer, output_paths
from .readers import Record
from .report import BatchSummary, format_summary, progress_bar
from .row_errors import RowError
from .scope import Scope
from .survey import MAX_INPUT_COLUMNS, count_questions, input_columns
from .writers import Writer

# the summary and survey names stay importable from here (older imports)
__all__ = ["MAX_INPUT_COLUMNS", "BatchSummary", "count_questions", "format_summary", "input_columns",
           "run_batch"]  # fmt: skip


def run_batch(
    records: Iterable[Record],
    answer: AnswerFn,
    output: str | Path | Sequence[str | Path],
    *,
    resume: bool = False,
    force: bool = False,
    chunk_size: int = 32,
    progress: bool | None = None,
    on_progress: Callable[[int], None] | None = None,
    total: int | None = None,
    k: int | None = None,
    source: str | Path | None = None,
    prepare: Callable[[], None] | None = None,
    columns: Sequence[str] | None = None,
    corpus_key: Callable[[], str | Scope] | None = None,
    warn: Callable[[str], None] | None = None,
    is_cut: Callable[[str], bool] | None = None,
    on_refused: Callable[[int, RowError], None] | None = None,
) -> BatchSummary:
    """Answer ``records`` chunk by chunk into ``output`` (.jsonl, .csv or .md by extension).

    ``output`` may be several files (e.g. ``[run / "jawaban.jsonl", run / "jawaban.csv"]``): each
    chunk is answered once and appended to every one.  Without ``resume`` a non-empty output is
    refused (InputError) unless ``force``; with ``resume`` (which wins over ``force``) the ids
    already in it are skipped, after checking that each answers the same question.  ``source`` is
    the question file (or '-'), which no output may be.  ``k`` (passages per question, 1..MAX_K)
    fixes the CSV columns.  ``prepare`` runs once the outputs are checked and before anything is
    answered or written (the CLI loads the model there).  ``on_progress`` gets the number of
    records handled so far (skipped included) after each chunk.  Nothing is created when the run
    fails before its first chunk is written.  ``columns`` (:func:`input_columns`) are the input fields
    the CSV header holds, when known up front; else those of the first record.  ``corpus_key``
    (called after ``prepare``: :func:`qa.manifest.corpus_key` of the open index) is recorded with
    every answer, and a resume onto answers of another key is refused (a :class:`~qa.batch.scope.Scope`:
    its key, the document the run is limited to recorded too, its refusal said in words); ``warn`` hears
    of an output too old to carry one, or a CSV too old for the ``message`` or ``notice`` column
    (resumed in its layout).
    ``is_cut`` reads a question as the answerer does (cut to the model's window?) for a .md report's
    sections written before it said so (:meth:`~qa.batch.markdown_output.MarkdownWriter.check`).
    ``on_refused`` hears each question the answerer refused alone: its input line and why (code
    ``refused``), for a caller saying the row in its own words (the page; the files keep the English).
    """
    from ..assistant import MAX_K

    if chunk_size < 1:
        raise InputError(f"chunk size must be at least 1, got {chunk_size}")
    if k is not None and not 1 <= k <= MAX_K:
        raise InputError(f"k must be between 1 and {MAX_K}, got {k}")
    outputs = output_paths(output)
    with contextlib.ExitStack() as stack:  # each output's lock is released however the run ends
        writers: list[Writer] = []
        for o in outputs:
            writers.append(open_writer(o, resume=resume, force=force, source=source))
            stack.enter_context(finishing(writers[-1].close))  # a forced stop too
            stack.callback(writers[-1].close)
            writers[-1].keyed = corpus_key is not None  # the CSV header holds it
            writers[-1].is_cut = is_cut
        rows = iter(records)
        first = next(rows, None)
        if first is not None:
            shape = first  # the CSV header's input columns: the first record's, or all the file's
            if columns is not None:
                extra = {c: first.extra.get(c) for c in columns[:MAX_INPUT_COLUMNS]}
                shape = dataclasses.replace(first, extra={**extra, **first.extra})
            for w in writers:
                w.expect(k, shape)  # e.g. a CSV resumed with another -k: refused before any work
                if w.note and warn is not None:
                    warn(w.note)
        if prepare is not None:
            prepare()
        if corpus_key is not None:
            key = corpus_key()
            for w in writers:
                w.stamp(key, warn)  # answers of another corpus: refused before any is written
        counts = _run(writers, chain([first], rows) if first is not None else (), answer, chunk_size,
                      progress_bar(progress, total), on_progress, on_refused)  # fmt: skip
    return BatchSummary(output=outputs[0], also=tuple(outputs[1:]), **counts)


def _run(
    writers: list[Writer],
    records: Iterable[Record],
    answer: AnswerFn,
    chunk_size: int,
    bar,  # noqa: ANN001 - tqdm or None
    on_progress: Callable[[int], None] | None,
    on_refused: Callable[[int, RowError], None] | None = None,
) -> dict[str, Any]:
    """Answer and append chunk by chunk; the counts of :class:`BatchSummary`, and its first error."""
    seen: set[str] = set()
    counts: dict[str, Any] = {"total": 0, "answered": 0, "abstained": 0, "errors": 0, "skipped": 0, "cut": 0}
    pending: list[Record] = []
    valid = 0
    reported = [0]
    max_pending = max(4 * chunk_size, 1024)  # flush error-only stretches too, so memory stays bounded

    def report() -> None:
        handled = counts["total"]
        if handled == reported[0]:
            return
        if bar is not None:
            bar.update(handled - reported[0])
        reported[0] = handled
        if on_progress is not None:
            on_progress(handled)

    def flush() -> None:
        counts["total"] += len(pending)
        asked = [r for r in pending if r.error is None]
        answers, refused = answer_chunk(answer, [r.question for r in asked])  # type: ignore[misc]
        if on_refused is not None:
            for n, why in refused.items():
                on_refused(asked[n].line, why)
        results = iter(answers)
        items = [(r, None if r.error is not None else next(results)) for r in pending]
        for w in writers:
            todo = [item for item in items if item[0].id not in w.done]
            if todo:
                w.write(todo)
        _tally(counts, items)
        pending.clear()
        report()

    try:
        for rec in records:
            rec = _unique(rec, seen)
            for w in writers:
                w.check(rec)
            if all(rec.id in w.done for w in writers):
                counts["skipped"] += 1
                counts["total"] += 1
                continue
            pending.append(rec)
            valid += rec.error is None
            if valid >= chunk_size or len(pending) >= max_pending:
                flush()
                valid = 0
        if pending:
            flush()
        for w in writers:
            w.finish()
        report()
    finally:
        if bar is not None:
            bar.close()
    return counts


def _unique(rec: Record, seen: set[str]) -> Record:
    """``rec`` under an id no earlier record has: a later duplicate becomes ``"<id>#<line>"`` (the same
    on a resumed run, so its answer is found there)."""
    rid = rec.id
    while rid in seen:
        rid = f"{rid}#{rec.line}"
    seen.add(rid)
    return rec if rid == rec.id else dataclasses.replace(rec, id=rid)


def _tally(counts: dict[str, Any], items: list[tuple[Record, dict | None]]) -> None:
    """Count a written chunk's answers, abstentions and errors (an error row, or an answer's error);
    the first error is kept for the summary."""
    for rec, result in items:
        if result is None or result.get("error"):
            counts["errors"] += 1
            counts.setdefault("first_error", rec.error or (result or {}).get("error"))
        else:
            counts["abstained" if result.get("abstained") else "answered"] += 1
            counts["cut"] += bool(result.get("notice"))  # read from its start only: the notice says so
