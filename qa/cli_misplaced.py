"""An option typed before the command (``qa --index idx ask …``, as git takes ``-C``), named as such.

argparse read the option's value as the command ("invalid choice: 'idx'"), or, a value named like a
command (``--index index``), ran that command's parser on to "unrecognized arguments". Apart from
``qa.cli_args`` (the grammar itself) so each file has one job.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence


def subcommands(parser: argparse.ArgumentParser) -> Mapping[str, argparse.ArgumentParser]:
    """Each command's parser by name (``qa ask`` …): argparse keeps them in its subparsers action."""
    return next((a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)), {})


def refuse_misplaced(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> None:
    """A first argument that is an option of a command is named, with the command it goes after (exit 2):
    the command typed later, skipping the option's value, when it takes the option; when it does not, or
    none is typed, the commands that take it are named.
    ``-h``, ``--version`` and an option no command has are argparse's, as before."""
    argv = sys.argv[1:] if argv is None else list(argv)
    commands = subcommands(parser)
    option, attached = _option_typed(argv[0], commands) if argv and argv[0].startswith("-") else ("", True)
    takes = [name for name, p in commands.items() if option in p._option_string_actions]
    if option in ("", "-h", "--help") or not takes:
        return
    valued = not attached and commands[takes[0]]._option_string_actions[option].nargs != 0
    typed = next((a for a in argv[1 + valued :] if a in commands), None)
    if typed is not None and typed not in takes:  # "qa index --force" for "qa --force ask x" misled
        parser.error(f"qa {typed} has no {option} option; {_listed(takes)} take{'s' * (len(takes) == 1)} it")
    said = f"{option} goes after the command's name, as every option does: qa {typed or takes[0]} {option} …"
    parser.error(said if typed or len(takes) == 1 else f"{said} ({_listed(takes)} take it)")


def _listed(names: Sequence[str]) -> str:
    """``qa index and qa batch``: the commands an option belongs to, in the parser's order."""
    said = [f"qa {n}" for n in names]
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"


def _option_typed(arg: str, commands: Mapping[str, argparse.ArgumentParser]) -> tuple[str, bool]:
    """The option ``arg`` is as a command's parser reads it, and whether its value is in ``arg``: as
    written, ``--index=DIR``, ``-k3`` (a one-letter option and its value), or an abbreviation one option
    alone starts with (``--ind``, which argparse takes for ``--index``); ("", True) for none."""
    options = {o for p in commands.values() for o in p._option_string_actions}
    name, equals, _ = arg.partition("=")
    if name in options:
        return name, bool(equals)
    if not arg.startswith("--") and arg[:2] in options:
        return arg[:2], True
    starting = (
        {o for o in options if o.startswith("--") and o.startswith(name)} if arg.startswith("--") else set()
    )
    return (starting.pop(), bool(equals)) if len(starting) == 1 else ("", True)
