"""What the web edge accepts, checked once before any work: k, the question, the upload, the address.

The web app is shared by strangers, so every value from a request is checked here before it reaches the
model: a wrong type, an absurd number (``Infinity``, ``1e400``, ``NaN``) or an over-long question
becomes one clear :class:`~qa.errors.InputError` (shown as a ``gr.Error``), never an ``OverflowError``
or a minute of tokenising while other visitors wait. (A body of megabytes is refused even earlier, by
:mod:`qa.ui.bodylimit`, before it is read.)
"""

from __future__ import annotations

import dataclasses
import errno
import html
import math
import os
import socket
from collections.abc import Mapping
from pathlib import Path

from ..assistant import DEFAULT_K, MAX_K, clean_question
from ..batch import MAX_QUESTION_CHARS, Record, RowError, TooLong, counted_row, read_questions
from ..errors import InputError, QAError
from ..question import analyze
from ..question_text import chars, code_point_cap, over_limit, shortened

__all__ = ["DEFAULT_K", "MAX_K", "MAX_QUESTION_CHARS"]

# Two named caps on a question's characters, both applied before any tokenising:
# - qa.batch.MAX_QUESTION_CHARS (2,000): the core's cap for `qa batch` rows (the CLI's own user, own CPU);
# - MAX_WEB_QUESTION_CHARS (500): stricter, for everything a stranger sends the shared web app (/ask, the
#   Tanya box, each row of a web upload). 500 characters is a long paragraph and fits the model's window
#   (512 tokens) whole; it also bounds one step of batch work, which is what a visitor may wait for
#   (qa.ui.scheduler), so a file of longer questions belongs to the CLI. Bodies above 64 KB never get
#   this far (qa.ui.bodylimit).
MAX_WEB_QUESTION_CHARS = 500
# The Tanya box's own bound (the browser's maxlength) is looser than the cap: at exactly the cap, a pasted
# message over 500 characters was cut there by the browser, silently, and the cut text asked (its question,
# at the end, lost: "Dokumen tidak menyebut … panjan."). Now it reaches check_question and is refused with
# its length; a longer paste is cut at this bound, so a question that fills the box is refused as "at
# least" its length (section 81: "2.000 karakter" was said of a 70,000-character paste). 2,000 UTF-16
# units are at most 12 KB of JSON (\u escapes), far under qa.ui.bodylimit's 64 KB.
PAGE_QUESTION_CHARS = 4 * MAX_WEB_QUESTION_CHARS
MAX_FILE_SIZE, MAX_FILE_BYTES = "5mb", 5 * 1024 * 1024  # the server refuses bigger uploads; we check too
# Work per upload is bounded by count and by characters (the model's cost grows with length), so one
# upload holds the shared model for a few minutes at most.
MAX_BATCH_QUESTIONS = 2000
MAX_BATCH_CHARS = 200_000


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def quoted(value: object, limit: int = 20) -> str:
    """``value`` quoted for a message, cut to ``limit`` code points with an ellipsis (between two
    characters): a cut number must not read as another number (``10**30`` was quoted as
    ``'10000000000000000000'``, 10**19)."""
    return repr(shortened(str(value), limit))


def parse_k(value: object) -> int:
    """``k`` from a slider or a raw API call: a whole number in 1..MAX_K, else one clear InputError."""
    wrong = InputError(f"k harus bilangan bulat antara 1 dan {MAX_K}, bukan {quoted(value)}")
    if isinstance(value, bool):
        raise wrong
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise wrong from None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    else:
        raise wrong  # None, NaN, ±Infinity (1e400 parses as Infinity), 2.5, lists, objects...
    if not 1 <= number <= MAX_K:
        raise wrong
    return number


