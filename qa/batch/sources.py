"""Question files as a stream of physical lines of UTF-8 bytes, whatever their encoding and line endings.

Readers decode each line on its own, so one undecodable line is one error row, never the end of the
batch.  This module makes that possible for the files people actually hand over:

* line endings ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac, some exports) all end a line, as in
  Python's universal-newline mode, but on bytes;
* UTF-16 (Excel's "Unicode text"), with a byte-order mark or recognised by its NUL pattern, is
  transcoded to UTF-8 on the fly (a lone surrogate or a cut last byte stays invalid, so that line
  becomes an error row), and so is UTF-32 with its byte-order mark; a UTF-8 byte-order mark is dropped
  by the readers.

Anything else with NUL bytes is not text and is refused by the caller.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from ..file_errors import FileError, FileRefused

BLOCK = 1 << 16
# A physical line is read up to this, far beyond any question (MAX_QUESTION_CHARS, 2,000 characters) with
# its row's other cells or fields; a longer line is one error row, and memory stays bounded.
MAX_LINE_BYTES = 1 << 20
# UTF-32's marks first: FF FE 00 00 also opens UTF-16 LE, but only before a NUL character, never a question
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect_encoding(head: bytes) -> tuple[str, int]:
    """``(encoding, bom length)`` of a file starting with ``head``: UTF-16 by BOM or NUL pattern, else UTF-8.

    UTF-16 text in a Latin script has a NUL in every other byte (the high byte of each code unit);
    UTF-8 text has none, so a file where at least half the odd (LE) or even (BE) bytes are NUL and
    almost none of the others is UTF-16 without a BOM.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):  # UTF-32 (PowerShell's -Encoding utf32) was read as UTF-16: "a p a ?"
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
    return io.BufferedReader(_Transcoded(stream, encoding, skip), BLOCK), encoding[:6].upper()


class _Replayed(io.RawIOBase):
    """``head``, bytes already read from ``rest``, then ``rest``: a stream that starts over at its start."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        if not self.head:
            piece = (getattr(self.rest, "read1", None) or self.rest.read)(len(buffer))
        else:
            piece, self.head = self.head[: len(buffer)], self.head[len(buffer) :]
        buffer[: len(piece)] = piece
        return len(piece)


def stream_head(stream: BinaryIO, size: int = 4096) -> tuple[BinaryIO, bytes]:
    """The first ``size`` bytes of a pipe (fewer only at its end) and the pipe from its start again.

    A pipe gives what its writer has written so far: ``peek`` saw one byte of a slow writer's UTF-16
    mark, so it was read as UTF-8 (every line "not valid UTF-8") and the NUL-byte check saw no NUL.
    """
    read = getattr(stream, "read1", None) or stream.read
    head = b""
    while len(head) < size:
        piece = read(size - len(head))
        if not piece:  # the end, seen once: a terminal's Ctrl-D is not seen twice, so never read on
            return io.BytesIO(head), head
        head += piece
    return io.BufferedReader(_Replayed(head, stream), BLOCK), head


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


class LongLine(bytes):
    """The first ``limit`` bytes of a physical line that went on (its ending dropped), and how many code
    points the whole line held: the rest was counted as it streamed past, never kept. Code points, not
    the characters a person counts (graphemes): a grapheme's end may lie any distance on (one letter may
    carry a million marks), so counting them as the bytes stream past is not bounded by a block."""

    code_points: int


_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that do not start a character


def _code_points(data: bytes) -> int:
    return len(data.translate(None, _CONTINUATION))


def blocks(stream: BinaryIO) -> Iterator[bytes]:
    """``stream`` in pieces of at most BLOCK bytes; ``read1`` returns what a terminal or pipe has so far,
    so questions typed one per line are not held back until a block fills."""
    read = getattr(stream, "read1", None) or stream.read
    while block := read(BLOCK):
        yield block


def split_lines(chunks: Iterable[bytes], limit: int | None = None) -> Iterator[bytes]:
    """Physical lines of the bytes ``chunks`` (cut anywhere), each with its ending: ``\\n``, ``\\r\\n``
    or a lone ``\\r``.

    A line is kept up to ``limit`` bytes (MAX_LINE_BYTES): beyond that it is a :class:`LongLine`, its
    rest counted and dropped as it goes by. Python's ``readline`` keeps a whole line, however long: a
    1 GB line (or an old-Mac file, one "line" to it) took 3.3 GB of memory to become one error row.
    """
    limit = MAX_LINE_BYTES if limit is None else limit
    head, over, extra = bytearray(), False, 0  # the line so far (at most limit bytes); past it, code points
    held = b""  # a chunk's last \r: its \n may open the next chunk

    def grow(piece: bytes) -> None:
        nonlocal head, over, extra
        if over:
            extra += _code_points(piece)
        elif len(head) + len(piece) <= limit:
            head += piece  # in place: a long line's blocks are not copied again at each one
        else:
            room = limit - len(head)
            head, over, extra = head + piece[:room], True, _code_points(piece[room:])

    def done(ending: bytes) -> bytes:
        nonlocal head, over, extra
        line = LongLine(head) if over else bytes(head) + ending
        if isinstance(line, LongLine):
            line.code_points = _code_points(line) + extra
        head, over, extra = bytearray(), False, 0
        return line

    for chunk in chunks:
        data = held + chunk
        held = b"\r" if data.endswith(b"\r") else b""
        for part in (data[:-1] if held else data).splitlines(keepends=True):
            if not head and len(part) <= limit and part.endswith((b"\n", b"\r")):
                yield part  # the common case: a whole short line
                continue
            body = part.rstrip(b"\r\n")
            grow(body)
            if len(body) < len(part):
                yield done(part[len(body) :])
    if held or head or over:
        yield done(held)


def file_lines(path: Path) -> Iterator[bytes]:
    """The physical lines of ``path`` as UTF-8 bytes (see :func:`open_utf8`), opened lazily.

    Opened when the batch reads its first record, so the file may be gone or fail by then (removed,
    a network share dropped, an I/O error): one :class:`~qa.file_errors.FileRefused`, the chunks already
    written kept for ``--resume``, never a traceback.
    """
    try:
        stream, _ = open_utf8(path)
        with stream:
            yield from split_lines(blocks(stream))
    except OSError as exc:
        raise FileRefused(path, FileError("unreadable", detail=str(exc.strerror or exc))) from None


def read_head(path: Path, size: int = BLOCK) -> tuple[bytes, bool, str]:
    """The first ``size`` bytes of ``path`` as UTF-8, whether that is the whole file, and its encoding."""
    stream, encoding = open_utf8(path)
    with stream:
        head = stream.read(size)
        whole = not stream.read(1)
    return head, whole, encoding
