"""A table's layout, refused when its header is not valid text.

A header line that is not valid UTF-8 (a CSV saved by a spreadsheet in its own code page, "é" one byte)
was read with a replacement character in a column name: "catatan\ufffd" written into every answer, or a
question column not found for a byte in its name. The rows' bad bytes are each row's own error; the
header's would be guessed at, so the file is refused as a whole, saying why, before anything is asked.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable
from pathlib import Path

from ..file_errors import FileError, FileRefused
from .readers import _decode
from .tables import Layout, table_layout

SAVE_UTF8 = 'save the file as UTF-8 (a spreadsheet\'s "CSV UTF-8") or as UTF-16 text'
# A UTF-16 (or UTF-32) file already is what SAVE_UTF8 asks for: its broken character came from its writer.
SAVE_AGAIN = 'save it again from the program that wrote it, or as UTF-8 (a spreadsheet\'s "CSV UTF-8")'


def header_layout(
    lines: list[bytes], sample: list[str], prefer: str, path: Path, encoding: str, warn: Callable[[str], None]
) -> Layout:
    """The layout of a table whose first ``lines`` decode to ``sample``; :class:`FileRefused` when the
    header (the first non-blank line, Excel's ``sep=`` line aside) does not decode. Headerless, a bad
    first line is a data row and its own row error, as any other."""
    said: list[str] = []  # its guesses, told only when the file is read
    try:
        layout: Layout | None = table_layout(sample, prefer, str(path), said.append)
    except FileRefused:  # a question column not found may be a byte of its name
        layout = None
    skip = 1 if layout is not None and layout.sep_line else 0
    first = next((n for n, text in enumerate(sample[skip:], skip + 1) if text.strip()), 0)
    for n in _header_lines(sample, first, layout.delimiter if layout else None):
        why = _decode(_whole(lines, n), n, encoding)[1]
        if why is not None and why.code == "undecodable" and (layout is None or layout.has_header):
            refused = FileError("undecodable_header", (encoding, n), detail=why.detail)
            raise FileRefused(path, refused, SAVE_UTF8 if encoding == "UTF-8" else SAVE_AGAIN)
    if layout is None:
        return table_layout(sample, prefer, str(path), warn)  # its own refusal, raised again
    for line in said:
        warn(line)
    return layout


def _header_lines(sample: list[str], first: int, delimiter: str | None) -> range:
    """The lines the header row starting on line ``first`` spans: a quoted name holding a line break
    ("Pertanyaan" Alt+Enter "(wajib)") goes on, and its bad byte there was read as a replacement character
    in that column's name. Its first line alone when it cannot be parsed (no layout, a stray quote)."""
    if not first:
        return range(0)
    if delimiter is not None:
        reader = csv.reader(sample[first - 1 :], delimiter=delimiter, strict=True)
        with contextlib.suppress(csv.Error, StopIteration):
            next(reader)
            return range(first, first + reader.line_num)
    return range(first, first + 1)


def _whole(lines: list[bytes], n: int) -> bytes:
    """Line ``n`` of the sample, less a character its end cut short: a header longer than the sample (64
    KiB, thousands of columns) is its one line, unended, and a valid file was refused for that cut."""
    raw = lines[n - 1]
    if n < len(lines) or raw.endswith((b"\n", b"\r")):
        return raw
    for back in range(1, min(4, len(raw)) + 1):
        lead = raw[-back]
        if lead & 0xC0 != 0x80:  # ASCII or a character's first byte: how many bytes it should have
            size = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            return raw[:-back] if size > back else raw
    return raw
