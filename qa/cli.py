"""The ``qa`` command line: argparse with lazy imports, so ``qa --help`` answers at once.

Errors of the core (``QAError``) become one-line messages and exit codes here, never tracebacks.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .assistant import DEFAULT_K, MAX_K
from .config import ENCODERS, Settings
from .errors import QAError, describe

EXAMPLE = "apakah asisten menteri bisa memutuskan kebijakan?"


def _common() -> argparse.ArgumentParser:
    """Options every subcommand accepts, so one installation serves several corpora."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("corpus and index")
    g.add_argument(
        "--corpus",
        metavar="DIR",
        help="folder of documents: .txt .md .pdf .docx .html (env QA_CORPUS; default corpus/)",
    )
    g.add_argument("--index", metavar="DIR", help="index folder (env QA_INDEX; default index/)")
    g.add_argument(
        "--store",
        metavar="STORE",
        help="where the index lives: local (default), milvus:PATH.db (Milvus Lite) or "
        "milvus://HOST:PORT[/NAME] (a Milvus server; credentials from MILVUS_TOKEN) (env QA_STORE)",
    )
    g.add_argument("--encoder", choices=ENCODERS, help="embedding runtime (env QA_ENCODER; default auto)")
    g.add_argument("--model", help="sentence-transformers model id or path (env QA_MODEL)")
    g.add_argument(
        "--query-prefix", help="text put before questions (env QA_QUERY_PREFIX; default 'query: ')"
    )
    g.add_argument("--passage-prefix", help="text put before passages (env QA_PASSAGE_PREFIX)")
    g.add_argument(
        "--window", type=int, help="neighbour sentences on each side indexed with a sentence (env QA_WINDOW)"
    )
    return p


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


def open_assistant(args: argparse.Namespace, build: str = "auto"):
    from .assistant import Assistant

    return Assistant(settings_from(args), build=build)


def cmd_index(args: argparse.Namespace) -> int:
    from .assistant import Assistant

    assistant = Assistant(settings_from(args), build="force" if args.force else "auto")
    info = assistant.info()
    where = info["index_dir"] if info["store"] == "local" else info["store"]
    print(
        f"index ready: {info['passages']} passages from {len(info['documents'])} document(s) "
        f"in {where} ({info['encoder']['runtime']}, built {info['build']['created']})"
    )
    return 0


