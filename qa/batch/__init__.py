"""Batch mode: a file of questions in, a file of answers out, streaming, resumable and crash-safe.

``readers`` turn .txt/.csv/.tsv/.jsonl (or standard input) into records, ``writers`` append
.jsonl/.csv/.md results durably, and ``runner`` drives them; the CLI's ``qa batch`` and the UI's
Batch tab both call :func:`run_batch`.
"""

from .readers import INPUT_EXTENSIONS, MAX_QUESTION_CHARS, Record, read_questions
from .runner import BatchSummary, count_questions, format_summary, run_batch
from .writers import OUTPUT_EXTENSIONS

__all__ = [
    "INPUT_EXTENSIONS",
    "MAX_QUESTION_CHARS",
    "OUTPUT_EXTENSIONS",
    "BatchSummary",
    "Record",
    "count_questions",
    "format_summary",
    "read_questions",
    "run_batch",
]
