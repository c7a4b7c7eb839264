"""Plain text: the file's characters as they are, one statement or paragraph per line; UTF-8, or
UTF-16/32 with a byte order mark or without one (recognised as the HTML reader does).

A text wrapped at a fixed width (what ``pdftotext``, ``fold``, a mail program or an old editor writes:
every line near the widest one, the next going on in lower case) is read as the PDF reader reads a
page's lines: its lines joined back into paragraphs. Read line by line, its sentences were cut at
every line end, "… paling lambat tanggal 30 April" a passage and "2026 melalui surel …" the next.
"""

from __future__ import annotations

import codecs
import re

from ..errors import CorpusError
from . import Extracted
from ._charset import wide, without_bom

# Text editors on Windows save "Unicode" as UTF-16 with a byte order mark; the mark makes the encoding
# certain, so such a file is read, not refused as binary for the NUL bytes of its ASCII letters.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_utf8(raw: bytes, name: str) -> str:
    """UTF-8 text (or UTF-16/32, with a BOM or without); binary and other bytes are refused by name."""
    encoding = next((enc for bom, enc in _BOMS if raw.startswith(bom)), None)
    if encoding is not None:
        try:
            text = wide(raw, encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            text = "\x00"  # not UTF-16/32 after all: judged as UTF-8 below
        # 8-bit text read as UTF-16 pairs its bytes into CJK-looking characters, never into ASCII ones
        if "\x00" not in text and any(ch < "\x80" for ch in text):
            return text
    unmarked = without_bom(raw) if b"\x00" in raw else None
    if unmarked is not None:
        return unmarked
    if b"\x00" in raw:
        raise CorpusError(
            f"corpus file {name} looks binary (it contains NUL bytes)",
            # was "only UTF-8 text files (.txt, .md) can be documents": PDF, Word and HTML files are too
            "a .txt or .md document must be text (UTF-8, UTF-16 or UTF-32): give a file of another kind its "
            "own extension (.pdf, .docx, .html are read too), or move it out of the corpus folder",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"corpus file {name} is not valid UTF-8 (byte {exc.start})",
            "convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None
    return text.removeprefix("\ufeff")


WRAP_WIDTHS = (40, 160)  # characters: a text wrapped at a fixed width is wrapped within these
_LINE_END = re.compile(r"\r\n|\r|\n")


def read(raw: bytes, name: str) -> Extracted:
    text = decode_utf8(raw, name)
    if not text.strip():
        raise CorpusError(f"corpus file {name} is empty", "add text to it or remove it from the corpus")
    return Extracted(_unwrapped(text) or text)


def _unwrapped(text: str) -> str | None:
    """The paragraphs of a text wrapped at a fixed width, each on one line, else None (a text of one
    statement or paragraph per line, a list, a table, code: read as it is). Only the wrap's line ends
    are joined; those its writer made (a table's rows, a list's items, a heading, a rule, a poem's
    lines) stay (``qa/readers/_textlines.py``)."""
    from ._htmlpre import reads_as_code, wrapped_prose
    from ._pdflines import paragraphs
    from ._textlines import writers_line_ends

    written = _LINE_END.split(text)
    lines = [line.strip() for line in written]
    width = max(len(line) for line in lines)
    if not WRAP_WIDTHS[0] <= width <= WRAP_WIDTHS[1] or not wrapped_prose(lines, width):
        return None
    if reads_as_code(text):
        return None
    return "\n".join(paragraphs(writers_line_ends(written, lines)))
