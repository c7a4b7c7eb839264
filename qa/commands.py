"""The ``qa`` commands: argparse with lazy imports, so ``qa --help`` answers at once.

Errors of the core (``QAError``) become one-line messages and exit codes here, never tracebacks. The
grammar is ``cli_args``; how results reach the terminal (escaped, flushed, a failing stdout one error)
is ``printable``; each command here opens what it needs and prints through it. The console entry point
is ``qa.cli.main``, which imports this module only once it can catch a Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .cli_args import EXAMPLE, build_parser, refuse_misplaced
from .config import Settings
from .diagnostics import quiet_on_failure
from .errors import QAError, describe
from .printable import discard_stdout, emit, emit_json, for_terminal, format_result, plug_closed_streams
from .termination import unwind_on_termination


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        corpus_dir=args.corpus,
        index_dir=args.index,
        encoder=args.encoder,
        model=args.model,
        query_prefix=args.query_prefix,
        passage_prefix=args.passage_prefix,
        window=args.window,
        store=args.store,
    )


def open_assistant(args: argparse.Namespace, build: str = "auto", read_only: bool = False):
    from .assistant import Assistant

    return Assistant(settings_from(args), build=build, read_only=read_only)


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
    result = open_assistant(args).ask(question, k=args.k, doc=args.doc)
    if args.json:
        emit_json(result.to_dict(), indent=None)
    else:
        emit(format_result(result))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    emit_json(open_assistant(args, build="never", read_only=True).info())
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .batch import count_questions, format_summary, read_questions, run_batch
    from .batch.destination import check_place
    from .batch.report import file_state, format_interrupted
    from .batch.survey import MAX_INPUT_COLUMNS, input_columns
    from .manifest import corpus_key

    settings = settings_from(args)  # bad settings fail here (k and chunk size in argparse), before any work
    check_place(args.output, settings.corpus_dir, settings.index_dir)

    def warn(note: str) -> None:
        print(f"warning: {for_terminal(note)}", file=sys.stderr)

    if args.input == "-" and sys.stdin is not None and sys.stdin.isatty():  # else it looks hung
        print("reading questions from the terminal, one per line; end with Ctrl-D", file=sys.stderr)
    records = read_questions(args.input, warn=warn)
    columns = input_columns(args.input)
    if columns is not None and len(columns) > MAX_INPUT_COLUMNS and args.output.suffix.lower() == ".csv":
        warn(f"{args.input}: over {MAX_INPUT_COLUMNS} different input fields; the CSV has the first ones")
    loaded: list[Assistant] = []

    def prepare() -> None:
        # Once the input and output are known good, so a refused output costs no model load or index
        # build; and before anything is written, so a missing corpus leaves no half-made output.
        loaded.append(Assistant(settings))

    def answer(questions: list[str]) -> list[dict]:
        return [r.to_dict() for r in loaded[0].ask_many(questions, k=args.k)]

    total, before = count_questions(args.input), file_state(args.output)
    try:
        summary = run_batch(
            records,
            answer,
            args.output,
            resume=args.resume,
            force=args.force,
            chunk_size=args.chunk_size,
            total=total,
            columns=columns,
            k=args.k,
            source=args.input,
            prepare=prepare,
            corpus_key=lambda: corpus_key(loaded[0].index.manifest),
            warn=warn,
        )
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C; SIGTERM / SIGHUP unwind as SystemExit (termination)
        print(for_terminal(format_interrupted(args.output, before, total)), file=sys.stderr)
        raise
    print(for_terminal(format_summary(summary)), file=sys.stderr)
    if summary.first_error:  # "5 errors" alone sent the user into the file to learn why (a Latin-1 line?)
        said = summary.first_error if len(summary.first_error) <= 300 else summary.first_error[:300] + "…"
        first = f"first error: {said}; each error row of {summary.output} says why"  # a 1 MB field name: cut
        print(for_terminal(first), file=sys.stderr)
    if summary.total == 0:  # a header-only CSV (the wrong sheet exported), an empty .txt: said, exit 0
        warn(_nothing_asked(args.input))
    return 0


def _nothing_asked(source: str) -> str:
    """Why a batch asked nothing: the run did what it was told (exit 0, an empty output, as for any file
    processed), but "0 questions" alone did not tell a user who exported the wrong sheet that it was so."""
    if source == "-":
        return "standard input held no question: nothing was asked"
    kind = Path(source).suffix.lower()
    if kind in (".csv", ".tsv"):
        return f"{source} has no question rows, a header at most (the wrong sheet?): nothing was asked"
    lines = "blank or # lines" if kind == ".txt" else "blank lines"
    return f"{source} holds no question (it is empty, or {lines} only): nothing was asked"


def cmd_eval(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .evaluation import evaluate, format_report, read_jsonl
    from .labelled import refuse_one_file_in_two_roles

    if args.worst < 0:
        raise InputError(f"--worst must be 0 or more, got {args.worst}")
    # one file in two roles (``qa eval /dev/stdin --offtopic /dev/stdin < f``): each question scored as both
    kinds = [("FILE", args.labelled), ("--offtopic", args.offtopic), ("--unanswerable", args.unanswerable)]
    refuse_one_file_in_two_roles([*kinds, ("--content-free", args.content_free)])
    labelled = read_jsonl(args.labelled, need_expected=True)
    others = {
        kind: read_jsonl(path, need_expected=False, allow_empty=kind == "content_free") if path else None
        for kind, path in (
            ("offtopic", args.offtopic),
            ("unanswerable", args.unanswerable),
            ("content_free", args.content_free),
        )
    }
    assistant = open_assistant(args)
    with _progress("qa eval", len(labelled) + sum(len(items) for items in others.values() if items)) as asked:
        report = evaluate(assistant, labelled, k=args.k, worst=args.worst, asked=asked, **others)
    if args.json:
        emit_json(report)
    else:
        emit(format_report(report))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import save_threshold
    from .evaluation import calibrate, check_disjoint, read_jsonl

    # The files first: a bad line is refused before the model loads or an index is built.
    labelled = read_jsonl(args.labelled, need_expected=True)
    offtopic = read_jsonl(args.offtopic, need_expected=False)
    check_disjoint(labelled, offtopic)
    assistant = open_assistant(args)
    with _progress("qa calibrate", len(labelled) + len(offtopic)) as asked:
        result = calibrate(assistant, labelled, offtopic, asked=asked)
    path = save_threshold(result, assistant)
    # said before the report: a report that cannot be written (a full disk) exits 6, and the threshold,
    # saved and in use, went unmentioned
    print(for_terminal(f"threshold {result['threshold']} saved to {path}"), file=sys.stderr)
    emit_json(result)
    return 0


@contextlib.contextmanager
def _progress(desc: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr when it is a terminal (as ``qa batch`` and ``qa index`` draw): ``qa eval``
    and ``qa calibrate`` asked a set of thousands one by one for minutes without a sign of life."""
    from .batch.report import progress_bar

    bar = progress_bar(None, total, desc=desc)
    try:
        yield (lambda: bar.update()) if bar is not None else (lambda: None)
    finally:
        if bar is not None:
            bar.close()


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
        args = parser.parse_args(argv)
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
