"""What a question file (or standard input) is when it is not text: for a refusal that names the way out.

An Excel workbook renamed ``.csv``, a ``.csv.gz`` renamed or piped in without ``zcat``: each was "not a
text file (contains NUL bytes)" with the hint to save it as text, which leaves the user to guess what it
was; a small gzip stream without a NUL in its head was read as rows of "not valid UTF-8". The first bytes
tell these apart by their signatures, which no text starts with (each holds a control byte, or is a
PDF's whole header line).
"""

from __future__ import annotations

import codecs
import re

from ..file_errors import FileError
from ..signatures import OLE, PDF, ZIP, compressed


def _unpack(cat: str) -> str:
    return f"decompress it first: {cat} FILE > questions.txt (or {cat} FILE | qa batch - -o OUTPUT)"


_SAVE_CSV = "open it in its spreadsheet program and save it as CSV (UTF-8), then give that file"
_SIGNATURES = (
    (ZIP, FileError("workbook"), _SAVE_CSV),
    (OLE, FileError("old_office"), _SAVE_CSV),
)  # fmt: skip
# A PDF's first line is its version alone ("%PDF-1.7"), or the bytes after it are binary; text may start
# with the same five printable bytes ("%PDF-1.7 itu format apa?" was refused as a PDF).
_PDF_HEADER = re.compile(rb"%PDF-\d\.\d[ \t]*(\r|\n|\Z)")
_PDF = (FileError("pdf"), "copy its questions into a .txt file, one per line")


def _utf8(head: bytes) -> bool:
    """Whether ``head`` reads as UTF-8 (a character cut at its end allowed: the head is cut anywhere)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def binary_kind(head: bytes) -> tuple[FileError, str] | None:
    """(what the bytes are, as a refusal's data: :meth:`FileError.what` words it; the way out) when
    ``head`` starts as a known binary format; else None. The way out names the file ``FILE``, for the
    caller to fill in."""
    if packed := compressed(head):
        return FileError("compressed", (packed[0],)), _unpack(packed[1])
    if _PDF_HEADER.match(head) or (head.startswith(PDF) and not _utf8(head)):
        return _PDF
    for signature, what, hint in _SIGNATURES:
        if head.startswith(signature):
            return what, hint
    return None
