"""The command line's grammar: subcommands, options and their checks (``qa --help``).

Apart from the handlers in ``qa.commands`` so each file has one job; nothing here loads numpy, the model or
the index, so ``qa --help`` stays instant. Values that can be checked without work (k, chunk size) are
checked here, before any file is read or model loaded.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from . import __version__
from .assistant import DEFAULT_K, MAX_K
from .cli_once import Once, OnceDocument, OncePath, OnceStore
from .config import DEFAULT_MODEL, ENCODERS, WHOLE_NUMBER
from .question_text import ECHO_CHARS, shortened

EXAMPLE = "apakah asisten menteri bisa memutuskan kebijakan?"


def _common() -> argparse.ArgumentParser:
    """Options every subcommand accepts, so one installation serves several corpora."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group(
        "corpus and index",
        # QA_INDEX= (an env file's blank line, "$BASE" unset) is the default folder, where --index "" is
        # refused: said here, so a user who meant to clear a setting knows it fell back to the default
        "Each option may be set by its QA_* variable instead; an option wins over its variable, and a "
        "variable set to nothing (QA_INDEX=) counts as unset: the default applies.",
    )
    g.add_argument(
        "--corpus",
        action=OncePath,
        metavar="DIR",
        type=_named,
        help="folder of documents: .txt .md .markdown .pdf .docx .html .htm (env QA_CORPUS; default corpus/)",
    )
    g.add_argument(
        "--index",
        action=OncePath,
        metavar="DIR",
        type=_named,
        help="index folder (env QA_INDEX; default index/)",
    )
    g.add_argument(
        "--store",
        action=OnceStore,
        metavar="STORE",
        type=_named,  # --store "$STORE" with STORE unset built a local index where Milvus was meant
        help="where the index lives: local (default), milvus:PATH.db (Milvus Lite) or "
        "milvus://HOST:PORT[/NAME] or milvus:http://HOST:PORT[/NAME] (a Milvus server; credentials from "
        "MILVUS_TOKEN, or MILVUS_USER and "
        "MILVUS_PASSWORD) (env QA_STORE)",
    )
    g.add_argument(
        "--encoder", action=Once, choices=ENCODERS, help="embedding runtime (env QA_ENCODER; default auto)"
    )
    g.add_argument(  # --model "$MODEL" unset: "cannot load … model '': 'NoneType' object has no attribute …"
        "--model",
        action=OncePath,
        type=_named,
        help=f"sentence-transformers model id or path (env QA_MODEL; default {DEFAULT_MODEL})",
    )
    g.add_argument(
        "--query-prefix",
        action=Once,
        help="text put before questions (env QA_QUERY_PREFIX; default 'query: ')",
    )
    g.add_argument(
        "--passage-prefix",
        action=Once,
        help="text put before passages (env QA_PASSAGE_PREFIX; default 'passage: ')",
    )
    g.add_argument(
        "--window",
        action=Once,
        type=_window,
        help="neighbour sentences on each side indexed with a sentence, 0-10 (env QA_WINDOW; default 1)",
    )
    return p


def _named(text: str) -> str:
    """A file or folder argument (a store, a model): an empty one is refused. ``Path("")`` is ``.``, the
    working folder, so ``qa index --index "$DIR"`` with ``DIR`` unset built the index into whatever folder
    the shell was in."""
    if not text:
        raise argparse.ArgumentTypeError("is empty (an unset shell variable?)")
    return text


def _named_path(text: str) -> Path:
    return Path(_named(text))


def _output_path(text: str) -> Path:
    """``-o``: a name ending in a slash is a folder, made or not (``Path`` drops the slash, and a folder
    not made yet was "unsupported output type '(no extension)'")."""
    if text.endswith(("/", os.sep)):
        named = f"{text} names a folder; the answers go to a file: -o {text}answers.jsonl"
        raise argparse.ArgumentTypeError(named)
    return _named_path(text)


def _window(text: str) -> int:
    """``--window``: a whole number, its range checked with QA_WINDOW's (:mod:`qa.config`). argparse's own
    ``int`` echoed a 5,000-character value whole ("invalid int value: 'x999…'")."""
    try:
        return int(text)
    except ValueError:
        echo = shortened(text, ECHO_CHARS)
        if WHOLE_NUMBER.fullmatch(text):  # over int()'s 4,300 digits
            raise argparse.ArgumentTypeError(f"must be between 0 and 10, got {echo}") from None
        raise argparse.ArgumentTypeError(f"must be a whole number, got {echo!r}") from None