def check_question(question: object, empty: str = "Pertanyaan kosong.") -> str:
    """The question as text, refused when empty (with the ``empty`` hint), not text, or longer than
    MAX_WEB_QUESTION_CHARS (counted before anything else touches it, as the visitor counts: ``chars``)."""
    if question is None:
        question = ""
    if not isinstance(question, str):
        raise InputError("Pertanyaan harus berupa teks.")
    if over_cap(question):
        raise too_long(question)
    if is_blank(question):
        raise InputError(empty)
    return question


def over_cap(question: str, limit: int = MAX_WEB_QUESTION_CHARS) -> bool:
    """Over the web's question limit (``qa.question_text.over_limit``: characters, and code points)."""
    return over_limit(question, limit)


def too_long(question: str, box: int | None = None) -> InputError:
    """The refusal of an over-long question, its length counted in characters as the visitor counts them
    (:func:`~qa.question_text.chars`: an emoji is one, a flag, a decomposed "é" too). ``box``: the page's
    box's bound, which the browser counts in UTF-16 units and cuts a paste at, silently; a question that
    leaves no room for one more character there may have been longer, so it is said to be "at least" its
    length. Under the cap in characters, it was over the work bound: said so, in code points."""
    count = chars(question)
    if count <= MAX_WEB_QUESTION_CHARS:
        cap = _number(code_point_cap(MAX_WEB_QUESTION_CHARS))
        return InputError(
            f"Pertanyaan terlalu panjang: {_number(count)} karakter, tetapi {_number(len(question))} titik "
            f"kode Unicode (tanda diakritik bertumpuk atau emoji gabungan); batasnya {cap} titik kode.",
            "Hapus tanda diakritik atau emoji yang berlebihan, atau persingkat pertanyaannya.",
        )
    said = _number(count)
    if box is not None and sum(2 if ord(c) > 0xFFFF else 1 for c in question) >= box - 1:
        said = f"setidaknya {said}"
    return InputError(
        f"Pertanyaan terlalu panjang ({said} karakter); batasnya {_number(MAX_WEB_QUESTION_CHARS)} karakter.",
        "Persingkat pertanyaannya.",
    )


def is_blank(question: str) -> bool:
    """Nothing to ask, as the core sees it: blanks, a dash, zero-width or bidi marks only. (The core
    refuses those too, in English and with the shipped corpus's example; the page names its own.)"""
    cleaned = clean_question(question)
    return not cleaned or analyze(cleaned).empty_like


def read_upload(src: Path) -> list[Record]:
    """Every record of the upload, the web's question cap applied; the work bounds checked as it is read
    (a 5 MB file of 1.7 million ``{}`` lines took 20 s of CPU to parse before the count refused it)."""
    records: list[Record] = []
    total = total_code_points = 0
    for r in read_questions(src):
        if r.error is None and (question := r.question) is not None:
            # counted once: the cap, a refused row's message, the total (a refused row was counted twice)
            size, refused = counted_row(question, MAX_WEB_QUESTION_CHARS)
            if refused is not None:
                r = _refused(r, refused)
            else:
                total += size
                total_code_points += len(question)
        elif r.too_long is not None:  # over the reader's own bounds, so over the page's: said at its cap,
            # from the reader's counts (section 129: its English sentence was parsed back)
            r = _refused(r, r.too_long.at(MAX_WEB_QUESTION_CHARS))
        records.append(r)
        if len(records) > MAX_BATCH_QUESTIONS:
            raise InputError(f"Berkas berisi lebih dari {MAX_BATCH_QUESTIONS} pertanyaan; batasnya "
                             f"{MAX_BATCH_QUESTIONS} sekali unggah.")  # fmt: skip
        if total > MAX_BATCH_CHARS or total_code_points > code_point_cap(MAX_BATCH_CHARS):
            over = (f"{_number(MAX_BATCH_CHARS)} karakter" if total > MAX_BATCH_CHARS
                    else f"{_number(code_point_cap(MAX_BATCH_CHARS))} titik kode Unicode")  # fmt: skip
            raise InputError(
                f"Pertanyaan di berkas ini berjumlah lebih dari {over}; batasnya {over} sekali unggah. "
                "Bagi berkasnya menjadi beberapa unggahan."
            )
    if not records:
        raise InputError(nothing_asked(src.suffix))
    return records


