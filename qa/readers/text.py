"""Plain text: the file's characters as they are (offsets identical to earlier versions)."""

from __future__ import annotations

from ..errors import CorpusError
from . import Extracted


def decode_utf8(raw: bytes, name: str) -> str:
    """UTF-8 text without a BOM; binary and non-UTF-8 bytes are refused by name."""
    if b"\x00" in raw:
        raise CorpusError(
            f"corpus file {name} looks binary (it contains NUL bytes)",
            "only UTF-8 text files (.txt, .md) can be documents",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"corpus file {name} is not valid UTF-8 (byte {exc.start})",
            "convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None
    return text.removeprefix("\ufeff")


def read(raw: bytes, name: str) -> Extracted:
    text = decode_utf8(raw, name)
    if not text.strip():
        raise CorpusError(f"corpus file {name} is empty", "add text to it or remove it from the corpus")
    return Extracted(text)
