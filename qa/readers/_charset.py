"""The text of an HTML file's bytes, decoded as a browser decodes a saved page (and UTF-16 without a
byte order mark, which the plain text and Markdown readers recognise too).

Left to guess, trafilatura asks charset-normalizer, which on a short Latin-1 / Windows-1252 page picks
Windows-1250 ("Săo Tomé", "Seńor") and ignores a declared charset. The order here is the HTML
standard's, for a file with no HTTP header: a byte order mark; the charset the page declares in its
first 1,024 bytes (``<meta charset>``, ``<meta http-equiv="Content-Type">``, an XML declaration);
else UTF-16 or UTF-32 without a mark, by the NUL bytes of its Latin letters (the standard leaves
detection at this step to the browser, and knows no UTF-32, but a file a host brings in it is read
rather than found empty; see ``utf16_without_bom``); else UTF-8 when the bytes are UTF-8 (a stray
invalid byte among UTF-8 letters becomes U+FFFD); else Windows-1252, the standard's default for
Western and Indonesian locales (the labels ``latin1`` and ``iso-8859-1`` mean it too).
Deterministic: the same bytes always give the same text.
"""

from __future__ import annotations

import codecs
import re

PRESCAN = 1024  # bytes in which the standard looks for a declared charset
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([\w.:-]+)"""  # <meta charset=…>, or content="…; charset=…"
    rb"""|<\?xml\b[^>]*?\bencoding\s*=\s*["']([\w.:-]+)""",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml\b[^>]*\?>")
# What the standard means by these labels (its encoding table): Latin-1 and ASCII are read as
# Windows-1252, a page cannot declare UTF-16 in bytes that are read as ASCII to find the declaration.
_MEANS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-16": "utf-8",
}
FALLBACK = "cp1252"
SNIFF = 1024  # bytes in which UTF-16 without a byte order mark is recognised


def declared(raw: bytes) -> str | None:
    """The encoding the page declares near its top (a Python codec name), if it names one we know."""
    found = _DECLARED.search(raw[:PRESCAN])
    if found is None:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii", "replace")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _MEANS.get(name, name)


def decode_html(raw: bytes) -> str:
    """``raw`` as text (see the module docstring), without a now meaningless XML declaration (a
    decoded page that still says ``encoding="iso-8859-1"`` would be decoded again by lxml)."""
    bom = next(((mark, enc) for mark, enc in _BOMS if raw.startswith(mark)), None)
    text = wide(raw[len(bom[0]) :], bom[1], "replace") if bom else _decode(raw, declared(raw))
    return _XML_DECLARATION.sub("", text, count=1)


def wide(raw: bytes, encoding: str, errors: str = "strict") -> str:
    """``raw`` decoded as UTF-16 or UTF-32 (``encoding``) without the stray bytes at its end that make
    no whole code unit: a tool that appends a newline or a NUL byte to a UTF-16 file (``echo >>``, a C
    string's terminator) left it refused whole, as binary, for one byte that holds no character."""
    unit = 4 if "32" in encoding else 2
    return raw[: len(raw) - len(raw) % unit].decode(encoding, errors)


def without_bom(raw: bytes) -> str | None:
    """``raw`` as text when it is UTF-16 or UTF-32 without a byte order mark, else None."""
    return utf16_without_bom(raw) or utf32_without_bom(raw)


def utf16_without_bom(raw: bytes) -> str | None:
    """``raw`` as text when it is UTF-16 without a byte order mark, else None. Such a file (saved by a
    tool that writes no mark, or with its mark cut off) is valid UTF-8 when its letters are ASCII, with
    a NUL beside each: read so, a page lost every other letter ("São Tomé" became "So Tom"), a .txt
    was "binary". Recognised by the pattern encoding detectors look for: in the first 1,024 bytes at
    least half the 2-byte units are a letter and a NUL (NUL second: little-endian; first: big-endian)
    and none is two NULs (UTF-32, or binary); then the whole file must decode (a stray last byte
    aside, see ``wide``), to no NUL character."""
    sample = raw[: min(len(raw), SNIFF) & ~1]
    units = len(sample) // 2
    if units < 2:
        return None
    for encoding, letters, zeros in (("utf-16-le", sample[0::2], sample[1::2]),
                                     ("utf-16-be", sample[1::2], sample[0::2])):  # fmt: skip
        units_seen = list(zip(letters, zeros, strict=True))
        if any(unit == (0, 0) for unit in units_seen):
            return None
        if 2 * sum(1 for letter, zero in units_seen if zero == 0) < units:
            continue
        return _whole(raw, encoding)
    return None


def utf32_without_bom(raw: bytes) -> str | None:
    """``raw`` as text when it is UTF-32 without a byte order mark, else None: in the first 1,024
    bytes every 4-byte unit is a code point (its top byte NUL, the next at most 0x10), none is NUL, and
    at least half are a letter with three NULs (its side says LE or BE); then the whole file must
    decode (stray last bytes aside), to no NUL character. UTF-16 and UTF-8 text never fit: their units
    would be code points past U+10FFFF or NUL characters."""
    sample = raw[: min(len(raw), SNIFF) & ~3]
    units = [sample[i : i + 4] for i in range(0, len(sample), 4)]
    if len(units) < 2:
        return None
    for encoding in ("utf-32-le", "utf-32-be"):
        points = [unit if encoding == "utf-32-be" else unit[::-1] for unit in units]  # big-endian
        if any(p[0] != 0 or p[1] > 0x10 or p == b"\0\0\0\0" for p in points):
            continue
        if 2 * sum(1 for p in points if p[:3] == b"\0\0\0") >= len(points):
            return _whole(raw, encoding)
    return None


def _whole(raw: bytes, encoding: str) -> str | None:
    try:
        text = wide(raw, encoding)
    except UnicodeDecodeError:  # a lone surrogate, a code point out of range: not that encoding after all
        return None
    return None if "\x00" in text else text


def _decode(raw: bytes, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):  # LookupError: a codec that is no text encoding (hex)
            pass  # declared wrong (a page re-saved as another encoding): what the bytes are, below
    unmarked = without_bom(raw)  # before UTF-8, which its ASCII letters and NULs also are
    if unmarked is not None:
        return unmarked
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # A UTF-8 page with a stray byte (a pasted Latin-1 "é") keeps its UTF-8 letters, the stray byte
    # U+FFFD, as in a browser; bytes with no UTF-8 sequence at all are a legacy page.
    text = raw.decode("utf-8", "replace")
    if any(ord(c) > 127 and c != "\ufffd" for c in text):
        return text
    return raw.decode(FALLBACK, "replace")  # the 5 bytes Windows-1252 leaves undefined: U+FFFD
