"""Question files as a stream of physical lines of UTF-8 bytes, whatever their encoding and line endings.

Readers decode each line on its own, so one undecodable line is one error row, never the end of the
batch.  This module makes that possible for the files people actually hand over:

* line endings ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac, some exports) all end a line, as in
  Python's universal-newline mode, but on bytes;
* UTF-16 (Excel's "Unicode text"), with a byte-order mark or recognised by its NUL pattern, is
  transcoded to UTF-8 on the fly (a lone surrogate or a cut last byte stays invalid, so that line
  becomes an error row); a UTF-8 byte-order mark is dropped by the readers.

Anything else with NUL bytes is not text and is refused by the caller.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

BLOCK = 1 << 16
_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def detect_encoding(head: bytes) -> tuple[str, int]:
    """``(encoding, bom length)`` of a file starting with ``head``: UTF-16 by BOM or NUL pattern, else UTF-8.

    UTF-16 text in a Latin script has a NUL in every other byte (the high byte of each code unit);
    UTF-8 text has none, so a file where at least half the odd (LE) or even (BE) bytes are NUL and
    almost none of the others is UTF-16 without a BOM.
    """
    for bom, encoding in _UTF16_BOMS:
        if head.startswith(bom):  # FF FE 00 00 too: UTF-16 starting with U+0000 (UTF-32 is not read)
            return encoding, len(bom)
    pairs = len(head) // 2
    if pairs >= 2 and b"\x00" in head:
        even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
        if odd >= pairs / 2 and even <= pairs / 20:
            return "utf-16-le", 0
        if even >= pairs / 2 and odd <= pairs / 20:
            return "utf-16-be", 0
    return "utf-8", 0


class _Transcoded(io.RawIOBase):
    """A read-only byte stream: ``source`` decoded from ``encoding`` and re-encoded as UTF-8.

    Lone surrogates survive the trip (``surrogatepass`` both ways) as bytes that are invalid UTF-8,
    and an odd trailing byte becomes ``\\xff``: the line holding either is flagged by the reader.
    """

    def __init__(self, source: BinaryIO, encoding: str, skip: int) -> None:
        super().__init__()
        self.source, self.pending = source, b""
        self.decoder = codecs.getincrementaldecoder(encoding)(errors="surrogatepass")
        self.source.read(skip)
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        while not self.pending and not self.ended:
            block = self.source.read(BLOCK)
            try:
                text = self.decoder.decode(block, final=not block)
            except UnicodeDecodeError:  # only the final call can fail: an odd byte at the very end
                text = "\udcff"
            self.ended = not block
            self.pending = text.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n

    def close(self) -> None:
        self.source.close()
        super().close()


def as_utf8(stream: BinaryIO, head: bytes) -> tuple[BinaryIO, str]:
    """``stream`` (positioned at its start, which is ``head``) as UTF-8 bytes, and its encoding's name."""
    encoding, skip = detect_encoding(head)
    if encoding == "utf-8":
        return stream, "UTF-8"
    return io.BufferedReader(_Transcoded(stream, encoding, skip), BLOCK), "UTF-16"


def open_utf8(path: Path) -> tuple[BinaryIO, str]:
    """``path`` opened as a stream of UTF-8 bytes, and the name of the encoding it was written in."""
    f = path.open("rb")
    try:
        head = f.read(4096)
        f.seek(0)
    except OSError:
        f.close()
        raise
    return as_utf8(f, head)


def split_lines(stream: Iterator[bytes] | BinaryIO) -> Iterator[bytes]:
    """Physical lines, each with its ending: ``\\n``, ``\\r\\n`` or a lone ``\\r``."""
    for raw in stream:
        if b"\r" not in raw or raw.find(b"\r") == len(raw) - 2 and raw.endswith(b"\r\n"):
            yield raw
            continue
        parts = raw.split(b"\r")
        last = parts.pop()
        for part in parts[:-1]:
            yield part + b"\r"
        if last in (b"\n", b""):
            yield parts[-1] + b"\r" + last
        else:
            yield parts[-1] + b"\r"
            yield last


def file_lines(path: Path) -> Iterator[bytes]:
    """The physical lines of ``path`` as UTF-8 bytes (see :func:`open_utf8`), opened lazily.

    Opened when the batch reads its first record, so the file may be gone or fail by then (removed,
    a network share dropped, an I/O error): one :class:`~qa.errors.InputError`, the chunks already
    written kept for ``--resume``, never a traceback.
    """
    try:
        stream, _ = open_utf8(path)
        with stream:
            yield from split_lines(stream)
    except OSError as exc:
        raise InputError(f"{path}: cannot read question file ({exc.strerror or exc})") from None


def read_head(path: Path, size: int = BLOCK) -> tuple[bytes, bool, str]:
    """The first ``size`` bytes of ``path`` as UTF-8, whether that is the whole file, and its encoding."""
    stream, encoding = open_utf8(path)
    with stream:
        head = stream.read(size)
        whole = not stream.read(1)
    return head, whole, encoding
