"""Batch mode: a file of questions in, a file of answers out, streaming, resumable and crash-safe.

``sources`` turn files into lines (any line ending, UTF-8 or UTF-16), ``tables`` decide a CSV's
layout (``tablerows`` read its rows), ``readers`` turn .txt/.csv/.tsv/.jsonl (or standard input) into
records (a refused row's reason as data: ``row_errors``, ``too_long``), ``writers`` and ``outputs``
append .jsonl/.csv/.md results durably, ``destination`` and ``lock`` guard the output file, ``survey``
reads the input once up front, ``report`` says how a run went, ``answering`` puts a chunk to the
answerer (a question it refuses alone is an error row with a code), and ``runner`` drives them; the CLI's
``qa batch`` and the UI's Batch tab both call :func:`run_batch`.
"""

from .cells import OUTPUT_EXTENSIONS, csv_cell, question_key
from .destination import check_output
from .lock import OutputBusyError
from .readers import INPUT_EXTENSIONS, MAX_QUESTION_CHARS, Record, read_questions
from .report import BatchSummary, format_summary
from .row_errors import RowError
from .runner import run_batch
from .survey import MAX_INPUT_COLUMNS, count_questions, input_columns
from .too_long import TooLong, counted_row

__all__ = [
    "INPUT_EXTENSIONS",
    "MAX_INPUT_COLUMNS",
    "MAX_QUESTION_CHARS",
    "OUTPUT_EXTENSIONS",
    "BatchSummary",
    "OutputBusyError",
    "Record",
    "RowError",
    "TooLong",
    "check_output",
    "count_questions",
    "counted_row",
    "csv_cell",
    "format_summary",
    "input_columns",
    "question_key",
    "read_questions",
    "run_batch",
]
