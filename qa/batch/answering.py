"""One chunk of a batch put to the answerer: a chunk it refuses is asked again one question at a time, and
a question it refuses alone becomes an error row whose reason is data too (``RowError`` ``refused``), so
the page says it in its own words rather than the answerer's English (reliability 149)."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from .row_errors import RowError

AnswerFn = Callable[[list[str]], list[dict]]


def answer_chunk(answer: AnswerFn, questions: list[str]) -> tuple[list[dict], dict[int, RowError]]:
    """One result per question, and why each question refused alone was, by its place in ``questions``.
    One refused question does not sink the chunk or the batch; all refused alike, the answerer itself
    is unusable (bad settings, say), and that error ends the batch."""
    refused: dict[int, RowError] = {}
    try:
        results = list(answer(questions)) if questions else []
    except InputError as exc:
        results, refused = _answer_each(answer, questions)
        refusals = {r.get("error") for r in results}
        if len(results) > 1 and len(refusals) == 1 and None not in refusals:
            raise exc
    if len(results) != len(questions):
        raise ValueError(f"answer() returned {len(results)} results for {len(questions)} questions")
    return results, refused


def _answer_each(answer: AnswerFn, questions: list[str]) -> tuple[list[dict], dict[int, RowError]]:
    """Answer one question at a time; a question the answerer refuses becomes an ``error`` result, its
    words the answerer's message as it was (the files keep them byte for byte)."""
    results: list[dict] = []
    refused: dict[int, RowError] = {}
    for n, question in enumerate(questions):
        try:
            results.extend(answer([question]))
        except InputError as exc:
            refused[n] = RowError("refused", detail=exc.message)
            results.append({"question": question, "error": refused[n].said()})
    return results, refused
