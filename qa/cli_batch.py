"""``qa batch``: a file of questions answered into an output (``qa.batch`` does the work), and what the
command says on the terminal around it: the warnings, the summary, the first error, an interrupted run's
state, an input that asked nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli_once import document_asked
from .cli_settings import settings_from
from .printable import for_terminal
from .question_text import shortened


def cmd_batch(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .batch import count_questions, format_summary, read_questions, run_batch
    from .batch.destination import check_place
    from .batch.report import file_state, format_interrupted
    from .batch.scope import Scope
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
    doc: list[str | None] = [None]  # the id of the document --doc names, once the index is open

    def prepare() -> None:
        # Once the input and output are known good, so a refused output costs no model load or index
        # build; and before anything is written, so a missing corpus (or an unknown --doc) leaves no
        # half-made output.
        loaded.append(Assistant(settings))
        doc[0] = document_asked(args.doc, loaded[0].document_id)

    def answer(questions: list[str]) -> list[dict]:
        return [r.to_dict() for r in loaded[0].ask_many(questions, k=args.k, doc=doc[0])]

    def scope() -> Scope:  # what each record carries: a resume under another --doc is refused by it
        return Scope(corpus_key(loaded[0].index.manifest), doc[0], loaded[0].rows)

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
            corpus_key=scope,
            warn=warn,
            is_cut=lambda question: loaded[0].is_cut(question),  # older .md sections
        )
    except (KeyboardInterrupt, SystemExit):  # Ctrl-C; SIGTERM / SIGHUP unwind as SystemExit (termination)
        print(for_terminal(format_interrupted(args.output, before, total)), file=sys.stderr)
        raise
    print(for_terminal(format_summary(summary)), file=sys.stderr)
    if summary.first_error:  # "5 errors" alone sent the user into the file to learn why (a Latin-1 line?)
        said = shortened(summary.first_error, 301)  # 300 and an ellipsis, cut between two characters
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
