"""The batch runner: a file of questions in, a file of answers out — streaming, resumable, crash-safe.

This module knows nothing about retrieval: :func:`run_batch` takes an ``answer`` callable that
turns a list of questions into one ``qa ask --json`` dict per question, and is called once per
chunk of ``chunk_size`` valid questions so the caller can batch the model.  The readers live in
:mod:`qa.batch.readers`, the writers in :mod:`qa.batch.writers`; the package exports the API.

Guarantees:

* Streaming: records are read lazily and written per chunk; memory holds one chunk plus the
  set of ids (done on resume, and seen — to make duplicate ids unique).
* Nothing half-written: each chunk is one append, flushed and ``fsync``-ed, so Ctrl-C, SIGTERM
  or SIGKILL loses at most the chunk in flight.  ``resume=True`` cuts a torn tail back to the
  last complete record, skips the ids already present and appends the rest, so the output
  holds every input record exactly once, in input order.
* Bad rows (empty, too long, undecodable, malformed or unwritable JSON, missing column) are
  written with an ``error`` and never stop the batch; ``answer`` is not called for them.  When
  ``answer`` refuses a chunk with :class:`~qa.errors.InputError`, its questions are retried one
  by one and only the refused ones get an ``error`` (unless all of them are refused with the same
  message: then the problem is not the questions, and the error ends the batch).
* Input (:func:`read_questions`): ``Record.line`` is the physical line a row starts on (a CSV
  row with quoted newlines spans several).  A CSV/TSV header names the question column
  ``question`` or ``pertanyaan`` (any case) and optionally ``id``; without such a header every
  row is data, the first column is the question and the others become ``column_<n>``.
* Duplicate ids: the first occurrence keeps its id, a later one becomes ``"<id>#<line>"``
  (deterministic, so a resumed run computes the same ids).
* CSV output is spreadsheet-safe: text cells starting with ``= + - @``, tab, CR or ``'`` get a
  leading ``'`` (OWASP CSV-injection advice); numbers, and text that is just a plain number
  such as ``-0.5``, are written as they are.  A new CSV file starts with a UTF-8 BOM (Excel).
  Its header is fixed by the first chunk: passages beyond the largest k seen there, and extra
  columns absent from the first record, are not written.
* Extra input fields that collide with output fields (``id``, ``answer``, ``score``…) are
  written as ``input_<name>``.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .readers import Record, read_questions
from .writers import open_writer

AnswerFn = Callable[[list[str]], list[dict]]


@dataclass
class BatchSummary:
    """Counts of one run; ``total`` = answered + abstained + errors + skipped (done before a resume)."""

    total: int
    answered: int
    abstained: int
    errors: int
    skipped: int
    output: Path


def count_questions(source: str | Path) -> int | None:
    """How many records ``read_questions(source)`` yields (for a progress bar); None for stdin."""
    if str(source) == "-":
        return None
    try:
        return sum(1 for _ in read_questions(source))
    except InputError:
        return None


def format_summary(s: BatchSummary) -> str:
    """One line, e.g. ``200 questions: 180 answered, 15 abstained, 5 errors → out.jsonl``."""
    parts = [f"{s.answered} answered", f"{s.abstained} abstained", f"{s.errors} error{'s' * (s.errors != 1)}"]
    if s.skipped:
        parts.append(f"{s.skipped} already done")
    return f"{s.total} question{'s' * (s.total != 1)}: {', '.join(parts)} → {s.output}"


def _progress_bar(progress: bool | None, total: int | None):  # noqa: ANN202 - tqdm or None
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="qa batch", unit="q", file=sys.stderr, dynamic_ncols=True)


def _answer_each(answer: AnswerFn, questions: list[str]) -> list[dict]:
    """Answer one question at a time; a question the answerer refuses becomes an ``error`` result."""
    results: list[dict] = []
    for question in questions:
        try:
            results.extend(answer([question]))
        except InputError as exc:
            results.append({"question": question, "error": exc.message})
    return results


def run_batch(
    records: Iterable[Record],
    answer: AnswerFn,
    output: Path,
    *,
    resume: bool = False,
    force: bool = False,
    chunk_size: int = 32,
    progress: bool | None = None,
    on_progress: Callable[[int], None] | None = None,
    total: int | None = None,
) -> BatchSummary:
    """Answer ``records`` chunk by chunk into ``output`` (.jsonl, .csv or .md by extension).

    Without ``resume`` a non-empty ``output`` is refused (InputError) unless ``force``; with
    ``resume`` (which wins over ``force``) the ids already in it are skipped.  ``on_progress``
    gets the number of records handled so far (skipped included) after each chunk.
    """
    if chunk_size < 1:
        raise InputError(f"chunk size must be at least 1, got {chunk_size}")
    output = Path(output)
    writer = open_writer(output, resume=resume, force=force)
    done = writer.done
    seen: set[str] = set()
    counts = {"total": 0, "answered": 0, "abstained": 0, "errors": 0, "skipped": 0}
    pending: list[Record] = []
    valid = 0
    reported = [0]
    max_pending = max(4 * chunk_size, 1024)  # flush error-only stretches too, so memory stays bounded
    bar = _progress_bar(progress, total)

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
        questions = [r.question for r in pending if r.error is None]
        try:
            # ignored for mypy below: a record without an error always has a str question (readers.py)
            results = list(answer(questions)) if questions else []  # type: ignore[arg-type]
        except InputError as exc:  # one question the answerer refuses must not sink the chunk or the batch
            results = _answer_each(answer, questions)  # type: ignore[arg-type]
            refusals = {r.get("error") for r in results}
            if len(results) > 1 and len(refusals) == 1 and None not in refusals:
                raise exc  # all refused alike: the answerer itself is unusable (e.g. bad settings)
        if len(results) != len(questions):
            raise ValueError(f"answer() returned {len(results)} results for {len(questions)} questions")
        it = iter(results)
        items = [(r, None if r.error is not None else next(it)) for r in pending]
        writer.write(items)
        for _, result in items:
            if result is None or result.get("error"):
                counts["errors"] += 1
            elif result.get("abstained"):
                counts["abstained"] += 1
            else:
                counts["answered"] += 1
        pending.clear()
        report()

    try:
        for rec in records:
            rid = rec.id
            while rid in seen:
                rid = f"{rid}#{rec.line}"
            seen.add(rid)
            if rid != rec.id:
                rec = dataclasses.replace(rec, id=rid)
            if rid in done:
                counts["skipped"] += 1
                counts["total"] += 1
                continue
            pending.append(rec)
            valid += rec.error is None
            if valid >= chunk_size or len(pending) >= max_pending:
                counts["total"] += len(pending)
                flush()
                valid = 0
        if pending:
            counts["total"] += len(pending)
            flush()
        report()
    finally:
        writer.close()
        if bar is not None:
            bar.close()
    return BatchSummary(output=output, **counts)
