"""Why a batch row cannot be answered, as data: a stable code and the values its words name.

The outputs write the English sentence (:meth:`RowError.said`, the CLI's words); a caller speaking
another language (the web page, in Indonesian: :mod:`qa.ui.row_words`) says the row from ``code`` and
``args`` instead of parsing that sentence back, so rewording a sentence here never changes what the page
says (reliability 133; :class:`~qa.batch.too_long.TooLong` did the same for length, section 129).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .too_long import TooLong

RowCode = Literal[
    "empty",  # nothing to ask: blank, control characters or punctuation only
    "no_question",  # no question field (JSONL) or column (a table row too short for it)
    "not_text",  # a JSON question that is not a string
    "too_long",  # over the question limit (``counts``), counted on the whole question
    "long_line",  # a line over the readers' line bound, not read past its start (``counts``)
    "long_field",  # a question cell over QUESTION_FIELD_CAP, even over CELL_CAP (qa.batch.csv_fields;
    # ``counts``: a lower bound)
    "long_cell",  # another cell over CELL_CAP (args: its column's name quoted, the cap); the question kept
    "undecodable",  # a line that is not valid text in the file's encoding (args: the encoding)
    "not_json",  # a JSONL line that does not parse
    "not_object",  # a JSONL line holding another JSON value (args: JSON's name of its kind)
    "name_twice",  # a JSON object naming one field twice (args: the name, quoted)
    "question_fields",  # a JSON object with several question fields (args: how many, their names quoted)
    "bad_escape",  # a lone surrogate escape, which no UTF-8 writer takes
    "bad_number",  # NaN or an infinite number, which JSON cannot hold
    "too_deep",  # JSON nested deeper than a writer goes back (args: the depth allowed)
    "misfit",  # a table row wider than its header (args: its cells, the header's, the delimiter quoted)
    "malformed_csv",  # lines no CSV reader takes (a NUL byte)
    "refused",  # a question the answerer refused alone (qa.batch.answering; detail: its message)
]
ROW_CODES: tuple[RowCode, ...] = get_args(RowCode)
LENGTH_CODES: tuple[RowCode, ...] = ("too_long", "long_line", "long_field")

# The CLI's English, by code: what every output file writes in its ``error`` field. {line}: the input
# line; {detail}: what only this sentence says (a parser's own reason); {0}, {1}…: ``args``.
ENGLISH: dict[RowCode, str] = {
    "empty": "empty question",
    "no_question": "no question field/column",
    "not_text": "question is not a string",
    "long_line": "line {line} is too long ({0} code points; a question holds at most {1} characters): "
    "not read past its first {2} bytes",
    "long_field": "question too long (over {0} code points, limit {1} characters)",
    "long_cell": "column {0} too long (over {1} code points): the row is not asked",
    "undecodable": "line {line} is not valid {0} ({detail})",
    "not_json": "line {line} is not valid JSON ({detail})",
    "not_object": "line {line} is a JSON {0}, not an object",
    "name_twice": "line {line} names {0} twice in one object (JSON keeps one value, the other is dropped)",
    "question_fields": "line {line} has {0} question fields ({1}): keep one",
    "bad_escape": "line {line} has an invalid Unicode escape (a lone surrogate such as \\ud800)",
    "bad_number": "line {line} has a number JSON cannot hold (NaN or infinite)",
    "too_deep": "line {line} is nested deeper than {0} levels",
    "misfit": "line {line}: {0} cells but the header has {1} (a {2} inside an unquoted cell?)",
    "malformed_csv": "line {line}: malformed CSV ({detail})",
    "refused": "{detail}",  # the answerer's own words, as the files wrote them before it had a code
}


@dataclass(frozen=True)
class RowError:
    """A row's error: its ``code``, the input ``line`` its words name (0: they name none), the values
    they name (``args``: numbers, or text as it is quoted), ``detail`` that only the English carries
    (a decoder's reason, which no other language could say), and a length refusal's ``counts``."""

    code: RowCode
    line: int = 0
    args: tuple[int | str, ...] = ()
    detail: str = ""
    counts: TooLong | None = None

    def __post_init__(self) -> None:
        if (self.counts is None) == (self.code in LENGTH_CODES):  # a programming error, caught at once
            raise ValueError(f"a {self.code!r} row error takes counts exactly when it is a length refusal")

    @classmethod
    def length(cls, counts: TooLong) -> RowError:
        """A row refused for its length, said from its counts (:meth:`TooLong.said`)."""
        return cls("too_long", counts=counts)

    def on(self, line: int) -> RowError:
        """The same error on input ``line`` (a check that knows the value, not where it was read)."""
        return RowError(self.code, line, self.args, self.detail, self.counts)

    def said(self) -> str:
        """The English sentence the outputs write (``qa batch``'s words, unchanged by reliability 133)."""
        if self.code == "too_long" and self.counts is not None:
            return self.counts.said()
        return ENGLISH[self.code].format(*self.args, line=self.line, detail=self.detail)
