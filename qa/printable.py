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
