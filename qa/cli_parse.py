"""Reading the command line: argparse's own printing and its "unrecognized arguments", made the CLI's.

``qa --version``, ``qa --help`` and ``qa ask --help`` are printed by argparse, which drops a failing write
(``> /dev/full``: nothing said, exit 0, the text lost). Taken from it here and printed as every result
is (``printable.emit``): a failing standard output is exit 6, a closed one exit 2, as for ``qa ask``.
``--k=3`` for ``-k 3`` was "unrecognized arguments: --k=3"; the short option meant is named (section 166).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
from collections.abc import Sequence

from .cli_misplaced import subcommands
from .errors import InputError
from .printable import emit


def parse(
    parser: argparse.ArgumentParser, argv: Sequence[str] | None, closed_stdout: bool
) -> argparse.Namespace | None:
    """``argv`` parsed as ``parser.parse_args`` would; None when argparse printed what was asked (help,
    version) and printed it through :func:`emit` (an error there raises: exit 6, or 2 when closed)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    asked = io.StringIO()
    try:
        with contextlib.redirect_stdout(asked):
            args, unknown = parser.parse_known_args(argv)
    except SystemExit as exc:
        if exc.code != 0 or not asked.getvalue():  # argparse's errors go to standard error: as they were
            raise
        _print_asked(asked.getvalue(), closed_stdout)
        return None
    if unknown:
        _refuse_unknown(parser, args.command, unknown, argv)
    return args


def _print_asked(text: str, closed_stdout: bool) -> None:
    what = "help" if text.startswith("usage:") else "version"
    if closed_stdout:
        raise InputError(
            f"standard output is closed: qa prints the {what} asked for there",
            f"send it to a file instead: > qa-{what}.txt",
        )
    emit(text.removesuffix("\n"))


def _refuse_unknown(
    parser: argparse.ArgumentParser, command: str, unknown: list[str], argv: list[str]
) -> None:
    """argparse's "unrecognized arguments: …" (exit 2), naming the short option meant by ``--k=3`` or
    ``--k 3`` when the command has it (``-k``): a one-letter option written long, nothing guessed beyond."""
    said = f"unrecognized arguments: {' '.join(unknown)}"
    sub = subcommands(parser).get(command)
    for arg in unknown:
        name, equals, value = arg.partition("=")
        short = name[1:]
        if (
            sub is None
            or len(name) != 3
            or not name.startswith("--")
            or short not in sub._option_string_actions
        ):
            continue
        if not equals:
            after = argv[argv.index(arg) + 1 : argv.index(arg) + 2]
            value = after[0] if after and not after[0].startswith("--") else ""
        meant = f"{short} {shlex.quote(value)}" if value else short
        sub.error(f"{said} (did you mean {meant}?)")
    parser.error(said)
