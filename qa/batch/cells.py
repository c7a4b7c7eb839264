"""What a batch output holds, cell by cell: its field names, the spreadsheet-safe cell, the JSON of a
value, the key of a question, the label of a passage's location. Shared by the three formats."""

from __future__ import annotations

import hashlib
import json
import re

from ..printable import shown_name

OUTPUT_EXTENSIONS = (".jsonl", ".csv", ".md")
# ``message`` says why a question was not answered (section 108), ``notice`` that it was cut to the model's
# window (section 120); outputs from before them lack the columns
CSV_COLUMNS = ["id", "line", "question", "answer", "source", "location", "score", "confidence", "abstained",
               "message", "notice", "error"]  # fmt: skip
LATER_COLUMNS = ("message", "notice")  # in the order qa added them: an older CSV lacks a tail of these
PASSAGE_COLUMNS = ("text", "source", "location", "score")
# Every top-level field of a ``qa ask --json`` result (qa/answer.py Result.to_dict), and ours.
RESULT_FIELDS = ("question", "abstained", "confidence", "answer", "message", "reason", "passages", "notice")
# Extra input fields with these names are written as ``input_<name>``: they never shadow ours, nor pass
# for ours (an input "notice" looked like the assistant's notice, an input "reason" was overwritten).
SOURCE_FIELD = "corpus_key"  # which corpus and model answered (qa.manifest.corpus_key), per record
RESERVED = {*CSV_COLUMNS, *RESULT_FIELDS, "chunk_id", "k", "question_sha256", SOURCE_FIELD}


def safe_extra(extra: dict, also: frozenset[str] = frozenset()) -> dict:
    """Extra input fields renamed so they never shadow an output field (``RESERVED``, ``passage_…``, and
    ``also``): such a name takes ``input_``, and so does each ``input_…`` form of one (``input_score`` is
    ``input_input_score``), a rule by name alone so no two input fields meet (``score`` and ``input_score``
    were both ``input_score``: one value lost, section 166's second reading)."""
    return {(f"input_{k}" if _reserved(k, also) else k): v for k, v in extra.items()}


def _reserved(name: str, also: frozenset[str]) -> bool:
    bare = name
    while bare.startswith("input_"):
        bare = bare[len("input_") :]
    return bare in RESERVED or bare in also or bare.startswith("passage_")


def _json_default(value: object) -> object:
    for attr in ("item", "tolist"):
        if hasattr(value, attr):
            return getattr(value, attr)()
    return str(value)


def to_json(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default)


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: object) -> object:
    """A CSV cell that spreadsheets will not run as a formula (OWASP): risky text gets a leading '."""
    if hasattr(value, "item"):
        value = value.item()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return round(value, 6) if isinstance(value, float) else value
    text = value if isinstance(value, str) else to_json(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "'") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def question_key(question: str | None) -> str:
    """The fingerprint resume compares: a record may only be skipped for the question it answered."""
    return hashlib.sha256((question or "").encode("utf-8", "surrogatepass")).hexdigest()


def location_label(answer: dict) -> str | None:
    """ "cuti.pdf, halaman 3": the passage's location, or its source for results without one; a name with
    a newline or a control character quoted as ``qa ask`` shows it (the .md's line, the CSV's cell for
    people; ``source`` and the JSONL keep the exact name)."""
    label = (answer.get("location") or {}).get("label") or answer.get("source")
    return shown_name(str(label)) if label is not None else None
