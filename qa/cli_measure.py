"""``qa eval`` and ``qa calibrate``: labelled question files asked of the assistant, to measure it or to
choose its abstention threshold, with a progress bar while they run."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator

from .cli_once import document_asked
from .cli_settings import open_assistant
from .printable import emit, emit_json, for_terminal


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
    doc = document_asked(args.doc, assistant.document_id)  # before the first question: exit 2, nothing asked
    with _progress("qa eval", len(labelled) + sum(len(items) for items in others.values() if items)) as asked:
        report = evaluate(assistant, labelled, k=args.k, worst=args.worst, asked=asked, doc=doc, **others)
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
