"""An option typed before the command is named as misplaced (qa/cli_misplaced.py; sections 136 and 140),
in each way a command's parser would take it, and never on a command line argparse takes."""

from __future__ import annotations

import pytest

from qa.cli_args import build_parser
from qa.cli_misplaced import refuse_misplaced


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["-k3", "ask", "apa tugas asisten?"],
            "-k goes after the command's name, as every option does: qa ask -k",
        ),
        (
            ["-oout.jsonl", "batch", "soal.txt"],
            "-o goes after the command's name, as every option does: qa batch -o",
        ),
        (
            ["--ind", "idx", "ask", "apa?"],
            "--index goes after the command's name, as every option does: qa ask",
        ),
        (["--ind=idx", "ask", "apa?"], "--index goes after the command's name, as every option does: qa ask"),
        (["--chunk", "8", "batch", "soal.txt"], "--chunk-size goes after the command's name"),
    ],
)
def test_an_option_written_short_or_abbreviated_before_the_command_is_named(capsys, argv, said) -> None:
    """A command's parser takes ``-k3`` and ``--ind`` (argparse's abbreviations) as ``-k 3`` and
    ``--index``; typed before the command they were "unrecognized arguments: -k3" and "invalid choice:
    'idx'", the message section 136 replaced for ``--index idx``."""
    with pytest.raises(SystemExit) as stopped:
        refuse_misplaced(build_parser(), argv)
    assert stopped.value.code == 2 and said in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["-h"],
        ["--help"],
        ["--he"],  # argparse's abbreviation of --help
        ["--version"],
        ["--"],
        ["ask", "--", "--index"],  # a question that is "--index"
        ["ask", "--index", "ask", "x"],  # an index folder named like a command
        ["-", "ask"],  # no option
        ["--c", "x", "ask"],  # --corpus, --chunk-size, --content-free: argparse says it is ambiguous
        ["-x", "ask"],  # no command's option: argparse's own message
        [],
    ],
)
def test_a_command_line_argparse_reads_is_left_to_it(argv: list[str]) -> None:
    refuse_misplaced(build_parser(), argv)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--force", "ask", "x"], "qa ask has no --force option; qa index and qa batch take it"),
        (["-k", "3", "index"], "qa index has no -k option; qa ask, qa batch and qa eval take it"),
        (
            ["--doc", "a.txt", "calibrate", "f"],
            "qa calibrate has no --doc option; qa ask, qa batch and qa eval take it",
        ),
        (["--force"], "as every option does: qa index --force … (qa index and qa batch take it)"),
        (["--force", "batch", "q.txt"], "as every option does: qa batch --force …"),
    ],
)
def test_an_option_before_a_command_that_lacks_it_names_the_commands_that_take_it(capsys, argv, said) -> None:
    """Before: ``qa --force ask x`` was told ``qa index --force …``, the first command taking ``--force``,
    not that ``ask`` has none (section 140's Left)."""
    with pytest.raises(SystemExit) as stopped:
        refuse_misplaced(build_parser(), argv)
    assert stopped.value.code == 2 and said in capsys.readouterr().err