def _k(text: str) -> int:
    """``-k``: checked here, before any file is read or model loaded."""
    try:
        k = int(text)
    except ValueError:
        said = f"must be a whole number from 1 to {MAX_K}, got {shortened(text, ECHO_CHARS)!r}"
        raise argparse.ArgumentTypeError(said) from None
    if not 1 <= k <= MAX_K:
        said = f"must be between 1 and {MAX_K}, got {shortened(str(k), ECHO_CHARS)}"
        raise argparse.ArgumentTypeError(said)
    return k


# A chunk's answers are held until written (about 100 KB a question: 3,000 at once took 300 MB more than
# 32 did), and an interrupted run loses the chunk in flight: --chunk-size 1000000 on a large file grew
# until the system killed it, nothing written. The runner flushes every 1,024 rows at most as well.
MAX_CHUNK_SIZE = 1024


def _chunk_size(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if not 1 <= n <= MAX_CHUNK_SIZE:
        said = f"must be a whole number from 1 to {MAX_CHUNK_SIZE}, got {shortened(text, ECHO_CHARS)!r}"
        raise argparse.ArgumentTypeError(said)
    return n


def _add_k(p: argparse.ArgumentParser, what: str) -> None:
    """The ``-k`` of ask, batch and eval: one definition, so its range and default are said alike."""
    said = f"{what} (1-{MAX_K}, default {DEFAULT_K})"
    p.add_argument("-k", action=Once, type=_k, default=DEFAULT_K, help=said)


def _add_doc(p: argparse.ArgumentParser, said: str) -> None:
    """The ``--doc`` of ask, batch and eval: one document of the corpus, named as ``qa ask`` names it."""
    p.add_argument("--doc", action=OnceDocument, metavar="NAME", help=said)


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Ask questions about Indonesian documents; answers are passages from them.",
        epilog=f'example: qa ask "{EXAMPLE}"',
    )
    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)  # main() dispatches

    p = sub.add_parser("index", parents=[common], help="build or refresh the index")
    p.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")

    p = sub.add_parser("ask", parents=[common], help="answer one question")
    p.add_argument("question", nargs="+", help="the question (quote it)")
    _add_k(p, "how many passages to return")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    _add_doc(p, "answer from this document only (its name or its path)")

    p = sub.add_parser("batch", parents=[common], help="answer a whole file of questions")
    p.add_argument(
        "input",
        type=_named,
        help="questions: .txt (one per line), .csv/.tsv (a question column), .jsonl, or - for stdin",
    )
    p.add_argument(
        "-o",
        "--output",
        action=OncePath,
        required=True,
        type=_output_path,
        help="answers: .jsonl, .csv or .md",
    )
    _add_k(p, "passages per question")
    p.add_argument("--resume", action="store_true", help="continue an interrupted output file")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument(
        "--chunk-size",
        action=Once,
        type=_chunk_size,
        default=32,
        help=f"questions encoded and written together, 1-{MAX_CHUNK_SIZE} (default 32)",
    )
    _add_doc(p, "ask every question of this document only (its name or its path); --resume takes the same")

    p = sub.add_parser(
        "eval", parents=[common], help="measure answers, abstentions, AUROC and latency by kind of question"
    )
    p.add_argument("labelled", type=_named, help="JSONL of {question, expected: [phrases]}")
    p.add_argument(
        "--offtopic",
        action=OncePath,
        type=_named,
        help="JSONL of {question} off the documents' topic (should abstain)",
    )
    p.add_argument(
        "--unanswerable",
        action=OncePath,
        type=_named,
        help="JSONL of {question} on the topic that the documents never answer (should abstain)",
    )
    p.add_argument(
        "--content-free",
        action=OncePath,
        type=_named,
        help='JSONL of {question} with no content ("-", "apa itu?"): never answered',
    )
    _add_k(p, "passages per question")
    p.add_argument("--worst", action=Once, type=int, default=5, help="worst cases shown per kind (default 5)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_doc(p, "ask every question of this document only (its name or its path)")

    p = sub.add_parser(
        "calibrate", parents=[common], help="choose this index's abstention threshold from labelled data"
    )
    p.add_argument("labelled", type=_named, help="JSONL of answerable questions {question, expected}")
    p.add_argument(
        "--offtopic",
        action=OncePath,
        required=True,
        type=_named,
        help="JSONL of questions the documents do not answer",
    )

    p = sub.add_parser("info", parents=[common], help="show what the index holds and how it was built")

    p = sub.add_parser("serve", parents=[common], help="start the web UI (GRADIO_SERVER_NAME/PORT apply)")

    return parser