def format_result(result, verbose: bool = False) -> str:
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
            f"  — {a.location_label}  [{a.chunk_id}]  score {a.score:.3f}  confidence {result.confidence:.2f}"
            f"  ({a.matched_by})",
        ]
        if len(result.passages) > 1:
            lines.append("\nother passages:")
    for p in result.passages[0 if result.answer is None else 1 :]:
        where = f"{p.location_label}  [{p.chunk_id}]"
        lines.append(f"{p.rank}. {p.text}\n   — {where}  score {p.score:.3f}  ({p.matched_by})")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from .errors import InputError

    question = " ".join(args.question).strip()
    if not question:
        raise InputError("the question is empty", f'example: qa ask "{EXAMPLE}"')
    result = open_assistant(args).ask(question, k=args.k, doc=args.doc)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        print(format_result(result))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    print(json.dumps(open_assistant(args, build="never").info(), ensure_ascii=False, indent=2))
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from .assistant import Assistant
    from .batch import count_questions, format_summary, read_questions, run_batch

    settings = settings_from(args)  # bad settings fail here (k and chunk size in argparse), before any work
    records = read_questions(args.input, warn=lambda note: print(f"warning: {note}", file=sys.stderr))
    loaded: list[Assistant] = []

    def prepare() -> None:
        # Once the input and output are known good, so a refused output costs no model load or index
        # build; and before anything is written, so a missing corpus leaves no half-made output.
        loaded.append(Assistant(settings))

    def answer(questions: list[str]) -> list[dict]:
        return [r.to_dict() for r in loaded[0].ask_many(questions, k=args.k)]

    summary = run_batch(
        records,
        answer,
        args.output,
        resume=args.resume,
        force=args.force,
        chunk_size=args.chunk_size,
        total=count_questions(args.input),
        k=args.k,
        source=args.input,
        prepare=prepare,
    )
    print(format_summary(summary), file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .evaluation import evaluate, format_report, read_jsonl

    if args.worst < 0:
        raise InputError(f"--worst must be 0 or more, got {args.worst}")
    labelled = read_jsonl(args.labelled, need_expected=True)
    others = {
        kind: read_jsonl(path, need_expected=False) if path else None
        for kind, path in (
            ("offtopic", args.offtopic),
            ("unanswerable", args.unanswerable),
            ("content_free", args.content_free),
        )
    }
    report = evaluate(open_assistant(args), labelled, k=args.k, worst=args.worst, **others)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration import save_threshold
    from .evaluation import calibrate, read_jsonl

    assistant = open_assistant(args)
    result = calibrate(
        assistant,
        read_jsonl(args.labelled, need_expected=True),
        read_jsonl(args.offtopic, need_expected=False),
    )
    path = save_threshold(result, assistant)
    print(json.dumps(result, indent=2))
    print(f"threshold {result['threshold']} saved to {path}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .ui.app import launch

    launch(settings_from(args))
    return 0


def _k(text: str) -> int:
    """``-k``: checked here, before any file is read or model loaded."""
    try:
        k = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_K}, got {text!r}") from None
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_K}, got {k}")
    return k


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Ask questions about Indonesian documents; answers are passages from them.",
        epilog=f'example: qa ask "{EXAMPLE}"',
    )
    parser.add_argument("--version", action="version", version=f"qa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("index", parents=[common], help="build or refresh the index")
    p.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("ask", parents=[common], help="answer one question")
    p.add_argument("question", nargs="+", help="the question (quote it)")
    p.add_argument(
        "-k", type=_k, default=DEFAULT_K, help=f"how many passages to return (default {DEFAULT_K})"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--doc", metavar="NAME", help="answer from this document only (its name in the corpus)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("batch", parents=[common], help="answer a whole file of questions")
    p.add_argument(
        "input", help="questions: .txt (one per line), .csv/.tsv (a question column), .jsonl, or - for stdin"
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="answers: .jsonl, .csv or .md")
    p.add_argument(
        "-k", type=_k, default=DEFAULT_K, help=f"passages per question (1-{MAX_K}, default {DEFAULT_K})"
    )
    p.add_argument("--resume", action="store_true", help="continue an interrupted output file")
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--chunk-size", type=_positive, default=32, help="questions encoded and written together")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser(
        "eval", parents=[common], help="measure answers, abstentions, AUROC and latency by kind of question"
    )
    p.add_argument("labelled", help="JSONL of {question, expected: [phrases]}")
    p.add_argument("--offtopic", help="JSONL of {question} off the documents' topic (should abstain)")
    p.add_argument(
        "--unanswerable",
        help="JSONL of {question} on the topic that the documents never answer (should abstain)",
    )
    p.add_argument(
        "--content-free", help='JSONL of {question} with no content ("-", "apa itu?"): never answered'
    )
    p.add_argument(
        "-k", type=_k, default=DEFAULT_K, help=f"passages per question (1-{MAX_K}, default {DEFAULT_K})"
    )
    p.add_argument("--worst", type=int, default=5, help="worst cases shown per kind (default 5)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser(
        "calibrate", parents=[common], help="choose this index's abstention threshold from labelled data"
    )
    p.add_argument("labelled", help="JSONL of answerable questions {question, expected}")
    p.add_argument("--offtopic", required=True, help="JSONL of questions the documents do not answer")
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser("info", parents=[common], help="show what the index holds and how it was built")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("serve", parents=[common], help="start the web UI (GRADIO_SERVER_NAME/PORT apply)")
    p.set_defaults(func=cmd_serve)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except QAError as exc:
        print(f"error: {describe(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
