"""Why a question file is refused as a whole, as data: a stable code and the values its words name.

The CLI prints the English (:meth:`FileError.said`, after the file's name, with the hint its raiser
gives); the web page (:mod:`qa.ui.file_words`, in Indonesian) says the same refusal from ``code`` and
the values, never by parsing the English back, so rewording a sentence here never changes what the page
says, and a header cell that reads like another refusal cannot pass for it (reliability 138; a row's
error is :class:`qa.batch.row_errors.RowError`, section 133).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from .errors import InputError
from .printable import quoted_path

FileCode = Literal[
    "unreadable",  # the OS refuses the path or a read of it (detail: its reason)
    "directory",  # a folder
    "not_found",  # nothing there
    "device",  # a pipe or a device: reading it could wait or run forever
    "unsupported",  # a type no reader takes (args: the extension, "" for none)
    "workbook",  # a zip archive: an .xlsx or .ods workbook saved under a text file's name?
    "old_office",  # an OLE file: an old .xls workbook?
    "compressed",  # a compressed file (args: the format: "gzip", "xz", "zstd", "bzip2")
    "pdf",  # a PDF
    "nul_bytes",  # NUL bytes, which no UTF-8 text holds
    "undecodable_header",  # a table's header not valid text (args: the encoding, its line; detail: why)
    "question_columns",  # a header naming several question columns (args: their numbers; names: their cells)
    "no_question_column",  # a header naming none, and no one text column to ask (names: its cells)
    "which_column",  # no header, labels in column 1 and several text columns (args: "numbers" or "ids",
    # then the text columns' numbers)
]
FILE_CODES: tuple[FileCode, ...] = get_args(FileCode)
BINARY_CODES: tuple[FileCode, ...] = ("workbook", "old_office", "compressed", "pdf")

# What a binary file is, by code ({0}: ``args``): standard input's refusal names it too
WHAT: dict[FileCode, str] = {
    "workbook": "a zip archive (an Excel .xlsx or OpenDocument .ods workbook saved under another name?)",
    "old_office": "an old Office file (an Excel .xls workbook?)",
    "compressed": "{0}-compressed",
    "pdf": "a PDF",
}
# The CLI's English, by code, after "NAME: ". {0}, {1}…: ``args``; {detail}: what only this sentence
# says (the OS's reason); {names}: the header's cells quoted; {numbered}: "column N 'cell'" for each of
# ``args`` with its cell; {numbers}: ``args`` after the first, listed; {what}: :data:`WHAT`; {ext}: the
# extension quoted.
ENGLISH: dict[FileCode, str] = {
    "unreadable": "cannot read question file ({detail})",
    "directory": "is a directory, expected a question file",
    "not_found": "question file not found",
    "device": "is a pipe or device, not a question file",
    "unsupported": "unsupported question file type {ext}",
    **{code: "not a text file: it is {what}" for code in BINARY_CODES},
    "nul_bytes": "not a text file (contains NUL bytes)",
    "undecodable_header": "its header (line {1}) is not valid {0} ({detail}): its column names cannot be "
    "read",
    "question_columns": "the header names {count} question columns ({numbered}): which to ask is a guess",
    "no_question_column": "no question column among the header's columns ({names})",
    "which_column": "no header, column 1 holds only {kind} and columns {numbers} all hold text: which is the "
    "question?",
}
# Column 1's labels, as "which_column" names them
LABELS = {"numbers": "numbers", "ids": "ids (one word with a digit each, such as 'A1')"}


@dataclass(frozen=True)
class FileError:
    """A file's refusal: its ``code``, the values its words name (``args``: numbers or text; ``names``:
    header cells as the file has them, stripped), and ``detail`` that only the English carries (the
    OS's reason, which no other language could say)."""

    code: FileCode
    args: tuple[int | str, ...] = ()
    names: tuple[str, ...] = ()
    detail: str = ""

    def what(self) -> str:
        """What a binary file is, in the CLI's words ("a PDF", "gzip-compressed")."""
        return WHAT[self.code].format(*self.args)

    def said(self) -> str:
        """The English the CLI prints after the file's name (byte for byte its words before section 138)."""
        values = {
            "detail": self.detail,
            "names": ", ".join(map(repr, self.names)),
            "numbered": ", ".join(f"column {n} {c!r}" for n, c in zip(self.args, self.names)),
            "count": len(self.args),
            "kind": LABELS.get(str(self.args[0]), "") if self.args else "",
            "numbers": ", ".join(map(str, self.args[1:])),
            "what": self.what() if self.code in BINARY_CODES else "",
            "ext": quoted_path(str(self.args[0]) or "(no extension)") if self.args else "",
        }
        return ENGLISH[self.code].format(*self.args, **values)


class FileRefused(InputError):
    """A question file refused as a whole (exit status 2, as every :class:`InputError`): the message is
    ``NAME: <the English of why>``, and ``why`` the same as data for a caller with words of its own."""

    def __init__(self, name: object, why: FileError, hint: str | None = None) -> None:
        super().__init__(f"{name}: {why.said()}", hint)
        self.why = why
