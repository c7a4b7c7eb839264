"""Why a line of a question file is not text, said in the file's own encoding.

A UTF-16 or UTF-32 file is transcoded to UTF-8 before its lines are decoded (:mod:`qa.batch.sources`):
a lone surrogate survives as three bytes that are not UTF-8, and so does a cut last byte (as U+DCFF).
The UTF-8 decoder's words for them ("invalid continuation byte at byte 17") described bytes the file
never held, at an offset that was not the file's (reliability 151's Left).
"""

from __future__ import annotations

_CODECS = {"UTF-16": "utf-16-le", "UTF-32": "utf-32-le"}  # the width of a code unit; LE or BE alike
_CUT = "\udcff"  # what the transcoder writes for a last byte that is half a character


def undecodable_detail(raw: bytes, exc: UnicodeDecodeError, encoding: str) -> str:
    """Why ``raw`` (a line as UTF-8 bytes, transcoded from ``encoding``) failed with ``exc``: in UTF-8 the
    decoder's own words; otherwise what the file holds there and its byte offset in the file's line."""
    codec = _CODECS.get(encoding)
    if codec is None:
        return f"{exc.reason} at byte {exc.start}"
    try:
        before = raw[: exc.start].decode("utf-8", "surrogatepass")  # valid: exc.start is the first failure
        unit = raw[exc.start : exc.start + 3].decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # not the transcoder's output: the decoder's words, as before
        return f"{exc.reason} at byte {exc.start}"
    at = len(before.encode(codec, "surrogatepass"))  # the BOM, skipped by the transcoder, not counted
    if unit == _CUT and exc.start + 3 == len(raw):  # the file's very end, no line ending after it
        return f"its last character cut short, an odd number of bytes, at byte {at}"
    return f"half of a character pair, a lone surrogate U+{ord(unit):04X}, at byte {at}"
