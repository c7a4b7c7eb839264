"""Text from documents and question files made safe to print on a terminal.

A corpus document (a web page saved as text) or a question file can hold control characters: ESC
sequences that clear the screen, retitle the window or rewrite what was printed, a carriage return
that hides the start of a line. The CLI prints every such text through these functions; the JSON it
prints stays JSON with the same content.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all C0 but tab and newline, DEL, all C1
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # the controls json.dumps leaves raw (it escapes the C0 ones)


def for_terminal(text: str) -> str:
    """``text`` with each control character shown as ``\\xNN`` (tab and newline kept)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def json_for_terminal(text: str) -> str:
    """JSON text with DEL and the C1 controls written as ``\\u00NN`` escapes: the same JSON value."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def encodable(text: str, encoding: str | None, errors: str | None = "strict", is_json: bool = False) -> str:
    """``text`` as a stream of ``encoding`` can take it: each character it cannot (an em dash on a Latin-1
    or ASCII terminal, a lone surrogate from a file name that is not UTF-8 under a strict UTF-8 locale)
    written as an escape. In JSON that is ``\\uXXXX`` (a pair beyond the BMP): the same JSON value."""
    try:
        text.encode(encoding or "utf-8", errors or "strict")
        return text
    except (UnicodeEncodeError, LookupError):
        pass

    def fits(ch: str) -> bool:
        try:
            ch.encode(encoding or "utf-8", "strict")
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def escape(ch: str) -> str:
        code = ord(ch)
        if not is_json:
            return ch.encode("ascii", "backslashreplace").decode("ascii")  # \xNN, \uNNNN or \UNNNNNNNN
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return "".join(ch if ch.isascii() or fits(ch) else escape(ch) for ch in text)
