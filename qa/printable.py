"""What the CLI prints, and how: text from documents and question files made safe for a terminal,
written so that a failing standard output is one error, and the answer laid out for a person.

A corpus document (a web page saved as text) or a question file can hold control characters: ESC
sequences that clear the screen, retitle the window or rewrite what was printed, a carriage return
that hides the start of a line. The CLI prints every such text through these functions; the JSON it
prints stays JSON with the same content.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from typing import TYPE_CHECKING

from .errors import OutputError

if TYPE_CHECKING:
    from .answer import Result

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all C0 but tab and newline, DEL, all C1
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # every control, tab and newline too
_JSON_RAW = re.compile(r"[\x7f-\x9f]")  # the controls json.dumps leaves raw (it escapes the C0 ones)
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as os.fsdecode gives it
_REPR_BYTE = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")  # repr of such a byte


def for_terminal(text: str) -> str:
    """``text`` with each control character shown as ``\\xNN`` (tab and newline kept)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown_path(text: str) -> str:
    """``text`` (a path, or a line naming one) with each byte of a name that is not UTF-8 shown as ``\\xNN``:
    the one way the CLI shows such a path. Standard error showed ``idx\\udcff`` and standard output the
    raw byte (``idx`` and U+FFFD on a terminal) in two lines of one ``qa index``."""
    return _ESCAPED_BYTE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)


def quoted_path(text: str) -> str:
    """``repr(text)`` (a name a message quotes), each byte that is not UTF-8 as ``\\xNN`` as
    :func:`shown_path` shows it, not repr's ``\\udcNN`` (``--doc $'x\\xff.md'``, reliability 153)."""
    return _REPR_BYTE.sub(lambda m: f"{m.group(1)}\\x{m.group(2)}", repr(text))


def shown_name(name: str) -> str:
    """A document's name (or a label holding it) for a line a person reads: quoted as :func:`quoted_path`
    quotes it when it holds a newline, a tab or another control character, which split the source line
    or pass for its spacing, or white space at an end, which passed for the line's (a name typed from
    it missed the document: the rule of a folder's name, ``config``); as it is otherwise. JSON keeps the
    exact name (section 166)."""
    return quoted_path(name) if _CONTROL_OR_BREAK.search(name) or name != name.strip() else name


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


def emit(text: str, is_json: bool = False) -> None:
    """Print ``text`` on stdout, flushed, so a full disk or a failing device is an ``OutputError`` here
    (exit 6, one line) rather than a traceback, or an "Exception ignored" when Python exits.

    Control characters from documents or questions are printed as escapes (above), and so is any
    character the terminal's encoding cannot take (a Latin-1 locale, a strict UTF-8 one facing a file name
    that is not UTF-8): a UnicodeEncodeError traceback before, after the work was done.
    """
    out = json_for_terminal(text) if is_json else shown_path(for_terminal(text))
    out = encodable(out, getattr(sys.stdout, "encoding", None), getattr(sys.stdout, "errors", None), is_json)
    try:
        print(out)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        discard_stdout()
        raise OutputError(f"cannot write to standard output ({exc.strerror or exc})") from None


def emit_json(value: object, indent: int | None = 2) -> None:
    """``value`` as JSON (UTF-8 text as it is, controls escaped, paths as :func:`json_paths` writes them)
    through :func:`emit`."""
    emit(json.dumps(json_paths(value), ensure_ascii=False, indent=indent), is_json=True)


def json_paths(value: object) -> object:
    """``value`` with each byte of a name that is not UTF-8 written ``\\xNN`` as :func:`shown_path` shows it,
    and, for a string field holding one, its exact bytes in hex beside it (``index_dir_bytes_hex``).

    Such a byte was written raw (invalid UTF-8, which a strict parser refuses) or, on a strict stream, as
    a ``\\udcff`` escape (a lone surrogate, which no file name holds): never the name the user typed. The
    shown form is what every other line of the CLI says; the hex gives a program the path to open."""
    if isinstance(value, str):
        return shown_path(value)
    if isinstance(value, (list, tuple)):
        return [json_paths(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict = {}
    for key, item in value.items():
        shown = json_paths(key)
        out[shown] = json_paths(item)
        if isinstance(item, str) and _ESCAPED_BYTE.search(item):
            with contextlib.suppress(UnicodeEncodeError):  # another lone surrogate: no bytes to give
                out[f"{shown}_bytes_hex"] = item.encode("utf-8", "surrogateescape").hex()
    return out


def plug_closed_streams() -> bool:
    """Give a closed standard stream (``2>&-``, a daemon started without them) the null device; True when
    standard output was closed.

    Python sets a closed stream to None, and then ``print(..., file=sys.stderr)`` writes to stdout (the
    log lines inside ``qa ask --json``'s one JSON object), and a build's ``sys.stderr.isatty()`` raised
    AttributeError (exit 1, the traceback nowhere). Its descriptor was also the next file opened: what
    a library writes to descriptor 2 would have gone into the answers file.
    """
    closed_stdout = sys.stdout is None
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the life of the process
    return closed_stdout


def discard_stdout() -> None:
    """Point stdout at the null device, so the text still buffered is not flushed (and failing) at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def format_result(result: Result) -> str:
    """The human-readable answer: the passage, its source and scores, then the runners-up."""
    lines = []
    if result.notice:
        lines.append(f"note: {result.notice}")
    if result.answer is None:
        lines.append(result.message)
        if result.passages:
            lines.append(f"(confidence {result.confidence:.2f}; nearest passages, for the curious:)")
    else:
        a = result.answer
        lines += [
            a.text,
            f"  — {shown_name(a.location_label)}  [{shown_name(a.chunk_id)}]  score {a.score:.3f}"
            f"  confidence {result.confidence:.2f}  ({a.matched_by})",
        ]
        if len(result.passages) > 1:
            lines.append("\nother passages:")
    for p in result.passages[0 if result.answer is None else 1 :]:
        where = f"{shown_name(p.location_label)}  [{shown_name(p.chunk_id)}]"
        lines.append(f"{p.rank}. {p.text}\n   — {where}  score {p.score:.3f}  ({p.matched_by})")
    return "\n".join(lines)