def _refused(r: Record, counts: TooLong) -> Record:
    """``r`` refused for its length at the page's cap: its error in words and as data, from one count."""
    why = RowError.length(counts)
    return dataclasses.replace(r, error=why.said(), why=why)


def nothing_asked(ext: str) -> str:
    """Why an upload holds no question, as ``qa batch`` warns (``cli_batch._nothing_asked``): "no question"
    alone did not tell a visitor who exported the wrong sheet, or the header only, that it was so."""
    said = "Berkas tidak berisi satu pun pertanyaan"
    if ext.lower() in (".csv", ".tsv"):
        return (f"{said}: paling banyak baris judulnya saja (lembar yang salah?). Unggah tabel dengan satu "
                "pertanyaan per baris di bawah judulnya.")  # fmt: skip
    if ext.lower() == ".jsonl":
        return f'{said}: kosong, atau hanya baris kosong. Tulis {{"question": "…"}}, satu per baris.'
    return f"{said}: kosong, atau hanya baris kosong dan baris berawalan #. Tulis satu pertanyaan per baris."


# ``errors.describe``'s "hint: " is the CLI's English; the page's pop-up (and /ask's message) is Indonesian
HINT = "Saran: "


def with_hint(exc: QAError, between: str = "\n") -> str:
    """An error's message and its hint, as the page and the API say them ("Saran: …")."""
    return f"{exc.message}{between}{HINT}{exc.hint}" if exc.hint else exc.message


def ui_error(exc: QAError, limit: int = 600) -> Exception:
    """A core error as a clear pop-up (message, then the hint as "Saran: …"), without a server-side traceback.

    The text is plain, as an API client (``gradio_client``, ``curl``) reads it; the page's pop-up escapes
    it (:func:`for_page`). It is cut to ``limit`` code points, between two characters (a message may quote
    an upload's header cells, and such a quote can be megabytes long)."""
    import gradio as gr

    text = with_hint(exc)
    text = shortened(text, limit)
    return gr.Error(text, title="Tidak bisa menjawab", print_exception=False)


def for_page(error: Exception) -> Exception:
    """``error`` as the page's pop-up shows it: Gradio's page renders an Error's message as HTML (sanitised:
    no script runs, but ``<img>`` or ``<b>`` in a quoted name become elements), so its text is escaped
    here, for the page's own events only; an API client of the same message reads it unescaped."""
    import gradio as gr

    if not isinstance(error, gr.Error):
        return error
    return gr.Error(
        html.escape(str(error.message), quote=False), duration=error.duration, visible=error.visible,
        title=error.title, print_exception=error.print_exception,
    )  # fmt: skip


def server_address(env: Mapping[str, str] | None = None) -> tuple[str, int]:
    """Host and port: loopback unless GRADIO_SERVER_NAME says otherwise or we run on a Space."""
    env = os.environ if env is None else env
    host = env.get("GRADIO_SERVER_NAME") or ("0.0.0.0" if env.get("SPACE_ID") else "127.0.0.1")
    raw = env.get("GRADIO_SERVER_PORT") or "7860"
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InputError(f"GRADIO_SERVER_PORT must be a port number (1-65535), got {raw[:20]!r}")
    return host, int(raw)


def port_in_use(host: str, port: int) -> InputError:
    return InputError(
        f"port {port} on {host} is already in use (another server is running there)",
        "stop the other server, or choose another port with GRADIO_SERVER_PORT",
    )


def check_port_free(host: str, port: int) -> None:
    """Fail before loading the model when the address is taken (Gradio's own message is a traceback)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is not "in use"
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise port_in_use(host, port) from None
            raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
