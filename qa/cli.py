"""The ``qa`` console entry point (``qa = "qa.cli:command"``), light on purpose.

The commands (``qa.commands``) import the grammar, the core's names and the printing helpers: a tenth
of a second in which a Ctrl-C used to print Python's ``KeyboardInterrupt`` traceback, since no handler
was running yet. Here only ``sys`` is imported before :func:`main` can catch it: the same quiet
``interrupted`` and exit 130 as later. The commands' names stay importable from here.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing itself is not imported either (mypy reads the names below)
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``qa ARGV``: the exit status (0 done, 2 bad input, … 130 interrupted: README's table).
    The caller's Ctrl-C stays the caller's: a program that runs ``main()`` and goes on keeps its handler."""
    try:
        from .commands import run
    except KeyboardInterrupt:  # while the commands are still being imported
        print("interrupted", file=sys.stderr)
        return 130
    return run(argv)


def command() -> int:
    """The process's own ``qa`` (the ``qa`` script, ``python -m qa``): :func:`main` on its command line,
    then nothing but the process's exit. Only here does a Ctrl-C pressed again while ``qa`` stops leave the
    stop to finish (:mod:`qa.termination`); judged by ``argv is None`` in ``main``, a program calling
    ``main()`` lost its next Ctrl-C and was ended by the one after, its own clean-up skipped."""
    from .termination import interrupt_once, leave_quietly

    interrupt_once()
    try:
        return main()
    finally:
        leave_quietly()


def __getattr__(name: str) -> Any:  # qa.cli.build_parser, COMMANDS, settings_from, … as before the split
    if name.startswith("__"):  # the import system asks for __path__ and such: never the commands for that
        raise AttributeError(name)
    from . import commands

    return getattr(commands, name)


if __name__ == "__main__":
    sys.exit(command())
