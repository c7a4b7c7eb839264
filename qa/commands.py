"""The ``qa`` commands: argparse with lazy imports, so ``qa --help`` answers at once.

Errors of the core (``QAError``) become one-line messages and exit codes here, never tracebacks. The
grammar is ``cli_args``; how results reach the terminal (escaped, flushed, a failing stdout one error)
is ``printable``; each command opens what it needs (``cli_settings``) and prints through it. The small
commands are here, ``qa batch`` is ``cli_batch``, ``qa eval`` and ``qa calibrate`` ``cli_measure``. The
console entry point is ``qa.cli.main``, which imports this module only once it can catch a Ctrl-C.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence

from .cli_args import EXAMPLE, build_parser
from .cli_batch import cmd_batch
from .cli_measure import cmd_calibrate, cmd_eval
from .cli_misplaced import refuse_misplaced
from .cli_once import one_document
from .cli_parse import parse
from .cli_settings import open_assistant, settings_from
from .diagnostics import quiet_on_failure
from .errors import QAError, describe
from .printable import discard_stdout, emit, emit_json, for_terminal, format_result, plug_closed_streams
from .termination import unwind_on_termination

_UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as argv gives it


def cmd_index(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    assistant = Assistant(settings_from(args), build="force" if args.force else "auto")
    info = assistant.info()
    where = info["index_dir"] or info["store"]
    created = info["build"].get("created", "at an unrecorded time")  # the manifest is not checksummed
    emit(
        f"index ready: {info['passages']} passages from {len(info['documents'])} document(s) "
        f"in {where} ({info['encoder']['runtime']}, built {created})"
    )
    return 0


def _refuse_undecodable(question: str) -> None:
    """Refuse a question holding nothing to ask but bytes that are not UTF-8 (``qa ask $'\\xff'``, a
    Latin-1 terminal's lone "é"): cleaning drops them, and "the question is empty" denied what was typed."""
    from .errors import InputError
    from .printable import quoted_path
    from .question import is_empty_like
    from .question_text import ECHO_CHARS, clean_question, shortened

    if not _UNDECODABLE.search(question) or not is_empty_like(clean_question(question)):
        return
    raise InputError(
        f"the question holds bytes that are not UTF-8 ({quoted_path(shortened(question, ECHO_CHARS))}) "
        "and nothing else to ask",
        "type it as UTF-8 text: the terminal or script sent another encoding (locale shows the terminal's)",
    )


def cmd_ask(args: argparse.Namespace) -> int:
    from .errors import InputError

    question = " ".join(args.question).strip()
    if args.question == ["-"]:  # was "the question is empty", the user's '-' nowhere in it
        raise InputError(
            "qa ask takes its question as words on the command line; '-' (standard input) is for qa batch",
            'qa ask "apa tugas asisten?"; questions from standard input: qa batch - -o answers.jsonl < FILE',
        )
    if not question:
        raise InputError("the question is empty", f'example: qa ask "{EXAMPLE}"')
    _refuse_undecodable(question)
    assistant = open_assistant(args)
    result = assistant.ask(question, k=args.k, doc=one_document(args.doc, assistant.document_id))
    if args.json:
        emit_json(result.to_dict(), indent=None)
    else:
        emit(format_result(result))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    emit_json(open_assistant(args, build="never", read_only=True).info())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .ui.start import check_server_env

    check_server_env()  # before Gradio is imported: it reads GRADIO_SERVER_PORT with int() then
    from .ui.serving import launch

    launch(settings_from(args))
    return 0


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "batch": cmd_batch,
    "eval": cmd_eval,
    "calibrate": cmd_calibrate,
    "info": cmd_info,
    "serve": cmd_serve,
}


PRINTED = ("ask", "eval", "info")  # commands whose result is what they print


def run(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` and run its command; the exit status (errors as one line on stderr)."""
    stderr = sys.stderr
    try:
        closed_stdout = plug_closed_streams()
        stderr = sys.stderr
        sys.stderr = quiet_on_failure(stderr)  # a message that cannot be written never stops the work
        parser = build_parser()
        refuse_misplaced(parser, argv)
        args = parse(parser, argv, closed_stdout)
        if args is None:  # qa --help, qa --version: printed
            return 0
        unwind_on_termination()
        if closed_stdout and args.command in PRINTED:
            from .errors import InputError

            raise InputError(
                f"standard output is closed: qa {args.command} prints its result there",
                "send it to a file instead: > result.txt (or > /dev/null to discard it)",
            )
        return COMMANDS[args.command](args)
    except QAError as exc:
        print(f"error: {for_terminal(describe(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. qa info | head -1: the reader has what it wanted
        discard_stdout()
        return 0
    finally:
        sys.stderr = stderr  # for a caller in the same process (the tests): its own stream back
